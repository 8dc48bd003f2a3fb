package sshconfig

import "strings"

// matchPattern reports whether s matches the glob pattern p, where '*'
// matches any run of bytes and '?' any single byte; everything else is
// literal. It backtracks only to the last '*', so hostile patterns stay
// linear per star.
func matchPattern(s, p string) bool {
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

// maxSubpattern is the longest comma-separated subpattern ssh considers;
// a longer one makes the whole list fail to match.
const maxSubpattern = 1023

// matchList matches s against a comma-separated list of patterns, each
// optionally negated with '!'. It returns -1 when a negated pattern matches,
// 1 for a positive match and 0 otherwise. lower lowercases the patterns.
func matchList(s, list string, lower bool) int {
	got := 0
	if list == "" {
		return 0
	}
	// ssh never looks at the empty subpattern after a trailing comma.
	list = strings.TrimSuffix(list, ",")
	for _, sub := range strings.Split(list, ",") {
		negated := strings.HasPrefix(sub, "!")
		if negated {
			sub = sub[1:]
		}
		if len(sub) >= maxSubpattern {
			return 0
		}
		if lower {
			sub = asciiLower(sub)
		}
		if matchPattern(s, sub) {
			if negated {
				return -1
			}
			got = 1
		}
	}
	return got
}

// matchHostname is matchList for host names, which compare case-insensitively.
func matchHostname(host, list string) int {
	return matchList(asciiLower(host), list, true)
}

// asciiLower lowercases bytes like C's tolower in the C locale, leaving
// anything else (including invalid UTF-8) untouched.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
