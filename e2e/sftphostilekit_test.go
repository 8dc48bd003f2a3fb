package e2e

// Helpers for sftphostile_test.go: the lying SFTP server (the program
// internal/sftpfake, built once), a real sshd that runs it as one
// subsystem per scenario ("hostile-NAME", reached with sftp's -s), the
// FIFO on which the fake says when it has reached a point the test waits
// for, and the checks of a run.
//
// Why subsystems: sshd 9.2 refuses a second "Subsystem sftp" line and
// allows none in a Match block, so the default sftp subsystem cannot be
// replaced through sshdtest.Config.Extra; one named subsystem per scenario
// lets every scenario share one sshd. Both clients take -s NAME.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// shWork is where a run happens, under its root: deep enough that a name
// climbing out of the target with "../" still lands inside the snapshot.
const shWork = "a/b/c/work"

var (
	shFakeOnce sync.Once
	shFakeBin  string
	shFakeErr  error
)

// shBuildFake builds the fake server once.
func shBuildFake(t *testing.T) {
	t.Helper()
	shFakeOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			shFakeErr = err
			return
		}
		shFakeBin = filepath.Join(workDir, "sftphostile", "sftpfake")
		cmd := exec.Command(gobin, "build", "-o", shFakeBin, "./internal/sftpfake")
		cmd.Dir = ".." // the module root
		if b, err := cmd.CombinedOutput(); err != nil {
			shFakeErr = fmt.Errorf("go build ./internal/sftpfake: %v\n%s", err, b)
		}
	})
	if shFakeErr != nil {
		t.Fatalf("the fake SFTP server: %v", shFakeErr)
	}
}

// shProg is who's sftp.
func shProg(t *testing.T, who string) string {
	t.Helper()
	if who == whoOpenSSH {
		return opensshSFTP
	}
	return needOursSFTP(t)
}

// shServer is an sshd whose subsystem hostile-NAME is the fake playing
// one scenario for the case NAME, each case with its FIFO of events.
type shServer struct {
	srv      *sshdtest.Server
	events   map[string]*shEvents
	commands map[string]string // case name -> the fake's command line
}

// startSHServer starts an sshd for the cases, given as case name ->
// scenario.
func startSHServer(t *testing.T, cases map[string]string) *shServer {
	t.Helper()
	shBuildFake(t)
	dir := t.TempDir()
	shCheckScenarios(t, cases)
	s := &shServer{events: map[string]*shEvents{}, commands: map[string]string{}}
	var extra []string
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		fifo := filepath.Join(dir, name+".events")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		s.events[name] = openSHEvents(t, fifo)
		s.commands[name] = fmt.Sprintf("%s %s %s", shFakeBin, cases[name], fifo)
		extra = append(extra, fmt.Sprintf("Subsystem hostile-%s %s", name, s.commands[name]))
	}
	s.srv = sshdtest.Start(t, sshdtest.Config{Extra: extra})
	return s
}

// shCheckScenarios fails the test if the fake lacks a scenario a case
// names: a case whose server just dies would pass many checks.
func shCheckScenarios(t *testing.T, cases map[string]string) {
	t.Helper()
	out, err := exec.Command(shFakeBin, "-list").Output()
	if err != nil {
		t.Fatalf("sftpfake -list: %v", err)
	}
	have := strings.Fields(string(out))
	for name, sc := range cases {
		if !slices.Contains(have, sc) {
			t.Errorf("case %s: the fake has no scenario %q", name, sc)
		}
	}
}

// shEvents are the lines the fake writes on its FIFO. The test holds the
// FIFO open for reading and writing, so the fake's non-blocking open
// always finds a reader and a read waits for the next line.
type shEvents struct {
	lines chan string
}

func openSHEvents(t *testing.T, fifo string) *shEvents {
	t.Helper()
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	e := &shEvents{lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			e.lines <- sc.Text()
		}
		close(e.lines)
	}()
	return e
}

// drain forgets lines left by an earlier run.
func (e *shEvents) drain() {
	for {
		select {
		case <-e.lines:
		default:
			return
		}
	}
}

// shSpace is one run's directory: root holds the batch file and shWork,
// the client's working directory.
type shSpace struct {
	root, work, batch string
	env               []string
	before            map[string]treeEntry
}

func newSHSpace(t *testing.T, srv *sshdtest.Server, batch string) *shSpace {
	t.Helper()
	root := t.TempDir()
	s := &shSpace{root: root, work: filepath.Join(root, shWork), batch: filepath.Join(root, "batch")}
	if err := os.MkdirAll(s.work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.batch, []byte(batch), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file the hostile names aim at, beside the target.
	if err := os.WriteFile(filepath.Join(root, "a/b/c/escape"), []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = clientEnv(filepath.Join(root, "client"), srv.User)
	hostileAge(t, root)
	s.before = snapTree(t, root)
	return s
}

// cmd prepares who's run of case c with the batch file.
func (s *shSpace) cmd(t *testing.T, who string, srv *shServer, c shCase, measure bool) *hProc {
	t.Helper()
	server := "hostile-" + c.name
	if c.command {
		server = srv.commands[c.name]
	}
	args := []string{"-F", srv.srv.ConfigFile, "-s", server, "-b", s.batch, sshdtest.HostAlias}
	p := hostileCmd(t, who, shProg(t, who), s.work, s.env, nil, measure && who == whoOurs, args...)
	if !p.measured {
		p.cmd.Args[0] = "sftp"
	}
	return p
}

// checkTree fails the test if the run changed anything outside shWork
// (the whole root is compared, mtimes included), and returns the paths
// it left in shWork.
func (s *shSpace) checkTree(t *testing.T, who string) []string {
	t.Helper()
	after := snapTree(t, s.root)
	wantUnchanged(t, who, s.before, after, shWork)
	var in []string
	for _, p := range sortedKeys(after) {
		if rel, ok := strings.CutPrefix(p, shWork+"/"); ok {
			in = append(in, rel)
		}
	}
	return in
}

// shContent is what the fake's files hold: contentByte of each offset (as
// internal/sftpfake computes it).
func shContent(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		off := uint64(i)
		b[i] = byte(off*131 + off>>9)
	}
	return b
}

// checkFile reports how the local file rel differs from the fake's file of
// size bytes: "" if equal, else a description.
func (s *shSpace) checkFile(rel string, size int) string {
	b, err := os.ReadFile(filepath.Join(s.work, rel))
	if err != nil {
		return err.Error()
	}
	want := shContent(size)
	if bytes.Equal(b, want) {
		return ""
	}
	n := min(len(b), len(want))
	i := 0
	for i < n && b[i] == want[i] {
		i++
	}
	return fmt.Sprintf("%s: %d bytes, want %d, first difference at offset %d", rel, len(b), size, i)
}

// vmHWM is the peak RSS of a running process, in bytes, or -1.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kib << 10
			}
		}
	}
	return -1
}

// runUntil runs p until the fake reports an event on e, then sends sig
// and waits for the end. A run that ends first, or never ends after the
// signal (clientTimeout), is reported as such. It returns the run, whether
// the event came and the peak RSS seen before the signal.
func runUntil(t *testing.T, p *hProc, e *shEvents, sig syscall.Signal) (r hRun, got bool, rss int64) {
	t.Helper()
	e.drain()
	p.start()
	rss = -1
	select {
	case ev, ok := <-e.lines:
		if !ok {
			t.Fatal("the events FIFO closed")
		}
		got = true
		rss = vmHWM(p.cmd.Process.Pid)
		t.Logf("%s: the fake says %q; sending %v (peak RSS so far %.1f MiB)", p.who, ev, sig, float64(rss)/(1<<20))
		if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("%s: %v", p.who, err)
		}
	case <-p.done:
	}
	return p.wait(t), got, rss
}
