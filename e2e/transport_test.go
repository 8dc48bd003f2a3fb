package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestProgramTransport copies with -S /usr/bin/ssh (the external program
// as transport), side by side with OpenSSH's scp given the same arguments.
func TestProgramTransport(t *testing.T) {
	bin := needOurs(t)
	needOpenSSH(t)
	const ssh = "/usr/bin/ssh"
	if _, err := os.Stat(ssh); err != nil {
		t.Skipf("%s not available: %v", ssh, err)
	}
	srv := sshdtest.Start(t, sshdtest.Config{})
	remote := t.TempDir()
	if err := os.WriteFile(filepath.Join(remote, "src"), []byte("over the ssh program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args func(local string) []string
	}{
		{"download", func(l string) []string { return []string{sshdtest.HostAlias + ":" + remote + "/src", l + "/"} }},
		{"upload", func(l string) []string { return []string{l + "/src", sshdtest.HostAlias + ":" + l + "/up"} }},
		{"missing", func(l string) []string { return []string{sshdtest.HostAlias + ":" + remote + "/nope", l + "/"} }},
		{"bad host", func(l string) []string { return []string{"-P", "1", "127.0.0.1:" + remote + "/src", l + "/"} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var results [2]string
			for i, prog := range []string{bin, opensshSCP} {
				local := t.TempDir()
				if err := os.WriteFile(filepath.Join(local, "src"), []byte("upload me\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				args := append([]string{"-S", ssh, "-F", srv.ConfigFile}, c.args(local)...)
				if prog == opensshSCP {
					args = append([]string{"-O"}, args...)
				}
				code, _, stderr := runClient(t, prog, args)
				stderr = strings.ReplaceAll(stderr, local, "{L}")
				var files []string
				entries, _ := os.ReadDir(local)
				for _, e := range entries {
					b, _ := os.ReadFile(filepath.Join(local, e.Name()))
					files = append(files, e.Name()+"="+strconv.Quote(string(b)))
				}
				results[i] = "exit " + strconv.Itoa(code) + " stderr " + strconv.Quote(stderr) + " files " + strings.Join(files, ",")
			}
			t.Log(results[0])
			if results[0] != results[1] {
				t.Errorf("ours:    %s\nOpenSSH: %s", results[0], results[1])
			}
			if (c.name == "download" || c.name == "upload") && !strings.HasPrefix(results[0], "exit 0 ") {
				t.Errorf("copy through -S failed: %s", results[0])
			}
		})
	}
}
