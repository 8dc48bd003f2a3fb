package scp

import (
	"errors"
	"slices"
	"testing"
)

func TestBraceExpand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", []string{"plain"}},
		{"{a,b}", []string{"a", "b"}},
		{"x{a,b}y", []string{"xay", "xby"}},
		{"{a,b{c,d}}", []string{"a", "bc", "bd"}},
		{"{a,b}{1,2}", []string{"a1", "a2", "b1", "b2"}},
		{"f{}", []string{"f{}"}},
		{"{a}", []string{"a"}},
		{"{a,}", []string{"a,"}},
		{"[{]x", []string{"[{]x"}},
		{`\{a,b}`, nil},
		{"dir/{a,b}.txt", []string{"dir/a.txt", "dir/b.txt"}},
	}
	for _, tt := range tests {
		got, err := braceExpand(tt.in)
		if tt.want == nil {
			var be *BraceError
			if !errors.As(err, &be) {
				t.Errorf("braceExpand(%q) = %q, %v; want a BraceError", tt.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("braceExpand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestBraceErrors(t *testing.T) {
	for _, p := range []string{"a{", "a}b", "file[1", "{a,[b}", "a[b"} {
		_, err := NewNameCheck(p)
		want := `brace_expand: invalid brace pattern "` + p + `"`
		if err == nil || err.Error() != want {
			t.Errorf("NewNameCheck(%q) error = %v, want %s", p, err, want)
		}
	}
}

func TestNameCheck(t *testing.T) {
	tests := []struct {
		request string
		name    string
		want    bool
	}{
		{"/tmp/a.txt", "a.txt", true},
		{"/tmp/a.txt", "b.txt", false},
		{"*.log", "x.log", true},
		{"*.log", ".hidden.log", true},
		{"*.log", "x.txt", false},
		{"dir/", "anything", false},
		{"/d/{a,b}.txt", "b.txt", true},
		{"/d/{a,b}.txt", "c.txt", false},
		{`a\ b`, "a b", true},
		{`"a b"`, "a b", false},
		{"file[12]", "file2", true},
		{"file[!12]", "file2", false},
		{"file[!12]", "file3", true},
		{"file[^1]", "file3", true},
		{"file[a-c]", "fileb", true},
		{"file[[:digit:]]", "file7", true},
		{"file[[:digit:]]", "filex", false},
		{"?.txt", "é.txt", true},
		{"$HOME/y", "y", true},
		// The remote shell's expansions cannot be predicted, so they
		// do not match (OpenSSH 9.2 behaves the same).
		{"`echo y`", "y", false},
		{"a[b]", "a[b]", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
	}
	for _, tt := range tests {
		c, err := NewNameCheck(tt.request)
		if err != nil {
			t.Fatalf("NewNameCheck(%q): %v", tt.request, err)
		}
		if got := c.Match(tt.name); got != tt.want {
			t.Errorf("request %q, name %q: match = %v, want %v", tt.request, tt.name, got, tt.want)
		}
	}
}
