package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh/agent"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestRemoteDirect checks -R (the source host runs scp itself, aimed at the
// target) against OpenSSH: the command the source host receives, whether
// the agent is forwarded with -A and only then, what reaches our stdout,
// and OpenSSH's refusals. The source host's scp is a fake that records how
// it was called, since the real one would need a second host on port 22.
func TestRemoteDirect(t *testing.T) {
	bin := needOurs(t)
	fake := t.TempDir()
	log := filepath.Join(fake, "calls.log")
	script := "#!/bin/sh\n" +
		"echo \"argv: $* agent: ${SSH_AUTH_SOCK:+forwarded}\" >> " + log + "\n" +
		"printf 'remote says \\033[31mhi\\n'\n"
	if err := os.WriteFile(filepath.Join(fake, "scp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Config{RemotePath: fake})
	sock := serveAgent(t)

	cases := []struct {
		name string
		args []string
		exit int
	}{
		{"plain", []string{"-R", "sshdtest:/src/a", "u@thost:/dst"}, 0},
		{"recursive-agent", []string{"-R", "-r", "-p", "-A", "sshdtest:/src/d", "thost:/dst dir"}, 0},
		{"several-sources", []string{"-R", "sshdtest:/s1", "sshdtest:/s2", "thost:/dst"}, 0},
		{"uri-port", []string{"-R", "sshdtest:/src/a", "scp://thost:2222/x"}, 255},
		{"bad-target-user", []string{"-R", "sshdtest:/src/a", "b'ad@thost:x"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got [2]string
			for i, prog := range []string{bin, opensshSCP} {
				os.Remove(log)
				args := append([]string{"-F", srv.ConfigFile}, c.args...)
				if prog == opensshSCP {
					args = append([]string{"-O"}, args...)
				}
				code, stdout, stderr := runClient(t, prog, args, "SSH_AUTH_SOCK="+sock)
				if code != c.exit {
					t.Errorf("%s: exit %d, want %d (stderr %q)", prog, code, c.exit, stderr)
				}
				calls, _ := os.ReadFile(log)
				stderr = strings.ReplaceAll(stderr, prog+": ", "scp: ")
				// On purpose we show the remote's escapes; OpenSSH passes them raw.
				stdout = strings.ReplaceAll(stdout, "\x1b", `\033`)
				got[i] = "stdout " + stdout + "\nstderr " + stderr + "\ncalls " + string(calls)
			}
			if got[0] != got[1] {
				t.Errorf("ours:\n%s\nOpenSSH:\n%s", got[0], got[1])
			}
			if c.exit == 0 && !strings.Contains(got[0], "argv: ") {
				t.Errorf("the source host's scp was not run:\n%s", got[0])
			}
		})
	}
	t.Run("sanitised-output", func(t *testing.T) {
		_, stdout, _ := runClient(t, bin, []string{"-F", srv.ConfigFile, "-R", "sshdtest:/a", "thost:/b"}, "SSH_AUTH_SOCK="+sock)
		if stdout != `remote says \033[31mhi`+"\n" {
			t.Errorf("stdout %q: the remote's output must reach us with escapes made visible", stdout)
		}
	})
}

// serveAgent runs an empty in-memory ssh-agent on a unix socket.
func serveAgent(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	keyring := agent.NewKeyring()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				agent.ServeAgent(keyring, conn)
				conn.Close()
			}()
		}
	}()
	return sock
}
