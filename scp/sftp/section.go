package sftp

import (
	"context"
	"fmt"
	"io"
)

// CopyRangeTo writes the n bytes of the file at off to w, with pipelined
// reads that never ask for a byte past off+n: one part of a file that
// several sessions move at once. It returns the bytes written; the file
// ending first is an error wrapping io.ErrUnexpectedEOF. At most n bytes
// are ever in flight, so n also bounds the memory a range can hold.
func (f *File) CopyRangeTo(ctx context.Context, w io.Writer, off, n int64) (int64, error) {
	r := &reader{f: f, ctx: ctx, next: off, end: off + n, size: -1}
	defer r.stop()
	var done int64
	for done < n {
		b, err := r.chunk()
		if err == io.EOF {
			return done, fmt.Errorf("sftp: %s: end of file at %d of %d bytes: %w", f.name, off+done, off+n, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return done, pathErr("read", f.name, err)
		}
		if _, err := w.Write(b); err != nil {
			return done, err
		}
		done += int64(len(b))
	}
	return done, nil
}
