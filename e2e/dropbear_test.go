package e2e

// Dropbear as a second SSH server implementation (sshdtest.StartDropbear):
// the differential cases (cases_test.go, but for those about the remote
// user's home, a temporary one under Dropbear) plus dropbearCases
// run side by side as in TestDifferential, a 20 MiB file goes both ways
// through Dropbear's small windows, and -3 relays between Dropbear and
// OpenSSH's sshd.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// dropbearCases are about the transport to Dropbear (2022.83): many
// sessions on one connection, its key exchanges, ciphers and MACs, and
// what neither side shares (only our client role runs those: the remote
// scp does not take part).
var dropbearCases = []dcase{
	{"down-many-sessions", 0, 1, "scp: {R}/nope: No such file or directory\n", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/b.txt", "sshdtest:{R}/empty", "sshdtest:{R}/ro.txt",
		"sshdtest:{R}/nope", "sshdtest:{R}/x.sh", "sshdtest:{R}/x.log", "sshdtest:{R}/y.log", "sshdtest:{R}/-x", "sshdtest:{R}/a:b", "sshdtest:{R}/d/one.txt", "dest/"},
		L{"local/dest/a.txt", "local/dest/a:b=colon\n", "local/dest/one.txt=one\n", "local/dest/ro.txt@0444"}, nil},
	{"up-cipher-chacha20", clientOnly, 0, "", L{"-c", "chacha20-poly1305@openssh.com", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"down-cipher-aes128-ctr", clientOnly, 0, "", L{"-c", "aes128-ctr", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt=alpha\n"}, nil},
	{"up-r-cipher-aes256-ctr", clientOnly, 0, "", L{"-r", "-c", "aes256-ctr", "d", "sshdtest:{R}/dest/"}, L{"remote/dest/d/sub/two.txt=two\n"}, nil},
	{"down-mac-hmac-sha1", clientOnly, 0, "", L{"-c", "aes128-ctr", "-o", "MACs=hmac-sha1", "sshdtest:{R}/b.txt", "dest/"}, L{"local/dest/b.txt=bravo\n"}, nil},
	{"up-mac-hmac-sha2-256", big | clientOnly, 0, "", L{"-c", "aes256-ctr", "-o", "MACs=hmac-sha2-256", "big.bin", "sshdtest:{R}/dest/"}, L{"remote/dest/big.bin"}, nil},
	{"down-kex-curve25519", clientOnly, 0, "", L{"-o", "KexAlgorithms=curve25519-sha256", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt"}, nil},
	{"down-kex-ecdh-nistp256", clientOnly, 0, "", L{"-o", "KexAlgorithms=ecdh-sha2-nistp256", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt"}, nil},
	{"down-kex-ecdh-nistp384", clientOnly, 0, "", L{"-o", "KexAlgorithms=ecdh-sha2-nistp384", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt"}, nil},
	{"down-kex-ecdh-nistp521", clientOnly, 0, "", L{"-o", "KexAlgorithms=ecdh-sha2-nistp521", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt"}, nil},
	{"up-kex-dh-group14-sha256", clientOnly, 0, "", L{"-o", "KexAlgorithms=diffie-hellman-group14-sha256", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-kex-dh-group14-sha1", clientOnly, 0, "", L{"-o", "KexAlgorithms=diffie-hellman-group14-sha1", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-compression", clientOnly, 0, "", L{"-C", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-accept-new-host-key", clientOnly, 0, "Warning: Permanently added '[127.0.0.1]:{PORT}' (ED25519) to the list of known hosts.\r\n",
		L{"-o", "UserKnownHostsFile={L}/kh", "-o", "StrictHostKeyChecking=accept-new", "a.txt", "sshdtest:{R}/dest/"}, L{"local/kh", "remote/dest/a.txt"}, nil},
	// Dropbear offers rsa-sha2-256 without an RSA key and fails an assertion.
	{"dropbear-fails-rsa-host-key", clientOnly, 1, "Connection closed by 127.0.0.1 port {PORT}\r\nlost connection\n", L{"-o", "HostKeyAlgorithms=rsa-sha2-256", "a.txt", "sshdtest:{R}/dest/"}, L{"!remote/dest/a.txt"}, nil},
	{"no-shared-cipher", clientOnly, 1, "no matching cipher found", L{"-c", "aes192-ctr", "a.txt", "sshdtest:{R}/dest/"}, L{"!remote/dest/a.txt"}, nil},
	{"no-shared-kex", clientOnly, 1, "no matching key exchange method found", L{"-o", "KexAlgorithms=diffie-hellman-group16-sha512", "sshdtest:{R}/a.txt", "dest/"}, L{"!local/dest/a.txt"}, nil},
	{"no-shared-mac", clientOnly, 1, "no matching MAC found", L{"-c", "aes128-ctr", "-o", "MACs=hmac-sha2-512", "sshdtest:{R}/a.txt", "dest/"}, L{"!local/dest/a.txt"}, nil},
}

// TestDropbearDifferential runs the case table and dropbearCases against
// Dropbear: OpenSSH's scp -O as the reference, our client (remote scp
// OpenSSH's) and our server role (client OpenSSH's, remote scp ours).
func TestDropbearDifferential(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	plain := sshdtest.StartDropbear(t, sshdtest.Config{})
	oursRemote := sshdtest.StartDropbear(t, sshdtest.Config{RemotePath: oursBin})
	checkRemoteSCP(t, plain, opensshSCP)
	checkRemoteSCP(t, oursRemote, filepath.Join(oursBin, "scp"))
	ref := side{name: "openssh", prog: opensshSCP, pre: L{"-O"}, srv: plain}
	roles := []side{
		{name: "client", prog: prog, srv: plain},
		{name: "server", prog: opensshSCP, pre: L{"-O"}, srv: oursRemote},
	}
	// Under Dropbear the remote home is a temporary directory (see
	// StartDropbear): cases about the real one do not apply.
	var table []dcase
	for _, c := range append(cases[:len(cases):len(cases)], dropbearCases...) {
		if len(c.home) == 0 && c.name != "up-home-relative-path" {
			table = append(table, c)
		}
	}
	o := runSideBySide(t, table, ref, roles)
	line, bad := o.summary()
	t.Log("dropbear " + line)
	if len(bad) > 0 {
		t.Logf("disagreeing: %s", strings.Join(bad, " "))
	}
}

// runSideBySide runs each case with ref and then with each role, in
// parallel, and records whether the roles agree with ref.
func runSideBySide(t *testing.T, table []dcase, ref side, roles []side) *outcome {
	o := &outcome{cases: map[string]map[string]bool{}}
	t.Run("case", func(t *testing.T) {
		for _, c := range table {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				base := t.TempDir()
				token := newToken()
				r := runCase(t, c, ref, base, token)
				t.Logf("%s: exit %d, stderr %q", ref.name, r.exit, r.stderr)
				if d := checkExpectations(c, r, token); len(d) > 0 {
					t.Errorf("reference run (%s) does not do what the case expects:\n  argv %q\n  stderr %q\n%s", ref.name, r.argv, r.stderr, strings.Join(d, "\n"))
				}
				for _, s := range roles {
					if s.name == "server" && c.opt&clientOnly != 0 {
						continue
					}
					t.Run(s.name, func(t *testing.T) {
						got := runCase(t, c, s, base, token)
						d := compare(c, r, got)
						o.record(c.name, s.name, len(d) == 0)
						if len(d) > 0 {
							t.Errorf("%s disagrees with %s:\n  argv %q\n%s", s.name, ref.name, got.argv, strings.Join(d, "\n"))
						}
					})
				}
			})
		}
	})
	return o
}

// TestDropbearRelay copies with -3 between Dropbear ("sshdtest") and
// OpenSSH's sshd ("other"), both ways, side by side.
func TestDropbearRelay(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	db := sshdtest.StartDropbear(t, sshdtest.Config{})
	sshd := sshdtest.Start(t, sshdtest.Config{})
	// ssh_config keeps the first value: "other" gets sshd's port and
	// known_hosts, and tries sshd's key first.
	conf := fmt.Sprintf("Host other\n  HostName 127.0.0.1\n  Port %d\n  IdentityFile %s\n  UserKnownHostsFile %s\n\n%s",
		sshd.Port, sshd.ClientKey, sshd.KnownHosts, readFile(db.ConfigFile))
	both := &sshdtest.Server{User: db.User, Port: db.Port, ConfigFile: filepath.Join(t.TempDir(), "ssh_config")}
	writeFile(t, both.ConfigFile, conf)
	table := []dcase{
		{"3-dropbear-to-sshd", clientOnly, 0, "", L{"-3", "sshdtest:{R}/a.txt", "other:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
		{"3-sshd-to-dropbear-r", clientOnly, 0, "", L{"-3", "-r", "other:{R}/d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/two.txt=two\n"}, nil},
		{"3-dropbear-to-sshd-rp", clientOnly, 0, "", L{"-3", "-rp", "sshdtest:{R}/d", "other:{R}/dest"}, L{"remote/dest/d@0750"}, nil},
		{"3-sshd-to-dropbear-many", big | clientOnly, 0, "", L{"-3", "other:{R}/big.bin", "other:{R}/x.sh", "sshdtest:{R}/dest/"}, L{"remote/dest/big.bin", "remote/dest/x.sh@0755"}, nil},
	}
	ref := side{name: "openssh", prog: opensshSCP, pre: L{"-O"}, srv: both}
	o := runSideBySide(t, table, ref, []side{{name: "client", prog: prog, srv: both}})
	line, bad := o.summary()
	t.Log("dropbear -3 " + line)
	if len(bad) > 0 {
		t.Logf("disagreeing: %s", strings.Join(bad, " "))
	}
}

// TestDropbearBigFile sends 20 MiB up and down through Dropbear, whose
// channel window (24 KiB by default) the data has to cross many times:
// each client with each remote scp, the copies intact and nothing said.
func TestDropbearBigFile(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	servers := map[string]*sshdtest.Server{
		"openssh-remote": sshdtest.StartDropbear(t, sshdtest.Config{}),
		"ours-remote":    sshdtest.StartDropbear(t, sshdtest.Config{RemotePath: oursBin}),
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "big.bin")
	writeRandom(t, src, 20<<20, 0o644)
	for name, srv := range servers {
		for _, who := range bothClients {
			t.Run(name+"/"+who, func(t *testing.T) {
				t.Parallel()
				work := t.TempDir()
				env := clientEnv(work, srv.User)
				remote := filepath.Join(work, "remote")
				if err := os.Mkdir(remote, 0o755); err != nil {
					t.Fatal(err)
				}
				// A minute each (runTimeout), not clientTimeout: the data
				// is big and the machine may be slow.
				run := func(args ...string) clientRun {
					return command(t, who, whoProg(t, who), work, env, runTimeout, clientArgs(who, srv.ConfigFile, args...)...).run(t)
				}
				up := run(src, sshdtest.HostAlias+":"+remote+"/")
				up.wantExit(t, 0)
				down := run(sshdtest.HostAlias+":"+remote+"/big.bin", "back.bin")
				down.wantExit(t, 0)
				if up.stderr+down.stderr != "" {
					t.Errorf("%s: stderr %q", who, up.stderr+down.stderr)
				}
				wantSame(t, who, filepath.Join(remote, "big.bin"), src)
				wantSame(t, who, filepath.Join(work, "back.bin"), src)
			})
		}
	}
}
