package cli

import (
	"github.com/goscp/goscp/internal/sshconfig"
)

// uriPrefix marks an scp URI: scp://[user[;params]@]host[:port][/path] (the scheme is
// matched case-sensitively, as OpenSSH does).
const uriPrefix = "scp://"

// URIError reports an scp:// operand that OpenSSH rejects. Its text is scp's message; the
// operand is unsanitised, so print it through the output sanitiser.
type URIError struct {
	Operand string
}

func (e *URIError) Error() string { return e.Operand + ": invalid uri" }

// parseURI follows OpenSSH's parse_uri: the user ends at the first '@' anywhere after "//"
// (so "scp://h/a@b" is user "h/a" at host "b"), ";params" are dropped, user and path are
// URL-decoded, the host must be a valid domain name (no IPv6 literal), a port must be
// valid and non-zero, and the '/' after host or port separates rather than starts the path.
func parseURI(raw string) (Operand, error) {
	user, host, port, path, ok := sshconfig.ParseURI(raw[len(uriPrefix):])
	if !ok {
		return Operand{}, &URIError{Operand: raw}
	}
	op := Operand{Remote: true, User: user, Host: host, Path: ".", Raw: raw}
	if port > 0 {
		op.Port = port
	}
	if path != "" {
		if op.Path, ok = sshconfig.URLDecode(path); !ok {
			return Operand{}, &URIError{Operand: raw}
		}
	}
	return op, nil
}
