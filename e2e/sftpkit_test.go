package e2e

// The side-by-side harness of the sftp command: each case runs OpenSSH's
// sftp, then ours, on the same fresh trees at the same paths, against a
// real sshd serving SFTP one way or another (sftpServers), and the two
// runs must agree on the exit status, stdout, stderr and both trees.

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
	"golang.org/x/sys/unix"
)

// sftpOpt are per-case switches.
type sftpOpt uint

const (
	// sftpTimes compares directory mtimes and the atimes of new files too
	// (cases that preserve times).
	sftpTimes sftpOpt = 1 << iota
	// sftpOnce marks a case whose outcome the client alone decides (a
	// command line refused before connecting, a local command, the batch
	// language): it runs against the first server configuration only.
	sftpOnce
	// sftpCloseRace marks a non-interactive fetch without -q: OpenSSH's
	// sftp leaves its SIGCHLD handler in place on that path, so whether
	// it reports ssh's exit ("\rConnection closed.  \n", last on stderr)
	// depends on which of them it notices first. The line is dropped
	// from both runs.
	sftpCloseRace
)

// sftpCase is one side-by-side case of the sftp command. Strings may use
// the placeholders of sftpVars.
type sftpCase struct {
	name string
	opt  sftpOpt
	// args follow `sftp -F CONFIG`. Left nil they are `-b {B} sshdtest:{R}`
	// if the case has a batch, else `sshdtest:{R}` (commands on stdin).
	args  []string
	batch string // written to {B} before the run
	stdin string // the run's standard input (none if empty)
	setup []node // entries added to sftpTree (paths start with local/ or remote/)
	// What the OpenSSH run must show, so that a case cannot pass by both
	// sides failing alike: its exit status, text its stderr contains (""
	// means stderr is empty), text its stdout contains, and checks of its
	// tree as in dcase.want.
	exit int
	errs string
	out  string
	want []string
}

// sftpVars are the placeholders of a run, the same for both sides:
//
//	{ROOT} the case's directory
//	{L}    {ROOT}/local, the client's working directory
//	{R}    {ROOT}/remote, reached through sshd
//	{B}    {ROOT}/batch, the batch file
//	{PORT} the sshd port
//	{USER} the login user, {UID} and {GID} its ids
type sftpVars struct {
	root, L, R, B, user string
	port                int
}

func newSFTPVars(root string, srv *sshdtest.Server) sftpVars {
	return sftpVars{
		root: root, L: filepath.Join(root, "local"), R: filepath.Join(root, "remote"), B: filepath.Join(root, "batch"),
		user: srv.User, port: srv.Port,
	}
}

func (v sftpVars) expand(s string) string {
	return strings.NewReplacer(
		"{ROOT}", v.root, "{L}", v.L, "{R}", v.R, "{B}", v.B,
		"{PORT}", strconv.Itoa(v.port), "{USER}", v.user,
		"{UID}", strconv.Itoa(os.Getuid()), "{GID}", strconv.Itoa(os.Getgid()),
	).Replace(s)
}

// sftpBig is the content of big.bin: more than one read or write request
// of OpenSSH's sftp-server (261120 bytes).
var sftpBig = string(randomBytes(300_000, "big.bin"))

// sftpTree is the tree every run starts from, the same in local/ and
// remote/. Its glob/ names are those of OpenSSH's regress/sftp-glob.sh.
func sftpTree() []node {
	var ns []node
	for _, s := range []string{"local", "remote"} {
		ns = append(ns,
			file(s+"/a.txt", "alpha\n", 0o644),
			file(s+"/b.txt", "bravo, longer\n", 0o640),
			file(s+"/empty", "", 0o644),
			file(s+"/ro.txt", "read only\n", 0o444),
			file(s+"/x.sh", "#!/bin/sh\necho x\n", 0o755),
			file(s+"/file with spaces.txt", "spaces\n", 0o644),
			file(s+"/x.log", "x log\n", 0o644),
			file(s+"/y.log", "y log\n", 0o600),
			file(s+"/big.bin", sftpBig, 0o644),
			link(s+"/link-a", "a.txt"),
			link(s+"/link-d", "d"),
			dir(s+"/d", 0o750),
			file(s+"/d/one.txt", "one\n", 0o644),
			dir(s+"/d/sub", 0o700),
			file(s+"/d/sub/two.txt", "two\n", 0o600),
			random(s+"/d/sub/three.bin", 20000, 0o644),
			link(s+"/d/sub/ln", "../one.txt"),
			dir(s+"/dest", 0o755),
			dir(s+"/glob", 0o755),
			file(s+"/glob/file", "", 0o644),
			file(s+"/glob/g-wild*", "", 0o644),
			file(s+"/glob/g-wildx", "", 0o644),
			file(s+`/glob/g-quote"`, "", 0o644),
			file(s+"/glob/g-q space", "", 0o644),
			file(s+`/glob/g-sl\ash`, "", 0o644),
			file(s+`/glob/g-slash\`, "", 0o644),
			file(s+`/glob/g-qs\"`, "", 0o644),
		)
	}
	return ns
}

// sftpServer is one way of serving SFTP.
type sftpServer struct {
	name string
	srv  *sshdtest.Server
}

// sftpServers starts the two server configurations: OpenSSH's sftp-server
// as the Subsystem (sshdtest's default), and sshd's built-in internal-sftp.
// sshd refuses a second "Subsystem sftp" line, so the latter is forced for
// every session instead, as OpenSSH's regress/sftp-uri.sh does.
func sftpServers(t *testing.T) []sftpServer {
	t.Helper()
	ext := sshdtest.Start(t, sshdtest.Config{})
	conf, err := os.ReadFile(filepath.Join(ext.Dir, "sshd_config"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "Subsystem sftp /usr/lib/openssh/sftp-server\n"
	if !strings.Contains(string(conf), want) {
		t.Fatalf("sshd_config of %s lacks %q (is openssh-sftp-server installed?):\n%s", ext.Addr, want, conf)
	}
	in := sshdtest.Start(t, sshdtest.Config{Extra: []string{"ForceCommand internal-sftp"}})
	return []sftpServer{{"sftp-server", ext}, {"internal-sftp", in}}
}

// sftpRun is what one run produced; paths in it are the run's own.
type sftpRun struct {
	argv           []string
	exit           int
	stdout, stderr string
	tree           map[string]entry
	initial        map[string]bool // the tree paths the run started with
	err            error           // the run could not be made properly
}

// runSFTPCase sets up a fresh tree in root (removing what a previous run
// left), runs prog there with c against srv and records the outcome.
func runSFTPCase(t *testing.T, c sftpCase, prog string, srv *sshdtest.Server, root string) sftpRun {
	t.Helper()
	v := newSFTPVars(root, srv)
	initial := setupSFTPTree(t, c, v)
	if c.batch != "" {
		if err := os.WriteFile(v.B, []byte(v.expand(c.batch)), 0o644); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	args := c.args
	if args == nil {
		args = []string{"sshdtest:{R}"}
		if c.batch != "" {
			args = []string{"-b", "{B}", "sshdtest:{R}"}
		}
	}
	argv := []string{"-F", srv.ConfigFile}
	for _, a := range args {
		argv = append(argv, v.expand(a))
	}
	p := command(t, "sftp", prog, v.L, clientEnv(root, srv.User), clientTimeout, argv...)
	p.cmd.Args[0] = "sftp" // both print it in usage and getopt messages
	if c.stdin != "" {
		p.cmd.Stdin = strings.NewReader(v.expand(c.stdin))
	}
	p.start()
	r := sftpRun{argv: p.cmd.Args, initial: initial}
	r.exit, _, r.err = p.end()
	if r.exit < 0 {
		r.err = fmt.Errorf("client died: %v", p.cmd.ProcessState)
	}
	r.stdout = normaliseSFTP(p.stdout.String(), prog)
	r.stderr = normaliseSFTP(p.stderr.String(), prog)
	if c.opt&sftpCloseRace != 0 {
		r.stderr = strings.TrimSuffix(r.stderr, "\rConnection closed.  \n")
	}
	r.tree = map[string]entry{}
	for _, sub := range []string{"local", "remote"} {
		if err := snapshot(r.tree, filepath.Join(root, sub), sub); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	return r
}

// normaliseSFTP replaces prog's path by "sftp" where it starts a line: a
// wrapper given as SFTP_UNDER_TEST may run the program under its path.
// Nothing else differs between two runs at the same paths.
func normaliseSFTP(s, prog string) string {
	if prog == opensshSFTP {
		return s
	}
	return regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(prog)+`: `).ReplaceAllString(s, "sftp: ")
}

// setupSFTPTree makes sftpTree and c.setup under v.root afresh, with
// distinct old times (see stampBase), and returns its paths.
func setupSFTPTree(t *testing.T, c sftpCase, v sftpVars) map[string]bool {
	t.Helper()
	initial := map[string]bool{"local": true, "remote": true}
	stamps := []string{v.L, v.R}
	for _, p := range stamps {
		if err := os.RemoveAll(p); err != nil {
			t.Fatalf("setup: %v", err)
		}
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	for _, n := range append(sftpTree(), c.setup...) {
		rel := v.expand(n.path)
		p := filepath.Join(v.root, rel)
		if err := makeNode(p, n); err != nil {
			t.Fatalf("setup: %v", err)
		}
		initial[rel] = true
		stamps = append(stamps, p)
	}
	// Children first: creating an entry changes its parent's mtime. Links
	// too, since `ls -l` shows their times.
	sort.SliceStable(stamps, func(i, j int) bool { return strings.Count(stamps[i], "/") > strings.Count(stamps[j], "/") })
	for i, p := range stamps {
		mt := unix.NsecToTimeval(time.Unix(stampBase+int64(i)*1000, 0).UnixNano())
		at := mt
		at.Sec += 7
		if err := unix.Lutimes(p, []unix.Timeval{at, mt}); err != nil {
			t.Fatalf("setup: %s: %v", p, err)
		}
	}
	return initial
}

// compareSFTP returns the differences of ours from OpenSSH's run; none
// means they agree.
func compareSFTP(c sftpCase, ref, got sftpRun) []string {
	var d []string
	if got.err != nil {
		d = append(d, "run: "+got.err.Error())
	}
	if got.exit != ref.exit {
		d = append(d, fmt.Sprintf("exit status: got %d, OpenSSH %d", got.exit, ref.exit))
	}
	if got.stdout != ref.stdout {
		d = append(d, "stdout:\n"+lineDiff(got.stdout, ref.stdout))
	}
	if got.stderr != ref.stderr {
		d = append(d, "stderr:\n"+lineDiff(got.stderr, ref.stderr))
	}
	times := c.opt&sftpTimes != 0
	names := maps.Clone(ref.initial)
	for n := range ref.tree {
		names[n] = true
	}
	for n := range got.tree {
		names[n] = true
	}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		g, gok := got.tree[n]
		r, rok := ref.tree[n]
		gs, rs := g.render(times, !ref.initial[n]), r.render(times, !ref.initial[n])
		switch {
		case !gok && !rok:
		case !rok:
			d = append(d, fmt.Sprintf("tree: %s: only in ours: %s", n, gs))
		case !gok:
			d = append(d, fmt.Sprintf("tree: %s: missing (OpenSSH: %s)", n, rs))
		case gs != rs:
			d = append(d, fmt.Sprintf("tree: %s:\n  got     %s\n  OpenSSH %s", n, gs, rs))
		}
	}
	return d
}

// checkSFTPExpectations tests OpenSSH's run against what the case says.
func checkSFTPExpectations(c sftpCase, v sftpVars, ref sftpRun) []string {
	dc := dcase{exit: c.exit, errs: v.expand(c.errs)}
	for _, w := range c.want {
		dc.want = append(dc.want, v.expand(w))
	}
	res := result{exit: ref.exit, stderr: ref.stderr, tree: ref.tree, err: ref.err}
	d := checkExpectations(dc, res, "")
	if out := v.expand(c.out); !strings.Contains(ref.stdout, out) {
		d = append(d, fmt.Sprintf("stdout %q, case expects it to contain %q", ref.stdout, out))
	}
	return d
}

// sftpWorkers is how many cases run at once. A run mostly waits for
// processes (ssh, sshd, sftp-server), so more than the two cores of the
// machine are kept busy than t.Parallel's default would allow.
const sftpWorkers = 4

// runSFTPCases runs every case against every server configuration (once
// for sftpOnce cases), OpenSSH first, and fails each run of ours that
// disagrees.
func runSFTPCases(t *testing.T, cases []sftpCase, prog string, servers []sftpServer) {
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
	}
	var (
		mu   sync.Mutex
		runs int
		bad  []string
	)
	jobs := make(chan func())
	var wg sync.WaitGroup
	for range sftpWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				job()
			}
		}()
	}
	for _, c := range cases {
		for i, s := range servers {
			if i > 0 && c.opt&sftpOnce != 0 {
				continue
			}
			name := c.name + "/" + s.name
			// t.Run may be called from several goroutines at once.
			jobs <- func() {
				ok := t.Run(name, func(t *testing.T) {
					if d := runSFTPPair(t, c, prog, s.srv); len(d) > 0 {
						t.Errorf("ours disagrees with OpenSSH:\n%s", strings.Join(d, "\n"))
					}
				})
				mu.Lock()
				defer mu.Unlock()
				runs++
				if !ok {
					bad = append(bad, name)
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	sort.Strings(bad)
	t.Logf("sftp side by side: %d cases, %d runs, %d agree", len(cases), runs, runs-len(bad))
	if len(bad) > 0 {
		t.Logf("failing: %s", strings.Join(bad, " "))
	}
}

// runSFTPPair runs c with OpenSSH's sftp and then with prog in the same
// directory, checks OpenSSH's run against the case, and returns how prog's
// run differs.
func runSFTPPair(t *testing.T, c sftpCase, prog string, srv *sshdtest.Server) []string {
	t.Helper()
	root := t.TempDir()
	v := newSFTPVars(root, srv)
	ref := runSFTPCase(t, c, opensshSFTP, srv, root)
	t.Logf("OpenSSH %q: exit %d\nstdout:\n%s\nstderr:\n%s", ref.argv, ref.exit, ref.stdout, ref.stderr)
	if d := checkSFTPExpectations(c, v, ref); len(d) > 0 {
		t.Errorf("OpenSSH's run does not do what the case expects:\n%s", strings.Join(d, "\n"))
	}
	got := runSFTPCase(t, c, prog, srv, root)
	return compareSFTP(c, ref, got)
}

// needOpenSSHSFTP skips the test if the reference sftp is missing.
func needOpenSSHSFTP(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(opensshSFTP); err != nil {
		t.Skipf("%s not available: %v", opensshSFTP, err)
	}
}
