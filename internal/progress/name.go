package progress

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// statsCols is the widest text progressbar appends to our name column, for transfers under 100 hours.
const statsCols = len(" 100% ") + len(" ") + len("(1023 MiB, 1023 MiB/s)") + len(" [99h59m59s:99h59m59s]")

// describe lays out the name column: the terminal width less progressbar's fields, a separating space and one
// spare column (a line reaching the last column wraps on some terminals and breaks the \r redraw). Like OpenSSH,
// a terminal too narrow for any of the name gets none.
func describe(name string, cols int) string {
	n := cols - 1 - statsCols - 1
	if n <= 0 {
		return ""
	}
	return nameField(name, n) + " "
}

// nameField sanitises name for the terminal and fits it to exactly cols columns. Printable characters pass;
// every byte of a control, other non-graphic or invalid UTF-8 character becomes \ooo, so a hostile name cannot
// send escape sequences (CVE-2019-6109). It is cut before the first character or escape that would pass cols,
// then padded with spaces.
func nameField(name string, cols int) string {
	var b strings.Builder
	used := 0
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		piece, w := name[i:i+size], runeCols(r)
		if (r == utf8.RuneError && size == 1) || !unicode.IsGraphic(r) {
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
// columns wide). Missing a rarer wide rune costs one column, which the spare column in describe absorbs.
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
		{Lo: 0x1f900, Hi: 0x1f9ff, Stride: 1}, // supplemental symbols and pictographs
		{Lo: 0x20000, Hi: 0x3fffd, Stride: 1}, // CJK extensions B and later
	},
}
