package auth

import (
	"bufio"
	"crypto"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

const sshdPath = "/usr/sbin/sshd"

// testSSHD is a real OpenSSH sshd on 127.0.0.1 with temporary host keys and
// its own authorized_keys file.
type testSSHD struct {
	dir            string
	port           int
	user           string
	authorizedKeys string
	hostKeys       map[string]ssh.Signer // by kind: ed25519, rsa, ecdsa
	log            *syncBuffer
}

// startSSHD starts sshd -D -e with the test's settings plus extra config
// lines, and stops it when the test ends.
func startSSHD(t *testing.T, extra ...string) *testSSHD {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skip("OpenSSH sshd is not installed")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	s := &testSSHD{dir: t.TempDir(), user: me.Username, hostKeys: map[string]ssh.Signer{}, log: &syncBuffer{}}
	s.authorizedKeys = filepath.Join(s.dir, "authorized_keys")
	writeLines(t, s.authorizedKeys, "# keys are added by the tests")
	var config []string
	for _, kind := range []string{"ed25519", "rsa", "ecdsa"} {
		key := newKey(t, kind)
		s.hostKeys[kind] = signer(t, key)
		config = append(config, "HostKey "+writeKey(t, s.dir, "host_"+kind, key, openSSHFormat, ""))
	}
	config = append(config,
		"ListenAddress 127.0.0.1",
		"AuthorizedKeysFile "+s.authorizedKeys,
		"StrictModes no",
		"UsePAM no",
		"PidFile none",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"MaxStartups 100", // parallel subtests must not be dropped
	)
	config = append(config, extra...)
	// The port is found by binding :0 and letting go; another process may
	// take it in between, so a failed bind is retried with a new port.
	for range 5 {
		s.port = freePort(t)
		cfg := filepath.Join(s.dir, "sshd_config")
		writeLines(t, cfg, append([]string{"Port " + strconv.Itoa(s.port)}, config...)...)
		if s.run(t, cfg) {
			return s
		}
	}
	t.Fatalf("sshd did not start:\n%s", s.log)
	return nil
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// run starts sshd and reports whether it is listening.
func (s *testSSHD) run(t *testing.T, cfg string) bool {
	t.Helper()
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", cfg)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(s.log, sc.Text())
			if strings.HasPrefix(sc.Text(), "Server listening on") {
				listening <- true
			}
		}
		listening <- false // sshd exited
	}()
	select {
	case ok := <-listening:
		if !ok {
			cmd.Wait()
			return false
		}
	case <-time.After(30 * time.Second): // a failsafe, not a synchronisation
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("sshd silent for 30s:\n%s", s.log)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return true
}

func (s *testSSHD) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// knownName is the server's known_hosts name.
func (s *testSSHD) knownName() string { return knownHostsName("127.0.0.1", s.port) }

func (s *testSSHD) authorize(t *testing.T, pubs ...ssh.PublicKey) {
	t.Helper()
	f, err := os.OpenFile(s.authorizedKeys, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, pub := range pubs {
		if _, err := f.Write(ssh.MarshalAuthorizedKey(pub)); err != nil {
			t.Fatal(err)
		}
	}
}

// login connects with a's configuration and runs "true" to prove the
// session works; the error is NewClientConn's, for PermissionDenied.
func (s *testSSHD) login(t *testing.T, a *Auth) error {
	t.Helper()
	conn, err := net.Dial("tcp", s.addr())
	if err != nil {
		t.Fatal(err)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, s.addr(), a.ClientConfig())
	if err != nil {
		return err
	}
	client := ssh.NewClient(c, chans, reqs)
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer session.Close()
	if out, err := session.CombinedOutput("true"); err != nil {
		t.Fatalf("remote true: %v\n%s", err, out)
	}
	return nil
}

// options are the common Options for s: strict checking against a
// known_hosts file that already lists its ed25519 key.
func (s *testSSHD) options(t *testing.T) Options {
	t.Helper()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeLines(t, kh, knownHostsLine("", s.knownName(), s.hostKeys["ed25519"].PublicKey()))
	return Options{
		User:                  s.user,
		HostName:              "127.0.0.1",
		Port:                  s.port,
		IdentitiesOnly:        true,
		IdentityAgent:         "none",
		BatchMode:             true,
		StrictHostKeyChecking: "true",
		UserKnownHostsFiles:   []string{kh},
		Stderr:                &syncBuffer{},
	}
}

func TestSSHDLoginKeys(t *testing.T) {
	s := startSSHD(t)
	dir := t.TempDir()
	tests := []struct {
		kind       string
		format     keyFormat
		passphrase string
	}{
		{"ed25519", openSSHFormat, ""},
		{"ed25519", pemFormat, ""},
		// sshd 9.2 refuses SHA-1 ssh-rsa signatures, so this login proves rsa-sha2-512/256.
		{"rsa", pemFormat, ""},
		{"rsa", openSSHFormat, ""},
		{"ecdsa", pemFormat, ""},
		{"ed25519", openSSHFormat, "secret"},
		{"rsa", openSSHFormat, "secret"},
	}
	for i, tt := range tests {
		name := map[keyFormat]string{openSSHFormat: "openssh", pemFormat: "pem"}[tt.format] + " " + tt.kind
		if tt.passphrase != "" {
			name += " encrypted"
		}
		t.Run(name, func(t *testing.T) {
			key := newKey(t, tt.kind)
			s.authorize(t, publicKey(t, key))
			path := writeKey(t, dir, fmt.Sprintf("id_%d", i), key, tt.format, tt.passphrase)
			opts := s.options(t)
			p := &fakePrompter{answers: []string{"wrong", tt.passphrase}}
			if tt.passphrase != "" {
				opts.BatchMode = false
				opts.Prompter = p
			}
			opts.IdentityFiles = []string{path}
			a, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if err := s.login(t, a); err != nil {
				t.Fatalf("login: %v\nstderr: %s\nsshd: %s", err, opts.Stderr, s.log)
			}
			if tt.passphrase != "" && len(p.prompts()) != 2 {
				t.Errorf("prompts = %q, want two", p.prompts())
			}
		})
	}
}

func TestSSHDLoginCertificate(t *testing.T) {
	ca := signer(t, newKey(t, "ed25519"))
	caFile := filepath.Join(t.TempDir(), "user_ca.pub")
	writePub(t, caFile, ca.PublicKey())
	s := startSSHD(t, "TrustedUserCAKeys "+caFile)
	key := newKey(t, "ed25519")
	path := writeKey(t, t.TempDir(), "id_ed25519", key, openSSHFormat, "")
	cert := &ssh.Certificate{Key: publicKey(t, key), CertType: ssh.UserCert, KeyId: "test",
		ValidPrincipals: []string{s.user}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	writePub(t, path+"-cert.pub", cert) // the plain key is not authorized: only the certificate logs in
	opts := s.options(t)
	opts.IdentityFiles = []string{path}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := s.login(t, a); err != nil {
		t.Fatalf("login: %v\nsshd: %s", err, s.log)
	}
}

func TestSSHDLoginAgent(t *testing.T) {
	s := startSSHD(t)
	key := newKey(t, "ed25519")
	s.authorize(t, publicKey(t, key))
	sock := serveAgent(t, newKey(t, "rsa"), key) // the first key is refused
	// The agent's copy signs: the file itself is encrypted and no one types the passphrase.
	encrypted := writeKey(t, t.TempDir(), "id_ed25519", key, openSSHFormat, "secret")
	for _, tt := range []struct {
		desc  string
		files []string
		only  bool
	}{
		{"all agent keys", nil, false},
		{"IdentitiesOnly picks the agent's copy of a file", []string{encrypted}, true},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			opts := s.options(t)
			opts.IdentityAgent = sock
			opts.IdentityFiles = tt.files
			opts.IdentitiesOnly = tt.only
			a, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if err := s.login(t, a); err != nil {
				t.Fatalf("login: %v\nsshd: %s", err, s.log)
			}
		})
	}
}

func TestSSHDPermissionDenied(t *testing.T) {
	s := startSSHD(t)
	opts := s.options(t)
	opts.IdentityFiles = []string{writeKey(t, t.TempDir(), "id_wrong", newKey(t, "ed25519"), openSSHFormat, "")}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = s.login(t, a)
	msg, ok := a.PermissionDenied(err)
	if want := s.user + "@127.0.0.1: Permission denied (publickey)."; !ok || msg != want {
		t.Errorf("PermissionDenied(%v) = %q, %v; want %q", err, msg, ok, want)
	}
}

// serveAgent serves an in-memory agent holding keys on a unix socket.
func serveAgent(t *testing.T, keys ...crypto.Signer) string {
	t.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
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
				agent.ServeAgent(keyring, conn)
			}()
		}
	}()
	return sock
}
