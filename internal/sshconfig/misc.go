package sshconfig

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goscp/goscp/internal/pattern"
)

func parseEscapeChar(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	caret := len(arg) == 2 && arg[0] == '^' && arg[1] >= 64 && arg[1] < 128
	if arg != "none" && len(arg) != 1 && !caret {
		return l.bad("Bad escape character.")
	}
	l.set(arg)
	return nil
}

var ipqosNames = map[string]bool{"none": true, "af11": true, "af12": true, "af13": true, "af21": true,
	"af22": true, "af23": true, "af31": true, "af32": true, "af33": true, "af41": true, "af42": true,
	"af43": true, "cs0": true, "cs1": true, "cs2": true, "cs3": true, "cs4": true, "cs5": true,
	"cs6": true, "cs7": true, "ef": true, "le": true, "lowdelay": true, "throughput": true, "reliability": true}

// validIPQoS accepts a DSCP name or a number 0-255 in C notation (0x.., 0..).
func validIPQoS(s string) bool {
	if ipqosNames[pattern.ASCIILower(s)] {
		return true
	}
	base, digits := 10, s
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, digits = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base = 8
	}
	v, tail, ok := strtol(digits, base)
	return ok && tail == "" && v >= 0 && v <= 255
}

// parseIPQoS stores the interactive and bulk classes; one value means both.
func parseIPQoS(l *line) error {
	first, ok := l.next()
	if !ok || !validIPQoS(first) {
		return l.bad("Bad IPQoS value: %s", nullable(first, ok))
	}
	second, ok := l.next()
	if !ok {
		second = first
	} else if !validIPQoS(second) {
		return l.bad("Bad IPQoS value: %s", second)
	}
	l.set(first + " " + second)
	return nil
}

// nullable renders a missing argument as C's printf renders NULL.
func nullable(s string, ok bool) string {
	if !ok {
		return "(null)"
	}
	return s
}

// parseRekeyLimit takes a byte count ("default" or e.g. 1G) and an optional
// interval ("none" or a time).
func parseRekeyLimit(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	if arg != "default" {
		v, errstr := scanScaled(arg)
		if errstr != "" {
			return l.bad("Bad number '%s': %s", arg, errstr)
		}
		if v != 0 && v < 16 {
			return l.bad("RekeyLimit too small")
		}
	}
	if interval, ok := l.next(); ok {
		if _, valid := convtime(interval); interval != "none" && !valid {
			return l.bad("invalid time value.")
		}
		arg += " " + interval
	}
	l.set(arg)
	return nil
}

// scanScaled parses numbers like 1.5G (units B K M G T P E, powers of 1024)
// the way OpenBSD's scan_scaled does; the error is worded like strerror.
func scanScaled(s string) (int64, string) {
	const invalid, tooBig = "Invalid argument", "Numerical result out of range"
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	sign := int64(1)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	end := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end < 0 {
		end = len(s)
	}
	number, unit := s[:end], s[end:]
	if strings.Count(number, ".") > 1 {
		return 0, invalid
	}
	whole, frac, _ := strings.Cut(number, ".")
	if len(whole) >= 21 {
		return 0, tooBig
	}
	w, err := strconv.ParseInt("0"+whole, 10, 64)
	if err != nil {
		return 0, tooBig
	}
	scale := int64(1)
	if unit != "" {
		i := strings.IndexByte("BKMGTPE", unit[0]&^0x20)
		if i < 0 || len(unit) > 1 && isAlnum(unit[1]) {
			return 0, invalid
		}
		scale = 1 << (10 * i)
	}
	if w > math.MaxInt64/scale {
		return 0, tooBig
	}
	f, _ := strconv.ParseFloat("0."+frac+"0", 64)
	return sign * (w*scale + int64(f*float64(scale))), ""
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// validTun accepts a tunnel device: "any" or a number, optionally followed
// by ":" and the remote one.
func validTun(s string) bool {
	for _, part := range strings.SplitN(s, ":", 2) {
		if strings.EqualFold(part, "any") {
			continue
		}
		if _, errstr := strtonum(part, 0, math.MaxInt32-2); errstr != "" {
			return false
		}
	}
	return true
}

func parseTunnelDevice(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	if !validTun(arg) {
		return l.bad("Bad tun device.")
	}
	l.set(arg)
	return nil
}

// parseBindMask stores an octal mode. ssh applies it whatever the block
// state and lets the last one win, so this does too.
func parseBindMask(l *line) error {
	arg, ok := l.next()
	if !ok || arg == "" {
		return l.bad("Missing StreamLocalBindMask argument.")
	}
	v, _, digits := strtol(arg, 8)
	if !digits || v < 0 || v > 0o777 {
		return l.bad("Bad mask.")
	}
	l.ev.values[l.name] = []string{fmt.Sprintf("0%o", v)}
	return nil
}

var digestNames = map[string]string{"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}

func parseFingerprintHash(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	name, ok := digestNames[pattern.ASCIILower(arg)]
	if !ok {
		return l.bad("Invalid hash algorithm \"%s\".", arg)
	}
	l.set(name)
	return nil
}

var logLevels = map[string]string{"quiet": "SILENT", "silent": "SILENT", "fatal": "FATAL", "error": "ERROR",
	"info": "INFO", "verbose": "VERBOSE", "debug": "DEBUG", "debug1": "DEBUG", "debug2": "DEBUG2", "debug3": "DEBUG3"}

func parseLogLevel(l *line) error {
	arg, ok := l.next()
	level, known := logLevels[pattern.ASCIILower(arg)]
	if !ok || !known {
		if !ok {
			arg = "<NONE>"
		}
		return l.bad("unsupported log level '%s'", arg)
	}
	l.set(level)
	return nil
}

var facilities = map[string]bool{"DAEMON": true, "USER": true, "AUTH": true, "AUTHPRIV": true,
	"LOCAL0": true, "LOCAL1": true, "LOCAL2": true, "LOCAL3": true, "LOCAL4": true, "LOCAL5": true,
	"LOCAL6": true, "LOCAL7": true}

// parseSyslogFacility: ssh keeps the first facility it reads, even from an
// inactive block.
func parseSyslogFacility(l *line) error {
	arg, ok := l.next()
	name := strings.ToUpper(arg)
	if !ok || !facilities[name] {
		return l.bad("unsupported log facility '%s'", nullable(arg, ok))
	}
	if !l.ev.isSet(l.name) {
		l.ev.values[l.name] = []string{name}
	}
	return nil
}

func parseCanonicalDomains(l *line) error {
	first := !l.ev.isSet(l.name)
	var vals []string
	for i := 0; len(l.args) > 0; i++ {
		arg, _ := l.next()
		if arg == "" {
			return l.bad("keyword %s empty argument", l.kw)
		}
		if strings.EqualFold(arg, "none") && (i > 0 || len(l.args) > 0) {
			return l.bad("keyword %s \"none\" argument must appear alone.", l.kw)
		}
		domain, errstr := validDomain(arg)
		if errstr != "" {
			return l.bad("%s", errstr)
		}
		if !l.active || !first {
			continue
		}
		if len(vals) >= maxCanonDomains {
			return l.bad("too many hostname suffixes.")
		}
		vals = append(vals, domain)
	}
	if len(vals) > 0 {
		l.ev.values[l.name] = vals
	}
	return nil
}

// validDomain checks a domain name like ssh's valid_domain, returning it
// lowercased without a trailing dot, or the reason it is invalid.
func validDomain(name string) (string, string) {
	if name == "" {
		return "", "empty domain name"
	}
	if !isAlnum(name[0]) {
		return "", fmt.Sprintf("domain name \"%s\" starts with invalid character", truncate(name, 100))
	}
	lower := pattern.ASCIILower(name)
	// ssh has lowercased the name up to the offending byte when it complains.
	complain := func(i int, what string) (string, string) {
		return "", fmt.Sprintf("domain name \"%s\" contains %s", truncate(lower[:i+1]+name[i+1:], 100), what)
	}
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if c == '.' && i > 0 && lower[i-1] == '.' {
			return complain(i, "consecutive separators")
		}
		if c != '.' && c != '-' && c != '_' && !isAlnum(c) {
			return complain(i, "invalid characters")
		}
	}
	return strings.TrimSuffix(lower, "."), ""
}

// parsePermittedCNAMEs takes "none", "*" or source:target list pairs.
func parsePermittedCNAMEs(l *line) error {
	first := !l.ev.isSet(l.name)
	var vals []string
	for i := 0; len(l.args) > 0; i++ {
		arg, _ := l.next()
		switch {
		case strings.EqualFold(arg, "none"):
			if i > 0 || len(l.args) > 0 {
				return l.bad("keyword %s \"none\" argument must appear alone.", l.kw)
			}
		case arg == "*":
		default:
			arg = pattern.ASCIILower(arg)
			if i := strings.IndexByte(arg, ':'); i < 0 || i == len(arg)-1 {
				return l.bad("Invalid permitted CNAME \"%s\"", arg)
			}
		}
		if !l.active || !first {
			continue
		}
		if len(vals) >= maxCanonDomains {
			return l.bad("too many permitted CNAMEs.")
		}
		vals = append(vals, arg)
	}
	if len(vals) > 0 {
		l.ev.values[l.name] = vals
	}
	return nil
}
