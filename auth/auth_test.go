package auth

import (
	"crypto"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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
}

// recordingServer is a goServer that refuses everything and records the
// methods tried, in order, as the server sees them.
func recordingServer(t *testing.T) (goServer, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var tried []string
	record := func(method string) {
		mu.Lock()
		defer mu.Unlock()
		tried = append(tried, method)
	}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) {
			record("password")
			return nil, errors.New("no")
		},
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
			record("publickey")
			return nil, errors.New("no")
		},
		KeyboardInteractiveCallback: func(_ ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			record("keyboard-interactive")
			if _, err := challenge("", "", []string{"Code: "}, []bool{false}); err != nil {
				return nil, err
			}
			return nil, errors.New("no")
		},
	}
	return startGoServer(t, cfg), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(tried)
	}
}

func TestLoginMethodSettings(t *testing.T) {
	key := writeKey(t, t.TempDir(), "id", newKey(t, "ed25519"), openSSHFormat, "")
	kbd, pw := "keyboard-interactive", "password"
	tests := []struct {
		desc string
		opts Options
		want []string // methods the server sees, in order
	}{
		{"ssh's default order", Options{}, []string{"publickey", kbd, kbd, kbd, pw, pw, pw}},
		{"preferred order, unknown name skipped", Options{PreferredAuthentications: "password,bogus,publickey"}, []string{pw, pw, pw, "publickey"}},
		{"preferred subset", Options{PreferredAuthentications: "keyboard-interactive"}, []string{kbd, kbd, kbd}},
		{"none in common", Options{PreferredAuthentications: "hostbased,gssapi-with-mic"}, nil},
		{"publickey off", Options{PubkeyAuthentication: "false"}, []string{kbd, kbd, kbd, pw, pw, pw}},
		{"publickey host-bound is on", Options{PubkeyAuthentication: "host-bound"}, []string{"publickey", kbd, kbd, kbd, pw, pw, pw}},
		{"password off", Options{PasswordAuthentication: "no"}, []string{"publickey", kbd, kbd, kbd}},
		{"keyboard-interactive off", Options{KbdInteractiveAuthentication: "no"}, []string{"publickey", pw, pw, pw}},
		{"one prompt", Options{NumberOfPasswordPrompts: "1"}, []string{"publickey", kbd, pw}},
		{"no prompts", Options{NumberOfPasswordPrompts: "0"}, []string{"publickey"}},
		{"batch mode", Options{BatchMode: true}, []string{"publickey"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s, tried := recordingServer(t)
			p := &fakePrompter{answers: slices.Repeat([]string{"x"}, 10)}
			tt.opts.IdentityFiles = []string{key}
			tt.opts.Prompter = p
			a := s.newTestAuth(t, tt.opts)
			if _, ok := a.PermissionDenied(s.login(a)); !ok {
				t.Fatal("login did not end in permission denied")
			}
			if got := tried(); !slices.Equal(got, tt.want) {
				t.Errorf("server saw %q, want %q", got, tt.want)
			}
			asked := 0
			for _, m := range tt.want {
				if m != "publickey" {
					asked++
				}
			}
			if len(p.prompts()) != asked {
				t.Errorf("asked %q, want %d questions", p.prompts(), asked)
			}
		})
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, opts := range []Options{
		{StrictHostKeyChecking: "yes"}, // callers must spell it as ssh -G: true
		{PubkeyAuthentication: "yes"},
		{PasswordAuthentication: "true"},
		{KbdInteractiveAuthentication: "maybe"},
		{NumberOfPasswordPrompts: "-1"},
		{NumberOfPasswordPrompts: "three"},
	} {
		opts.IdentityAgent = "none"
		if _, err := New(opts); err == nil {
			t.Errorf("New accepted %+v", opts)
		}
	}
}

func TestLoginPartialSuccess(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := newKey(t, "ed25519"), newKey(t, "ed25519")
	only := func(k ssh.PublicKey, next *ssh.PartialSuccessError) func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
		return func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			switch {
			case !sameKey(key, k):
				return nil, errors.New("other key")
			case next != nil:
				return nil, next
			}
			return nil, nil
		}
	}
	// "publickey,publickey" with the same key: ssh offers its keys anew
	// after a partial success, starting where it was in its queue.
	pub1 := publicKey(t, k1)
	s := startGoServer(t, &ssh.ServerConfig{PublicKeyCallback: only(pub1, &ssh.PartialSuccessError{
		Next: ssh.ServerAuthCallbacks{PublicKeyCallback: only(pub1, nil)},
	})})
	id1 := writeKey(t, dir, "id1", k1, openSSHFormat, "")
	id2 := writeKey(t, dir, "id2", k2, openSSHFormat, "")
	out := &syncBuffer{}
	a := s.newTestAuth(t, Options{IdentityFiles: []string{id1, id2}, Debug: debugTo(out, 1)})
	if err := s.login(a); err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}
	desc := func(path string, k crypto.Signer) string {
		return path + " ED25519 " + ssh.FingerprintSHA256(publicKey(t, k)) + " explicit"
	}
	var want []string
	for _, line := range []string{
		"Will attempt key: " + desc(id1, k1),
		"Will attempt key: " + desc(id2, k2),
		"Authentications that can continue: publickey",
		"Next authentication method: publickey",
		"Offering public key: " + desc(id1, k1),
		"Server accepts key: " + desc(id1, k1),
		"Authenticated using \"publickey\" with partial success.",
		"Authentications that can continue: publickey",
		"Offering public key: " + desc(id2, k2),
		"Authentications that can continue: publickey",
		"Offering public key: " + desc(id1, k1),
		"Server accepts key: " + desc(id1, k1),
	} {
		if !strings.HasPrefix(line, "Authenticated using") {
			line = "debug1: " + line
		}
		want = append(want, line)
	}
	if got := strings.Split(strings.TrimSuffix(strings.ReplaceAll(out.String(), "\r", ""), "\n"), "\n"); !slices.Equal(got[3:], want) {
		t.Errorf("log after the host key:\n%s\nwant:\n%s", strings.Join(got[3:], "\n"), strings.Join(want, "\n"))
	}
}

func TestAuthenticatedLine(t *testing.T) {
	withPassword := startGoServer(t, passwordServer("right"))
	open := startGoServer(t, &ssh.ServerConfig{NoClientAuth: true})
	tests := []struct {
		desc    string
		s       goServer
		proxied bool
		want    string
	}{
		{"direct", withPassword, false, "Authenticated to 127.0.0.1 ([127.0.0.1]:%d) using \"password\"."},
		{"through a proxy", withPassword, true, "Authenticated to 127.0.0.1 (via proxy) using \"password\"."},
		{"nothing asked", open, false, "Authenticated to 127.0.0.1 ([127.0.0.1]:%d) using \"none\"."},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			out := &syncBuffer{}
			a := tt.s.newTestAuth(t, Options{Proxied: tt.proxied, Prompter: &fakePrompter{answers: []string{"right"}},
				PreferredAuthentications: "password", Debug: debugTo(out, 0)})
			conn, err := net.Dial("tcp", tt.s.addr)
			if err != nil {
				t.Fatal(err)
			}
			c, _, _, err := ssh.NewClientConn(conn, tt.s.addr, a.ClientConfig())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			a.Authenticated(c)
			want := tt.want
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, c.RemoteAddr().(*net.TCPAddr).Port)
			}
			if got := out.String(); got != want+"\r\n" {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}
