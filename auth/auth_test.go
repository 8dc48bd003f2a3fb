package auth

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
)

// goServer is an in-process x/crypto SSH server for the password and
// keyboard-interactive paths, which the test sshd cannot offer without PAM
// and a system password.
type goServer struct {
	addr    string
	hostKey ssh.PublicKey
}

func startGoServer(t *testing.T, cfg *ssh.ServerConfig) goServer {
	t.Helper()
	host := signer(t, newKey(t, "ed25519"))
	cfg.AddHostKey(host)
	cfg.MaxAuthTries = -1
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if sc, chans, reqs, err := ssh.NewServerConn(conn, cfg); err == nil {
					go ssh.DiscardRequests(reqs)
					for ch := range chans {
						ch.Reject(ssh.Prohibited, "test server")
					}
					sc.Close()
				}
			}()
		}
	}()
	return goServer{addr: l.Addr().String(), hostKey: host.PublicKey()}
}

// login dials the server with a's configuration and closes the connection.
func (s goServer) login(a *Auth) error {
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		return err
	}
	c, _, _, err := ssh.NewClientConn(conn, s.addr, a.ClientConfig())
	if err != nil {
		return err
	}
	return c.Close()
}

// newTestAuth returns an Auth for s that trusts its host key.
func (s goServer) newTestAuth(t *testing.T, opts Options) *Auth {
	t.Helper()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	_, port, _ := net.SplitHostPort(s.addr)
	writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:"+port, s.hostKey))
	opts.User = "alice"
	opts.HostName = "127.0.0.1"
	fmt.Sscan(port, &opts.Port)
	opts.StrictHostKeyChecking = "true"
	opts.UserKnownHostsFiles = []string{kh}
	opts.IdentityAgent = "none"
	if opts.Stderr == nil {
		opts.Stderr = &syncBuffer{}
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func passwordServer(password string) *ssh.ServerConfig {
	return &ssh.ServerConfig{
		PasswordCallback: func(_ ssh.ConnMetadata, p []byte) (*ssh.Permissions, error) {
			if string(p) == password {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
			return nil, errors.New("no keys here")
		},
		KeyboardInteractiveCallback: func(_ ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := challenge("Login\x1b[2J", "Type it.", []string{"Password: ", "Echoed\x01: "}, []bool{false, true})
			if err != nil {
				return nil, err
			}
			if answers[0] == password && answers[1] == "seen" {
				return nil, nil
			}
			return nil, errors.New("wrong answers")
		},
	}
}

func TestLoginMethodOrderAndPermissionDenied(t *testing.T) {
	s := startGoServer(t, passwordServer("right"))
	dir := t.TempDir()
	key := writeKey(t, dir, "id_ed25519", newKey(t, "ed25519"), openSSHFormat, "")
	stderr := &syncBuffer{}
	p := &fakePrompter{answers: []string{"k1", "x", "k2", "x", "k3", "x", "p1", "p2", "p3"}}
	a := s.newTestAuth(t, Options{IdentityFiles: []string{key}, Prompter: p, Stderr: stderr})
	err := s.login(a)
	msg, ok := a.PermissionDenied(err)
	// x/crypto's server lists its methods in its own order; ssh prints them as sent.
	if want := "alice@127.0.0.1: Permission denied (password,publickey,keyboard-interactive)."; !ok || msg != want {
		t.Fatalf("PermissionDenied(%v) = %q, %v; want %q", err, msg, ok, want)
	}
	kbd := []string{"(alice@127.0.0.1) Password: ", `(alice@127.0.0.1) Echoed\001: `}
	password := "alice@127.0.0.1's password: "
	want := slices.Concat(kbd, kbd, kbd, []string{password, password, password})
	if got := p.prompts(); !slices.Equal(got, want) {
		t.Errorf("prompts:\n%q\nwant\n%q", got, want)
	}
	if !slices.Equal(p.echo, []bool{false, true, false, true, false, true, false, false, false}) {
		t.Errorf("echo flags %v", p.echo)
	}
	info := "Login\\033[2J\r\nType it.\r\n"
	retry := "Permission denied, please try again.\r\n"
	if got, want := stderr.String(), info+info+info+retry+retry; got != want {
		t.Errorf("stderr:\n%q\nwant\n%q", got, want)
	}
}

func TestLoginPassword(t *testing.T) {
	cfg := passwordServer("right")
	cfg.KeyboardInteractiveCallback = nil
	s := startGoServer(t, cfg)
	p := &fakePrompter{answers: []string{"wrong", "right"}}
	stderr := &syncBuffer{}
	a := s.newTestAuth(t, Options{Prompter: p, Stderr: stderr})
	if err := s.login(a); err != nil {
		t.Fatalf("login: %v", err)
	}
	if got := len(p.prompts()); got != 2 {
		t.Errorf("asked %d times, want 2", got)
	}
	if stderr.String() != "Permission denied, please try again.\r\n" {
		t.Errorf("stderr = %q", stderr.String())
	}
	// Each connection has its own three tries.
	p.answers = []string{"a", "b", "right"}
	if err := s.login(a); err != nil {
		t.Errorf("second login: %v", err)
	}
}

func TestLoginKeyboardInteractive(t *testing.T) {
	s := startGoServer(t, passwordServer("right"))
	p := &fakePrompter{answers: []string{"right", "seen"}}
	a := s.newTestAuth(t, Options{Prompter: p})
	if err := s.login(a); err != nil {
		t.Fatalf("login: %v", err)
	}
}

func TestLoginWithoutPrompts(t *testing.T) {
	s := startGoServer(t, passwordServer("right"))
	for _, tt := range []struct {
		desc string
		opts Options
	}{
		{"batch mode", Options{BatchMode: true, Prompter: &fakePrompter{answers: []string{"right"}}}},
		{"no terminal", Options{}},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			a := s.newTestAuth(t, tt.opts)
			err := s.login(a)
			if _, ok := a.PermissionDenied(err); !ok {
				t.Errorf("login: %v, want permission denied", err)
			}
			if p, ok := tt.opts.Prompter.(*fakePrompter); ok && len(p.prompts()) > 0 {
				t.Errorf("prompted: %q", p.prompts())
			}
		})
	}
}

func TestLoginInterrupted(t *testing.T) {
	s := startGoServer(t, passwordServer("right"))
	p := &interruptingPrompter{}
	a := s.newTestAuth(t, Options{Prompter: p})
	err := s.login(a)
	if !errors.Is(err, errInterrupted) {
		t.Errorf("login: %v, want interrupted", err)
	}
	if _, ok := a.PermissionDenied(err); ok {
		t.Error("an interrupt reported as permission denied")
	}
	if p.asked != 1 {
		t.Errorf("asked %d times, want 1", p.asked)
	}
}

func TestLoginPassphraseOnlyForAcceptedKey(t *testing.T) {
	accepted := newKey(t, "ed25519")
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if sameKey(key, publicKey(t, accepted)) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	s := startGoServer(t, cfg)
	dir := t.TempDir()
	refused := writeKey(t, dir, "refused", newKey(t, "ed25519"), openSSHFormat, "other")
	good := writeKey(t, dir, "good", accepted, openSSHFormat, "secret")
	p := &fakePrompter{answers: []string{"secret"}}
	a := s.newTestAuth(t, Options{IdentityFiles: []string{refused, good}, Prompter: p})
	if err := s.login(a); err != nil {
		t.Fatalf("login: %v", err)
	}
	if got := p.prompts(); !slices.Equal(got, []string{"Enter passphrase for key '" + good + "': "}) {
		t.Errorf("prompts = %q", got)
	}
}

func TestPermissionDeniedOtherErrors(t *testing.T) {
	a, err := New(Options{HostName: "h", IdentityAgent: "none"})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{nil, errors.New("ssh: handshake failed: EOF"), &HostKeyError{}} {
		if msg, ok := a.PermissionDenied(err); ok {
			t.Errorf("PermissionDenied(%v) = %q, true", err, msg)
		}
	}
	if _, err := New(Options{StrictHostKeyChecking: "yes"}); err == nil {
		t.Error("New accepted StrictHostKeyChecking=yes, which callers must spell true")
	}
}
