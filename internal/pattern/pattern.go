// Package pattern is the wildcard matching OpenSSH uses for host names in
// ssh_config and known_hosts, algorithm lists and SendEnv: '*' matches any
// run of bytes, '?' any single byte, everything else itself; a list is
// comma-separated and a pattern negated with '!' vetoes the whole list.
package pattern

import "strings"

// Match reports whether s matches the pattern p. It backtracks only to the
// last '*', so hostile patterns stay linear per star.
func Match(s, p string) bool {
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			si++
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// maxSubpattern is the longest comma-separated pattern ssh considers; a
// longer one makes the whole list fail to match.
const maxSubpattern = 1023

// MatchList matches s against a comma-separated list of patterns. It
// returns -1 when a negated pattern matches, 1 for a match of the others
// and 0 for none.
func MatchList(s, list string) int {
	return matchList(s, list, false)
}

// MatchHostList is MatchList for host names, which compare without regard
// to ASCII case.
func MatchHostList(host, list string) int {
	return matchList(ASCIILower(host), list, true)
}

func matchList(s, list string, lower bool) int {
	if list == "" {
		return 0
	}
	// ssh never looks at the empty pattern after a trailing comma.
	list = strings.TrimSuffix(list, ",")
	got := 0
	for sub := range strings.SplitSeq(list, ",") {
		negated := strings.HasPrefix(sub, "!")
		if negated {
			sub = sub[1:]
		}
		if len(sub) >= maxSubpattern {
			return 0
		}
		if lower {
			sub = ASCIILower(sub)
		}
		if Match(s, sub) {
			if negated {
				return -1
			}
			got = 1
		}
	}
	return got
}

// ASCIILower lowercases bytes like C's tolower in the C locale, leaving
// anything else (including invalid UTF-8) untouched.
func ASCIILower(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for j := i; j < len(b); j++ {
		if c := b[j]; 'A' <= c && c <= 'Z' {
			b[j] = c + 'a' - 'A'
		}
	}
	return string(b)
}
