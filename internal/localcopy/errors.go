package localcopy

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// errText is the C library's wording of err's errno, as cp prints it
// ("No such file or directory"); Go's table for it is the same text in
// lower case.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errno
	} else if u := errors.Unwrap(err); u != nil {
		err = u
	}
	s := err.Error()
	if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

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
