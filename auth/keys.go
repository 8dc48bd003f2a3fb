package auth

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/strerror"
)

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
	pub ssh.PublicKey // nil until decrypted, for a PEM key without its .pub
	// name is how ssh's log names the key: its file (also for the
	// certificate next to it), its CertificateFile, or the agent's comment.
	name     string
	explicit bool       // from -i, IdentityFile or CertificateFile, not ssh's defaults
	file     *keyFile   // the private key; nil for keys only the agent has
	agent    ssh.Signer // set when the agent holds the key
	// certFile marks a CertificateFile certificate; signer is the key that
	// signs for it. Without one, ssh tries the certificate file itself.
	certFile bool
	signer   *identity
}

func (id *identity) PublicKey() ssh.PublicKey { return id.pub }

// String is ssh's description of the key in its log:
// "NAME TYPE SHA256:... [explicit] [authenticator] [agent]".
func (id *identity) String() string {
	s := id.name + " "
	if id.pub != nil {
		s += keyTypeLabel(id.pub) + " " + fingerprint(id.pub)
	}
	if id.explicit {
		s += " explicit"
	}
	if id.pub != nil && isSecurityKey(id.pub) {
		s += " authenticator"
	}
	if id.agent != nil {
		s += " agent"
	}
	return s
}

// isSecurityKey tells FIDO keys apart, which ssh's log marks.
func isSecurityKey(key ssh.PublicKey) bool {
	if cert, ok := key.(*ssh.Certificate); ok {
		key = cert.Key
	}
	return key.Type() == ssh.KeyAlgoSKED25519 || key.Type() == ssh.KeyAlgoSKECDSA256
}

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
	switch {
	case id.signer != nil:
		return id.signer.privateKey()
	case id.agent != nil:
		return id.agent, nil
	}
	return id.file.load()
}

// useAgent makes the agent sign for id. A plain key's certificate from the
// same file then signs there too, as in ssh.
func (id *identity) useAgent(s ssh.Signer) {
	id.agent = s
	if !isCertificate(id.pub) {
		id.file.useAgent(s)
	}
}

// loadIdentityFile returns the identities of one IdentityFile: its key and
// the certificate next to it (path-cert.pub), in ssh's order. Like ssh it
// keeps a file it cannot read, to say so when its turn comes.
func loadIdentityFile(path string, explicit bool, u *ui) []*identity {
	file := &keyFile{path: path, explicit: explicit, ui: u}
	ids := []*identity{{pub: publicKeyOf(path), name: path, explicit: explicit, file: file}}
	if cert := userCertificate(path + "-cert.pub"); cert != nil {
		ids = append(ids, &identity{pub: cert, name: path, explicit: explicit, file: file})
	}
	return ids
}

// loadCertificateFile returns a CertificateFile's user certificate, read
// like ssh from the path or else path.pub. Like ssh it says nothing about
// a file that is missing or holds something else.
func loadCertificateFile(path string, u *ui) []*identity {
	cert := userCertificate(path)
	if cert == nil {
		cert = userCertificate(path + ".pub")
	}
	if cert == nil {
		return nil
	}
	// Without a matching key, ssh tries the certificate file as the private key.
	return []*identity{{pub: cert, name: path, explicit: true, file: &keyFile{path: path, explicit: true, ui: u}, certFile: true}}
}

// publicKeyOf finds a key's public half without a passphrase, where ssh
// looks: the file itself if it is a public key, path.pub, else the key
// file in OpenSSH's format, which stores it in clear. nil means only
// decrypting will tell.
func publicKeyOf(path string) ssh.PublicKey {
	for _, p := range []string{path, path + ".pub"} {
		if data, err := os.ReadFile(p); err == nil {
			if pub := parsePublicKeyFile(data); pub != nil {
				return pub
			}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "OPENSSH PRIVATE KEY" {
		return nil
	}
	return openSSHPublicKey(block.Bytes)
}

// openSSHPublicKey reads the public key OpenSSH's private key format keeps
// in clear ahead of the private part, whatever the key's type (also DSA,
// which x/crypto no longer loads) and encryption.
func openSSHPublicKey(blob []byte) ssh.PublicKey {
	rest, ok := bytes.CutPrefix(blob, []byte("openssh-key-v1\x00"))
	if !ok {
		return nil
	}
	var header struct {
		Cipher, KDF, KDFOptions string
		Keys                    uint32
		Public                  []byte
		Rest                    []byte `ssh:"rest"`
	}
	if err := ssh.Unmarshal(rest, &header); err != nil || header.Keys != 1 {
		return nil
	}
	pub, err := parsePublicKeyBlob(header.Public)
	if err != nil {
		return nil
	}
	return pub
}

// userCertificate reads a user certificate in authorized_keys form; nil
// if the file does not hold one.
func userCertificate(path string) *ssh.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	cert, _ := pub.(*ssh.Certificate)
	if cert == nil || cert.CertType != ssh.UserCert {
		return nil
	}
	return cert
}

// keyFile is an IdentityFile's private key, read, checked and decrypted on
// first use and kept for later connections (a failure too, so nothing is
// asked twice).
type keyFile struct {
	path     string
	explicit bool // not one of ssh's default files: a missing one is worth saying
	ui       *ui

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

func (k *keyFile) inAgent() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.agent != nil
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
		msg := fmt.Sprintf("no such identity: %s: %s", k.path, strerror.Text(err))
		if k.explicit {
			k.ui.log(msg)
		} else {
			k.ui.debug(3, msg)
		}
		return nil, fmt.Errorf("auth: %s", msg)
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
		return nil, k.failed(strerror.Text(err))
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

// decrypt asks for the passphrase like ssh: NumberOfPasswordPrompts
// times, silently giving up on the key after an empty answer or the last
// wrong one.
func (k *keyFile) decrypt(data []byte) (ssh.Signer, error) {
	for range k.ui.prompts {
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
