package sshconfig

import (
	"strconv"
	"strings"
)

// Limits ssh puts on forwarding endpoints (NI_MAXHOST, sizeof sun_path).
const (
	maxHostLen       = 1025
	maxSocketPathLen = 108
)

// forward is one parsed LocalForward, RemoteForward or DynamicForward.
type forward struct {
	listenHost, listenPath   string
	connectHost, connectPath string
	listenPort, connectPort  int
}

// fwdArg is one colon-separated field of a forwarding specification.
type fwdArg struct {
	arg  string
	path bool // contains a '/': a Unix socket rather than a port
}

// parseForward handles the three forwarding keywords; ssh keeps distinct
// forwards in order and drops exact repeats.
func parseForward(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	dynamic, remote := l.name == "dynamicforward", l.name == "remoteforward"
	spec := arg
	if !dynamic {
		target, ok := l.next()
		switch {
		case ok && target != "":
			spec = arg + ":" + target
		case remote:
			dynamic = true
		default:
			return l.bad("Missing target argument.")
		}
	}
	f, ok := parseForwardSpec(spec, dynamic, remote)
	if !ok {
		return l.bad("Bad forwarding specification.")
	}
	text := f.listen()
	if l.name != "dynamicforward" {
		text += " " + f.connect()
	}
	l.add(text, text)
	return nil
}

func (f forward) listen() string {
	switch {
	case f.listenPath != "":
		return f.listenPath
	case f.listenHost == "":
		return strconv.Itoa(f.listenPort)
	}
	return "[" + f.listenHost + "]:" + strconv.Itoa(f.listenPort)
}

func (f forward) connect() string {
	if f.connectPath != "" {
		return f.connectPath
	}
	return "[" + f.connectHost + "]:" + strconv.Itoa(f.connectPort)
}

// parseForwardSpec reads [listenhost:]listenport|listenpath:connecthost:connectport|connectpath
// (or, dynamic, [listenhost:]listenport) and applies ssh's checks.
func parseForwardSpec(spec string, dynamic, remote bool) (forward, bool) {
	var f forward
	spec, err := expand(spec, nil, true)
	if err != nil {
		return f, false
	}
	args, ok := splitForward(strings.TrimLeft(spec, " \t\n\v\f\r"))
	if !ok {
		return f, false
	}
	switch n := len(args); {
	case n == 1 || n == 2 && !args[1].path:
		f.listenHost, f.listenPath, f.listenPort = listenEnd(args[:n-1], args[n-1])
		f.connectHost = "socks"
	case n == 2:
		f.listenHost, f.listenPath, f.listenPort = listenEnd(nil, args[0])
		f.connectPath = args[1].arg
	case n == 3 && args[0].path:
		f.listenPath = args[0].arg
		f.connectHost, f.connectPort = args[1].arg, a2port(args[2].arg)
	case n == 3 && args[2].path:
		f.listenHost, f.listenPort = args[0].arg, a2port(args[1].arg)
		f.connectPath = args[2].arg
	case n == 3:
		f.listenPort = a2port(args[0].arg)
		f.connectHost, f.connectPort = args[1].arg, a2port(args[2].arg)
	case n == 4:
		f.listenHost, f.listenPort = args[0].arg, a2port(args[1].arg)
		f.connectHost, f.connectPort = args[2].arg, a2port(args[3].arg)
	}
	return f, f.valid(len(args), dynamic, remote)
}

// listenEnd interprets the listening side given an optional host field.
func listenEnd(host []fwdArg, last fwdArg) (string, string, int) {
	if len(host) == 1 {
		return host[0].arg, "", a2port(last.arg)
	}
	if last.path {
		return "", last.arg, portPath
	}
	return "", "", a2port(last.arg)
}

// portPath marks an endpoint that is a Unix socket path.
const portPath = -2

func (f forward) valid(n int, dynamic, remote bool) bool {
	if f.listenPath != "" {
		f.listenPort = portPath
	}
	if f.connectPath != "" {
		f.connectPort = portPath
	}
	if dynamic {
		if n != 1 && n != 2 {
			return false
		}
	} else {
		if n != 3 && n != 4 && f.connectPath == "" && f.listenPath == "" {
			return false
		}
		if f.connectPort <= 0 && f.connectPath == "" {
			return false
		}
	}
	if f.listenPort < 0 && f.listenPath == "" || !remote && f.listenPort == 0 {
		return false
	}
	return len(f.connectHost) < maxHostLen && len(f.listenHost) < maxHostLen &&
		len(f.connectPath) < maxSocketPathLen && len(f.listenPath) < maxSocketPathLen
}

// splitForward splits a forwarding spec into at most four fields. A field in
// [brackets] is literal (for IPv6); elsewhere a backslash escapes the next
// byte. ok is false for a malformed field or anything left over.
func splitForward(s string) (args []fwdArg, ok bool) {
	for len(args) < 4 && s != "" {
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 || end+1 < len(s) && s[end+1] != ':' {
				return nil, false
			}
			args = append(args, fwdArg{s[1:end], strings.Contains(s[1:end], "/")})
			s = s[min(end+2, len(s)):]
			continue
		}
		var b strings.Builder
		arg := fwdArg{}
		i := 0
		for ; i < len(s) && s[i] != ':'; i++ {
			switch {
			case s[i] == '\\' && i+1 == len(s):
				return nil, false
			case s[i] == '\\':
				i++
			case s[i] == '/':
				arg.path = true
			}
			b.WriteByte(s[i])
		}
		arg.arg = b.String()
		args = append(args, arg)
		s = s[min(i+1, len(s)):]
	}
	return args, s == ""
}

// parsePermitRemoteOpen takes "any", "none" or host:port entries; ssh treats
// a malformed entry as fatal rather than as a bad line.
func parsePermitRemoteOpen(l *line) error {
	first := !l.ev.isSet(l.name)
	var vals []string
	n := 0
	for ; len(l.args) > 0; n++ {
		arg, _ := l.next()
		if strings.EqualFold(arg, "none") || strings.EqualFold(arg, "any") {
			if n > 0 || len(l.args) > 0 {
				return l.bad("keyword %s \"%s\" argument must appear alone.", l.kw, arg)
			}
		} else if _, port, ok := hpdelim(arg); !ok {
			return l.ev.fatal(nil, "%s line %d: missing host in permitremoteopen", l.src.name, l.num)
		} else if port == nil || *port != "*" && a2port(*port) <= 0 {
			return l.ev.fatal(nil, "%s line %d: bad port number in permitremoteopen", l.src.name, l.num)
		}
		if l.active && first {
			vals = append(vals, arg)
		}
	}
	if n == 0 {
		return l.ev.fatal(nil, "%s line %d: missing permitremoteopen specification", l.src.name, l.num)
	}
	if len(vals) > 0 {
		l.ev.values[l.name] = vals
	}
	return nil
}

// hpdelim splits "host:port", "[v6]:port" or "host/port" like ssh's
// hpdelim. port is nil when there is no delimiter; ok is false for a
// malformed bracket.
func hpdelim(s string) (host string, port *string, ok bool) {
	end := 0
	if strings.HasPrefix(s, "[") {
		i := strings.IndexByte(s, ']')
		if i < 0 {
			return "", nil, false
		}
		end = i + 1
	} else if i := strings.IndexAny(s, ":/"); i >= 0 {
		end = i
	} else {
		end = len(s)
	}
	if end == len(s) {
		return cleanHostname(s), nil, true
	}
	if s[end] != ':' && s[end] != '/' {
		return "", nil, false
	}
	rest := s[end+1:]
	return cleanHostname(s[:end]), &rest, true
}

// cleanHostname removes the brackets around an IPv6 address.
func cleanHostname(h string) string {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}
