package cli

import (
	"strings"

	"github.com/goscp/goscp/internal/cmdline"
)

// Operand is one parsed source or target.
type Operand struct {
	Remote bool
	User   string // "" if none
	Host   string // brackets removed
	Port   int    // from an scp:// URI, 0 if none
	Path   string // remote: "." when empty; local: as typed
	Raw    string // as typed, for messages
}

// ParseOperand reads s as OpenSSH scp does: an scp:// URI (an invalid one is a *URIError),
// else [user@]host:[path] when colon finds a separator, else a local path.
func ParseOperand(s string) (Operand, error) {
	if strings.HasPrefix(s, uriPrefix) {
		return parseURI(s)
	}
	user, host, path, ok := cmdline.SplitRemote(s)
	if !ok {
		return Operand{Path: s, Raw: s}, nil
	}
	if path == "" {
		path = "."
	}
	return Operand{Remote: true, User: user, Host: host, Path: path, Raw: s}, nil
}

// CheckUser reports whether scp accepts user as a source user name (OpenSSH's okname): no
// byte >= 0x80 and none of ' " ` space #. scp prints "%s: invalid user name" for a bad one.
func CheckUser(user string) bool {
	for i := 0; i < len(user); i++ {
		if user[i] >= 0x80 || strings.IndexByte("'\"` #", user[i]) >= 0 {
			return false
		}
	}
	return true
}
