package sftp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
)

func TestCopyRangeTo(t *testing.T) {
	ctx := context.Background()
	want := randomBytes(300000, 7)
	for _, o := range transferOpts[:3] {
		t.Run(o.name, func(t *testing.T) {
			c, dir := startServer(t, o.opts)
			writeFile(t, filepath.Join(dir, "f"), want)
			f, err := c.Open(ctx, "f")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close(ctx)
			for _, r := range []struct {
				off, n int64
				short  bool
			}{
				{0, 0, false}, {0, 1, false}, {0, 300000, false}, {1, 261121, false},
				{299999, 1, false}, {123456, 32768, false},
				{299999, 2, true}, {300000, 1, true}, {400000, 10, true},
			} {
				var got bytes.Buffer
				n, err := f.CopyRangeTo(ctx, &got, r.off, r.n)
				if r.short {
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("%d+%d past the end: %d, %v; want io.ErrUnexpectedEOF", r.off, r.n, n, err)
					}
					continue
				}
				if err != nil || n != r.n || !bytes.Equal(got.Bytes(), want[r.off:r.off+r.n]) {
					t.Errorf("%d+%d: %d, %v, equal %v", r.off, r.n, n, err, bytes.Equal(got.Bytes(), want[r.off:r.off+r.n]))
				}
			}
		})
	}
}
