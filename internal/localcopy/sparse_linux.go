package localcopy

import (
	"context"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// copySparse copies only the data extents of in, leaving holes in out,
// which cp does too for files with holes. done is false when the file
// system cannot tell where the holes are and nothing was copied.
func copySparse(ctx context.Context, out, in *os.File, size int64, buf []byte) (done bool, err error) {
	sc, err := in.SyscallConn()
	if err != nil {
		return false, nil
	}
	seek := func(off int64, whence int) (pos int64, err error) {
		if cerr := sc.Control(func(fd uintptr) { pos, err = unix.Seek(int(fd), off, whence) }); cerr != nil {
			return 0, cerr
		}
		return pos, err
	}
	for off := int64(0); off < size; {
		data, err := seek(off, unix.SEEK_DATA)
		if err == unix.ENXIO {
			break // nothing but a hole up to the end
		}
		if err != nil {
			if off == 0 {
				return false, nil
			}
			return true, &os.PathError{Op: "read", Path: in.Name(), Err: err}
		}
		hole, err := seek(data, unix.SEEK_HOLE)
		if err != nil {
			return true, &os.PathError{Op: "read", Path: in.Name(), Err: err}
		}
		if _, err := in.Seek(data, io.SeekStart); err != nil {
			return true, err
		}
		if _, err := out.Seek(data, io.SeekStart); err != nil {
			return true, err
		}
		if err := copyN(ctx, out, in, hole-data, buf); err != nil {
			return true, err
		}
		off = hole
	}
	return true, out.Truncate(size)
}
