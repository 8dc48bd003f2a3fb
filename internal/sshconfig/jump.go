package sshconfig

import (
	"strconv"
	"strings"
)

// parseProxyCommand stores the command verbatim, first one winning. A
// ProxyJump obtained earlier counts as a ProxyCommand; "ProxyJump none"
// does not (Debian's 9.2 carries OpenSSH's 2026 fix making the two
// first-match-wins between each other).
func parseProxyCommand(l *line) error {
	cmd := l.commandText()
	if l.active && !l.ev.proxyCmd {
		l.ev.proxyCmd = true
		l.set(cmd)
	}
	return nil
}

// parseProxyJump checks every hop of [user@]host[:port] or ssh:// URIs and
// stores the list the way ssh -G prints it. From the command line, hop
// names must also be safe for a shell. "none" stores nothing but still
// takes the ProxyJump slot.
func parseProxyJump(l *line) error {
	spec := l.commandText()
	if strings.EqualFold(spec, "none") {
		l.ev.jumpSet = l.ev.jumpSet || l.active
		return nil
	}
	hops := spec
	if i := strings.IndexByte(hops, '#'); i >= 0 {
		hops = hops[:i]
	}
	hops = strings.TrimRight(hops, " \t\r\n")
	list := strings.Split(hops, ",")
	var first string
	for i := len(list) - 1; i >= 0; i-- {
		user, host, port, ok := parseHop(list[i])
		if ok && l.src.cmdline {
			ok = l.safeHop(user, host)
		}
		if !ok {
			return l.bad("Invalid ProxyJump \"%s\"", spec)
		}
		if first == "" {
			first = formatHop(user, host, port)
		}
	}
	if !l.active || l.ev.proxyCmd || l.ev.jumpSet {
		return nil
	}
	l.ev.proxyCmd, l.ev.jumpSet = true, true
	if i := strings.LastIndexByte(hops, ','); i >= 0 {
		first = hops[:i] + "," + first
	}
	l.set(first)
	return nil
}

// safeHop applies the destination's shell-safety rules to a jump host.
func (l *line) safeHop(user, host string) bool {
	if !validHostname(host) {
		l.ev.print("parse_jump: invalid hostname \"%s\"", host)
		return false
	}
	if user != "" && !validRemoteUser(user) {
		l.ev.print("parse_jump: invalid username \"%s\"", user)
		return false
	}
	return true
}

// formatHop writes a hop like ssh -G: numeric hosts in brackets.
func formatHop(user, host string, port int) string {
	s := host
	if strings.Contains(host, ":") || strings.Trim(host, "1234567890.") == "" {
		s = "[" + host + "]"
	}
	if user != "" {
		s = user + "@" + s
	}
	if port > 0 {
		s += ":" + strconv.Itoa(port)
	}
	return s
}

// parseHop parses one jump host; port is -1 when absent.
func parseHop(s string) (user, host string, port int, ok bool) {
	if rest, isURI := strings.CutPrefix(s, "ssh://"); isURI {
		return parseSSHURI(rest)
	}
	port = -1
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if i == 0 {
			return "", "", 0, false
		}
		user, s = s[:i], s[i+1:]
	}
	host, rest, ok := hpdelim(s)
	if !ok || host == "" {
		return "", "", 0, false
	}
	if rest != nil && *rest != "" {
		if port = a2port(*rest); port <= 0 {
			return "", "", 0, false
		}
	}
	return user, host, port, true
}

// parseSSHURI parses the part of ssh://[user[;params]@]host[:port][/] after
// the scheme. A path is not allowed for a jump host.
func parseSSHURI(s string) (user, host string, port int, ok bool) {
	user, host, port, path, ok := ParseURI(s)
	return user, host, port, ok && path == ""
}

// ParseURI parses what follows "ssh://" or "scp://" as OpenSSH's parse_uri
// does: [user[;params]@]host[:port][/path]. The user ends at the first '@'
// (so "h/a@b" is user "h/a" at host "b"), params are dropped and the user is
// URL-decoded; the host must be a valid domain name, returned without a
// trailing dot (so no IPv6 address); a port must be valid and non-zero, -1
// when absent; path is what follows the '/' after host or port, still
// encoded. ok is false for anything else.
func ParseURI(s string) (user, host string, port int, path string, ok bool) {
	port = -1
	if info, rest, found := strings.Cut(s, "@"); found {
		info, _, _ = strings.Cut(info, ";")
		if info == "" {
			return "", "", 0, "", false
		}
		if user, ok = URLDecode(info); !ok {
			return "", "", 0, "", false
		}
		s = rest
	}
	host, rest, found := hpdelim(s)
	if !found || host == "" {
		return "", "", 0, "", false
	}
	if _, errstr := validDomain(host); errstr != "" {
		return "", "", 0, "", false
	}
	host = strings.TrimSuffix(host, ".") // kept in its case, unlike CanonicalDomains
	if rest != nil {
		path = *rest
		if s[len(s)-len(path)-1] == ':' && path != "" {
			p, after, _ := strings.Cut(path, "/")
			if port = a2port(p); port <= 0 {
				return "", "", 0, "", false
			}
			path = after
		}
	}
	return user, host, port, path, true
}

// URLDecode undoes the %XX escapes and '+' (a space) of an ssh:// or
// scp:// URI's user or path; ok is false for a bad escape and for %00, which
// OpenSSH 10.1 refuses and Debian's 9.2 too: a C string would end there.
func URLDecode(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || digitValue(s[i+1]) > 15 || digitValue(s[i+2]) > 15 || s[i+1:i+3] == "00" {
				return "", false
			}
			b.WriteByte(byte(digitValue(s[i+1])<<4 | digitValue(s[i+2])))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), true
}
