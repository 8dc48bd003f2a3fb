package sshconfig

import (
	"net/netip"
	"strconv"
	"strings"
)

// looksLikeAddress is ssh's quick test: such names are never lowercased.
func looksLikeAddress(name string) bool {
	return strings.ContainsAny(name, "%:") || strings.Trim(name, "0123456789.") == ""
}

// numericAddress parses name the way getaddrinfo does with AI_NUMERICHOST
// (IPv4 in inet_aton's forms such as 127.1 or 0x7f.1, or IPv6) and returns
// its canonical spelling. family is the AddressFamily setting.
func numericAddress(name, family string) (string, bool) {
	if family != "inet6" {
		if ip, ok := inetAton(name); ok {
			return ip.String(), true
		}
	}
	if family == "inet" || strings.Contains(name, "%") {
		// A scoped address is only valid for an existing interface, and
		// ssh then prints it back unchanged, so leave it alone.
		return "", false
	}
	ip, err := netip.ParseAddr(name)
	if err != nil || !ip.Is6() {
		return "", false
	}
	return ip.String(), true
}

// inetAton parses a.b.c.d, a.b.c, a.b or a, each part decimal, octal
// (leading 0) or hex (0x), the last part filling the remaining bytes.
func inetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := atonPart(p)
		last := i == len(parts)-1
		limit := uint64(255)
		if last {
			limit = 1<<(8*(5-len(parts))) - 1
		}
		if !ok || n > limit {
			return netip.Addr{}, false
		}
		if last {
			v = v<<(8*(5-len(parts))) | n
		} else {
			v = v<<8 | n
		}
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func atonPart(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base = 8
	}
	if p == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}
