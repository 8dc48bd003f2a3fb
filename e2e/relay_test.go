package e2e

// Remote-to-remote copies through us (-3): OpenSSH's legacy -3 prints none
// of the remote sides' errors (each reaches only the other remote scp);
// ours prints them, each naming the host it came from, and names a host
// whose remote scp failed without a word. OpenSSH's own lines stay as
// they are: ours is OpenSSH's stderr plus those lines.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// relayConfig writes an ssh_config where "far" is a second name for the
// server on port (the same host key), "gone" a host on a port nothing
// listens on, and everything else as in config.
func relayConfig(t *testing.T, config string, port, down int) string {
	t.Helper()
	main, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	// ssh_config keeps the first value: the aliases go first.
	conf := fmt.Sprintf("Host far\n  HostName 127.0.0.1\n  Port %d\n\nHost gone\n  HostName 127.0.0.1\n  Port %d\n\n%s", port, down, main)
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestRelayErrorsNameTheHost(t *testing.T) {
	needOpenSSH(t)
	e := startFaultEnv(t)
	down := badDeadPort(t)
	cfg := relayConfig(t, e.srv.ConfigFile, e.srv.Port, down)
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, s *fSpace) []string // the arguments
		added string                                 // our lines beyond OpenSSH's stderr ({B} is the space's base)
		same  string                                 // what both print
	}{
		{
			name: "missing-source",
			setup: func(t *testing.T, s *fSpace) []string {
				return L{"-3", "sshdtest:" + s.base + "/nope", "far:" + s.remote + "/"}
			},
			added: "sshdtest: scp: {B}/nope: No such file or directory\n",
		},
		{
			name: "target-not-writable",
			setup: func(t *testing.T, s *fSpace) []string {
				needNobody(t)
				target := filepath.Join(s.remote, "ro")
				if err := os.Mkdir(target, 0o555); err != nil {
					t.Fatal(err)
				}
				hook(t, target, asNobody)
				return L{"-3", "sshdtest:" + s.base + "/a", "far:" + target}
			},
			added: "far: scp: {B}/remote/ro/a: Permission denied\n",
		},
		{
			name: "target-missing-parent",
			setup: func(t *testing.T, s *fSpace) []string {
				return L{"-3", "sshdtest:" + s.base + "/a", e.srv.User + "@far:" + s.remote + "/nodir/x"}
			},
			added: e.srv.User + "@far: scp: {B}/remote/nodir/x: No such file or directory\n",
		},
		{
			name: "source-fails-silently",
			setup: func(t *testing.T, s *fSpace) []string {
				hook(t, filepath.Join(s.base, "a"), "exit 3")
				return L{"-3", "sshdtest:" + s.base + "/a", "far:" + s.remote + "/"}
			},
			added: "sshdtest: remote scp exited with status 3\n",
		},
		{
			name: "target-shell-banner",
			setup: func(t *testing.T, s *fSpace) []string {
				target := filepath.Join(s.remote, "in")
				if err := os.Mkdir(target, 0o755); err != nil {
					t.Fatal(err)
				}
				hook(t, target, "echo 'Welcome to far'")
				return L{"-3", "sshdtest:" + s.base + "/a", "far:" + target}
			},
			added: "far: Welcome to far\n",
		},
		{
			name: "target-host-down",
			setup: func(t *testing.T, s *fSpace) []string {
				return L{"-3", "sshdtest:" + s.base + "/a", "gone:" + s.remote + "/"}
			},
			same: "ssh: connect to host 127.0.0.1 port " + strconv.Itoa(down) + ": Connection refused\r\n",
		},
		{
			name: "source-host-down",
			setup: func(t *testing.T, s *fSpace) []string {
				return L{"-3", "gone:" + s.base + "/a", "far:" + s.remote + "/"}
			},
			same: "ssh: connect to host 127.0.0.1 port " + strconv.Itoa(down) + ": Connection refused\r\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runs := map[string]clientRun{}
			for _, who := range bothClients {
				s := newFSpace(t, e)
				writeRandom(t, filepath.Join(s.base, "a"), 1000, 0o644)
				args := tt.setup(t, s)
				r := client(t, who, cfg, s.local, s.env, args...).run(t)
				r.wantExit(t, 1)
				r.wantClean(t)
				r.stderr = strings.ReplaceAll(r.stderr, s.base, "{B}")
				runs[who] = r
			}
			o, r := runs[whoOpenSSH], runs[whoOurs]
			if o.stderr != tt.same {
				t.Errorf("OpenSSH's stderr %q, want %q", o.stderr, tt.same)
			}
			if want := tt.same + tt.added; r.stderr != want {
				t.Errorf("our stderr %q, want %q (OpenSSH's %q and ours)", r.stderr, want, o.stderr)
			}
		})
	}
}
