package e2e

// Helpers for the fault-injection tests (faults_test.go) and the scale
// suite (scale_test.go): a bounded client runner that can be signalled
// while it runs, a remote `scp` wrapper with per-path hooks, a TCP proxy
// that cuts the connection after N bytes, and a pseudo-terminal.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goscp/goscp/internal/sshdtest"
)

// faultTimeout bounds every client run of the fault tests: a run still
// going then is killed (its whole process group) and fails the test.
const faultTimeout = 20 * time.Second

// The clients. OpenSSH's scp always gets -O (its default is SFTP).
const (
	fOurs    = "ours"
	fOpenSSH = "openssh"
)

// faultWrapper is the remote `scp`: if PATH.hook exists for the last
// operand PATH (trailing slash removed) it is sourced first, with $real
// (the scp to run, /usr/bin/scp unless the hook changes it), $path and the
// arguments in "$@"; then the real scp is exec'd. Without a hook it is a
// plain OpenSSH remote.
const faultWrapper = `#!/bin/sh
# Remote scp for e2e/faults_test.go.
real=/usr/bin/scp
path=
for a; do path=$a; done
path=${path%/}
if [ -f "$path.hook" ]; then
	. "$path.hook"
fi
exec "$real" "$@"
`

// faultEnv is what the fault tests share: one sshd whose remote scp is
// the wrapper, and a copy of our binary that any user may run.
type faultEnv struct {
	srv     *sshdtest.Server
	wrapper string // the wrapper's directory
	oursPub string // our binary in a world-readable directory (for setpriv/nobody)
}

func startFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	e := &faultEnv{wrapper: publicDir(t)}
	if err := os.WriteFile(filepath.Join(e.wrapper, "scp"), []byte(faultWrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(needOurs(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := publicDir(t)
	e.oursPub = filepath.Join(bin, "scp")
	if err := os.WriteFile(e.oursPub, b, 0o755); err != nil {
		t.Fatal(err)
	}
	e.srv = sshdtest.Start(t, sshdtest.Config{RemotePath: e.wrapper})
	checkRemoteSCP(t, e.srv, filepath.Join(e.wrapper, "scp"))
	return e
}

// publicDir returns a new directory every user can enter and read (0755,
// all the way from /tmp), removed after the test.
func publicDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "goscp-fault-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// hook installs a hook for the remote operand path (see faultWrapper).
func hook(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(strings.TrimSuffix(path, "/")+".hook", []byte(body+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// remoteOurs is a hook body that makes the remote scp ours.
func (e *faultEnv) remoteOurs() string { return "real=" + shq(e.oursPub) }

// shq quotes s for sh.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fRun is the outcome of one client run.
type fRun struct {
	who            string
	argv           []string
	exit           int
	stdout, stderr string
	rusage         *syscall.Rusage
}

func (r fRun) String() string {
	return fmt.Sprintf("%s %q: exit %d, stdout %q, stderr %q", r.who, r.argv, r.exit, r.stdout, r.stderr)
}

func (r fRun) wantExit(t *testing.T, want int) {
	t.Helper()
	if r.exit != want {
		t.Errorf("%s: exit status %d, want %d\n%s", r.who, r.exit, want, r)
	}
}

func (r fRun) wantStderr(t *testing.T, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("%s: stderr %q does not contain %q", r.who, r.stderr, m)
		}
	}
}

// fProc is a client run in progress.
type fProc struct {
	who     string
	cmd     *exec.Cmd
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	done    chan struct{}
	err     error
}

// client prepares a run of who's scp with -F config and args in dir.
// The caller may adjust the command (Stdin, SysProcAttr.Credential…)
// before start.
func client(t *testing.T, who, config, dir string, env []string, args ...string) *fProc {
	t.Helper()
	var prog string
	var argv []string
	if config != "" {
		argv = append(argv, "-F", config)
	}
	switch who {
	case fOurs:
		prog = needOurs(t)
	case fOpenSSH:
		needOpenSSH(t)
		prog = opensshSCP
		argv = append(argv, "-O")
	default:
		t.Fatalf("unknown client %q", who)
	}
	return command(t, who, prog, dir, env, faultTimeout, append(argv, args...)...)
}

// command prepares a run of prog (argv[0] "scp") bounded by timeout.
func command(t *testing.T, who, prog, dir string, env []string, timeout time.Duration, args ...string) *fProc {
	t.Helper()
	p := &fProc{who: who, timeout: timeout, done: make(chan struct{})}
	p.ctx, p.cancel = context.WithTimeout(context.Background(), timeout)
	t.Cleanup(p.cancel)
	cmd := exec.CommandContext(p.ctx, prog, args...)
	cmd.Args[0] = "scp"
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no tty; its own process group
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	p.cmd = cmd
	return p
}

func (p *fProc) start(t *testing.T) {
	t.Helper()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", p.who, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
}

// wait waits for the run to end; one that had to be killed fails the test.
func (p *fProc) wait(t *testing.T) fRun {
	t.Helper()
	<-p.done
	r := fRun{who: p.who, argv: p.cmd.Args, stdout: p.stdout.String(), stderr: p.stderr.String()}
	if ps := p.cmd.ProcessState; ps != nil {
		r.rusage, _ = ps.SysUsage().(*syscall.Rusage)
	}
	var ee *exec.ExitError
	switch {
	case p.ctx.Err() != nil:
		t.Fatalf("%s hung: killed after %v\n%s", p.who, p.timeout, r)
	case errors.As(p.err, &ee):
		r.exit = ee.ExitCode()
		if r.exit < 0 {
			t.Fatalf("%s died: %v\n%s", p.who, ee, r)
		}
	case p.err != nil:
		t.Fatalf("%s: %v\n%s", p.who, p.err, r)
	}
	t.Logf("%s", r)
	return r
}

func (p *fProc) run(t *testing.T) fRun {
	t.Helper()
	p.start(t)
	return p.wait(t)
}

// announce makes a FIFO at path+".started" and returns a hook line that
// writes the remote scp's pid into it (then the wrapper execs, keeping
// the pid), and a function that waits for that pid: it fails the test if
// the client ends first or nothing comes within the client's time limit.
func announce(t *testing.T, path string) (string, func(*testing.T, *fProc) int) {
	t.Helper()
	fifo := strings.TrimSuffix(path, "/") + ".started"
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	line := "echo $$ >" + shq(fifo)
	return line, func(t *testing.T, p *fProc) int {
		t.Helper()
		got := make(chan string, 1)
		go func() {
			b, _ := os.ReadFile(fifo) // blocks until the wrapper writes
			got <- string(b)
		}()
		unblock := func() { // a writer of our own ends the blocked reader
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
		select {
		case s := <-got:
			pid, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				t.Fatalf("remote scp announced %q", s)
			}
			return pid
		case <-p.done:
			unblock()
			t.Fatalf("%s ended before the remote scp started: %v\nstderr %q", p.who, p.err, p.stderr.String())
		case <-p.ctx.Done():
			unblock()
			<-p.done
			t.Fatalf("%s: the remote scp did not start within %v", p.who, p.timeout)
		}
		return 0
	}
}

// waitGone waits up to d for process pid to exit (pidfd, no polling); it
// reports whether it did.
func waitGone(t *testing.T, pid int, d time.Duration) bool {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return true
	}
	if err != nil {
		t.Fatalf("pidfd_open %d: %v", pid, err)
	}
	defer unix.Close(fd)
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left/time.Millisecond)+1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("poll pidfd: %v", err)
		}
		return n > 0
	}
}

// pgrep lists the processes whose command line contains s.
func pgrep(t *testing.T, s string) string {
	t.Helper()
	out, err := exec.Command("pgrep", "-a", "-f", "--", s).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return "" // none
	}
	if err != nil {
		t.Fatalf("pgrep: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// cutProxy forwards TCP connections to target and, on each, closes both
// ends once limit bytes have passed in one direction (client to server
// if up, else server to client).
type cutProxy struct {
	ln     net.Listener
	port   int
	mu     sync.Mutex
	conns  []net.Conn
	cuts   int
	closed bool
}

func startCutProxy(t *testing.T, target string, limit int64, up bool) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, port: ln.Addr().(*net.TCPAddr).Port}
	t.Cleanup(p.close)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, d) {
				return
			}
			end := func() { c.Close(); d.Close() }
			counted := func(dst, src net.Conn) {
				n, _ := io.CopyN(dst, src, limit)
				if n == limit {
					p.mu.Lock()
					p.cuts++
					p.mu.Unlock()
				}
				end()
			}
			plain := func(dst, src net.Conn) { io.Copy(dst, src); end() }
			if up {
				go counted(d, c)
				go plain(c, d)
			} else {
				go plain(d, c)
				go counted(c, d)
			}
		}
	}()
	return p
}

func (p *cutProxy) track(c ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, x := range c {
			x.Close()
		}
		return false
	}
	p.conns = append(p.conns, c...)
	return true
}

// cutCount is how many connections were cut at the limit.
func (p *cutProxy) cutCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

func (p *cutProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
}

// aliasConfig writes an ssh_config with a block for host alias that
// reaches 127.0.0.1:port (a proxy in front of srv) ahead of srv's config,
// and a known_hosts that also holds srv's host key for that port.
func aliasConfig(t *testing.T, srv *sshdtest.Server, alias string, port int) string {
	t.Helper()
	dir := t.TempDir()
	kh, err := os.ReadFile(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	orig := "[127.0.0.1]:" + strconv.Itoa(srv.Port) + " "
	if !bytes.HasPrefix(kh, []byte(orig)) {
		t.Fatalf("unexpected known_hosts %q", kh)
	}
	line := "[127.0.0.1]:" + strconv.Itoa(port) + " " + string(bytes.TrimPrefix(kh, []byte(orig)))
	khFile := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(khFile, append(kh, line...), 0o600); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(srv.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	// ssh_config keeps the first value: the alias block goes first.
	conf := fmt.Sprintf("Host %s\n  HostName 127.0.0.1\n  Port %d\n  UserKnownHostsFile %s\n\n%s", alias, port, khFile, main)
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// writeRandom writes a file of size deterministic pseudo-random bytes.
func writeRandom(t *testing.T, path string, size int, mode os.FileMode) []byte {
	t.Helper()
	b := randomBytes(size, filepath.Base(path))
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return b
}

// sumFile returns the SHA-256 of a file's content, or "" if it cannot be read.
func sumFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// wantSame checks that got is a complete copy of want.
func wantSame(t *testing.T, who, got, want string) {
	t.Helper()
	if s := sumFile(got); s == "" || s != sumFile(want) {
		t.Errorf("%s: %s is not an intact copy of %s", who, got, want)
	}
}

// openPTY opens a pseudo-terminal pair: /dev/ptmx, unlock, the numbered slave.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var n uint32
	err = fdControl(master, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return err
		}
		if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
			return err
		}
		n, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN)
		return err
	})
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	return master, slave
}

// fdControl runs f on file's descriptor without taking it out of the
// runtime poller, as Fd would.
func fdControl(file *os.File, f func(fd int) error) error {
	raw, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := raw.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

func termios(t *testing.T, f *os.File) unix.Termios {
	t.Helper()
	var tio *unix.Termios
	err := fdControl(f, func(fd int) error {
		var err error
		tio, err = unix.IoctlGetTermios(fd, unix.TCGETS)
		return err
	})
	if err != nil {
		t.Fatalf("tcgetattr: %v", err)
	}
	return *tio
}
