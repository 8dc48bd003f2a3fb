package e2e

// Helpers for the login and host-key tests (auth_test.go): a PAM service
// of its own for a test sshd, a client driven through prompts on a
// pseudo-terminal, ssh-keygen, known_hosts lines and output normalising.
// Clients run through runkit_test.go.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"

	"github.com/goscp/goscp/internal/sshdtest"
)

// pamDirs are where Linux-PAM modules live (Debian's multiarch ones and
// the classic ones), as glob patterns.
var pamDirs = []string{"/lib/*/security", "/usr/lib/*/security", "/lib/security", "/usr/lib/security", "/usr/lib64/security"}

// pamCheckScript checks the secret pam_exec hands it on stdin (without a
// newline, hence `read || :`) and logs it. With a code it is a second
// factor: the password is accepted once, then only the code.
const pamCheckScript = `#!/bin/sh
IFS= read -r secret || :
printf '%s\n' "$secret" >> @LOG@
if [ -n @CODE@ ] && [ -e @STATE@ ]; then
	[ "$secret" = @CODE@ ]
	exit
fi
[ "$secret" = @PASSWORD@ ] || exit 1
[ -z @CODE@ ] || : > @STATE@
`

// pamService is a PAM service of its own for test sshds: /etc/pam.d/NAME
// (removed when the test ends) checks a password with pam_exec, and
// program is a symlink to sshd called NAME, which makes sshd use it.
type pamService struct {
	program string
	log     string // every secret the server was given, a line each
	state   string // exists once the password of a two-factor login passed
}

// newPAMService sets up a service accepting password; with a code, the
// code is the second factor, asked for after info (keyboard-interactive
// shows info above the prompt). It skips the test unless we are root and
// pam_exec is installed.
func newPAMService(t *testing.T, password, info, code string) *pamService {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a PAM service of its own for sshd needs root (/etc/pam.d)")
	}
	if !pamModule("pam_exec.so") {
		t.Skip("pam_exec.so is not installed")
	}
	dir := t.TempDir()
	name := strings.Replace(newToken(), "goscp-e2e-", "goscp-sshd-", 1)
	s := &pamService{program: filepath.Join(dir, name), log: filepath.Join(dir, "secrets.log"), state: filepath.Join(dir, "state")}
	if err := os.Symlink(sshdtest.SSHD, s.program); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "check")
	body := strings.NewReplacer("@LOG@", shq(s.log), "@STATE@", shq(s.state), "@CODE@", shq(code), "@PASSWORD@", shq(password)).Replace(pamCheckScript)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	var stack strings.Builder
	stack.WriteString("# goscp e2e tests: one test sshd's service, removed after the test\n")
	if info != "" {
		fmt.Fprintf(&stack, "auth required pam_echo.so %s\n", info)
	}
	fmt.Fprintf(&stack, "auth required pam_exec.so expose_authtok quiet %s\n", script)
	// pam_exec and pam_echo ignore setcred; one module must grant it.
	stack.WriteString("auth optional pam_permit.so\naccount required pam_permit.so\nsession required pam_permit.so\npassword required pam_deny.so\n")
	conf := filepath.Join("/etc/pam.d", name)
	if err := os.WriteFile(conf, []byte(stack.String()), 0o644); err != nil {
		t.Skipf("cannot add a PAM service: %v", err)
	}
	t.Cleanup(func() { os.Remove(conf) })
	return s
}

// pamModule reports whether the PAM module is installed.
func pamModule(name string) bool {
	for _, d := range pamDirs {
		if found, _ := filepath.Glob(filepath.Join(d, name)); len(found) > 0 {
			return true
		}
	}
	return false
}

// start starts an sshd that logs in through the service only: no keys,
// and the methods given as sshd_config lines.
func (s *pamService) start(t *testing.T, methods ...string) *sshdtest.Server {
	t.Helper()
	extra := append([]string{"UsePAM yes", "PubkeyAuthentication no"}, methods...)
	return sshdtest.Start(t, sshdtest.Config{Program: s.program, Extra: extra})
}

// reset forgets earlier logins, for the next client.
func (s *pamService) reset(t *testing.T) {
	t.Helper()
	for _, p := range []string{s.log, s.state} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// secrets returns what the server was given, in order.
func (s *pamService) secrets() []string {
	b, err := os.ReadFile(s.log)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// step is one exchange on the terminal: wait for prompt, then type answer
// and Enter. A secret is typed only once the client has turned echo off,
// and must not show on the screen.
type step struct {
	prompt, answer string
	secret         bool
}

// promptTimeout bounds the wait for one prompt: a client that waits for
// something else does not stall the test for the whole client timeout.
const promptTimeout = 10 * time.Second

// ptyRun is a client whose controlling terminal is a pseudo-terminal: the
// prompts (on /dev/tty) and what is typed form the screen; stdout and
// stderr are collected apart, so the progress meter stays off.
type ptyRun struct {
	p       *proc
	master  *os.File
	mu      sync.Mutex
	screen  []byte
	pos     int           // the screen up to here has been matched
	changed chan struct{} // closed and replaced when the screen grows
	drained chan struct{} // closed when the terminal is closed by all
}

// ptyResult is a finished run on a terminal.
type ptyResult struct {
	clientRun
	screen string
	// err says which step of the dialogue did not happen: then the client
	// was killed and clientRun holds what it had written.
	err error
}

// runOnPTY starts p on a new terminal, plays the dialogue and waits for
// the end. A prompt of the dialogue shown again after the last step is an
// error too (the client asks more often than it should).
func runOnPTY(t *testing.T, p *proc, steps []step) ptyResult {
	t.Helper()
	r := &ptyRun{p: p, changed: make(chan struct{}), drained: make(chan struct{})}
	var slave *os.File
	r.master, slave = openPTY(t)
	defer r.master.Close()
	p.cmd.Stdin = slave
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	p.start()
	// Only the client holds the terminal now: the master reads EIO, and
	// the screen is complete, once it and its children have ended.
	slave.Close()
	go r.read()
	err := r.play(steps)
	if err != nil {
		select {
		case <-p.done: // it ended by itself: keep its exit status
		default:
			p.cancel() // kills the process group
		}
	}
	exit, sig, endErr := p.end()
	if err != nil && endErr != nil {
		exit = -1 // killed
	}
	select {
	case <-r.drained:
	case <-time.After(clientTimeout):
		t.Errorf("%s: something still holds the terminal after the client ended", p.who)
	}
	r.mu.Lock()
	screen := string(r.screen)
	r.mu.Unlock()
	res := ptyResult{clientRun: clientRun{who: p.who, argv: p.cmd.Args, exit: exit, stdout: p.stdout.String(), stderr: p.stderr.String()}, screen: screen, err: err}
	t.Logf("%s\nscreen %q", res, res.screen)
	if err == nil && endErr != nil {
		t.Fatalf("%s: %v", p.who, endErr)
	}
	if err == nil && sig != 0 {
		t.Fatalf("%s died: signal %v", p.who, sig)
	}
	for _, s := range steps {
		if s.secret && s.answer != "" && strings.Contains(res.screen, s.answer) {
			t.Errorf("%s: the secret %q was shown on the terminal", p.who, s.answer)
		}
	}
	return res
}

// play waits for each prompt and types its answer, then watches the
// screen until the client has ended.
func (r *ptyRun) play(steps []step) error {
	for i, s := range steps {
		if err := r.expect(s.prompt); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
		if err := r.typeAnswer(s); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	return r.watchEnd(steps)
}

// read copies the terminal's output to the screen until every slave is
// closed (EIO).
func (r *ptyRun) read() {
	defer close(r.drained)
	buf := make([]byte, 4096)
	for {
		n, err := r.master.Read(buf)
		r.mu.Lock()
		r.screen = append(r.screen, buf[:n]...)
		close(r.changed)
		r.changed = make(chan struct{})
		r.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// rest returns the screen after what earlier steps matched, without the
// "\r" a terminal adds to each "\n", and a channel closed when it grows.
func (r *ptyRun) rest() (string, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.ReplaceAll(string(r.screen[r.pos:]), "\r", ""), r.changed
}

// expect waits until text is on the screen after what earlier steps
// matched, and moves past it.
func (r *ptyRun) expect(text string) error {
	deadline := time.NewTimer(promptTimeout)
	defer deadline.Stop()
	for {
		rest, changed := r.rest()
		if i := strings.Index(rest, text); i >= 0 {
			r.mu.Lock()
			r.pos += skipPlain(r.screen[r.pos:], i+len(text))
			r.mu.Unlock()
			return nil
		}
		select {
		case <-changed:
		case <-r.drained:
			if rest, _ := r.rest(); strings.Contains(rest, text) {
				continue
			}
			return fmt.Errorf("the client ended without prompting %q", text)
		case <-deadline.C:
			return fmt.Errorf("no prompt %q within %v", text, promptTimeout)
		}
	}
}

// skipPlain returns how many bytes of b hold n bytes that are not "\r".
func skipPlain(b []byte, n int) int {
	i := 0
	for ; i < len(b) && n > 0; i++ {
		if b[i] != '\r' {
			n--
		}
	}
	return i
}

// typeAnswer types the step's answer and Enter (a carriage return, as a
// keyboard sends it), a secret only once echo is off.
func (r *ptyRun) typeAnswer(s step) error {
	if s.secret {
		deadline := time.Now().Add(promptTimeout)
		for {
			on, err := r.echoOn()
			if err != nil {
				return err
			}
			if !on {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("echo still on %v after the prompt %q", promptTimeout, s.prompt)
			}
			time.Sleep(2 * time.Millisecond) // nothing tells when the client changes the terminal
		}
	}
	_, err := r.master.Write([]byte(s.answer + "\r"))
	return err
}

// echoOn reports whether the terminal echoes input. Termios requests on a
// Linux pty master act on its slave.
func (r *ptyRun) echoOn() (bool, error) {
	raw, err := r.master.SyscallConn()
	if err != nil {
		return false, err
	}
	var tio *unix.Termios
	var terr error
	if err := raw.Control(func(fd uintptr) { tio, terr = unix.IoctlGetTermios(int(fd), unix.TCGETS) }); err != nil {
		return false, err
	}
	if terr != nil {
		return false, fmt.Errorf("tcgetattr: %w", terr)
	}
	return tio.Lflag&unix.ECHO != 0, nil
}

// watchEnd waits until the terminal is closed, failing if one of the
// dialogue's prompts is shown again meanwhile, or, for a run without a
// dialogue, if anything is shown at all.
func (r *ptyRun) watchEnd(steps []step) error {
	for {
		rest, changed := r.rest()
		if err := askedAgain(rest, steps); err != nil {
			return err
		}
		select {
		case <-changed:
		case <-r.drained:
			rest, _ := r.rest()
			return askedAgain(rest, steps)
		}
	}
}

func askedAgain(screen string, steps []step) error {
	if len(steps) == 0 && screen != "" {
		return fmt.Errorf("wrote to the terminal: %q", screen)
	}
	for _, s := range steps {
		if strings.Contains(screen, s.prompt) {
			return fmt.Errorf("asked again after the last answer: %q", screen)
		}
	}
	return nil
}

// sshKeygen runs ssh-keygen and returns its stdout; failing fails the test.
func sshKeygen(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("ssh-keygen", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh-keygen %q: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// needKeygen skips the test without ssh-keygen.
func needKeygen(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skipf("ssh-keygen not available: %v", err)
	}
}

// newKey makes an ed25519 key pair at path with ssh-keygen and returns
// the public key.
func newKey(t *testing.T, path, passphrase string) ssh.PublicKey {
	t.Helper()
	sshKeygen(t, "-q", "-t", "ed25519", "-N", passphrase, "-C", filepath.Base(path), "-f", path)
	return readPublicKey(t, path+".pub")
}

func readPublicKey(t *testing.T, path string) ssh.PublicKey {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return k
}

// keyText is a public key as known_hosts holds it: "type base64".
func keyText(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// hostKey returns srv's (first) host key as "type base64".
func hostKey(t *testing.T, srv *sshdtest.Server) string {
	t.Helper()
	b, err := os.ReadFile(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		t.Fatalf("unexpected known_hosts %q", b)
	}
	return f[1] + " " + f[2]
}

// hostName is srv's name in known_hosts and messages: [127.0.0.1]:port.
func hostName(srv *sshdtest.Server) string {
	return "[127.0.0.1]:" + strconv.Itoa(srv.Port)
}

// writeFile writes content to path (0600).
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readFile returns path's content, "<missing>" if there is none.
func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "<missing>"
	}
	return string(b)
}

// normaliser replaces a run's own directory and srv's port (in
// [127.0.0.1]:port) by {D} and {PORT}, so two clients' outputs compare.
func normaliser(dir string, port int) *strings.Replacer {
	return strings.NewReplacer(dir, "{D}", "]:"+strconv.Itoa(port), "]:{PORT}")
}
