package sshconfig

import (
	"slices"
	"testing"
)

func TestCursor(t *testing.T) {
	tests := []struct {
		in   string
		want []string // tokens until next reports none
	}{
		{"User bob", []string{"User", "bob"}},
		{"User=bob", []string{"User", "bob"}},
		{"User = bob", []string{"User", "bob"}},
		{"User  =  bob", []string{"User", "bob"}},
		{"User==bob", []string{"User", "", "bob"}}, // only one "=" belongs to the separator
		{`"Host" x`, []string{"Host", "x"}},
		{`a"b c"d e`, []string{"ab c", "d", "e"}},
		{`host "unterminated`, []string{"host"}},
		{"  lead", []string{"", "lead"}},
		{"", []string{""}},
		{"x\ty", []string{"x", "y"}},
	}
	for _, tt := range tests {
		c := &cursor{s: tt.in}
		var got []string
		for {
			tok, ok := c.next()
			if !ok {
				break
			}
			got = append(got, tok)
			if len(got) > 10 {
				t.Fatalf("%q: no progress", tt.in)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"a b\tc", []string{"a", "b", "c"}, true},
		{`"a b" 'c d'`, []string{"a b", "c d"}, true},
		{`a"b c"d`, []string{"ab cd"}, true},
		{`"it's"`, []string{"it's"}, true},
		{`a\ b \"q\" \\ \x`, []string{"a b", `"q"`, `\`, `\x`}, true},
		{`"a\ b"`, []string{`a\ b`}, true},
		{"x # comment", []string{"x"}, true},
		{"x#y", []string{"x#y"}, true},
		{"#all", nil, true},
		{`""`, []string{""}, true},
		{`"open`, nil, false},
		{`a 'b`, nil, false},
		{`trail\`, []string{`trail\`}, true},
	}
	for _, tt := range tests {
		got, ok := SplitArgs(tt.in)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTrimLine(t *testing.T) {
	tests := map[string]string{
		"User x \t\r\f":  "User x",
		" ":              " ", // ssh never strips the first byte
		"User x\x00tail": "User x",
		"":               "",
	}
	for in, want := range tests {
		if got := trimLine(in); got != want {
			t.Errorf("trimLine(%q) = %q, want %q", in, got, want)
		}
	}
}
