package e2e

// Our sftp on a terminal, as a user types at it: tab completion of a
// remote directory, the history, the progress meter of a get, and ^C
// during a get that a stalled server never finishes, which ends the get
// but not the session.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/ptytest"
	"github.com/goscp/goscp/internal/sshdtest"
)

// ttySession is a client whose stdin, stdout and stderr are one
// pseudo-terminal, its controlling terminal, in the foreground.
type ttySession struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	chunks chan []byte
	screen bytes.Buffer // everything shown so far
	seen   int          // how much of screen expect has passed
	done   chan error
}

func startTTY(t *testing.T, dir string, argv ...string) *ttySession {
	t.Helper()
	master, slave := openPTY(t)
	if err := ptytest.SetSize(slave, 24, 80); err != nil {
		t.Fatal(err)
	}
	s := &ttySession{t: t, master: master, chunks: make(chan []byte, 64), done: make(chan error, 1)}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), "TERM=xterm", "LC_ALL=C")
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = slave, slave, slave
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		for {
			b := make([]byte, 4096)
			n, err := master.Read(b)
			if n > 0 {
				s.chunks <- b[:n]
			}
			if err != nil { // EIO once the client is gone
				close(s.chunks)
				return
			}
		}
	}()
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		master.Close()
	})
	return s
}

// expect waits until the screen, past what earlier calls passed, shows
// want, and passes it.
func (s *ttySession) expect(want string) {
	s.t.Helper()
	timeout := time.After(clientTimeout)
	for {
		if i := strings.Index(s.screen.String()[s.seen:], want); i >= 0 {
			s.seen += i + len(want)
			return
		}
		select {
		case b, ok := <-s.chunks:
			if !ok {
				s.t.Fatalf("the client ended before showing %q; screen:\n%q", want, s.screen.String()[s.seen:])
			}
			s.screen.Write(b)
		case <-timeout:
			s.t.Fatalf("no %q within %v; screen:\n%q", want, clientTimeout, s.screen.String()[s.seen:])
		}
	}
}

func (s *ttySession) send(keys string) {
	s.t.Helper()
	if _, err := s.master.WriteString(keys); err != nil {
		s.t.Fatal(err)
	}
}

// wait returns the client's exit status.
func (s *ttySession) wait() int {
	s.t.Helper()
	select {
	case err := <-s.done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			s.t.Fatal(err)
		}
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(clientTimeout):
		s.t.Fatalf("the client did not exit within %v; screen:\n%q", clientTimeout, s.screen.String())
		return -1
	}
}

func TestSFTPTerminal(t *testing.T) {
	ours := needOursSFTP(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	remote, local := t.TempDir(), t.TempDir()
	if err := os.Mkdir(filepath.Join(remote, "completeme-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := randomBytes(8<<20, "big.bin")
	if err := os.WriteFile(filepath.Join(remote, "completeme-dir", "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTTY(t, local, ours, "-F", srv.ConfigFile, sshdtest.HostAlias)
	s.expect("sftp> ")

	// Tab completes the remote directory's name, with a "/".
	s.send("cd " + remote + "/compl\t")
	s.expect("completeme-dir/")
	s.send("\r")
	s.expect("sftp> ")
	s.send("pwd\r")
	s.expect("Remote working directory: " + remote + "/completeme-dir")

	// The up arrow brings pwd back.
	s.send("\x1b[A\r")
	s.expect("Remote working directory: " + remote + "/completeme-dir")

	// The meter draws the get on the terminal.
	s.send("get big.bin\r")
	s.expect("100%")
	s.expect("sftp> ")
	s.send("exit\r")
	if code := s.wait(); code != 0 {
		t.Errorf("exit status %d; screen:\n%q", code, s.screen.String())
	}
	got, err := os.ReadFile(filepath.Join(local, "big.bin"))
	if err != nil || !bytes.Equal(got, big) {
		t.Errorf("big.bin: %d bytes of %d, %v", len(got), len(big), err)
	}
}

// TestSFTPTerminalInterrupt types ^C while a get waits on a server that
// stalled in the middle of a read.
func TestSFTPTerminalInterrupt(t *testing.T) {
	ours := needOursSFTP(t)
	srv := startSHServer(t, map[string]string{"int": "stall-read"})
	events := srv.events["int"]
	s := startTTY(t, t.TempDir(), ours, "-F", srv.srv.ConfigFile, "-s", "hostile-int", sshdtest.HostAlias)
	s.expect("sftp> ")
	s.send("get f\r")
	if _, ok := <-events.lines; !ok {
		t.Fatal("the events FIFO closed")
	}
	s.send("\x03")
	s.expect("Interrupt")
	s.expect("sftp> ")
	s.send("pwd\r")
	s.expect("Remote working directory: ")
	s.send("exit\r")
	if code := s.wait(); code != 0 {
		t.Errorf("exit status %d; screen:\n%q", code, s.screen.String())
	}
}
