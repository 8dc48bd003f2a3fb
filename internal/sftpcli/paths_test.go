package sftpcli

import (
	"github.com/goscp/goscp/internal/sftpxfer"
	"testing"
)

func TestEscapeGlob(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/home/u", "/home/u"},
		{"a*b?c[d]e", `a\*b\?c\[d\]e`},
		{`a\b`, `a\\b`},
		{"{a,b}~!", "{a,b}~!"},
	}
	for _, tt := range tests {
		if got := escapeGlob(tt.in); got != tt.want {
			t.Errorf("escapeGlob(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUndoGlobEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{`a\*b\?c\[d`, "a*b?c[d"},
		{`a\\b`, `a\b`},
		{`a\\\*b`, `a\*b`},
		{`a\]b`, `a\]b`},
		{`a\nb`, `a\nb`},
		{`a\`, `a\`},
		{`\`, `\`},
		{`\x\*`, `\x*`},
		{`\\\`, `\\`},
	}
	for _, tt := range tests {
		if got := undoGlobEscape(tt.in); got != tt.want {
			t.Errorf("undoGlobEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// undoGlobEscape reverses escapeGlob except for "]", whose escape sftp keeps.
func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a", `a*b?c[d\e`, `\\`, `x\`} {
		if got := undoGlobEscape(escapeGlob(s)); got != s {
			t.Errorf("undoGlobEscape(escapeGlob(%q)) = %q", s, got)
		}
	}
	if got := undoGlobEscape(escapeGlob("a]")); got != `a\]` {
		t.Errorf("undoGlobEscape(escapeGlob(%q)) = %q", "a]", got)
	}
}

func TestPathAbsolute(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"/", true},
		{"/a", true},
		{"a/b", false},
		{"./a", false},
		{"~/a", false},
	}
	for _, tt := range tests {
		if got := pathAbsolute(tt.in); got != tt.want {
			t.Errorf("pathAbsolute(%q) = %v", tt.in, got)
		}
	}
}

func TestPathAppend(t *testing.T) {
	tests := []struct{ p1, p2, want string }{
		{"", "", ""},
		{"", "b", "b"},
		{"a", "", "a/"},
		{"a", "b", "a/b"},
		{"a/", "b", "a/b"},
		{"/", "b", "/b"},
		{"a", "/b", "a//b"},
		{"a//", "b", "a//b"},
	}
	for _, tt := range tests {
		if got := sftpxfer.PathAppend(tt.p1, tt.p2); got != tt.want {
			t.Errorf("sftpxfer.PathAppend(%q, %q) = %q, want %q", tt.p1, tt.p2, got, tt.want)
		}
	}
}

func TestMakeAbsolute(t *testing.T) {
	tests := []struct{ p, pwd, want string }{
		{"b", "/a", "/a/b"},
		{"b", "/", "/b"},
		{"/b", "/a", "/b"},
		{"", "/a", "/a/"},
		{"../b", "/a", "/a/../b"},
		{"~/b", "/a", "/a/~/b"},
	}
	for _, tt := range tests {
		if got := makeAbsolute(tt.p, tt.pwd); got != tt.want {
			t.Errorf("makeAbsolute(%q, %q) = %q, want %q", tt.p, tt.pwd, got, tt.want)
		}
	}
}

func TestMakeAbsolutePwdGlob(t *testing.T) {
	tests := []struct{ p, pwd, want string }{
		{"", "/a", "/a"},
		{"", "/a*", `/a\*`},
		{"*.c", "/a", "/a/*.c"},
		{"*.c", "/[x]", `/\[x\]/*.c`},
		{"/b/*", "/[x]", "/b/*"},
		{`f\*`, "/a", `/a/f\*`},
	}
	for _, tt := range tests {
		if got := makeAbsolutePwdGlob(tt.p, tt.pwd); got != tt.want {
			t.Errorf("makeAbsolutePwdGlob(%q, %q) = %q, want %q", tt.p, tt.pwd, got, tt.want)
		}
	}
}

func TestPathStrip(t *testing.T) {
	tests := []struct{ path, strip, want string }{
		{"/a/b", "", "/a/b"},
		{"/a/b", "/a", "b"},
		{"/a/b", "/a/", "b"},
		{"/a", "/a", ""},
		{"/a/", "/a", ""},
		{"/ab", "/a", "b"},
		{"/c/b", "/a", "/c/b"},
		{"/a//b", "/a", "/b"},
		{"/b", "/", "b"},
		{"a", "/a/b", "a"},
	}
	for _, tt := range tests {
		if got := pathStrip(tt.path, tt.strip); got != tt.want {
			t.Errorf("pathStrip(%q, %q) = %q, want %q", tt.path, tt.strip, got, tt.want)
		}
	}
}
