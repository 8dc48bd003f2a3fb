package scp

import (
	"os/exec"
	"testing"
)

// TestShellQuoteShells checks that each quoted word reaches a program as
// it was, through the real shells a server may log users in with.
func TestShellQuoteShells(t *testing.T) {
	words := []string{
		"plain", "two words", "it's", `"double"`, "$HOME", "${x:-y}", "`id`", "$(id)", "*", "?", "[a]", "{a,b}",
		"~", "~root", "a;b", "a|b", "a&b", "a>b", "#x", `back\slash`, `\'`, "''", "tab\there", "-x", "ü",
	}
	for _, sh := range []string{"/bin/sh", "/bin/bash"} {
		if _, err := exec.LookPath(sh); err != nil {
			t.Logf("%s: %v", sh, err)
			continue
		}
		for _, w := range words {
			out, err := exec.Command(sh, "-c", "printf %s "+shellQuote(w)).Output()
			if err != nil || string(out) != w {
				t.Errorf("%s: %q quoted as %s gave %q, %v", sh, w, shellQuote(w), out, err)
			}
		}
	}
}
