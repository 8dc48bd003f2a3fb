package cli

import (
	"errors"
	"github.com/goscp/goscp/internal/cmdline"
	"strings"
)

// Usage is OpenSSH 9.2 scp's usage text, printed on stderr for usage errors (exit 1).
const Usage = "usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]\n" +
	"           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]\n" +
	"           [-P port] [-S program] [-X sftp_option] source ... target\n"

// ExitError ends the command: Message is written to stderr as is, then the process exits with Code.
type ExitError struct {
	Code    int
	Message string
}

func (e *ExitError) Error() string {
	return strings.TrimRight(e.Message, "\r\n")
}

// fatalError is a message for OpenSSH's fatal(): one log line, exit 255.
type fatalError string

func (e fatalError) Error() string { return string(e) }

// errUsage asks for the usage text alone, exit 1.
var errUsage = errors.New("usage")

// exitError turns a parsing error into what scp prints and its exit status.
func exitError(argv0 string, err error) *ExitError {
	var fatal fatalError
	var bad cmdline.Error
	switch {
	case errors.As(err, &fatal):
		return &ExitError{Code: 255, Message: cmdline.LogLine(argv0, string(fatal))}
	case errors.As(err, &bad):
		return &ExitError{Code: 1, Message: cmdline.LogLine(argv0, string(bad)) + Usage}
	default:
		return &ExitError{Code: 1, Message: Usage}
	}
}
