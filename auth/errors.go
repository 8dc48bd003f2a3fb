package auth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goscp/goscp/internal/termsafe"
)

// HostKeyError is returned through the host-key callback when the server's
// key is refused. The reasons (warning box, "... you have requested strict
// checking.") are already on Options.Stderr; Error() is ssh's final line.
// Print it like ssh's log does, followed by "\r\n".
type HostKeyError struct{}

func (*HostKeyError) Error() string { return "Host key verification failed." }

// deniedError ends a login when no method is left to try. Error() is ssh's
// line, listing the methods the server last said it would accept.
type deniedError struct {
	user, host string
	methods    []string
}

func (e *deniedError) Error() string {
	return fmt.Sprintf("%s@%s: Permission denied (%s).", e.user, e.host, termsafe.String(strings.Join(e.methods, ",")))
}

var (
	errKeyTypeMismatch = errors.New("auth: key type does not match its blob")
	errNoPrompter      = errors.New("auth: cannot prompt without a terminal or in batch mode")
	errInterrupted     = errors.New("auth: interrupted")
)
