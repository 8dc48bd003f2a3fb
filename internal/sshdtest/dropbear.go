package sshdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Dropbear and DropbearKey are the programs StartDropbear runs (Debian's
// dropbear-bin).
const (
	Dropbear    = "/usr/sbin/dropbear"
	DropbearKey = "/usr/bin/dropbearkey"
)

// StartDropbear starts Dropbear as a second SSH server implementation and
// stops it in t.Cleanup. The Server it returns is used like Start's: the
// same fields, ConfigFile with the same host alias, Authorize.
//
// Dropbear (2022.83) reads authorized_keys only from ~/.ssh of the login
// user's passwd entry; it has no option for another file. So Dropbear runs
// in a private mount namespace where /etc/passwd is a copy giving the
// current user a temporary home (Dir/home, holding only .ssh/authorized_keys):
// the machine's ~/.ssh is never touched, and nothing outside the namespace
// sees the change. Commands run there as usual, with HOME and the working
// directory in that temporary home. That needs root; without root, or
// without dropbear, dropbearkey or mount, the test is skipped.
//
// Only cfg.RemotePath applies (Dropbear has no sshd_config). Dropbear sets
// its own PATH for commands, so RemotePath works through Dropbear's forced
// command (-c): a line of shell that puts RemotePath first in PATH and then
// evaluates SSH_ORIGINAL_COMMAND, the command the client asked for, in the
// same login shell that would have run it.
func StartDropbear(t testing.TB, cfg Config) *Server {
	t.Helper()
	if len(cfg.Extra) > 0 || len(cfg.HostKeys) > 0 || cfg.Program != "" {
		t.Fatalf("sshdtest: StartDropbear supports only Config.RemotePath")
	}
	for _, p := range []string{Dropbear, DropbearKey} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("sshdtest: %s not available (Debian package dropbear-bin): %v", p, err)
		}
	}
	if _, err := exec.LookPath("mount"); err != nil {
		t.Skipf("sshdtest: Dropbear needs mount(8) for its temporary home: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("sshdtest: Dropbear needs root: it runs in a private mount namespace with a temporary home")
	}
	s, u := newServer(t, "dropbear")
	args, hostPub, err := s.dropbearSetup(cfg, u)
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}

	var lastLog string
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("sshdtest: free port: %v", err)
		}
		s.Port = port
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		up, log, err := s.runDropbear(slices.Concat(args, []string{"-p", s.Addr}))
		if err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
		if up {
			break
		}
		lastLog = log
		if !strings.Contains(log, "Address already in use") {
			t.Fatalf("sshdtest: dropbear exited during startup:\n%s", log)
		}
	}
	if s.cmd == nil {
		t.Fatalf("sshdtest: dropbear could not bind a port after 5 attempts:\n%s", lastLog)
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("sshdtest: dropbear log (%s), last %d lines:\n%s", s.Addr, logTail, tail(s.readLog(), logTail))
		}
	})
	known := "[127.0.0.1]:" + strconv.Itoa(s.Port) + " " + hostPub + "\n"
	if err := os.WriteFile(s.KnownHosts, []byte(known), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	if err := os.WriteFile(s.ConfigFile, []byte(s.clientConfig()), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	return s
}

// dropbearSetup writes the host key, the client key, the temporary home
// with authorized_keys and the passwd copy, and returns the arguments for
// the command that starts Dropbear (all but -p) and the host key's public
// key ("type base64").
func (s *Server) dropbearSetup(cfg Config, u *user.User) (args []string, hostPub string, err error) {
	hostKey := filepath.Join(s.Dir, "host_ed25519")
	out, err := exec.Command(DropbearKey, "-t", "ed25519", "-f", hostKey).CombinedOutput()
	if err != nil {
		return nil, "", fmt.Errorf("dropbearkey: %v\n%s", err, out)
	}
	hostPub, err = dropbearPublicKey(out)
	if err != nil {
		return nil, "", err
	}
	clientPub, err := writeKey(s.ClientKey)
	if err != nil {
		return nil, "", fmt.Errorf("client key: %w", err)
	}
	home := filepath.Join(s.Dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		return nil, "", err
	}
	s.authKeys = filepath.Join(home, ".ssh", "authorized_keys")
	if err := os.WriteFile(s.authKeys, clientPub, 0o600); err != nil {
		return nil, "", err
	}
	passwd, err := passwdWithHome(u.Username, home)
	if err != nil {
		return nil, "", err
	}
	passwdFile := filepath.Join(s.Dir, "passwd")
	if err := os.WriteFile(passwdFile, passwd, 0o644); err != nil {
		return nil, "", err
	}
	// sh binds the copy over /etc/passwd in the namespace Go's Unshareflags
	// made (private, so the mount never propagates) and becomes dropbear.
	args = []string{"-c", `mount --bind "$0" /etc/passwd && exec "$@"`, passwdFile,
		Dropbear, "-F", "-E", "-s", "-m", "-r", hostKey, "-P", filepath.Join(s.Dir, "dropbear.pid")}
	if cfg.RemotePath != "" {
		path, err := remotePath(cfg.RemotePath)
		if err != nil {
			return nil, "", err
		}
		args = append(args, "-c", `PATH=`+path+`:$PATH; export PATH; eval "$SSH_ORIGINAL_COMMAND"`)
	}
	return args, hostPub, nil
}

// dropbearPublicKey finds the public key line in dropbearkey's output.
func dropbearPublicKey(out []byte) (string, error) {
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "ssh-ed25519" {
			return f[0] + " " + f[1], nil
		}
	}
	return "", fmt.Errorf("no public key in dropbearkey's output:\n%s", out)
}

// passwdWithHome returns /etc/passwd with name's home directory replaced.
func passwdWithHome(name, home string) ([]byte, error) {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return nil, err
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	found := false
	for i, l := range lines {
		f := strings.Split(strings.TrimSuffix(string(l), "\n"), ":")
		if len(f) == 7 && f[0] == name {
			f[5] = home
			lines[i] = []byte(strings.Join(f, ":") + "\n")
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("user %q is not in /etc/passwd", name)
	}
	return bytes.Join(lines, nil), nil
}

// remotePath checks and joins the RemotePath directories as absolute paths.
func remotePath(list string) (string, error) {
	var abs []string
	for _, d := range filepath.SplitList(list) {
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, " \t\n\"'\\$`:#;&|<>()*?[]") {
			return "", fmt.Errorf("RemotePath directory %q has a character this package does not quote", d)
		}
		a, err := filepath.Abs(d)
		if err != nil {
			return "", err
		}
		abs = append(abs, a)
	}
	return strings.Join(abs, ":"), nil
}

// runDropbear starts Dropbear through sh (args) and waits until it logs
// "Not backgrounding", which it does once it listens (up is true), or it
// has exited (up is false and log holds its output).
func (s *Server) runDropbear(args []string) (up bool, log string, err error) {
	cmd := exec.Command("/bin/sh", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	d, err := s.startDaemon(cmd, func(line string) bool { return strings.Contains(line, "Not backgrounding") })
	if err != nil {
		return false, "", err
	}
	listening, copied, exited := d.ready, d.copied, d.exited
	// The deadline only guards against a wedged dropbear.
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	select {
	case <-listening:
	case <-exited:
		<-copied
		return false, s.readLog(), nil
	case <-deadline.C:
		cmd.Process.Kill()
		<-exited
		return false, "", fmt.Errorf("dropbear did not start listening within 30s:\n%s", s.readLog())
	}
	s.cmd = cmd
	s.exited = exited
	return true, "", nil
}
