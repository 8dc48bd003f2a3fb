package transport

import (
	"slices"
	"strings"
	"testing"
)

func TestAssemble(t *testing.T) {
	def := []string{"a", "b", "c", "x-impossible"}
	all := []string{"c", "b", "a", "d", "e@x", "f@x"}
	tests := []struct {
		spec string
		want string
	}{
		{"", "a,b,c"},
		{"d", "d"},
		{"d,a", "d,a"},
		{"+d", "a,b,c,d"},
		{"+a,d", "a,b,c,d"},
		{"^d", "d,a,b,c"},
		{"^c,d", "c,d,a,b"},
		{"-b", "a,c"},
		{"-*", ""},
		{"-?", ""},
		{"*@x", "e@x,f@x"},
		{"f@x,*@x", "f@x,e@x"},
		{"unknown", ""},
		{"unknown,d", "d"},
		{"+unknown", "a,b,c"},
		{"d,", "d"},
	}
	for _, tt := range tests {
		got := strings.Join(assemble(tt.spec, def, all), ",")
		if got != tt.want {
			t.Errorf("assemble(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

func TestWildmatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "abc", true},
		{"a*c", "abc", true},
		{"a*c", "abd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"aes*-ctr", "aes128-ctr", true},
		{"aes*-ctr", "aes128-gcm@openssh.com", false},
		{"abc", "abcd", false},
	}
	for _, tt := range tests {
		if got := wildmatch(tt.p, tt.s); got != tt.want {
			t.Errorf("wildmatch(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

// TestDefaultsCanBeDone checks that every default family keeps something
// after dropping what x/crypto cannot do.
func TestDefaultsCanBeDone(t *testing.T) {
	for _, f := range families {
		got := assemble("", f.defaults, f.all)
		if len(got) == 0 {
			t.Errorf("%s: nothing left of the defaults", f.keyword)
		}
		for _, n := range got {
			if !slices.Contains(f.all, n) {
				t.Errorf("%s: %s proposed but not supported", f.keyword, n)
			}
		}
	}
}

func TestParseHop(t *testing.T) {
	tests := []struct {
		in         string
		user, host string
		port       int
		bad        bool
	}{
		{in: "host", host: "host"},
		{in: "u@host", user: "u", host: "host"},
		{in: "u@host:2222", user: "u", host: "host", port: 2222},
		{in: "[::1]:22", host: "::1", port: 22},
		{in: "[::1]", host: "::1"},
		{in: "a@b@host", user: "a@b", host: "host"},
		{in: "ssh://u@host:23", user: "u", host: "host", port: 23},
		{in: "ssh://host/", host: "host"},
		{in: "host:0", bad: true},
		{in: "host:x", bad: true},
		{in: "", bad: true},
		{in: "[::1", bad: true},
	}
	for _, tt := range tests {
		user, host, port, err := parseHop(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("parseHop(%q) error %v, want bad=%v", tt.in, err, tt.bad)
			continue
		}
		if !tt.bad && (user != tt.user || host != tt.host || port != tt.port) {
			t.Errorf("parseHop(%q) = %q %q %d, want %q %q %d", tt.in, user, host, port, tt.user, tt.host, tt.port)
		}
	}
}

func TestProgramArgs(t *testing.T) {
	got := strings.Join(ProgramArgs("host", "x", 2222, []string{"-o", "Foo=bar", "-J", "j1", "-v"}), " ")
	want := "-x -oPermitLocalCommand=no -oClearAllForwardings=yes -oRemoteCommand=none -oRequestTTY=no " +
		"-o Foo=bar -J j1 -v -oForwardAgent=no -p 2222 -l x -- host"
	if got != want {
		t.Errorf("ProgramArgs:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(ProgramArgs("h", "", 0, nil), " ")
	want = "-x -oPermitLocalCommand=no -oClearAllForwardings=yes -oRemoteCommand=none -oRequestTTY=no -oForwardAgent=no -- h"
	if got != want {
		t.Errorf("ProgramArgs:\n got %s\nwant %s", got, want)
	}
}
