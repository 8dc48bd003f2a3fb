package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestIPv6Literal copies to and from [::1] with the bracketed operand and
// the scp:// URI form (which OpenSSH rejects for IPv6 literals), side by side
// with OpenSSH.
func TestIPv6Literal(t *testing.T) {
	bin := needOurs(t)
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		l.Close()
	}
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"ListenAddress ::1"}})
	hostKeys, err := os.ReadFile(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	knownV6 := filepath.Join(t.TempDir(), "known_hosts")
	v6 := strings.ReplaceAll(string(hostKeys), "[127.0.0.1]", "[::1]")
	if err := os.WriteFile(knownV6, []byte(v6), 0o600); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(srv.Port)
	cases := []struct {
		name string
		args func(dir string) []string
	}{
		{"upload", func(d string) []string { return []string{"-P", port, d + "/src", "[::1]:" + d + "/up"} }},
		{"download", func(d string) []string { return []string{"-P", port, srv.User + "@[::1]:" + d + "/src", d + "/down"} }},
		{"uri", func(d string) []string {
			return []string{"scp://" + srv.User + "@[::1]:" + port + "/" + d + "/src", d + "/uri"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var results [2]string
			for i, prog := range []string{bin, opensshSCP} {
				dir := t.TempDir()
				if err := os.WriteFile(dir+"/src", []byte("v6 payload\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				args := append([]string{"-F", srv.ConfigFile, "-o", "UserKnownHostsFile=" + knownV6}, c.args(dir)...)
				if prog == opensshSCP {
					args = append([]string{"-O"}, args...)
				}
				code, _, stderr := runClient(t, prog, args)
				stderr = strings.ReplaceAll(stderr, dir, "{D}")
				written, _ := os.ReadDir(dir)
				var names []string
				for _, e := range written {
					names = append(names, e.Name())
				}
				results[i] = "exit " + strconv.Itoa(code) + " stderr " + strconv.Quote(stderr) + " files " + strings.Join(names, ",")
			}
			t.Log(results[0])
			if results[0] != results[1] {
				t.Errorf("ours:    %s\nOpenSSH: %s", results[0], results[1])
			}
			if c.name != "uri" && !strings.HasPrefix(results[0], "exit 0 ") {
				t.Errorf("copy over [::1] failed: %s", results[0])
			}
		})
	}
}
