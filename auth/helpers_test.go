package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// newKey makes a private key of the given kind: "ed25519", "rsa", "ecdsa".
func newKey(t *testing.T, kind string) crypto.Signer {
	t.Helper()
	var (
		key crypto.Signer
		err error
	)
	switch kind {
	case "ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	case "rsa":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ecdsa":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		t.Fatalf("unknown key kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func publicKey(t *testing.T, key crypto.Signer) ssh.PublicKey {
	t.Helper()
	pub, err := ssh.NewPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func signer(t *testing.T, key crypto.Signer) ssh.Signer {
	t.Helper()
	s, err := ssh.NewSignerFromSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keyFormat is how writeKey stores a private key.
type keyFormat int

const (
	openSSHFormat keyFormat = iota
	pemFormat               // PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for Ed25519
)

// writeKey writes key to dir/name (0600) in the format, encrypted when
// passphrase is set (OpenSSH format only), and returns the path.
func writeKey(t *testing.T, dir, name string, key crypto.Signer, format keyFormat, passphrase string) string {
	t.Helper()
	var (
		block *pem.Block
		err   error
	)
	switch {
	case format == openSSHFormat && passphrase != "":
		block, err = ssh.MarshalPrivateKeyWithPassphrase(key, "test", []byte(passphrase))
	case format == openSSHFormat:
		block, err = ssh.MarshalPrivateKey(key, "test")
	default:
		block, err = pemBlock(key)
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pemBlock(key crypto.Signer) (*pem.Block, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}, nil
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		return &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	return &pem.Block{Type: "PRIVATE KEY", Bytes: der}, err
}

// writePub writes the authorized_keys form of pub to path.
func writePub(t *testing.T, path string, pub ssh.PublicKey) {
	t.Helper()
	if err := os.WriteFile(path, ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		t.Fatal(err)
	}
}

// knownHostsLine is "hosts type base64" with an optional marker in front.
func knownHostsLine(marker, hosts string, pub ssh.PublicKey) string {
	line := hosts + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if marker != "" {
		line = marker + " " + line
	}
	return line
}

func writeLines(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostCert signs pub as a host certificate with ca.
func hostCert(t *testing.T, pub ssh.PublicKey, ca ssh.Signer, principals ...string) *ssh.Certificate {
	t.Helper()
	cert := &ssh.Certificate{
		Key:             pub,
		CertType:        ssh.HostCert,
		KeyId:           "test",
		ValidPrincipals: principals,
		ValidBefore:     ssh.CertTimeInfinity,
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	return cert
}

// fakePrompter answers prompts from a script and records what was asked.
type fakePrompter struct {
	mu      sync.Mutex
	answers []string
	asked   []string
	echo    []bool
}

func (p *fakePrompter) Prompt(prompt string, echo bool) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, prompt)
	p.echo = append(p.echo, echo)
	if len(p.answers) == 0 {
		return "", fmt.Errorf("fake prompter: no answer for %q", prompt)
	}
	answer := p.answers[0]
	p.answers = p.answers[1:]
	return answer, nil
}

func (p *fakePrompter) prompts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.asked...)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server
// and a client in one test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
