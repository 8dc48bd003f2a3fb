package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// differs is what OpenSSH's SFTP mode does where its legacy mode does
// something else: it replaces the exit status and stderr text of a
// reused case, and its tree checks unless want is nil.
type differs struct {
	exit int
	errs string
	want []string
}

// reused names a case of the legacy table (cases_test.go) that also means
// something in SFTP mode; alt is nil when SFTP mode does the same.
type reused struct {
	name string
	alt  *differs
}

// sftpModeTable is the reused legacy cases (with their SFTP-mode
// outcomes) followed by the SFTP-mode cases of their own. A name missing
// from the legacy table or given twice fails the test.
func sftpModeTable(t *testing.T) []dcase {
	t.Helper()
	legacy := map[string]dcase{}
	for _, c := range cases {
		legacy[c.name] = c
	}
	var out []dcase
	for _, r := range sftpModeReused {
		c, ok := legacy[r.name]
		if !ok {
			t.Fatalf("reused case %q is not in the legacy table", r.name)
		}
		if r.alt != nil {
			c.exit, c.errs = r.alt.exit, r.alt.errs
			if r.alt.want != nil {
				c.want = r.alt.want
			}
		}
		out = append(out, c)
	}
	out = append(out, sftpModeCases...)
	seen := map[string]bool{}
	for _, c := range out {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
	}
	return out
}

// checkSubsystem asserts that srv serves SFTP with OpenSSH's sftp-server,
// the server this suite's expectations were taken with.
func checkSubsystem(t *testing.T, srv *sshdtest.Server) {
	t.Helper()
	conf, err := os.ReadFile(filepath.Join(srv.Dir, "sshd_config"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "\nSubsystem sftp /usr/lib/openssh/sftp-server\n"
	if !strings.Contains(string(conf), want) {
		t.Fatalf("sshd_config of %s lacks %q:\n%s", srv.Addr, want[1:], conf)
	}
}

// runPair runs c with the reference side and with ours, at the same time
// unless the case uses entries of the (shared) home directory: the two runs
// have their own roots under base, and running them together halves the
// wall time of the suite. A setup failure in the second goroutine ends
// only that goroutine (t.Fatal there fails the test and exits it); the
// comparison with its empty result then adds to the report.
func runPair(t *testing.T, c dcase, ref, our side, base, token string) (r, got result) {
	t.Helper()
	if len(c.home) > 0 {
		return runCase(t, c, ref, base, token), runCase(t, c, our, base, token)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = runCase(t, c, our, base, token)
	}()
	r = runCase(t, c, ref, base, token)
	<-done
	return r, got
}

// manyTree is, with on, the tree of the SFTP-mode cases that keep many
// files in flight, on both sides: 120 files of their own modes, a
// directory of its own mode holding more and a deeper one, a read-only
// directory, a FIFO and a link to nowhere (two failures); and blocked/, a
// target with a directory where m/f010 goes and a file where m/sub goes.
func manyTree(on bool) []node {
	if !on {
		return nil
	}
	var ns []node
	for _, s := range []string{"local", "remote"} {
		ns = append(ns, dir(s+"/m", 0o755))
		for i := range 120 {
			ns = append(ns, file(fmt.Sprintf("%s/m/f%03d", s, i), fmt.Sprintf("file %d\n", i), []fs.FileMode{0o644, 0o600, 0o755}[i%3]))
		}
		ns = append(ns, dir(s+"/m/sub", 0o750))
		for i := range 40 {
			ns = append(ns, file(fmt.Sprintf("%s/m/sub/s%02d", s, i), fmt.Sprintf("sub %d\n", i), 0o640))
		}
		ns = append(ns, dir(s+"/m/sub/deep", 0o700))
		for i := range 10 {
			ns = append(ns, file(fmt.Sprintf("%s/m/sub/deep/d%02d", s, i), fmt.Sprintf("deep %d\n", i), 0o644))
		}
		ns = append(ns, dir(s+"/m/ro", 0o555))
		for i := range 5 {
			ns = append(ns, file(fmt.Sprintf("%s/m/ro/r%02d", s, i), fmt.Sprintf("ro %d\n", i), 0o444))
		}
		ns = append(ns, fifo(s+"/m/fifo", 0o644), link(s+"/m/gone", "nowhere"),
			dir(s+"/blocked", 0o755), dir(s+"/blocked/m", 0o755), dir(s+"/blocked/m/f010", 0o755), file(s+"/blocked/m/sub", "in the way\n", 0o644))
	}
	return ns
}
