package strerror

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestText(t *testing.T) {
	_, statErr := os.Stat("/nonexistent/goscp")
	tests := []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{statErr, "No such file or directory"},
		{fmt.Errorf("copy: %w", &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}), "Permission denied"},
		{&os.LinkError{Op: "symlink", Old: "a", New: "b", Err: syscall.EEXIST}, "File exists"},
		{os.NewSyscallError("fstat", syscall.EBADF), "Bad file descriptor"},
		{&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, "File does not exist"},
		{errors.New("invalid format"), "invalid format"},
		{&fs.PathError{Op: "open", Path: "x", Err: errors.New("")}, ""},
	}
	for _, tt := range tests {
		if got := Text(tt.err); got != tt.want {
			t.Errorf("Text(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
