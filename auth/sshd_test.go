package auth

import (
	"crypto"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/goscp/goscp/internal/sshdtest"
)

// testSSHD is an sshdtest server with host keys of every kind the tests
// need, all in hostKeys.
type testSSHD struct {
	*sshdtest.Server
	hostKeys map[string]ssh.PublicKey // by kind: ed25519, rsa, ecdsa
}

// startSSHD starts a server with new ed25519, rsa and ecdsa host keys
// followed by cfg.HostKeys; it stops when the test ends.
func startSSHD(t *testing.T, cfg sshdtest.Config) *testSSHD {
	t.Helper()
	s := &testSSHD{hostKeys: map[string]ssh.PublicKey{}}
	dir := t.TempDir()
	var files []string
	for _, kind := range []string{"ed25519", "rsa", "ecdsa"} {
		key := newKey(t, kind)
		s.hostKeys[kind] = publicKey(t, key)
		files = append(files, writeKey(t, dir, "host_"+kind, key, openSSHFormat, ""))
	}
	cfg.HostKeys = append(files, cfg.HostKeys...)
	s.Server = sshdtest.Start(t, cfg)
	return s
}

// knownName is the server's known_hosts name.
func (s *testSSHD) knownName() string { return knownHostsName("127.0.0.1", s.Port) }

// log is what sshd has logged so far.
func (s *testSSHD) log() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

// login connects with a's configuration and runs "true" to prove the
// session works; the error is NewClientConn's, for PermissionDenied.
func (s *testSSHD) login(t *testing.T, a *Auth) error {
	t.Helper()
	return s.loginAt(t, a, s.Addr)
}

// mustLogin logs in with opts and fails the test, showing what ssh and
// sshd said, if that does not work.
func (s *testSSHD) mustLogin(t *testing.T, opts Options) {
	t.Helper()
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := s.login(t, a); err != nil {
		t.Fatalf("login: %v\nstderr: %v\nsshd: %s", err, opts.Stderr, s.log())
	}
}

// options are the common Options for s: strict checking against a
// known_hosts file that already lists its ed25519 key.
func (s *testSSHD) options(t *testing.T) Options {
	t.Helper()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeLines(t, kh, knownHostsLine("", s.knownName(), s.hostKeys["ed25519"]))
	return Options{
		User:                  s.User,
		HostName:              "127.0.0.1",
		Port:                  s.Port,
		IdentitiesOnly:        true,
		IdentityAgent:         "none",
		BatchMode:             true,
		StrictHostKeyChecking: "true",
		UserKnownHostsFiles:   []string{kh},
		Stderr:                &syncBuffer{},
	}
}

func TestSSHDLoginKeys(t *testing.T) {
	s := startSSHD(t, sshdtest.Config{})
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
			s.Authorize(t, publicKey(t, key))
			path := writeKey(t, dir, fmt.Sprintf("id_%d", i), key, tt.format, tt.passphrase)
			opts := s.options(t)
			p := &fakePrompter{answers: []string{"wrong", tt.passphrase}}
			if tt.passphrase != "" {
				opts.BatchMode = false
				opts.Prompter = p
			}
			opts.IdentityFiles = []string{path}
			s.mustLogin(t, opts)
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
	s := startSSHD(t, sshdtest.Config{Extra: []string{"TrustedUserCAKeys " + caFile}})
	key := newKey(t, "ed25519")
	path := writeKey(t, t.TempDir(), "id_ed25519", key, openSSHFormat, "")
	cert := &ssh.Certificate{Key: publicKey(t, key), CertType: ssh.UserCert, KeyId: "test",
		ValidPrincipals: []string{s.User}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	writePub(t, path+"-cert.pub", cert) // the plain key is not authorized: only the certificate logs in
	opts := s.options(t)
	opts.IdentityFiles = []string{path}
	s.mustLogin(t, opts)
}

func TestSSHDLoginAgent(t *testing.T) {
	s := startSSHD(t, sshdtest.Config{})
	key := newKey(t, "ed25519")
	s.Authorize(t, publicKey(t, key))
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
			s.mustLogin(t, opts)
		})
	}
}

func TestSSHDPermissionDenied(t *testing.T) {
	s := startSSHD(t, sshdtest.Config{})
	opts := s.options(t)
	opts.IdentityFiles = []string{writeKey(t, t.TempDir(), "id_wrong", newKey(t, "ed25519"), openSSHFormat, "")}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = s.login(t, a)
	msg, ok := a.PermissionDenied(err)
	if want := s.User + "@127.0.0.1: Permission denied (publickey)."; !ok || msg != want {
		t.Errorf("PermissionDenied(%v) = %q, %v; want %q", err, msg, ok, want)
	}
}

// serveAgent serves an in-memory agent holding keys on a unix socket, the
// comment of each "agent key N".
func serveAgent(t *testing.T, keys ...crypto.Signer) string {
	t.Helper()
	keyring := agent.NewKeyring()
	for i, k := range keys {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k, Comment: fmt.Sprintf("agent key %d", i)}); err != nil {
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

// dsaKeyFile makes a DSA key with ssh-keygen, which x/crypto cannot, and
// returns its file and public key; "" and nil if ssh-keygen cannot.
func dsaKeyFile(t *testing.T) (string, ssh.PublicKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "id_dsa")
	if err := exec.Command("ssh-keygen", "-q", "-t", "dsa", "-N", "", "-f", path).Run(); err != nil {
		return "", nil
	}
	pub := publicKeyOf(path)
	if pub == nil {
		t.Fatal("no public key for a DSA key file")
	}
	return path, pub
}
