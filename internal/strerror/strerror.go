// Package strerror words errors as the C library's strerror does, which is
// what OpenSSH and GNU cp print: "No such file or directory" rather than
// Go's "open x: no such file or directory".
package strerror

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// Text returns the errno's text, capitalised as C's, when err carries one;
// otherwise the error inside an *fs.PathError, *os.LinkError or
// *os.SyscallError, capitalised the same way; otherwise err's own text.
func Text(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return capitalize(errno.Error())
	}
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	var sysErr *os.SyscallError
	switch {
	case errors.As(err, &pathErr):
		return capitalize(pathErr.Err.Error())
	case errors.As(err, &linkErr):
		return capitalize(linkErr.Err.Error())
	case errors.As(err, &sysErr):
		return capitalize(sysErr.Err.Error())
	}
	return err.Error()
}

// capitalize upper-cases an ASCII first letter: Go's errno texts are C's in
// lower case.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
