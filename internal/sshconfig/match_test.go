package sshconfig

import (
	"strings"
	"testing"
)

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"host", "host", true},
		{"host", "Host", false},
		{"web1.example", "web?.example", true},
		{"web10.example", "web?.example", false},
		{"a.b.c", "*.c", true},
		{"a.b.c", "*", true},
		{"", "*", true},
		{"", "?", false},
		{"abc", "a*b*c", true},
		{"abcb", "a*b", true},
		{"abcd", "a*b", false},
		{"a*b", "a*b", true},
		{"mississippi", "m*iss*ppi", true},
		{"mississippi", "m*iss*ppx", false},
		{strings.Repeat("a", 200), strings.Repeat("*a", 40) + "b", false},
	}
	for _, tt := range tests {
		if got := matchPattern(tt.s, tt.p); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tt.s, tt.p, got, tt.want)
		}
	}
}

func TestMatchList(t *testing.T) {
	tests := []struct {
		s, list string
		lower   bool
		want    int
	}{
		{"bob", "alice,bob", false, 1},
		{"bob", "alice,carol", false, 0},
		{"bob", "*,!bob", false, -1},
		{"bob", "!bob,*", false, -1},
		{"bob", "BOB", false, 0},
		{"bob", "BOB", true, 1},
		{"", "a,", false, 0}, // the empty subpattern after a trailing comma is ignored
		{"", ",a", false, 1},
		{"", "", false, 0},
		{"x", strings.Repeat("x", maxSubpattern), false, 0},
	}
	for _, tt := range tests {
		if got := matchList(tt.s, tt.list, tt.lower); got != tt.want {
			t.Errorf("matchList(%q, %q, %v) = %d, want %d", tt.s, tt.list, tt.lower, got, tt.want)
		}
	}
	if got := matchHostname("Web1.Example", "web?.EXAMPLE,!db*"); got != 1 {
		t.Errorf("matchHostname is not case-insensitive: %d", got)
	}
}
