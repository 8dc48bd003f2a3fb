package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// Automatic fallback (README "Automatic fallback"): a copy against a
// server that lacks the protocol ours starts with must do what OpenSSH's
// scp does in the other protocol against a server that has both: the same
// tree, stdout, stderr and exit status. And where no fallback applies,
// ours must do what OpenSSH does against the same server.

// noSCP is the sshd setting that leaves scp out of the remote PATH: sshd
// takes the first SetEnv line, which Extra puts ahead of sshdtest's own
// (SHLVL=1 is kept for the reason sshdtest gives).
var noSCP = []string{"SetEnv SHLVL=1 PATH=/nonexistent"}

// fallbackCases are cases of the legacy table (cases_test.go) whose
// outcome in each protocol is known to match OpenSSH's in that protocol
// (TestDifferential, TestDifferentialSFTPMode), so that a fallback can be
// held to the protocol it falls back to.
var fallbackCases = []string{
	"up-file", "down-file", "up-many", "down-many", "up-missing-among-good", "down-missing-among-good",
	"up-r-new-target", "up-r-existing-target", "down-r-new-target", "down-r-existing-target", "up-rp",
}

// legacyCase returns the case of the legacy table named name.
func legacyCase(t *testing.T, name string) dcase {
	t.Helper()
	for _, c := range cases {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no case %q in the legacy table", name)
	return dcase{}
}

// fallbackSuite is a server lacking one protocol, how ours is run against
// it, and the reference: OpenSSH in the other protocol on a full server.
type fallbackSuite struct {
	name  string
	srv   *sshdtest.Server
	ours  []string // ours' options
	ref   side
	debug string // what ours -v says when it falls back
}

func fallbackSuites(t *testing.T) []fallbackSuite {
	plain := sshdtest.Start(t, sshdtest.Config{})
	checkSubsystem(t, plain)
	sftpRef := side{name: "openssh-sftp", prog: opensshSCP, srv: plain}
	legacyRef := side{name: "openssh", prog: opensshSCP, pre: L{"-O"}, srv: plain}
	return []fallbackSuite{
		{"no-scp", sshdtest.Start(t, sshdtest.Config{Extra: noSCP}), nil, sftpRef,
			"Remote scp not found on host sshdtest, using SFTP\n"},
		{"sftp-only", sshdtest.Start(t, sshdtest.Config{Extra: []string{"ForceCommand internal-sftp"}}), nil, sftpRef,
			"Remote allows SFTP only on host sshdtest, using SFTP\n"},
		{"no-subsystem", sshdtest.Start(t, sshdtest.Config{Subsystem: "none"}), L{"-s"}, legacyRef,
			"SFTP subsystem refused on host sshdtest, using the scp protocol\n"},
		{"missing-subsystem", sshdtest.Start(t, sshdtest.Config{Subsystem: "/nonexistent/sftp-server"}), L{"-s"}, legacyRef,
			"SFTP server ended at once on host sshdtest, using the scp protocol\n"},
	}
}

func TestFallback(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	for _, s := range fallbackSuites(t) {
		t.Run(s.name, func(t *testing.T) {
			for _, name := range fallbackCases {
				c := legacyCase(t, name)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					base := t.TempDir()
					token := newToken()
					ref, got := runPair(t, c, s.ref, side{name: "ours", prog: prog, pre: s.ours, srv: s.srv}, base, token)
					if ref.err != nil || ref.exit != 0 && name != "up-missing-among-good" && name != "down-missing-among-good" {
						t.Fatalf("OpenSSH reference run failed: exit %d, %v, stderr %q", ref.exit, ref.err, ref.stderr)
					}
					if d := compare(c, ref, got); len(d) > 0 {
						t.Errorf("ours after falling back disagrees with OpenSSH's %s:\n  argv %q\n%s", s.ref.name, got.argv, strings.Join(d, "\n"))
					}
				})
			}
			// -v says why, and shows nothing of the protocol that failed.
			for _, name := range []string{"up-file", "down-r-new-target"} {
				c := legacyCase(t, name)
				t.Run(name+"-v", func(t *testing.T) {
					t.Parallel()
					base := t.TempDir()
					token := newToken()
					ours := side{name: "ours", prog: prog, pre: append(L{"-v"}, s.ours...), srv: s.srv}
					ref, got := runPair(t, c, s.ref, ours, base, token)
					if got.exit != ref.exit {
						t.Errorf("exit %d, OpenSSH %d; stderr %q", got.exit, ref.exit, got.stderr)
					}
					if d := treeDiff(got.tree, ref.tree, ref.initial, nil, false); len(d) > 0 {
						t.Errorf("tree:\n%s", strings.Join(d, "\n"))
					}
					if !strings.Contains(got.stderr, s.debug) {
						t.Errorf("stderr lacks %q:\n%s", s.debug, got.stderr)
					}
					for _, hidden := range []string{"command not found", "This service", "Connection closed", "lost connection"} {
						if strings.Contains(got.stderr, hidden) {
							t.Errorf("stderr shows %q:\n%s", hidden, got.stderr)
						}
					}
				})
			}
		})
	}
}

// sftpOnlyRun is one side of a comparison on a server that only SFTP can
// copy through.
type sftpOnlyRun struct {
	name string
	prog string
	srv  *sshdtest.Server
}

// sftpOnlyRuns are OpenSSH's scp in SFTP mode against a plain server, and
// ours against a server without scp and one that allows only SFTP.
func sftpOnlyRuns(t *testing.T, ours string) []sftpOnlyRun {
	plain := sshdtest.Start(t, sshdtest.Config{})
	noscp := sshdtest.Start(t, sshdtest.Config{Extra: noSCP})
	forced := sshdtest.Start(t, sshdtest.Config{Extra: []string{"ForceCommand internal-sftp"}})
	return []sftpOnlyRun{{"openssh-sftp", opensshSCP, plain}, {"ours-no-scp", ours, noscp}, {"ours-sftp-only", ours, forced}}
}

// TestFallbackManyFiles falls back from an upload big enough for parallel
// sessions, whose workers find no scp before the serial session does.
func TestFallbackManyFiles(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	trees := map[string]map[string]entry{}
	for _, run := range sftpOnlyRuns(t, prog) {
		root := t.TempDir()
		src := filepath.Join(root, "local", "many")
		if err := os.MkdirAll(filepath.Join(src, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			p := filepath.Join(src, fmt.Sprintf("f%02d", i))
			if i%2 == 0 {
				p = filepath.Join(src, "sub", fmt.Sprintf("g%02d", i))
			}
			if err := os.WriteFile(p, randomBytes(1000+i*37, p[len(root):]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		remote := filepath.Join(root, "remote")
		if err := os.Mkdir(remote, 0o755); err != nil {
			t.Fatal(err)
		}
		p := command(t, run.name, run.prog, filepath.Join(root, "local"), clientEnv(t.TempDir(), run.srv.User), clientTimeout,
			"-F", run.srv.ConfigFile, "-r", "many", "sshdtest:"+remote+"/new")
		r := p.run(t)
		if r.exit != 0 || r.stdout != "" || r.stderr != "" {
			t.Errorf("%s", r)
		}
		trees[run.name] = map[string]entry{}
		if err := snapshot(trees[run.name], remote, "remote"); err != nil {
			t.Fatal(err)
		}
	}
	if len(trees["openssh-sftp"]) != 63 {
		t.Errorf("OpenSSH copied %d entries, want 63", len(trees["openssh-sftp"]))
	}
	for _, ours := range []string{"ours-no-scp", "ours-sftp-only"} {
		if d := treeDiff(trees[ours], trees["openssh-sftp"], nil, nil, false); len(d) > 0 {
			t.Errorf("%s: tree:\n%s", ours, strings.Join(d, "\n"))
		}
	}
}

// TestFallbackNeverHides: where no fallback applies, ours does what
// OpenSSH does against the same server, and tries nothing else.
func TestFallbackNeverHides(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	neither := sshdtest.Start(t, sshdtest.Config{Subsystem: "none", Extra: noSCP})
	noscp := sshdtest.Start(t, sshdtest.Config{Extra: noSCP})
	nosub := sshdtest.Start(t, sshdtest.Config{Subsystem: "none"})
	failing := t.TempDir()
	script := "#!/bin/sh\necho 'scp: cannot start: Permission denied' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(failing, "scp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	broken := sshdtest.Start(t, sshdtest.Config{RemotePath: failing})

	legacy := func(srv *sshdtest.Server, pre ...string) (side, side) {
		return side{name: "openssh", prog: opensshSCP, pre: append(L{"-O"}, pre...), srv: srv},
			side{name: "ours", prog: prog, pre: pre, srv: srv}
	}
	sftpMode := func(srv *sshdtest.Server, pre ...string) (side, side) {
		return side{name: "openssh-sftp", prog: opensshSCP, pre: pre, srv: srv},
			side{name: "ours", prog: prog, pre: append(L{"-s"}, pre...), srv: srv}
	}
	type pair struct {
		name     string
		ref, our side
		opt      opt
	}
	var pairs []pair
	add := func(name string, o opt, ref, our side) { pairs = append(pairs, pair{name, ref, our, o}) }
	r, o := legacy(neither)
	add("neither-legacy", 0, r, o)
	r, o = sftpMode(neither)
	add("neither-sftp", 0, r, o)
	r, o = legacy(broken)
	add("remote-scp-fails", 0, r, o)
	r, o = legacy(noscp, "-o", "User=nobody-goscp")
	add("login-refused-legacy", 0, r, o)
	r, o = sftpMode(nosub, "-o", "User=nobody-goscp")
	add("login-refused-sftp", 0, r, o)
	// -X atomic and -X resume need SFTP: no fallback, OpenSSH's failure.
	for _, key := range []string{"atomic", "resume"} {
		r, o = sftpMode(nosub)
		o.pre = append(o.pre, "-X", key)
		add(key+"-no-sftp", 0, r, o)
	}
	// The -S program writes the remote stderr itself, racing our messages
	// (as it races OpenSSH's).
	r, o = legacy(noscp, "-S", "/usr/bin/ssh")
	add("program-legacy", sortStderr, r, o)
	r, o = sftpMode(nosub, "-S", "/usr/bin/ssh")
	add("program-sftp", sortStderr, r, o)
	for _, p := range pairs {
		for _, name := range []string{"up-file", "down-file", "up-r-new-target"} {
			c := legacyCase(t, name)
			c.opt |= p.opt
			t.Run(p.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				base := t.TempDir()
				ref, got := runPair(t, c, p.ref, p.our, base, newToken())
				if ref.exit == 0 {
					t.Fatalf("OpenSSH's run succeeded; the case tests nothing")
				}
				if d := compare(c, ref, got); len(d) > 0 {
					t.Errorf("ours disagrees with OpenSSH:\n  argv %q\n%s", got.argv, strings.Join(d, "\n"))
				}
			})
		}
	}

	// -D runs a local server: its failure is reported as such, never
	// retried over the legacy protocol (which would work here).
	t.Run("sftp-server-path", func(t *testing.T) {
		c := legacyCase(t, "up-file")
		got := runCase(t, c, side{name: "ours", prog: prog, pre: L{"-s", "-D", "/bin/false"}, srv: nosub}, t.TempDir(), newToken())
		if got.exit != 255 || !strings.HasSuffix(got.stderr, "scp: Connection closed\r\n") {
			t.Errorf("exit %d, stderr %q; want 255 and Connection closed", got.exit, got.stderr)
		}
		if _, ok := got.tree["remote/dest/a.txt"]; ok {
			t.Error("the file was copied")
		}
	})
}

// farConfig writes an ssh_config for base's server where "far" is the
// server far, with its own host key and client key.
func farConfig(t *testing.T, base, far *sshdtest.Server) string {
	t.Helper()
	main, err := os.ReadFile(base.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	// ssh_config keeps the first value: the alias goes first.
	conf := fmt.Sprintf("Host far\n  HostName 127.0.0.1\n  Port %d\n  UserKnownHostsFile %s\n  IdentityFile %s\n\n%s",
		far.Port, far.KnownHosts, far.ClientKey, main)
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestFallbackRelay: a -3 copy between two hosts, one without scp, goes
// over SFTP on both, as OpenSSH's SFTP mode copies between two full hosts.
func TestFallbackRelay(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	plain := sshdtest.Start(t, sshdtest.Config{})
	plain2 := sshdtest.Start(t, sshdtest.Config{})
	noscp := sshdtest.Start(t, sshdtest.Config{Extra: noSCP})
	for _, c := range []struct {
		name string
		args func(src, dst string) []string // the copy from src to dst
	}{
		{"file", func(src, dst string) []string { return L{"-3", src + "/d/one.txt", dst + "/"} }},
		{"tree", func(src, dst string) []string { return L{"-3", "-r", src + "/d", dst + "/new"} }},
	} {
		for _, way := range []string{"to-no-scp", "from-no-scp"} {
			t.Run(c.name+"/"+way, func(t *testing.T) {
				t.Parallel()
				trees := map[string]map[string]entry{}
				for _, run := range []struct {
					who, prog, config string
					verbose           bool
				}{
					{"openssh-sftp", opensshSCP, farConfig(t, plain, plain2), false},
					{"ours", prog, farConfig(t, plain, noscp), false},
					{"ours-v", prog, farConfig(t, plain, noscp), true},
				} {
					root := t.TempDir()
					for _, n := range []node{dir("a", 0o755), dir("b", 0o755), dir("a/d", 0o750), file("a/d/one.txt", "one\n", 0o644),
						dir("a/d/sub", 0o700), file("a/d/sub/two.txt", "two\n", 0o600)} {
						if err := makeNode(filepath.Join(root, n.path), n); err != nil {
							t.Fatal(err)
						}
					}
					src, dst := "sshdtest:"+root+"/a", "far:"+root+"/b"
					if way == "from-no-scp" {
						src, dst = "far:"+root+"/a", "sshdtest:"+root+"/b"
					}
					args := append(L{"-F", run.config}, c.args(src, dst)...)
					if run.verbose {
						args = append(L{"-v"}, args...)
					}
					r := command(t, run.who, run.prog, root, clientEnv(t.TempDir(), plain.User), clientTimeout, args...).run(t)
					switch {
					case r.exit != 0 || r.stdout != "":
						t.Errorf("%s", r)
					case run.verbose && !strings.Contains(r.stderr, "Remote scp not found on host far, using SFTP\n"):
						t.Errorf("-v does not say why: %s", r.stderr)
					case !run.verbose && r.stderr != "":
						t.Errorf("%s", r)
					}
					trees[run.who] = map[string]entry{}
					if err := snapshot(trees[run.who], filepath.Join(root, "b"), "b"); err != nil {
						t.Fatal(err)
					}
				}
				for _, who := range []string{"ours", "ours-v"} {
					if d := treeDiff(trees[who], trees["openssh-sftp"], nil, nil, false); len(d) > 0 {
						t.Errorf("%s: tree:\n%s", who, strings.Join(d, "\n"))
					}
				}
			})
		}
	}

	// A target with neither protocol: the failure of the legacy -3 copy,
	// as OpenSSH's plus the lines that name the hosts (relay_test.go).
	t.Run("neither", func(t *testing.T) {
		neither := sshdtest.Start(t, sshdtest.Config{Subsystem: "none", Extra: noSCP})
		cfg := farConfig(t, plain, neither)
		var stderr []string
		for _, who := range bothClients {
			root := t.TempDir()
			for _, n := range []node{dir("a", 0o755), dir("b", 0o755), file("a/one.txt", "one\n", 0o644)} {
				if err := makeNode(filepath.Join(root, n.path), n); err != nil {
					t.Fatal(err)
				}
			}
			r := client(t, who, cfg, root, clientEnv(t.TempDir(), plain.User), "-3", "sshdtest:"+root+"/a/one.txt", "far:"+root+"/b/").run(t)
			r.wantExit(t, 1)
			if _, err := os.Stat(filepath.Join(root, "b", "one.txt")); err == nil {
				t.Errorf("%s copied the file", who)
			}
			stderr = append(stderr, r.stderr)
		}
		for _, line := range strings.SplitAfter(stderr[0], "\n") {
			if !strings.Contains(stderr[1], line) {
				t.Errorf("ours' stderr %q lacks OpenSSH's %q", stderr[1], line)
			}
		}
		if want := "far: remote scp exited with status 127\n"; !strings.Contains(stderr[1], want) {
			t.Errorf("ours' stderr %q lacks %q", stderr[1], want)
		}
	})
}
