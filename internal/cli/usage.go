package cli

import (
	"errors"
	"fmt"
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
	var bad getoptError
	switch {
	case errors.As(err, &fatal):
		return &ExitError{Code: 255, Message: logLine(argv0, string(fatal))}
	case errors.As(err, &bad):
		return &ExitError{Code: 1, Message: logLine(argv0, string(bad)) + Usage}
	default:
		return &ExitError{Code: 1, Message: Usage}
	}
}

// msgBufSize is MSGBUFSIZ of OpenSSH's log.c; each formatting stage there truncates to it, so
// over-long messages lose their tail (and even the final CR LF) exactly as scp's do.
const msgBufSize = 1024

// logLine formats msg as OpenSSH's logger writes to stderr before log_init has a level: the
// message made safe with strnvis(VIS_SAFE|VIS_OCTAL), prefixed by argv0 as typed (not made
// safe) and ended by CR LF.
func logLine(argv0, msg string) string {
	vis := strnvis(truncate(msg, msgBufSize-1), msgBufSize-1)
	return truncate(argv0+": "+truncate(vis, msgBufSize-3)+"\r\n", msgBufSize-1)
}

func truncate(s string, n int) string {
	return s[:min(len(s), n)]
}

// strnvis encodes s like strnvis(3) with VIS_SAFE|VIS_OCTAL, stopping before the first
// encoding that would not fit in limit bytes.
func strnvis(s string, limit int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		enc := visByte(s[i])
		if b.Len()+len(enc) > limit {
			break
		}
		b.WriteString(enc)
	}
	return b.String()
}

// visByte keeps printable ASCII, space and the "safe" controls \t \n \r \b \a, doubles a
// backslash and writes any other byte as \ooo.
func visByte(c byte) string {
	switch {
	case c == '\\':
		return `\\`
	case c >= '!' && c <= '~', c == ' ', c == '\t', c == '\n', c == '\r', c == '\b', c == '\a':
		return string(rune(c))
	default:
		return fmt.Sprintf(`\%03o`, c)
	}
}
