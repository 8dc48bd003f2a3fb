// Package sshdtest starts a real OpenSSH sshd for tests.
//
// Each Server runs `/usr/sbin/sshd -D -e -f CONFIG` as a child of the test
// process, listening on 127.0.0.1 on a free port, with throw-away keys in a
// temporary directory. Clients reach it through Server.ConfigFile, an
// ssh_config that names the host "sshdtest" and pins the key files, so
//
//	scp -F srv.ConfigFile file sshdtest:/tmp/dir/
//
// works the same for OpenSSH's scp and ours, isolated from ~/.ssh, agents
// and the system ssh_config. The server logs in the current user (root
// included) with the client key only; Server.Authorize adds more keys.
//
// The package is for tests only.
package sshdtest

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHD is the sshd binary Start runs.
const SSHD = "/usr/sbin/sshd"

// HostAlias is the host name ConfigFile defines for the server.
const HostAlias = "sshdtest"

// Server is a running sshd. All paths are absolute.
type Server struct {
	Addr       string // "127.0.0.1:port"
	Port       int
	User       string // the login name: the current user
	Dir        string // temporary directory with keys, configs, known_hosts and the log
	ClientKey  string // private key (ed25519, no passphrase) authorised for User
	KnownHosts string // known_hosts holding the host key as [127.0.0.1]:port
	// ConfigFile is an ssh_config for clients (pass it with -F). Host
	// "sshdtest", "127.0.0.1" and "localhost" map to this server (HostName,
	// Port); every host gets User, IdentityFile ClientKey, IdentitiesOnly,
	// UserKnownHostsFile KnownHosts, GlobalKnownHostsFile /dev/null,
	// StrictHostKeyChecking yes and BatchMode yes.
	ConfigFile string
	LogFile    string // sshd's stderr (-e); printed when the test fails

	cmd      *exec.Cmd
	exited   chan struct{} // closed when sshd has exited
	authKeys string        // the authorized_keys file
	authMu   sync.Mutex    // serialises Authorize
}

// Config adjusts the server.
type Config struct {
	// RemotePath, if non-empty, is a list of directories (separated like
	// PATH) put first in PATH for every command sshd runs, so the remote
	// `scp` can be ours or a fake.
	RemotePath string
	// Extra sshd_config lines. Lines before the first "Match" go ahead of
	// the defaults, so they override them (sshd takes the first value);
	// a Match block and everything after it go at the end.
	Extra []string
	// HostKeys, if non-empty, are unencrypted private key files sshd uses
	// as its host keys, in this order, instead of a generated ed25519 key.
	// They go where the default HostKey line would, after the Extra lines
	// before "Match" (for a key of a type already loaded, sshd uses the
	// first). KnownHosts lists all of them.
	HostKeys []string
	// Subsystem, if non-empty, replaces the server of the "Subsystem sftp"
	// line (a command, or internal-sftp); "none" leaves the line out. sshd
	// refuses a second such line, so Extra cannot do either.
	Subsystem string
	// Program, if non-empty, is the absolute path Start runs instead of
	// SSHD: a symlink to SSHD under another name gives the server a PAM
	// service of that name (sshd names its service after argv[0]).
	Program string
}

// Start starts sshd and stops it in t.Cleanup. It skips the test if
// /usr/sbin/sshd is missing and fails it if sshd cannot be started.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if _, err := os.Stat(SSHD); err != nil {
		t.Skipf("sshdtest: %s not available: %v", SSHD, err)
	}
	program := SSHD
	if cfg.Program != "" {
		if !filepath.IsAbs(cfg.Program) {
			t.Fatalf("sshdtest: Program %q is not an absolute path (sshd re-executes itself)", cfg.Program)
		}
		program = cfg.Program
	}
	s, _ := newServer(t, "sshd")
	dir := s.Dir
	hostKeys, hostPubs, err := hostKeys(cfg.HostKeys, dir)
	if err != nil {
		t.Fatalf("sshdtest: host key: %v", err)
	}
	clientPub, err := writeKey(s.ClientKey)
	if err != nil {
		t.Fatalf("sshdtest: client key: %v", err)
	}
	s.authKeys = filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(s.authKeys, clientPub, 0o600); err != nil {
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
		sshdConfig := filepath.Join(dir, "sshd_config")
		conf, err := serverConfig(cfg, port, hostKeys, s.authKeys)
		if err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
		if err := os.WriteFile(sshdConfig, []byte(conf), 0o600); err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
		up, log, err := s.run(program, sshdConfig)
		if err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
		if up {
			break
		}
		lastLog = log
		if !strings.Contains(log, "Address already in use") && !strings.Contains(log, "Cannot bind any address") {
			t.Fatalf("sshdtest: sshd exited during startup:\n%s", log)
		}
		s.cmd = nil
	}
	if s.cmd == nil {
		t.Fatalf("sshdtest: sshd could not bind a port after 5 attempts:\n%s", lastLog)
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("sshdtest: sshd log (%s), last %d lines:\n%s", s.Addr, logTail, tail(s.readLog(), logTail))
		}
	})

	var known strings.Builder
	for _, pub := range hostPubs {
		known.WriteString("[127.0.0.1]:" + strconv.Itoa(s.Port) + " " + string(pub))
	}
	if err := os.WriteFile(s.KnownHosts, []byte(known.String()), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	if err := os.WriteFile(s.ConfigFile, []byte(s.clientConfig()), 0o600); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	return s
}

// Authorize adds public keys to the server's authorized_keys for User.
// sshd reads the file at each login, so it may be called at any time,
// also from parallel tests.
func (s *Server) Authorize(t testing.TB, keys ...ssh.PublicKey) {
	t.Helper()
	s.authMu.Lock()
	defer s.authMu.Unlock()
	var b []byte
	for _, k := range keys {
		b = append(b, ssh.MarshalAuthorizedKey(k)...)
	}
	f, err := os.OpenFile(s.authKeys, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
}

// hostKeys returns the absolute host key files for cfg.HostKeys, or a
// new ed25519 key in dir if there are none, and their public key lines.
func hostKeys(files []string, dir string) (paths []string, pubs [][]byte, err error) {
	if len(files) == 0 {
		p := filepath.Join(dir, "host_ed25519")
		pub, err := writeKey(p)
		if err != nil {
			return nil, nil, err
		}
		return []string{p}, [][]byte{pub}, nil
	}
	for _, f := range files {
		if strings.ContainsAny(f, " \t\n\"'\\#") {
			return nil, nil, fmt.Errorf("HostKeys file %q has a character this package does not quote", f)
		}
		p, err := filepath.Abs(f)
		if err != nil {
			return nil, nil, err
		}
		pem, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		signer, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		paths = append(paths, p)
		pubs = append(pubs, ssh.MarshalAuthorizedKey(signer.PublicKey()))
	}
	return paths, pubs, nil
}

// run starts program (sshd) and waits until it has reported "Server
// listening" and answers with an SSH banner (up is true), or it has exited
// (up is false and log holds its output).
func (s *Server) run(program, sshdConfig string) (up bool, log string, err error) {
	cmd := exec.Command(program, "-D", "-e", "-f", sshdConfig)
	d, err := s.startDaemon(cmd, func(line string) bool { return strings.HasPrefix(line, "Server listening on ") })
	if err != nil {
		return false, "", err
	}
	listening, copied, exited := d.ready, d.copied, d.exited

	// sshd either listens or exits. "Server listening" is logged at INFO;
	// in case Extra lowers LogLevel, a poller also watches for the banner.
	// The deadline only guards against a wedged sshd.
	stopPoll := make(chan struct{})
	defer close(stopPoll)
	answering := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopPoll:
				return
			case <-tick.C:
				if checkBanner(s.Addr) == nil {
					close(answering)
					return
				}
			}
		}
	}()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	select {
	case <-listening:
		if err := checkBanner(s.Addr); err != nil {
			cmd.Process.Kill()
			<-exited
			return false, "", fmt.Errorf("sshd reported listening but %s does not answer: %v\n%s", s.Addr, err, s.readLog())
		}
	case <-answering:
	case <-exited:
		<-copied // no session children yet: EOF follows sshd's exit
		return false, s.readLog(), nil
	case <-deadline.C:
		cmd.Process.Kill()
		<-exited
		return false, "", fmt.Errorf("sshd did not start listening within 30s:\n%s", s.readLog())
	}
	select {
	case <-exited:
		<-copied
		return false, s.readLog(), nil
	default:
	}
	s.cmd = cmd
	s.exited = exited
	return true, "", nil
}

// newServer is a Server for the current user in a new temporary directory
// (removed after the test), its files named there, the log after program.
func newServer(t testing.TB, program string) (*Server, *user.User) {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sshdtest: current user: %v", err)
	}
	dir, err := os.MkdirTemp("", program+"test-")
	if err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return &Server{
		User:       u.Username,
		Dir:        dir,
		ClientKey:  filepath.Join(dir, "client_ed25519"),
		KnownHosts: filepath.Join(dir, "known_hosts"),
		ConfigFile: filepath.Join(dir, "ssh_config"),
		LogFile:    filepath.Join(dir, program+".log"),
	}, u
}

// daemon is a server process started by startDaemon.
type daemon struct {
	ready  chan struct{} // closed at the first line ready accepts
	copied chan struct{} // closed once its output is all in the log
	exited chan struct{} // closed once it has exited
}

// startDaemon starts cmd with its stdout and stderr (and its children's)
// copied to s.LogFile, line by line; ready says which line means it is up.
// The copy ends at EOF, when the last process holding the pipe is gone.
func (s *Server) startDaemon(cmd *exec.Cmd, ready func(line string) bool) (*daemon, error) {
	logf, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd.Stdin = nil
	cmd.Stdout = pw
	cmd.Stderr = pw
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	pw.Close()
	d := &daemon{ready: make(chan struct{}), copied: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(d.copied)
		defer logf.Close()
		defer pr.Close()
		var once sync.Once
		r := bufio.NewReader(pr)
		for {
			line, err := r.ReadString('\n')
			logf.WriteString(line)
			if ready(line) {
				once.Do(func() { close(d.ready) })
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(d.exited)
	}()
	return d, nil
}

// logTail is how many lines of the log a failed test shows.
const logTail = 40

func tail(s string, n int) string {
	lines := strings.SplitAfter(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// readLog returns what sshd has logged so far.
func (s *Server) readLog() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

func checkBanner(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading banner: %w", err)
	}
	if !strings.HasPrefix(line, "SSH-2.0-OpenSSH") {
		return fmt.Errorf("unexpected banner %q", line)
	}
	return nil
}

func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(os.Interrupt) // sshd exits on SIGINT/SIGTERM
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

func serverConfig(cfg Config, port int, hostKeys []string, authKeys string) (string, error) {
	var head, tail []string
	inMatch := false
	for _, l := range cfg.Extra {
		f := strings.Fields(l)
		if len(f) > 0 && strings.EqualFold(f[0], "Match") {
			inMatch = true
		}
		if inMatch {
			tail = append(tail, l)
		} else {
			head = append(head, l)
		}
	}
	var b strings.Builder
	b.WriteString("# written by internal/sshdtest\n")
	for _, l := range head {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "ListenAddress 127.0.0.1\nPort %d\n", port)
	for _, k := range hostKeys {
		fmt.Fprintf(&b, "HostKey %s\n", k)
	}
	fmt.Fprintf(&b, "AuthorizedKeysFile %s\n", authKeys)
	b.WriteString(`PidFile none
StrictModes no
UsePAM no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
`)
	switch cfg.Subsystem {
	case "":
		b.WriteString("Subsystem sftp " + sftpServer() + "\n")
	case "none":
	default:
		b.WriteString("Subsystem sftp " + cfg.Subsystem + "\n")
	}
	path := ""
	if cfg.RemotePath != "" {
		dirs := filepath.SplitList(cfg.RemotePath)
		var abs []string
		for _, d := range dirs {
			if d == "" {
				continue
			}
			if strings.ContainsAny(d, " \t\n\"'\\$`:#") {
				return "", fmt.Errorf("RemotePath directory %q has a character this package does not quote", d)
			}
			a, err := filepath.Abs(d)
			if err != nil {
				return "", err
			}
			abs = append(abs, a)
		}
		path = " PATH=" + strings.Join(abs, ":") + ":/usr/local/bin:/usr/bin:/bin"
	}
	// SHLVL=1 keeps bash from reading the user's ~/.bashrc for commands run
	// by sshd (it does so only at shell level 1), so the machine's rc files
	// can neither change PATH nor print noise into what tests compare.
	fmt.Fprintf(&b, "SetEnv SHLVL=1%s\n", path)
	for _, l := range tail {
		b.WriteString(l + "\n")
	}
	return b.String(), nil
}

// sftpServer returns the external sftp-server if there is one, else
// internal-sftp.
func sftpServer() string {
	for _, p := range []string{"/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/libexec/sftp-server", "/usr/lib/ssh/sftp-server"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return "internal-sftp"
}

func (s *Server) clientConfig() string {
	var b strings.Builder
	b.WriteString("# written by internal/sshdtest\n")
	fmt.Fprintf(&b, "Host %s 127.0.0.1 localhost\n", HostAlias)
	fmt.Fprintf(&b, "  HostName 127.0.0.1\n  Port %d\n", s.Port)
	b.WriteString("\nHost *\n")
	fmt.Fprintf(&b, "  User %s\n", s.User)
	fmt.Fprintf(&b, "  IdentityFile %s\n", s.ClientKey)
	b.WriteString("  IdentitiesOnly yes\n")
	fmt.Fprintf(&b, "  UserKnownHostsFile %s\n", s.KnownHosts)
	b.WriteString("  GlobalKnownHostsFile /dev/null\n")
	b.WriteString("  StrictHostKeyChecking yes\n")
	b.WriteString("  BatchMode yes\n")
	return b.String()
}

// writeKey writes a new ed25519 private key in OpenSSH format to path
// (0600) and path+".pub", and returns the public key line.
func writeKey(path string) ([]byte, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "sshdtest")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	line := bytes.TrimSpace(ssh.MarshalAuthorizedKey(sp))
	line = append(line, " sshdtest\n"...)
	if err := os.WriteFile(path+".pub", line, 0o644); err != nil {
		return nil, err
	}
	return line, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
