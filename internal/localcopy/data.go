package localcopy

import (
	"context"
	"io"
	"os"
)

// chunk is how much data is copied between looks at the context.
const chunk = 32 << 20

// copyContents copies in to out through buf, or through the kernel
// (copy_file_range and the like) where io.Copy between files can; a
// sparse regular file keeps its holes where the system can find them.
func copyContents(ctx context.Context, out, in *os.File, st fileInfo, buf []byte) error {
	if st.kind == kindRegular && st.size > 0 && st.blocks*512 < st.size {
		if done, err := copySparse(ctx, out, in, st.size, buf); done {
			return err
		}
	}
	return copyN(ctx, out, in, -1, buf)
}

// copyN copies n bytes, or up to the end when n < 0, a chunk at a time.
func copyN(ctx context.Context, out, in *os.File, n int64, buf []byte) error {
	for n != 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		step := int64(chunk)
		if n > 0 && n < step {
			step = n
		}
		m, err := io.CopyBuffer(out, io.LimitReader(in, step), buf)
		if err != nil {
			return err
		}
		if n > 0 {
			n -= m
		}
		if m < step {
			return nil // the end of in
		}
	}
	return nil
}
