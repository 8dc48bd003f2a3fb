package sshconfig

import (
	"math"
	"net"
	"strings"
)

// strtol parses a leading integer like C's strtol: optional whitespace and
// sign, then digits of the given base. It returns the value (saturated on
// overflow), the unparsed tail and whether any digit was read.
func strtol(s string, base int) (v int64, tail string, ok bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	i := 0
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if v <= (math.MaxInt64-int64(d))/int64(base) {
			v = v*int64(base) + int64(d)
		} else {
			v = math.MaxInt64
		}
	}
	if neg {
		v = -v
	}
	return v, s[i:], i > 0
}

func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// strtonum is OpenBSD's strtonum: the whole string must be a decimal number
// within [min, max]; the error is "invalid", "too small" or "too large".
func strtonum(s string, min, max int64) (int64, string) {
	v, tail, ok := strtol(s, 10)
	switch {
	case !ok || tail != "":
		return 0, "invalid"
	case v < min:
		return 0, "too small"
	case v > max:
		return 0, "too large"
	}
	return v, ""
}

// atoiErr parses a non-negative int like ssh's atoi_err.
func atoiErr(s string) (int, string) {
	if s == "" {
		return 0, "missing"
	}
	v, errstr := strtonum(s, 0, math.MaxInt32)
	return int(v), errstr
}

// a2port parses a port number or a TCP service name; -1 when neither.
func a2port(s string) int {
	if v, errstr := strtonum(s, 0, 65535); errstr == "" {
		return int(v)
	}
	if s == "" || strings.ContainsAny(s, "/ \t") {
		return -1
	}
	p, err := net.LookupPort("tcp", s)
	if err != nil {
		return -1
	}
	return p
}

// timeUnits are the suffixes ssh's convtime accepts, in seconds.
var timeUnits = map[byte]int64{'s': 1, 'S': 1, 'm': 60, 'M': 60, 'h': 3600, 'H': 3600,
	'd': 86400, 'D': 86400, 'w': 604800, 'W': 604800}

// convtime parses ssh time values such as "90", "1h30m" or "2d" into
// seconds; ok is false for anything ssh rejects, including overflow of int.
func convtime(s string) (secs int, ok bool) {
	if s == "" {
		return 0, false
	}
	var total int64
	for s != "" {
		v, tail, ok := strtol(s, 10)
		if !ok || v < 0 {
			return 0, false
		}
		mult := int64(1)
		if tail != "" {
			m, known := timeUnits[tail[0]]
			if !known {
				return 0, false
			}
			mult, tail = m, tail[1:]
		}
		if v > math.MaxInt32/mult {
			return 0, false
		}
		total += v * mult
		if total > math.MaxInt32 {
			return 0, false
		}
		s = tail
	}
	return int(total), true
}
