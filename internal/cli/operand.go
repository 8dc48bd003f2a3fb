package cli

import "strings"

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
	sep := colon(s)
	if sep < 0 {
		return Operand{Path: s, Raw: s}, nil
	}
	return parseUserHostPath(s, sep), nil
}

// colon returns the index of the ':' that ends the host part of s, or -1 if s is local. As in
// OpenSSH's colon(): a leading ':' means local; a leading '[' or an "@[" turns on bracket mode,
// where only "]:" separates; otherwise the first ':' does; a '/' before any separator means local.
func colon(s string) int {
	if strings.HasPrefix(s, ":") {
		return -1
	}
	bracket := strings.HasPrefix(s, "[")
	for i := 0; i < len(s); i++ {
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case s[i] == '@' && next == '[':
			bracket = true
		case s[i] == ']' && next == ':' && bracket:
			return i + 1
		case s[i] == ':' && !bracket:
			return i
		case s[i] == '/':
			return -1
		}
	}
	return -1
}

// parseUserHostPath splits a remote operand at its separator sep: the user is what precedes
// the last '@' of the host part, so "u@h@x:p" is user "u@h" at host "x".
func parseUserHostPath(s string, sep int) Operand {
	op := Operand{Remote: true, Path: s[sep+1:], Raw: s}
	if op.Path == "" {
		op.Path = "."
	}
	host := s[:sep]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		op.User, host = host[:at], host[at+1:]
	}
	op.Host = cleanHostname(host)
	return op
}

// cleanHostname removes the brackets around an IPv6 address ("[::1]").
func cleanHostname(host string) string {
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		return host[1 : len(host)-1]
	}
	return host
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
