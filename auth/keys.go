package auth

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/crypto/ssh"
)

// passwordPrompts is ssh's NumberOfPasswordPrompts default: tries for a
// passphrase, a password, or a keyboard-interactive exchange.
const passwordPrompts = 3

// acceptedKeyTypes are the key types ssh 9.2 offers by default
// (PubkeyAcceptedAlgorithms); DSA is no longer among them.
var acceptedKeyTypes = map[string]bool{
	ssh.KeyAlgoED25519:        true,
	ssh.KeyAlgoSKED25519:      true,
	ssh.KeyAlgoECDSA256:       true,
	ssh.KeyAlgoECDSA384:       true,
	ssh.KeyAlgoECDSA521:       true,
	ssh.KeyAlgoSKECDSA256:     true,
	ssh.KeyAlgoRSA:            true,
	ssh.CertAlgoED25519v01:    true,
	ssh.CertAlgoSKED25519v01:  true,
	ssh.CertAlgoECDSA256v01:   true,
	ssh.CertAlgoECDSA384v01:   true,
	ssh.CertAlgoECDSA521v01:   true,
	ssh.CertAlgoSKECDSA256v01: true,
	ssh.CertAlgoRSAv01:        true,
}

// identity is one key offered in publickey authentication. As an
// ssh.MultiAlgorithmSigner it reaches the private key only when the server
// has accepted the public one, so a passphrase is asked only when needed.
type identity struct {
	pub   ssh.PublicKey // nil until decrypted, for a PEM key without its .pub
	file  *keyFile      // nil for keys only the agent has
	agent ssh.Signer    // set when the agent holds the key
}

func (id *identity) PublicKey() ssh.PublicKey { return id.pub }

// Algorithms are the signature algorithms ssh uses: never SHA-1 ssh-rsa.
func (id *identity) Algorithms() []string {
	key := id.pub
	if cert, ok := key.(*ssh.Certificate); ok {
		key = cert.Key
	}
	if key.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{key.Type()}
}

func (id *identity) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return id.SignWithAlgorithm(rand, data, id.Algorithms()[0])
}

func (id *identity) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s, err := id.privateKey()
	if err != nil {
		return nil, err
	}
	as, ok := s.(ssh.AlgorithmSigner)
	if !ok {
		return nil, fmt.Errorf("auth: %s key cannot sign with %s", s.PublicKey().Type(), algorithm)
	}
	return as.SignWithAlgorithm(rand, data, algorithm)
}

func (id *identity) privateKey() (ssh.Signer, error) {
	if id.agent != nil {
		return id.agent, nil
	}
	return id.file.load()
}

// method offers this one key. ssh takes keys one at a time, so a PEM key
// without a .pub is decrypted only when its turn comes.
func (id *identity) method() ssh.AuthMethod {
	return ssh.PublicKeysCallback(id.signers)
}

func (id *identity) signers() ([]ssh.Signer, error) {
	if id.pub != nil {
		return []ssh.Signer{id}, nil
	}
	s, err := id.file.load()
	if err != nil {
		return nil, err
	}
	if !acceptedKeyTypes[s.PublicKey().Type()] {
		return nil, fmt.Errorf("auth: %s: %s keys are not offered", id.file.path, s.PublicKey().Type())
	}
	return []ssh.Signer{&identity{pub: s.PublicKey(), file: id.file}}, nil
}

// useAgent makes the agent sign for id. A plain key's certificate from the
// same file then signs there too, as in ssh.
func (id *identity) useAgent(s ssh.Signer) {
	id.agent = s
	if _, isCert := id.pub.(*ssh.Certificate); !isCert {
		id.file.useAgent(s)
	}
}

// loadIdentityFile returns the identities of one IdentityFile: its key and
// the certificate next to it (path-cert.pub), in ssh's order.
func loadIdentityFile(path string, isDefault bool, u *ui) []*identity {
	if _, err := os.Stat(path); err != nil {
		if !isDefault {
			// ssh prints this one directly, not through its log: no "\r".
			fmt.Fprintf(u.stderr, "Warning: Identity file %s not accessible: %s.\n", path, strerror(err))
		}
		return nil
	}
	file := &keyFile{path: path, ui: u}
	var ids []*identity
	if pub := publicKeyOf(path); pub == nil || acceptedKeyTypes[pub.Type()] {
		ids = append(ids, &identity{pub: pub, file: file})
	}
	if cert := certificateOf(path); cert != nil && acceptedKeyTypes[cert.Type()] {
		ids = append(ids, &identity{pub: cert, file: file})
	}
	return ids
}

// publicKeyOf finds a key's public half without a passphrase: from path.pub,
// else from the key file (OpenSSH's format stores it in clear). nil means
// only decrypting will tell.
func publicKeyOf(path string) ssh.PublicKey {
	if data, err := os.ReadFile(path + ".pub"); err == nil {
		if pub, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
			return pub
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		return s.PublicKey()
	case errors.As(err, &missing):
		return missing.PublicKey
	}
	return nil
}

func certificateOf(path string) *ssh.Certificate {
	data, err := os.ReadFile(path + "-cert.pub")
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	cert, _ := pub.(*ssh.Certificate)
	return cert
}

// keyFile is an IdentityFile's private key, read, checked and decrypted on
// first use and kept for later connections (a failure too, so nothing is
// asked twice).
type keyFile struct {
	path string
	ui   *ui

	mu     sync.Mutex
	agent  ssh.Signer // the agent holds this key: the file is not read
	loaded bool
	signer ssh.Signer
	err    error
}

func (k *keyFile) useAgent(s ssh.Signer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.agent = s
}

func (k *keyFile) load() (ssh.Signer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.agent != nil {
		return k.agent, nil
	}
	if !k.loaded {
		k.signer, k.err = k.read()
		k.loaded = true
	}
	return k.signer, k.err
}

func (k *keyFile) read() (ssh.Signer, error) {
	fi, err := os.Stat(k.path)
	if err != nil {
		return nil, k.failed(strerror(err))
	}
	if perm := fi.Mode().Perm(); ownedByCurrentUser(fi) && perm&0o077 != 0 {
		k.ui.log(bannerLine,
			"@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @",
			bannerLine,
			fmt.Sprintf("Permissions %04o for '%s' are too open.", perm, k.path),
			"It is required that your private key files are NOT accessible by others.",
			"This private key will be ignored.")
		return nil, k.failed("bad permissions")
	}
	data, err := os.ReadFile(k.path)
	if err != nil {
		return nil, k.failed(strerror(err))
	}
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return k.decrypt(data)
	case err != nil:
		return nil, k.failed(unreadableKey)
	}
	return s, nil
}

// unreadableKey is how ssh 9.2 built with OpenSSL 3 words a key file it
// cannot parse.
const unreadableKey = "error in libcrypto"

// decrypt asks for the passphrase like ssh: up to three times, silently
// giving up on the key after an empty answer or the last wrong one.
func (k *keyFile) decrypt(data []byte) (ssh.Signer, error) {
	for range passwordPrompts {
		pass, err := k.ui.prompt(fmt.Sprintf("Enter passphrase for key '%s': ", k.path), false)
		if err != nil {
			return nil, err
		}
		if pass == "" {
			break
		}
		s, err := ssh.ParsePrivateKeyWithPassphrase(data, []byte(pass))
		if errors.Is(err, x509.IncorrectPasswordError) {
			continue
		}
		if err != nil {
			return nil, k.failed(unreadableKey)
		}
		return s, nil
	}
	return nil, fmt.Errorf("auth: %s: no passphrase", k.path)
}

func (k *keyFile) failed(reason string) error {
	k.ui.log(fmt.Sprintf("Load key \"%s\": %s", k.path, reason))
	return fmt.Errorf("auth: load key %s: %s", k.path, reason)
}
