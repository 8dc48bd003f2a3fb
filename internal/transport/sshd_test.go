package transport

import (
	"bytes"
	"context"
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

	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/sshdtest"
)

// syncBuffer collects stderr written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testCtx bounds a test so that a hang fails it rather than the run.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func evaluate(t *testing.T, configFile, host string, options ...string) *sshconfig.Config {
	t.Helper()
	cfg, err := sshconfig.Evaluate(sshconfig.Request{Host: host, ConfigFile: configFile, Options: options})
	if err != nil {
		t.Fatalf("evaluate %s %q: %v", host, options, err)
	}
	return cfg
}

// run runs command on c and returns its stdout.
func run(t *testing.T, c *Client, command string) string {
	t.Helper()
	s, err := c.Start(command)
	if err != nil {
		t.Fatal(err)
	}
	s.Stdin.Close()
	out, _ := io.ReadAll(s.Stdout)
	if err := s.Wait(); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return string(out)
}

// dialError dials and returns the error message, failing if it connects.
func dialError(t *testing.T, cfg *sshconfig.Config, opts Options) string {
	t.Helper()
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	c, err := Dial(testCtx(t), cfg, opts)
	if err == nil {
		c.Close()
		t.Fatal("Dial succeeded")
	}
	return err.Error()
}

// opensshError runs the reference ssh with the same settings and returns
// its last stderr line.
func opensshError(t *testing.T, configFile string, args ...string) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/ssh"); err != nil {
		t.Skip("no /usr/bin/ssh")
	}
	ctx := testCtx(t)
	host := sshdtest.HostAlias
	if strings.Contains(strings.Join(args, " "), "-J") {
		host = "dest"
	}
	cmd := exec.CommandContext(ctx, "/usr/bin/ssh", append(append([]string{"-F", configFile}, args...), host, "true")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("ssh %q succeeded", args)
	}
	return strings.TrimRight(stderr.String(), "\r\n")
}

func TestDirectAndProxyCommandNone(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, "ProxyCommand=none")
	c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.conn.(*net.TCPConn); !ok {
		t.Errorf("ProxyCommand none: connection is %T, want a direct TCP connection", c.conn)
	}
	if got := run(t, c, "echo direct"); got != "direct\n" {
		t.Errorf("got %q", got)
	}
}

// TestProxyCommandInetd runs sshd in inetd mode as the ProxyCommand: the
// connection is the command's stdin and stdout, and closing the client
// ends the command.
func TestProxyCommandInetd(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	proxy := fmt.Sprintf("ProxyCommand=%s -i -f %s", sshdtest.SSHD, filepath.Join(srv.Dir, "sshd_config"))
	cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, proxy)
	if !strings.HasPrefix(cfg.ProxyCommand, sshdtest.SSHD+" -i") {
		t.Fatalf("ProxyCommand = %q", cfg.ProxyCommand)
	}
	c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	pc, ok := c.conn.(*commandConn)
	if !ok {
		t.Fatalf("connection is %T, want the proxy command", c.conn)
	}
	if got := run(t, c, "echo via inetd"); got != "via inetd\n" {
		t.Errorf("got %q", got)
	}
	c.Close()
	select {
	case <-pc.exited:
	default:
		t.Error("proxy command still running after Close")
	}
}

func TestProxyCommandTokensAndFailure(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	dir := t.TempDir()
	// %h and %p are expanded by sshconfig; the command records them and
	// closes the connection, which ssh reports as UNKNOWN port 65535.
	out := filepath.Join(dir, "args")
	cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, "ProxyCommand=sh -c 'echo %h %p > "+out+"'")
	msg := dialError(t, cfg, Options{})
	want := strings.ReplaceAll(opensshError(t, srv.ConfigFile, "-o", "ProxyCommand=true"), "\r\n", "\n")
	// OpenSSH's ssh sometimes writes its banner to the dead proxy before
	// it reads, a race of its own on a loaded machine; ours always reads.
	if want == "banner exchange: Connection to UNKNOWN port 65535: Broken pipe\n" {
		want = "kex_exchange_identification: Connection closed by remote host\nConnection closed by UNKNOWN port 65535\n"
	}
	if msg != want {
		t.Errorf("ours:    %q\nOpenSSH: %q", msg, want)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "127.0.0.1 "+strconv.Itoa(srv.Port)+"\n"; got != want {
		t.Errorf("proxy command saw %q, want %q", got, want)
	}
}

// jumpServers starts three servers and writes a config naming them j1, j2
// and dest, all accepting the first server's client key.
func jumpServers(t *testing.T) (configFile string, servers [3]*sshdtest.Server) {
	var known []byte
	for i := range servers {
		servers[i] = sshdtest.Start(t, sshdtest.Config{Extra: []string{"LogLevel DEBUG1", "AllowTcpForwarding yes"}})
		b, err := os.ReadFile(servers[i].KnownHosts)
		if err != nil {
			t.Fatal(err)
		}
		known = append(known, b...)
		if i > 0 {
			pub, err := os.ReadFile(servers[0].ClientKey + ".pub")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(servers[i].Dir, "authorized_keys"), pub, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, known, 0o600); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, name := range []string{"j1", "j2", "dest"} {
		fmt.Fprintf(&b, "Host %s\n  HostName 127.0.0.1\n  Port %d\n", name, servers[i].Port)
	}
	fmt.Fprintf(&b, "Host *\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n"+
		"  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n",
		servers[0].User, servers[0].ClientKey, kh)
	configFile = filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(configFile, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return configFile, servers
}

// TestProxyJumpChain reaches dest through j1 then j2, each hop evaluated
// from the config file, and checks in the hops' logs that each forwarded
// to the next.
func TestProxyJumpChain(t *testing.T) {
	configFile, srv := jumpServers(t)
	for _, jump := range []string{
		"j1,j2",
		fmt.Sprintf("ssh://%s@j1,%s@127.0.0.1:%d", srv[0].User, srv[0].User, srv[1].Port),
	} {
		t.Run(jump, func(t *testing.T) {
			cfg := evaluate(t, configFile, "dest", "ProxyJump="+jump)
			c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard, ConfigFile: configFile})
			if err != nil {
				t.Fatal(err)
			}
			if c.via == nil || c.via.via == nil || c.via.via.via != nil {
				t.Fatal("not a two-hop chain")
			}
			if got := run(t, c, "echo through two hops"); got != "through two hops\n" {
				t.Errorf("got %q", got)
			}
			c.Close()
			for i := 0; i < 2; i++ {
				log, _ := os.ReadFile(srv[i].LogFile)
				want := fmt.Sprintf("target 127.0.0.1 port %d", srv[i+1].Port)
				if !strings.Contains(string(log), want) {
					t.Errorf("hop %d log lacks %q", i+1, want)
				}
			}
		})
	}
	t.Run("none", func(t *testing.T) {
		cfg := evaluate(t, configFile, "dest", "ProxyJump=none")
		c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard, ConfigFile: configFile})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if c.via != nil {
			t.Error("ProxyJump none went through a hop")
		}
	})
	t.Run("refused", func(t *testing.T) {
		// dest's port, as seen from j2, is closed.
		port := strconv.Itoa(closedPort(t))
		cfg := evaluate(t, configFile, "dest", "ProxyJump=j1,j2", "Port="+port)
		got := dialError(t, cfg, Options{ConfigFile: configFile})
		want := opensshError(t, configFile, "-J", "j1,j2", "-p", port)
		want = strings.ReplaceAll(strings.TrimPrefix(want, "\n"), "\r\n", "\n")
		if got != want {
			t.Errorf("ours:    %q\nOpenSSH: %q", got, want)
		}
	})
}

func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestConnectionAttempts(t *testing.T) {
	port := closedPort(t)
	var mu sync.Mutex
	attempts := 0
	dial := dialContext
	dialContext = func(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
		mu.Lock()
		attempts++
		mu.Unlock()
		return dial(ctx, d, network, addr)
	}
	delay := retryDelay
	retryDelay = 0
	t.Cleanup(func() { dialContext, retryDelay = dial, delay })

	for _, n := range []int{1, 3} {
		attempts = 0
		cfg, err := sshconfig.Evaluate(sshconfig.Request{Host: "127.0.0.1", Port: port, ConfigFile: "none",
			Options: []string{"ConnectionAttempts=" + strconv.Itoa(n), "BatchMode=yes"}})
		if err != nil {
			t.Fatal(err)
		}
		msg := dialError(t, cfg, Options{})
		if want := fmt.Sprintf("ssh: connect to host 127.0.0.1 port %d: Connection refused", port); msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
		if attempts != n {
			t.Errorf("ConnectionAttempts=%d: %d attempts", n, attempts)
		}
	}
}

// kexLine returns the cipher sshd's log says was negotiated last.
func negotiatedCipher(t *testing.T, srv *sshdtest.Server) string {
	log, _ := os.ReadFile(srv.LogFile)
	const marker = "kex: client->server cipher: "
	i := strings.LastIndex(string(log), marker)
	if i < 0 {
		t.Fatalf("no %q in the sshd log", marker)
	}
	f := strings.Fields(string(log)[i+len(marker):])
	return f[0]
}

func TestCiphers(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"LogLevel DEBUG1"}})
	tests := []struct {
		cipher  string // -c
		options []string
		want    string
	}{
		{want: defaultCiphers[0]}, // x/crypto's first choice (see defaultCiphers)
		{cipher: "aes128-ctr", want: "aes128-ctr"},
		{options: []string{"Ciphers=^aes256-gcm@openssh.com"}, want: "aes256-gcm@openssh.com"},
		{options: []string{"Ciphers=-aes*-gcm*,chacha20*"}, want: "aes128-ctr"},
		// -c overrides the config, as in ssh.
		{cipher: "aes192-ctr", options: []string{"Ciphers=aes256-ctr"}, want: "aes192-ctr"},
		{options: []string{"Ciphers=aes256-ctr", "MACs=hmac-sha2-512"}, want: "aes256-ctr"},
		{options: []string{"KexAlgorithms=+diffie-hellman-group1-sha1", "HostKeyAlgorithms=ssh-ed25519"}, want: defaultCiphers[0]},
	}
	for _, tt := range tests {
		t.Run(tt.cipher+strings.Join(tt.options, " "), func(t *testing.T) {
			cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, tt.options...)
			c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard, Cipher: tt.cipher})
			if err != nil {
				t.Fatal(err)
			}
			run(t, c, "true")
			c.Close()
			if got := negotiatedCipher(t, srv); got != tt.want {
				t.Errorf("negotiated %s, want %s", got, tt.want)
			}
		})
	}
}

// TestNegotiationFailures compares our messages with OpenSSH's ssh when
// nothing can be agreed, including lists that end up empty.
func TestNegotiationFailures(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	port := strconv.Itoa(srv.Port)
	tests := []struct {
		cipher  string
		options []string
	}{
		{cipher: "3des-cbc"},
		{options: []string{"Ciphers=aes128-cbc"}},
		{options: []string{"Ciphers=-*"}},
		{options: []string{"KexAlgorithms=diffie-hellman-group1-sha1"}},
		{options: []string{"KexAlgorithms=-*"}},
		{options: []string{"HostKeyAlgorithms=rsa-sha2-512"}},
	}
	for _, tt := range tests {
		t.Run(tt.cipher+strings.Join(tt.options, " "), func(t *testing.T) {
			cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, tt.options...)
			got := dialError(t, cfg, Options{Cipher: tt.cipher})
			var args []string
			if tt.cipher != "" {
				args = append(args, "-c", tt.cipher)
			}
			for _, o := range tt.options {
				args = append(args, "-o", o)
			}
			want := opensshError(t, srv.ConfigFile, args...)
			if got != want {
				t.Errorf("ours:    %q\nOpenSSH: %q", got, want)
			}
			if !strings.HasPrefix(got, "Unable to negotiate with 127.0.0.1 port "+port+": no matching ") {
				t.Errorf("message %q", got)
			}
		})
	}
	t.Run("no MAC we can do", func(t *testing.T) {
		// umac is OpenSSH's but not x/crypto's; with a non-AEAD cipher
		// nothing is left to negotiate.
		cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, "MACs=umac-64@openssh.com")
		got := dialError(t, cfg, Options{Cipher: "aes128-ctr"})
		if !strings.HasPrefix(got, "Unable to negotiate with 127.0.0.1 port "+port+": no matching MAC found. Their offer: umac-64-etm@openssh.com,") {
			t.Errorf("message %q", got)
		}
		// An AEAD cipher needs no MAC.
		c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	})
}

// sessionParent returns the pid of the sshd process serving the session
// whose shell printed its pid.
func sessionParent(t *testing.T, shellPid string) int {
	b, err := os.ReadFile("/proc/" + shellPid + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) state ppid ...
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return ppid
}

// TestServerAliveTimeout stops the sshd process serving the connection:
// after ServerAliveCountMax unanswered keepalives the client says so as
// ssh does and the session ends instead of hanging.
func TestServerAliveTimeout(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias, "ServerAliveInterval=1", "ServerAliveCountMax=2")
	var stderr syncBuffer
	c, err := Dial(testCtx(t), cfg, Options{Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Start("echo $$; exec sleep 600")
	if err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 0, 16)
	b := make([]byte, 1)
	for {
		if _, err := s.Stdout.Read(b); err != nil {
			t.Fatal(err)
		}
		if b[0] == '\n' {
			break
		}
		line = append(line, b[0])
	}
	sshdPid := sessionParent(t, string(line))
	if err := syscall.Kill(sshdPid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(sshdPid, syscall.SIGCONT)
		if p, err := strconv.Atoi(string(line)); err == nil {
			syscall.Kill(p, syscall.SIGKILL)
		}
	})
	done := make(chan error, 1)
	go func() {
		io.Copy(io.Discard, s.Stdout)
		done <- s.Wait()
	}()
	select {
	case err = <-done:
	case <-testCtx(t).Done():
		t.Fatal("session still running: keepalive did not end it")
	}
	if err == nil {
		t.Error("session ended without error")
	}
	if got, want := stderr.String(), "Timeout, server 127.0.0.1 not responding.\r\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if _, err := c.Start("true"); err == nil {
		t.Error("client still usable after the timeout")
	}
}

var _ = errors.New
