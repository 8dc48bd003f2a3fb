package termsafe

import (
	"bytes"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		in      string
		utf8, c string
	}{
		{"plain text", "plain text", "plain text"},
		{"a\nb\tc\rd", "a\nb\tc\rd", "a\nb\tc\rd"},
		{"\x1b[31mred", `\033[31mred`, `\033[31mred`},
		{"\x01\x7f", `\001\177`, `\001\177`},
		{"é", "é", `\303\251`},
		{"\xff", `\377`, `\377`},
		{"\u0085", `\302\205`, `\302\205`},
		{"a\u202eb", `a\342\200\256b`, `a\342\200\256b`},
		{`back\slash`, `back\slash`, `back\slash`},
		{"\x1b]0;title\x07", `\033]0;title\007`, `\033]0;title\007`},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in, true); got != tt.utf8 {
			t.Errorf("sanitize(%q, utf8) = %q, want %q", tt.in, got, tt.utf8)
		}
		if got := sanitize(tt.in, false); got != tt.c {
			t.Errorf("sanitize(%q, C) = %q, want %q", tt.in, got, tt.c)
		}
	}
}

func TestLocale(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"LANG": "en_US.UTF-8"}, true},
		{map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, false},
		{map[string]string{"LC_CTYPE": "C.utf8"}, true},
		{map[string]string{"LC_ALL": "POSIX", "LC_CTYPE": "C.UTF-8"}, false},
		{map[string]string{"LANG": "C", "LC_ALL": "de_DE.UTF-8"}, true},
		{map[string]string{"LANG": "en_US.utf8"}, true},
	}
	for _, tt := range tests {
		if got := isUTF8Locale(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("isUTF8Locale(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestWriterJoinsSplitCharacters(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	defer func(old bool) { utf8Locale = old }(utf8Locale)
	utf8Locale = true
	w.Write([]byte("caf\xc3"))
	w.Write([]byte("\xa9 \x1b[2J\nnext"))
	if out.String() != "café \\033[2J\n" {
		t.Fatalf("after two writes: %q", out.String())
	}
	w.Close()
	if out.String() != "café \\033[2J\nnext" {
		t.Fatalf("after close: %q", out.String())
	}
}
