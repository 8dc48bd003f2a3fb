package cmdline

import "strings"

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

// SplitRemote reads s as OpenSSH's parse_user_host_path does: ok when colon finds a
// separator; the user is what precedes the last '@' of the host part, so "u@h@x:p" is user
// "u@h" at host "x"; the host loses IPv6 brackets; the path may be empty.
func SplitRemote(s string) (user, host, path string, ok bool) {
	sep := colon(s)
	if sep < 0 {
		return "", "", "", false
	}
	host = s[:sep]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		user, host = host[:at], host[at+1:]
	}
	return user, CleanHostname(host), s[sep+1:], true
}

// CleanHostname removes the brackets around an IPv6 address ("[::1]").
func CleanHostname(host string) string {
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		return host[1 : len(host)-1]
	}
	return host
}
