package localcopy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goscp/goscp/internal/termsafe"
)

// quote shows a file name the way GNU cp does in its messages: the
// "shell-escape-always" style of `ls --quoting-style`, which a POSIX shell
// reads back as the same name. Every character the locale cannot print
// is written as a $'\ooo' (or $'\n'-style) escape, so no name can put
// control sequences on the terminal.
func quote(s string) string {
	return quoteName(s, termsafe.UTF8())
}

func quoteName(s string, utf8Mode bool) string {
	q := shellQuoter{utf8: utf8Mode}
	q.run(s, false)
	if q.sawQuote {
		// A name with an apostrophe reads better in double quotes, when
		// nothing in it means anything inside them.
		if q.doubleOK {
			return `"` + s + `"`
		}
		// Quote again, writing this time. GNU starts the second pass in
		// the $'...' state the first one ended in, which shows as a stray
		// '' after the opening quote; cp's users see that, so we do too.
		q.run(s, q.inEscape)
	}
	return q.b.String() + "'"
}

type shellQuoter struct {
	utf8 bool
	b    strings.Builder
	// inEscape: the output is inside a $'...' sequence.
	inEscape bool
	sawQuote bool
	// doubleOK: every character means the same inside double quotes.
	doubleOK bool
}

// run writes s inside single quotes, all but the closing one.
func (q *shellQuoter) run(s string, inEscape bool) {
	q.b.Reset()
	q.b.WriteByte('\'')
	q.inEscape = inEscape
	q.doubleOK = true
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		var letter byte // the backslash escape of a C control character
		printable := true
		plain := false // the same inside double quotes
		switch c {
		case '\a':
			letter = 'a'
		case '\b':
			letter = 'b'
		case '\f':
			letter = 'f'
		case '\n':
			letter = 'n'
		case '\r':
			letter = 'r'
		case '\t':
			letter = 't'
		case '\v':
			letter = 'v'
		case '\'':
			q.sawQuote = true
			plain = true
			// Close the quotes (or the $'...'), an escaped quote, reopen.
			q.b.WriteString(`'\'`)
			q.inEscape = false
		case '{', '}':
			plain = len(s) == 1
		case '#', '~':
			plain = i == 0
		case ' ':
			plain = true
		case '!', '"', '$', '&', '(', ')', '*', ';', '<', '=', '>', '?', '[', '\\', '^', '`', '|':
		default:
			switch {
			case isPlainASCII(c):
				plain = true
			case q.utf8:
				r, n := utf8.DecodeRuneInString(s[i:])
				switch {
				case r == utf8.RuneError && n <= 1 && !utf8.FullRuneInString(s[i:]):
					// A sequence cut short by the end of the name.
					size, printable = len(s)-i, false
				case r == utf8.RuneError && n <= 1:
					printable = false
				default:
					size, printable = n, printableRune(r)
				}
			default:
				printable = c >= ' ' && c < 0x7f
			}
			plain = printable
		}
		switch {
		case letter != 0:
			q.startEscape()
			q.b.WriteByte('\\')
			q.b.WriteByte(letter)
			plain = false
		case !printable:
			q.startEscape()
			for j := i; j < i+size; j++ {
				b := s[j]
				q.b.Write([]byte{'\\', '0' + b>>6, '0' + b>>3&7, '0' + b&7})
			}
		default:
			if q.inEscape {
				q.b.WriteString("''") // end the $'...' and reopen plain quotes
				q.inEscape = false
			}
			q.b.WriteString(s[i : i+size])
		}
		if !plain {
			q.doubleOK = false
		}
		i += size
	}
}

func (q *shellQuoter) startEscape() {
	if !q.inEscape {
		q.b.WriteString(`'$'`)
		q.inEscape = true
	}
}

// isPlainASCII: letters, digits and % + , - . / : ] _ mean nothing to a
// shell; neither does @.
func isPlainASCII(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("%+,-./:]_@", c) >= 0
}

// printableRune follows glibc's iswprint in UTF-8 locales: everything
// assigned except control characters and the line and paragraph
// separators (format characters included).
func printableRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs, unicode.Cf, unicode.Co)
}
