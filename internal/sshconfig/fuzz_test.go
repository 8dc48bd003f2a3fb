package sshconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary config text through Evaluate: it must not panic
// or hang, and must return either a Config or an error.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Host web\n  HostName %h.example.com\n  User deploy\n  Port 2222\n"))
	f.Add([]byte("Match host *.example originalhost web !user root exec true\n  IdentityFile ~/.ssh/%r@%h\n"))
	// Match exec runs $SHELL; make every command a harmless failure.
	f.Setenv("SHELL", "/bin/false")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text []byte) {
		// Include could name devices or huge trees outside the test;
		// any spelling of the keyword contains one of these.
		lower := bytes.ToLower(text)
		if bytes.Contains(lower, []byte("inc")) || bytes.Contains(lower, []byte("clude")) {
			t.Skip()
		}
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Evaluate(Request{Host: "web", ConfigFile: path, Home: dir, LocalUser: "me",
			Options: []string{"Compression yes"}})
		if (c == nil) == (err == nil) {
			t.Fatalf("Evaluate returned %v and %v", c, err)
		}
		if c != nil && (c.HostName == "" || c.User == "" || c.Port <= 0) {
			t.Fatalf("incomplete config: %+v", c)
		}
	})
}
