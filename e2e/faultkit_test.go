package e2e

// Helpers for the fault-injection tests (faults_test.go): a remote `scp`
// wrapper with per-path hooks, a wait for the remote scp's pid, a TCP
// proxy that cuts the connection after N bytes, an ssh_config alias for a
// port, and a pseudo-terminal. Clients run through runkit_test.go.

import (
	"bytes"
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

	"github.com/goscp/goscp/internal/ptytest"
	"github.com/goscp/goscp/internal/sshdtest"
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

// announce makes a FIFO at path+".started" and returns a hook line that
// writes the remote scp's pid into it (then the wrapper execs, keeping
// the pid), and a function that waits for that pid: it fails the test if
// the client ends first or nothing comes within the client's time limit.
func announce(t *testing.T, path string) (string, func(*testing.T, *proc) int) {
	t.Helper()
	fifo := strings.TrimSuffix(path, "/") + ".started"
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	line := "echo $$ >" + shq(fifo)
	return line, func(t *testing.T, p *proc) int {
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

// openPTY opens a pseudo-terminal pair (see ptytest.Open).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, slave, err := ptytest.Open()
	if errors.Is(err, ptytest.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return master, slave
}

func termios(t *testing.T, f *os.File) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("tcgetattr: %v", err)
	}
	return *tio
}
