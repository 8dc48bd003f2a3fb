package e2e

// PuTTY's pscp (Debian putty-tools) as a client of our server role: pscp
// -scp -batch against OpenSSH's sshd with our binary as the remote scp,
// side by side with the same against OpenSSH's remote scp, through the
// differential harness (trees, exit status, stderr). pscp -v shows the
// remote scp's -v output, OpenSSH's "debug1: fd N clearing O_NONBLOCK"
// log lines included.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshdtest"
)

const (
	pscpProg    = "/usr/bin/pscp"
	puttygenBin = "/usr/bin/puttygen"
)

// pscpCases run pscp with the arguments given, "sshdtest:" standing for
// the server (see pscpWrapper). Exit status and stderr are pscp's.
var pscpCases = []dcase{
	{"pscp-up-file", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n", "remote/dest/a.txt@0644"}, nil},
	{"pscp-down-file", 0, 0, "", L{"sshdtest:{R}/b.txt", "dest/"}, L{"local/dest/b.txt=bravo\n"}, nil},
	{"pscp-up-rename", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/renamed"}, L{"remote/dest/renamed=alpha\n"}, nil},
	{"pscp-down-rename", 0, 0, "", L{"sshdtest:{R}/a.txt", "dest/renamed"}, L{"local/dest/renamed=alpha\n"}, nil},
	{"pscp-up-empty", 0, 0, "", L{"empty", "sshdtest:{R}/dest/"}, L{"remote/dest/empty="}, nil},
	{"pscp-down-empty", 0, 0, "", L{"sshdtest:{R}/empty", "dest/"}, L{"local/dest/empty="}, nil},
	{"pscp-down-5MiB", big, 0, "", L{"sshdtest:{R}/big.bin", "dest/"}, L{"local/dest/big.bin"}, nil},
	{"pscp-up-many", 0, 0, "", L{"a.txt", "b.txt", "x.sh", "sshdtest:{R}/dest"}, L{"remote/dest/b.txt", "remote/dest/x.sh@0755"}, nil},
	{"pscp-up-r", 0, 0, "", L{"-r", "d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/two.txt=two\n", "remote/dest/d/void/"}, nil},
	{"pscp-up-r-new", 0, 0, "", L{"-r", "d", "sshdtest:{R}/new"}, L{"remote/new/one.txt=one\n"}, nil},
	{"pscp-down-r", 0, 0, "", L{"-r", "sshdtest:{R}/d", "dest"}, L{"local/dest/d/sub/two.txt=two\n", "local/dest/d/void/"}, nil},
	{"pscp-down-r-new", 0, 0, "", L{"-r", "sshdtest:{R}/d", "new"}, L{"local/new/sub/two.txt=two\n"}, nil},
	{"pscp-up-p", 0, 0, "", L{"-p", "ro.txt", "x.sh", "sshdtest:{R}/dest/"}, L{"remote/dest/ro.txt@0444", "remote/dest/x.sh@0755"}, nil},
	{"pscp-down-p", 0, 0, "", L{"-p", "sshdtest:{R}/y.log", "dest/"}, L{"local/dest/y.log=y log\n"}, nil},
	{"pscp-up-rp", 0, 0, "", L{"-r", "-p", "d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/two.txt@0600"}, nil},
	{"pscp-down-rp", 0, 0, "", L{"-r", "-p", "sshdtest:{R}/d", "dest"}, L{"local/dest/d/sub/two.txt"}, nil},
	{"pscp-down-missing", 0, 1, "No such file or directory", L{"sshdtest:{R}/nope.txt", "dest/"}, L{"!local/dest/nope.txt"}, nil},
	// Not a case: several files to a missing directory. The remote scp
	// sends its -d refusal and exits at once, and pscp shows that message or
	// only "unexpected end-of-file", whichever it reads first, with either
	// remote scp (seen once in CI).
	{"pscp-up-target-is-file", 0, 1, "Not a directory", L{"-r", "d", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt=old content, longer than alpha\n"}, nil},
	{"pscp-down-dir-without-r", 0, 1, "not a regular file", L{"sshdtest:{R}/d", "dest/"}, L{"!local/dest/d"}, nil},
	{"pscp-down-fifo", 0, 1, "not a regular file", L{"sshdtest:{R}/fifo", "dest/"}, L{"!local/dest/fifo"}, nil},
	{"pscp-down-glob", 0, 0, "", L{"-unsafe", "sshdtest:{R}/*.log", "dest/"}, L{"local/dest/x.log", "local/dest/y.log"}, nil},
	{"pscp-down-spaces-refused", 0, 0, "Renaming of this file has been disallowed", L{`sshdtest:{R}/file\ with\ spaces.txt`, "dest/"}, L{"!local/dest/file with spaces.txt"}, nil},
	{"pscp-down-spaces-unsafe", 0, 0, "", L{"-unsafe", `sshdtest:{R}/file\ with\ spaces.txt`, "dest/"}, L{"local/dest/file with spaces.txt=spaces\n"}, nil},
	{"pscp-up-v", 0, 0, "Sink: C0644 6 a.txt\nscp: debug1: fd 0 clearing O_NONBLOCK\n", L{"-v", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"pscp-down-r-v", 0, 0, "scp: debug1: fd 3 clearing O_NONBLOCK\nEntering directory: D0750 0 d\nscp: debug1: fd 5 clearing O_NONBLOCK\n", L{"-v", "-r", "sshdtest:{R}/d", "dest"}, L{"local/dest/d/one.txt"}, nil},
}

// TestPSCP runs pscpCases: pscp against sshd with OpenSSH's remote scp
// (the reference) and with ours.
func TestPSCP(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	for _, p := range []string{pscpProg, puttygenBin} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s not available (Debian package putty-tools): %v", p, err)
		}
	}
	needKeygen(t)
	dir := t.TempDir()
	// One host key and one client key for both servers, so pscp's own
	// lines (-v names the host key) are the same for both.
	hostKeyFile := filepath.Join(dir, "host")
	hostPub := newKey(t, hostKeyFile, "")
	clientKey := filepath.Join(dir, "client")
	clientPub := newKey(t, clientKey, "")
	ppk := clientKey + ".ppk"
	if out, err := exec.Command(puttygenBin, clientKey, "-O", "private", "-o", ppk).CombinedOutput(); err != nil {
		t.Fatalf("puttygen: %v\n%s", err, out)
	}
	plain := sshdtest.Start(t, sshdtest.Config{HostKeys: []string{hostKeyFile}})
	oursRemote := sshdtest.Start(t, sshdtest.Config{RemotePath: oursBin, HostKeys: []string{hostKeyFile}})
	checkRemoteSCP(t, plain, opensshSCP)
	checkRemoteSCP(t, oursRemote, filepath.Join(oursBin, "scp"))
	var sides []side
	for _, srv := range []*sshdtest.Server{plain, oursRemote} {
		srv.Authorize(t, clientPub)
		sides = append(sides, side{prog: pscpWrapper(t, srv, ppk, hostPub), srv: srv})
	}
	sides[0].name, sides[1].name = "pscp-openssh-remote", "server"
	o := runSideBySide(t, pscpCases, sides[0], sides[1:])
	line, bad := o.summary()
	t.Log("pscp " + line)
	if len(bad) > 0 {
		t.Logf("disagreeing: %s", strings.Join(bad, " "))
	}
}

// pscpWrapper writes a script that the differential harness can run like
// scp: it drops the harness's "-F CONFIG", turns "sshdtest:" into srv's
// address and runs pscp for srv (port, user, PuTTY key, pinned host key),
// without prompts or statistics, in the legacy protocol. In pscp's stderr
// srv's directory (in sshd's debug messages for -v) becomes {SSHD}.
func pscpWrapper(t *testing.T, srv *sshdtest.Server, ppk string, hostKey ssh.PublicKey) string {
	t.Helper()
	dir := t.TempDir()
	script := fmt.Sprintf(`#!/bin/sh
shift 2
for a do
	shift
	case $a in sshdtest:*) a=127.0.0.1:${a#sshdtest:} ;; esac
	set -- "$@" "$a"
done
err=$(mktemp %s/stderr.XXXXXX) || exit 99
%s -scp -batch -noagent -q -P %d -l %s -i %s -hostkey %s "$@" 2>"$err"
rc=$?
sed 's|%s|{SSHD}|g' "$err" >&2
rm -f "$err"
exit $rc
`, shq(dir), pscpProg, srv.Port, shq(srv.User), shq(ppk), ssh.FingerprintSHA256(hostKey), srv.Dir)
	p := filepath.Join(dir, "pscp-"+strconv.Itoa(srv.Port))
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
