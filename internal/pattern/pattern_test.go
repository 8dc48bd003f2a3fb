package pattern

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"", "", true},
		{"", "*", true},
		{"", "?", false},
		{"a", "", false},
		{"host.example.com", "*.example.com", true},
		{"example.com", "*.example.com", false},
		{"web1", "web?", true},
		{"web12", "web?", false},
		{"abcabd", "*abd", true},
		{"aXbXc", "a*b*c", true},
		{"aXbXd", "a*b*c", false},
		{"A", "a", false}, // case matters to Match itself
		{"[h]", "[h]", true},
		{"x", "[x]", false}, // brackets are literal, unlike fnmatch
		{"a*", "a\\*", false},
		{"a*b", "a*b", true},
		{"mississippi", "m*iss*ppi", true},
		{"mississippi", "m*iss*ppx", false},
		{"aes128-ctr", "aes*-ctr", true},
		{"aes128-gcm@openssh.com", "aes*-ctr", false},
		{strings.Repeat("a", 5000), strings.Repeat("*a", 40) + "b", false},
	}
	for _, tt := range tests {
		if got := Match(tt.s, tt.p); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.s, tt.p, got, tt.want)
		}
	}
}

func TestMatchList(t *testing.T) {
	long := strings.Repeat("x", maxSubpattern)
	tests := []struct {
		s, list string
		want    int
	}{
		{"a", "", 0},
		{"a", "a", 1},
		{"a", "b,a", 1},
		{"a", "b,c", 0},
		{"a", "*,!a", -1},
		{"a", "!a,*", -1},
		{"b", "*,!a", 1},
		{"b", "!a", 0},
		{"a", "a,", 1},
		{"", ",", 1},  // the empty pattern before the comma
		{"", "a,", 0}, // but not the one after a trailing comma
		{"", ",a", 1},
		{"", "", 0},
		{"a", "a," + long, 0}, // an overlong pattern spoils the whole list
		{"a", "a," + long[1:], 1},
		{"Host", "host", 0},
	}
	for _, tt := range tests {
		if got := MatchList(tt.s, tt.list); got != tt.want {
			t.Errorf("MatchList(%q, %.20q) = %d, want %d", tt.s, tt.list, got, tt.want)
		}
	}
}

func TestMatchHostList(t *testing.T) {
	tests := []struct {
		host, list string
		want       int
	}{
		{"Host.Example.COM", "*.example.com", 1},
		{"host.example.com", "*.EXAMPLE.com", 1},
		{"host.example.com", "*,!HOST.*", -1},
		{"hôst", "HÔST", 0}, // only ASCII folds, as in the C locale
		{"hôst", "hôst", 1},
	}
	for _, tt := range tests {
		if got := MatchHostList(tt.host, tt.list); got != tt.want {
			t.Errorf("MatchHostList(%q, %q) = %d, want %d", tt.host, tt.list, got, tt.want)
		}
	}
}

func TestASCIILower(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "ABC": "abc", "aBÇ\xff": "abÇ\xff"} {
		if got := ASCIILower(in); got != want {
			t.Errorf("ASCIILower(%q) = %q, want %q", in, got, want)
		}
	}
}
