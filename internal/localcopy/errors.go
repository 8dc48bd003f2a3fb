package localcopy

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

func isNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }

func isPermission(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EINVAL)
}

func isUnsupported(err error) bool { return errors.Is(err, errors.ErrUnsupported) }

// isReadError says a failed copy failed reading from in rather than
// writing: os reports a read with in's name.
func isReadError(err error, in *os.File) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Op == "read" && pe.Path == in.Name()
}
