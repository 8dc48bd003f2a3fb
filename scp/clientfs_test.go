package scp

import (
	"errors"
	"testing"
)

func TestRemoteCommand(t *testing.T) {
	tests := []struct {
		flags, role, path string
		expand            bool
		want              string
	}{
		{"", "-t", "uploads/", false, "scp -t uploads/"},
		{" -r -p", "-f", "/var/log", false, "scp -r -p -f /var/log"},
		{"", "-t", "", false, "scp -t ."},
		{"", "-t", "two words", false, "scp -t 'two words'"},
		{"", "-t", "it's", false, `scp -t 'it'\''s'`},
		{"", "-f", "$HOME/*.txt", false, `scp -f '$HOME/*.txt'`},
		{"", "-f", "~/x", false, `scp -f '~/x'`},
		{"", "-t", "-x", false, "scp -t -- -x"},
		{"", "-t", "-x y", false, "scp -t -- '-x y'"},
		{"", "-f", "$HOME/*.txt", true, "scp -f $HOME/*.txt"},
		{"", "-f", "-*", true, "scp -f -- -*"},
	}
	for _, tt := range tests {
		if got := remoteCommand(tt.flags, tt.role, tt.path, tt.expand); got != tt.want {
			t.Errorf("remoteCommand(%q, %q, %q, %v) = %q, want %q", tt.flags, tt.role, tt.path, tt.expand, got, tt.want)
		}
	}
}

// TestEscapePattern: a literal path's name check matches only that name.
func TestEscapePattern(t *testing.T) {
	tests := []struct {
		path  string
		match []string
		not   []string
	}{
		{"dir/{a,b}", []string{"{a,b}"}, []string{"a", "b"}},
		{"*.txt", []string{"*.txt"}, []string{"a.txt"}},
		{`a\b?[c]`, []string{`a\b?[c]`}, []string{`a\bx[c]`, "abxc"}},
		{"plain", []string{"plain"}, []string{"plai", "plainx"}},
	}
	for _, tt := range tests {
		check, err := NewNameCheck(escapePattern(tt.path))
		if err != nil {
			t.Fatalf("%q: %v", tt.path, err)
		}
		for _, name := range tt.match {
			if !check.Match(name) {
				t.Errorf("%q does not match %q", tt.path, name)
			}
		}
		for _, name := range tt.not {
			if check.Match(name) {
				t.Errorf("%q matches %q", tt.path, name)
			}
		}
	}
}

func TestCommandErrorSanitised(t *testing.T) {
	e := &CommandError{Command: "scp -t x", Stderr: "oops\n", Err: errors.New("Process exited with signal KILL. Reason: \x1b[2J")}
	want := `remote command scp -t x: Process exited with signal KILL. Reason: \033[2J: oops`
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
