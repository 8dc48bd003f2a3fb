package progress

import "testing"

// setUTF8 sets whether the locale is UTF-8 for one test.
func setUTF8(t *testing.T, on bool) {
	old := utf8Locale
	utf8Locale = func() bool { return on }
	t.Cleanup(func() { utf8Locale = old })
}

func TestNameFieldCLocale(t *testing.T) {
	setUTF8(t, false)
	if got, want := nameField("é日", 20), `\303\251\346\227\245`; got != want {
		t.Errorf("nameField in the C locale = %q, want %q", got, want)
	}
}

func TestNameField(t *testing.T) {
	setUTF8(t, true)
	tests := []struct {
		name string
		cols int
		want string
	}{
		{"plain", 8, "plain   "},
		{"exact", 5, "exact"},
		{"longer than cols", 6, "longer"},
		{"\x1b[31mred", 12, `\033[31mred `},
		{"a\x01b\x7fc", 11, `a\001b\177c`},
		{"tab\tnl\ncr\r", 20, `tab\011nl\012cr\015 `},
		{"é", 2, "é "},                        // valid UTF-8 passes
		{"\xffx", 5, `\377x`},                 // invalid byte
		{"c1\u0085", 10, `c1\302\205`},        // C1 control: every byte escaped
		{"rlo\u202e", 16, `rlo\342\200\256 `}, // format character (bidi override)
		{`back\slash`, 10, `back\slash`},      // backslash itself is kept
		{"ab\x1bcd", 5, "ab   "},              // cut before an escape that would not fit, never inside it
		{"日本語", 5, "日本 "},                     // wide characters count two columns, cut whole
		{"日本語", 6, "日本語"},
		{"e\u0301x", 2, "e\u0301x"}, // a combining mark takes no column
		{"", 3, "   "},
		{"name", 0, ""},
		{"name", -4, ""},
	}
	for _, tt := range tests {
		if got := nameField(tt.name, tt.cols); got != tt.want {
			t.Errorf("nameField(%q, %d) = %q, want %q", tt.name, tt.cols, got, tt.want)
		}
	}
}
