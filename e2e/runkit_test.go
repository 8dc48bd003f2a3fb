package e2e

// The one bounded client runner of the suite: a client with no
// controlling terminal, in its own process group, killed whole (SIGKILL)
// when its time is up. The fault, bad-input and hostile kits build on it,
// as do the plain side-by-side runs (runClient) and the differential
// harness.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// clientTimeout bounds every client run of the fault, bad-input and
// hostile tests: a run still going then is killed (its whole process
// group) and fails the test; a hang does not stall CI. It is a hang guard,
// not a speed limit: the slowest run takes 15 s on an idle machine, and a
// loaded 2-core one must not fail it.
const clientTimeout = 2 * time.Minute

// The clients. OpenSSH's scp always gets -O (its default is SFTP); ours
// runs pipelined (its default), and where a test needs OpenSSH's exact
// conversation with a hostile peer, also serially (-X serial).
const (
	whoOurs       = "ours"
	whoOursSerial = "ours-serial"
	whoOpenSSH    = "openssh"
)

// bothClients is OpenSSH, then ours.
var bothClients = []string{whoOpenSSH, whoOurs}

// whoProg is who's program.
func whoProg(t *testing.T, who string) string {
	t.Helper()
	switch who {
	case whoOurs, whoOursSerial:
		return needOurs(t)
	case whoOpenSSH:
		needOpenSSH(t)
		return opensshSCP
	}
	t.Fatalf("unknown client %q", who)
	return ""
}

// clientArgs are who's arguments for a client run: -F config (if any),
// -O for OpenSSH's, then args.
func clientArgs(who, config string, args ...string) []string {
	var argv []string
	if config != "" {
		argv = append(argv, "-F", config)
	}
	switch who {
	case whoOpenSSH:
		argv = append(argv, "-O")
	case whoOursSerial:
		argv = append(argv, "-X", "serial")
	}
	return append(argv, args...)
}

// proc is a bounded run of a program, prepared or in progress.
type proc struct {
	who     string
	cmd     *exec.Cmd
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	done    chan struct{} // closed when the run has ended (or failed to start)
	err     error         // the run's error, once done
}

// command prepares a run of prog (argv[0] "scp") with args in dir,
// bounded by timeout, its output collected in stdout and stderr. The
// caller may adjust the command (Stdin, Stdout, Args, SysProcAttr…)
// before start.
func command(t *testing.T, who, prog, dir string, env []string, timeout time.Duration, args ...string) *proc {
	t.Helper()
	p := &proc{who: who, timeout: timeout, done: make(chan struct{})}
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

// client prepares a run of who's scp with -F config and args in dir,
// bounded by clientTimeout.
func client(t *testing.T, who, config, dir string, env []string, args ...string) *proc {
	t.Helper()
	return command(t, who, whoProg(t, who), dir, env, clientTimeout, clientArgs(who, config, args...)...)
}

// start starts the run; failing to start ends it at once, with that error.
func (p *proc) start() {
	if err := p.cmd.Start(); err != nil {
		p.err = err
		close(p.done)
		return
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
}

// end waits for the end of the run and returns its exit status (-1 if a
// signal killed it, sig saying which), or an error if it could not run or
// ran out of time (and was killed).
func (p *proc) end() (exit int, sig syscall.Signal, err error) {
	<-p.done
	var ee *exec.ExitError
	switch {
	case p.ctx.Err() != nil:
		return 0, 0, fmt.Errorf("timed out after %v (killed)", p.timeout)
	case errors.As(p.err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			sig = ws.Signal()
		}
		return ee.ExitCode(), sig, nil
	}
	return 0, 0, p.err
}

// clientRun is the outcome of one client run.
type clientRun struct {
	who            string
	argv           []string
	exit           int
	stdout, stderr string
	rusage         *syscall.Rusage
}

func (r clientRun) String() string {
	return fmt.Sprintf("%s %q: exit %d, stdout %q, stderr %q", r.who, r.argv, r.exit, r.stdout, r.stderr)
}

// wait waits for the run to end; one that had to be killed, died of a
// signal or could not run fails the test.
func (p *proc) wait(t *testing.T) clientRun {
	t.Helper()
	exit, sig, err := p.end()
	r := clientRun{who: p.who, argv: p.cmd.Args, stdout: p.stdout.String(), stderr: p.stderr.String()}
	if ps := p.cmd.ProcessState; ps != nil {
		r.rusage, _ = ps.SysUsage().(*syscall.Rusage)
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", p.who, err, r)
	}
	r.exit = exit
	if sig != 0 {
		t.Fatalf("%s died: signal: %v\n%s", p.who, sig, r)
	}
	t.Logf("%s", r)
	return r
}

func (p *proc) run(t *testing.T) clientRun {
	t.Helper()
	p.start()
	return p.wait(t)
}

// wantExit checks the exit status.
func (r clientRun) wantExit(t *testing.T, want int) {
	t.Helper()
	if r.exit != want {
		t.Errorf("%s: exit status %d, want %d\n%s", r.who, r.exit, want, r)
	}
}

// wantStderr checks that stderr contains each of msgs.
func (r clientRun) wantStderr(t *testing.T, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("%s: stderr %q does not contain %q", r.who, r.stderr, m)
		}
	}
}

// wantClean checks that no raw ESC (or other raw control byte, see
// rawControl) reached the terminal: peer text must be shown sanitised.
func (r clientRun) wantClean(t *testing.T) {
	t.Helper()
	for _, out := range []struct{ name, s string }{{"stdout", r.stdout}, {"stderr", r.stderr}} {
		if i := strings.IndexFunc(out.s, rawControl); i >= 0 {
			t.Errorf("%s: raw control byte %#x in %s: %q", r.who, out.s[i], out.name, out.s)
		}
	}
}

// rawControl reports whether c may not reach a terminal raw: a C0 control
// but \t \n \r, or DEL.
func rawControl(c rune) bool {
	return c < ' ' && c != '\n' && c != '\t' && c != '\r' || c == 0x7f
}

// runClient runs prog with args and no terminal, bounded by a minute, in
// the environment of a client (plus env), and returns its exit status
// (-1 if a signal killed it) and output; a run that hangs or cannot run
// fails the test.
func runClient(t *testing.T, prog string, args []string, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := command(t, prog, prog, "", append(clientEnv(t.TempDir(), os.Getenv("USER")), env...), time.Minute, args...)
	p.start()
	code, _, err := p.end()
	if err != nil {
		t.Fatalf("%s %q did not finish: %v", prog, args, err)
	}
	return code, p.stdout.String(), p.stderr.String()
}
