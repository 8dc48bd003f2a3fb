package auth

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// HostKeyError is returned through the host-key callback when the server's
// key is refused. Error() is ssh's complete message, ending in
// "Host key verification failed."; any warning box went to Options.Stderr
// before it.
type HostKeyError struct {
	msg string
}

func (e *HostKeyError) Error() string { return e.msg }

func hostKeyFailed(lines ...string) *HostKeyError {
	return &HostKeyError{msg: strings.Join(append(lines, "Host key verification failed."), "\n")}
}

// deniedError ends a login when no method is left to try. Error() is ssh's
// line, listing the methods the server last said it would accept.
type deniedError struct {
	user, host string
	methods    []string
}

func (e *deniedError) Error() string {
	return fmt.Sprintf("%s@%s: Permission denied (%s).", e.user, e.host, sanitize(strings.Join(e.methods, ",")))
}

var (
	errKeyTypeMismatch = errors.New("auth: key type does not match its blob")
	errNoPrompter      = errors.New("auth: cannot prompt without a terminal or in batch mode")
	errInterrupted     = errors.New("auth: interrupted")
)

// strerror words a file error as the C library does, which is what ssh
// prints: "No such file or directory".
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
