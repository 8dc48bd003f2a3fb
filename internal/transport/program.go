package transport

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/goscp/goscp/internal/termsafe"
)

// ProgramArgs are the arguments OpenSSH's scp gives the ssh program (-S)
// before the command: its fixed settings, then the ssh arguments the user
// passed to scp in order (ssh keeps the first value, so they can override
// ForwardAgent), then port, user, "--" and the host.
func ProgramArgs(host, user string, port int, sshArgs []string) []string {
	args := []string{"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes", "-oRemoteCommand=none",
		"-oRequestTTY=no"}
	args = append(args, sshArgs...)
	args = append(args, "-oForwardAgent=no")
	if port > 0 {
		args = append(args, "-p", strconv.Itoa(port))
	}
	if user != "" {
		args = append(args, "-l", user)
	}
	return append(args, "--", host)
}

// StartProgram runs an ssh-compatible program as the transport, the way
// OpenSSH's scp -S does: `program ARGS... COMMAND`, speaking the protocol
// over its stdin and stdout. Its stderr, which carries the remote's, goes
// to stderr (ours when nil) sanitised. The session's exit status is the
// program's; ctx's end terminates it.
func StartProgram(ctx context.Context, program string, args []string, command string, stderr io.Writer) (*Session, error) {
	cmd := exec.Command(program, append(append([]string(nil), args...), command)...)
	if stderr == nil {
		stderr = os.Stderr
	}
	errOut := termsafe.NewWriter(stderr)
	cmd.Stderr = errOut
	cmd.WaitDelay = time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stdin.Close()
		// OpenSSH's scp: "exec PROGRAM: strerror" from its child.
		return nil, fmt.Errorf("exec %s: %s", program, connectReason(err))
	}
	p := &programProcess{cmd: cmd, stdin: stdin, stderr: errOut, exited: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
			p.Close()
		case <-p.exited:
		}
	}()
	return &Session{Stdin: stdin, Stdout: stdout, proc: p}, nil
}

// programProcess is an ssh program run for one session.
type programProcess struct {
	cmd      *exec.Cmd
	stdin    io.Closer
	stderr   *termsafe.Writer
	exited   chan struct{}
	waitOnce sync.Once
	waitErr  error
}

// Wait waits for the program; a non-zero exit status is an error.
func (p *programProcess) Wait() error {
	p.waitOnce.Do(func() {
		p.waitErr = p.cmd.Wait()
		p.stderr.Close()
		close(p.exited)
	})
	return p.waitErr
}

// Close ends the program (SIGTERM, as OpenSSH's scp kills its ssh) without
// waiting for it.
func (p *programProcess) Close() error {
	p.stdin.Close()
	select {
	case <-p.exited:
		return nil
	default:
	}
	return p.cmd.Process.Signal(syscall.SIGTERM)
}
