package progress

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goscp/goscp/internal/termsafe"
)

// nameField sanitises name for the terminal and fits it to exactly cols columns. Printable characters pass;
// every byte of a control, other non-graphic or invalid UTF-8 character (any non-ASCII one outside a UTF-8
// locale, as in OpenSSH) becomes \ooo, so a hostile name cannot
// send escape sequences (CVE-2019-6109). It is cut before the first character or escape that would pass cols,
// then padded with spaces.
func nameField(name string, cols int) string {
	var b strings.Builder
	used := 0
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		piece, w := name[i:i+size], runeCols(r)
		if (r == utf8.RuneError && size == 1) || !unicode.IsGraphic(r) || (size > 1 && !utf8Locale()) {
			piece, w = octal(piece), 4*size
		}
		if used+w > cols {
			break
		}
		b.WriteString(piece)
		used += w
		i += size
	}
	b.WriteString(strings.Repeat(" ", max(cols-used, 0)))
	return b.String()
}

// utf8Locale tells whether non-ASCII names may be shown as they are.
var utf8Locale = termsafe.UTF8

// octal writes each byte of s as a backslash and three octal digits.
func octal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\%03o", s[i])
	}
	return b.String()
}

// runeCols is the columns a graphic rune takes: none for combining marks, two for East Asian wide ones.
func runeCols(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case unicode.Is(wide, r):
		return 2
	}
	return 1
}

// wide holds the main East Asian Wide and Fullwidth blocks (plus the emoji pictographs terminals draw two
// columns wide). A rarer wide rune missing here is counted one column, and pushes that line one column wider.
var wide = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x1100, Hi: 0x115f, Stride: 1}, // Hangul Jamo leading consonants
		{Lo: 0x2e80, Hi: 0x303e, Stride: 1}, // CJK radicals … CJK symbols and punctuation
		{Lo: 0x3041, Hi: 0x33ff, Stride: 1}, // Hiragana … CJK compatibility
		{Lo: 0x3400, Hi: 0x4dbf, Stride: 1}, // CJK extension A
		{Lo: 0x4e00, Hi: 0x9fff, Stride: 1}, // CJK unified ideographs
		{Lo: 0xa000, Hi: 0xa4cf, Stride: 1}, // Yi
		{Lo: 0xac00, Hi: 0xd7a3, Stride: 1}, // Hangul syllables
		{Lo: 0xf900, Hi: 0xfaff, Stride: 1}, // CJK compatibility ideographs
		{Lo: 0xfe30, Hi: 0xfe4f, Stride: 1}, // CJK compatibility forms
		{Lo: 0xff00, Hi: 0xff60, Stride: 1}, // fullwidth forms
		{Lo: 0xffe0, Hi: 0xffe6, Stride: 1}, // fullwidth signs
	},
	R32: []unicode.Range32{
		{Lo: 0x1f300, Hi: 0x1f64f, Stride: 1}, // pictographs, emoticons
		{Lo: 0x1f680, Hi: 0x1f6ff, Stride: 1}, // transport and map symbols
		{Lo: 0x1f900, Hi: 0x1f9ff, Stride: 1}, // supplemental symbols and pictographs
		{Lo: 0x1fa70, Hi: 0x1faff, Stride: 1}, // symbols and pictographs extended-A
		{Lo: 0x20000, Hi: 0x3fffd, Stride: 1}, // CJK extensions B and later
	},
}
