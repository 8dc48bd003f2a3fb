package scp

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NameCheck holds what a download asked for, so that the sink can refuse
// names the remote side was not asked to send (CVE-2019-6111). OpenSSH
// applies it without -r and -T.
type NameCheck struct {
	patterns []string
}

// BraceError is a requested path whose braces or brackets do not balance.
type BraceError struct {
	Pattern string
}

func (e *BraceError) Error() string {
	return fmt.Sprintf("brace_expand: invalid brace pattern %q", e.Pattern)
}

// NewNameCheck prepares the check for a requested remote path: its brace
// alternatives ({a,b}), each reduced to the part after its last "/" and
// matched as a shell pattern, or compared as is.
func NewNameCheck(requested string) (*NameCheck, error) {
	expanded, err := braceExpand(requested)
	if err != nil {
		return nil, err
	}
	for i, p := range expanded {
		expanded[i] = p[strings.LastIndexByte(p, '/')+1:]
	}
	return &NameCheck{patterns: expanded}, nil
}

// Match reports whether a received name is one of those requested.
func (c *NameCheck) Match(name string) bool {
	for _, p := range c.patterns {
		if p == name || fnmatch(p, name) {
			return true
		}
	}
	return false
}

// braceExpand expands {a,b} alternatives the way OpenSSH's scp does before
// matching: nesting allowed, "\" escapes, no braces inside [...], and a
// lone "{}" kept literally.
func braceExpand(pattern string) ([]string, error) {
	var done []string
	work := []string{pattern}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		start, end, err := findBrace(p)
		if err != nil {
			return nil, err
		}
		if start < 0 {
			done = append(done, p)
			continue
		}
		alts, err := alternatives(p, start, end)
		if err != nil {
			return nil, err
		}
		// Pushed in reverse so they are expanded, and kept, in order.
		for i := len(alts) - 1; i >= 0; i-- {
			work = append(work, p[:start]+alts[i]+p[end+1:])
		}
	}
	return done, nil
}

// findBrace returns the first top-level brace pair, or start -1 if none.
func findBrace(p string) (start, end int, err error) {
	start, end = -1, -1
	inBracket, level := false, 0
	for i := 0; i < len(p) && end < 0; i++ {
		switch p[i] {
		case '\\':
			if i+1 < len(p) {
				i++
			}
		case '[':
			inBracket = true
		case ']':
			inBracket = false
		case '{':
			if inBracket {
				break
			}
			if i+1 < len(p) && p[i+1] == '}' {
				i++ // a lone {} is literal, as find(1) users expect
				break
			}
			if start < 0 {
				start = i
			}
			level++
		case '}':
			if inBracket {
				break
			}
			if start < 0 {
				return -1, -1, &BraceError{Pattern: p}
			}
			if level--; level <= 0 {
				end = i
			}
		}
	}
	if end < 0 && (start >= 0 || inBracket) {
		return -1, -1, &BraceError{Pattern: p}
	}
	return start, end, nil
}

// alternatives splits the inside of p[start:end+1] at top-level commas.
func alternatives(p string, start, end int) ([]string, error) {
	var alts []string
	inBracket, level := false, 0
	sel := start + 1
	for i := start + 1; i < end; i++ {
		switch p[i] {
		case '{':
			if !inBracket {
				level++
			}
		case '}':
			if !inBracket {
				level--
			}
		case '[':
			inBracket = true
		case ']':
			inBracket = false
		case '\\':
			if i < end-1 {
				i++
			}
		}
		if p[i] != ',' && i != end-1 || inBracket || level > 0 {
			continue
		}
		selEnd := i
		if i == end-1 {
			selEnd = end
		}
		alts = append(alts, p[sel:selEnd])
		sel = i + 1
	}
	if inBracket || level > 0 {
		return nil, &BraceError{Pattern: p}
	}
	return alts, nil
}

// fnmatch is fnmatch(3) with no flags: "*" and "?" match any character
// including a leading ".", "[...]" sets with "!"/"^" negation, ranges and
// [:classes:], and "\" quoting the next character.
func fnmatch(pattern, name string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for len(pattern) > 0 && pattern[0] == '*' {
				pattern = pattern[1:]
			}
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if fnmatch(pattern, name[i:]) {
					return true
				}
			}
			return false
		case '?':
			if name == "" {
				return false
			}
			_, n := utf8.DecodeRuneInString(name)
			pattern, name = pattern[1:], name[n:]
		case '[':
			r, n := utf8.DecodeRuneInString(name)
			matched, rest, ok := matchBracket(pattern[1:], r)
			if !ok {
				// An unclosed "[" is an ordinary character.
				if name == "" || name[0] != '[' {
					return false
				}
				pattern, name = pattern[1:], name[1:]
				continue
			}
			if name == "" || !matched {
				return false
			}
			pattern, name = rest, name[n:]
		default:
			if pattern[0] == '\\' && len(pattern) > 1 {
				pattern = pattern[1:]
			}
			pr, pn := utf8.DecodeRuneInString(pattern)
			nr, nn := utf8.DecodeRuneInString(name)
			if name == "" || pr != nr {
				return false
			}
			pattern, name = pattern[pn:], name[nn:]
		}
	}
	return name == ""
}

// matchBracket matches r against the set that p starts (just after "[").
// It returns the rest of the pattern after "]", or ok=false if unclosed.
func matchBracket(p string, r rune) (matched bool, rest string, ok bool) {
	negate := len(p) > 0 && (p[0] == '!' || p[0] == '^')
	if negate {
		p = p[1:]
	}
	for first := true; len(p) > 0; first = false {
		if p[0] == ']' && !first {
			return matched != negate, p[1:], true
		}
		if strings.HasPrefix(p, "[:") {
			if end := strings.Index(p[2:], ":]"); end >= 0 {
				matched = matched || inClass(p[2:2+end], r)
				p = p[2+end+2:]
				continue
			}
		}
		lo, n := bracketChar(p)
		p = p[n:]
		hi := lo
		if len(p) > 1 && p[0] == '-' && p[1] != ']' {
			hi, n = bracketChar(p[1:])
			p = p[1+n:]
		}
		matched = matched || (lo <= r && r <= hi)
	}
	return false, "", false
}

func bracketChar(p string) (rune, int) {
	if p[0] == '\\' && len(p) > 1 {
		r, n := utf8.DecodeRuneInString(p[1:])
		return r, n + 1
	}
	return utf8.DecodeRuneInString(p)
}

func inClass(class string, r rune) bool {
	switch class {
	case "alpha":
		return unicode.IsLetter(r)
	case "digit":
		return r >= '0' && r <= '9'
	case "alnum":
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case "upper":
		return unicode.IsUpper(r)
	case "lower":
		return unicode.IsLower(r)
	case "space":
		return unicode.IsSpace(r)
	case "blank":
		return r == ' ' || r == '\t'
	case "punct":
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	case "print":
		return unicode.IsPrint(r)
	case "graph":
		return unicode.IsGraphic(r) && r != ' '
	case "cntrl":
		return unicode.IsControl(r)
	case "xdigit":
		return strings.ContainsRune("0123456789abcdefABCDEF", r)
	}
	return false
}
