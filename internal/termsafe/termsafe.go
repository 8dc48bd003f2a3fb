// Package termsafe makes text from untrusted peers safe to print on a
// terminal: escape sequences and other control characters are shown as
// visible \ooo octal escapes instead of being interpreted (CVE-2019-6109,
// CVE-2019-6110).
package termsafe

import (
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// utf8Locale reports whether the environment's character set is UTF-8;
// otherwise only printable ASCII passes, as in OpenSSH under the C locale.
var utf8Locale = isUTF8Locale(os.Getenv)

// UTF8 reports whether the environment selects a UTF-8 character set, as
// setlocale(LC_ALL, "") would: LC_ALL, then LC_CTYPE, then LANG.
func UTF8() bool { return utf8Locale }

func isUTF8Locale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// String returns s with every character that is not printable in the
// current locale replaced by the \ooo escapes of its bytes. Newlines, tabs
// and carriage returns are kept, as OpenSSH keeps them in messages.
func String(s string) string {
	return sanitize(s, utf8Locale)
}

func sanitize(s string, utf8Mode bool) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := rune(s[0]), 1
		if utf8Mode && s[0] >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s)
		}
		if printable(r, size, utf8Mode) {
			b.WriteString(s[:size])
		} else {
			for i := 0; i < size; i++ {
				writeOctal(&b, s[i])
			}
		}
		s = s[size:]
	}
	return b.String()
}

// isClean is the fast path: plain printable ASCII needs no work.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\n' && c != '\t' && c != '\r') || c >= 0x7f {
			return false
		}
	}
	return true
}

func printable(r rune, size int, utf8Mode bool) bool {
	switch {
	case r == '\n' || r == '\t' || r == '\r':
		return true
	case r == utf8.RuneError && size == 1:
		return false
	case r < utf8.RuneSelf:
		return r >= ' ' && r < 0x7f
	}
	// Format characters such as bidi overrides are not shown raw either:
	// they can reorder what the user reads.
	return utf8Mode && unicode.IsGraphic(r)
}

func writeOctal(b *strings.Builder, c byte) {
	b.WriteByte('\\')
	b.WriteByte('0' + c>>6)
	b.WriteByte('0' + c>>3&7)
	b.WriteByte('0' + c&7)
}
