package cli

import (
	"strings"

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
	bad := &URIError{Operand: raw}
	op := Operand{Remote: true, Path: ".", Raw: raw}
	rest := raw[len(uriPrefix):]
	if userInfo, hostPart, ok := strings.Cut(rest, "@"); ok {
		user, _, _ := strings.Cut(userInfo, ";")
		if user == "" {
			return Operand{}, bad
		}
		if op.User, ok = sshconfig.URLDecode(user); !ok {
			return Operand{}, bad
		}
		rest = hostPart
	}
	host, delim, tail, ok := splitHost(rest)
	if !ok || host == "" {
		return Operand{}, bad
	}
	if op.Host, ok = validDomain(cleanHostname(host)); !ok {
		return Operand{}, bad
	}
	if delim == ':' && tail != "" {
		port, after, slash := strings.Cut(tail, "/")
		if op.Port = a2port(port); op.Port <= 0 {
			return Operand{}, bad
		}
		tail = after
		if !slash {
			tail = ""
		}
	}
	if tail != "" {
		path, ok := sshconfig.URLDecode(tail)
		if !ok {
			return Operand{}, bad
		}
		op.Path = path
	}
	return op, nil
}

// splitHost is OpenSSH's hpdelim2: the host runs to the first ':' or '/', or for "[...]" to
// the ']', which must be followed by ':', '/' or nothing. delim is 0 when nothing follows.
func splitHost(s string) (host string, delim byte, tail string, ok bool) {
	end := strings.IndexAny(s, ":/")
	if strings.HasPrefix(s, "[") {
		if end = strings.IndexByte(s, ']'); end < 0 {
			return "", 0, "", false
		}
		end++
	}
	if end < 0 || end == len(s) {
		return s, 0, "", true
	}
	if s[end] != ':' && s[end] != '/' {
		return "", 0, "", false
	}
	return s[:end], s[end], s[end+1:], true
}

// validDomain is OpenSSH's valid_domain without lower-casing: a letter or digit first, then
// letters, digits, '.', '-' and '_', no "..". A trailing '.' is dropped from the result.
func validDomain(name string) (string, bool) {
	if name == "" || !isAlnum(name[0]) {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' && i > 0 && name[i-1] == '.' {
			return "", false
		}
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return "", false
		}
	}
	return strings.TrimSuffix(name, "."), true
}
