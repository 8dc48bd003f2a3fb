package auth

import (
	"crypto/rand"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestSSHDAuthMatchesOpenSSH logs in with OpenSSH's ssh and with this
// package to an sshd that offers every method, with the same settings, and
// wants the same methods and keys tried in the same order: the same debug
// log, prompts and messages.
func TestSSHDAuthMatchesOpenSSH(t *testing.T) {
	dir := t.TempDir()
	ca := signer(t, newKey(t, "ed25519"))
	caFile := filepath.Join(dir, "user_ca.pub")
	writePub(t, caFile, ca.PublicKey())
	// Without PAM, sshd lists keyboard-interactive but asks nothing: ssh
	// then tries it once only. Passwords are refused: root has none.
	s := startSSHD(t, sshdtest.Config{Extra: []string{
		"PasswordAuthentication yes", "KbdInteractiveAuthentication yes", "TrustedUserCAKeys " + caFile,
	}})

	authorized, pemKey, encKey := newKey(t, "ed25519"), newKey(t, "ecdsa"), newKey(t, "ed25519")
	s.Authorize(t, publicKey(t, authorized), publicKey(t, pemKey), publicKey(t, encKey))
	ok := writeKey(t, dir, "id_ok", authorized, openSSHFormat, "")
	wrong := writeKey(t, dir, "id_wrong", newKey(t, "rsa"), openSSHFormat, "")
	pem := writeKey(t, dir, "id_pem", pemKey, pemFormat, "")
	enc := writeKey(t, dir, "id_enc", encKey, openSSHFormat, "secret")
	// certKey logs in only with its certificate, kept away from the key.
	certKey := newKey(t, "ed25519")
	certKeyFile := writeKey(t, dir, "id_cert", certKey, openSSHFormat, "")
	cert := &ssh.Certificate{Key: publicKey(t, certKey), CertType: ssh.UserCert, KeyId: "test",
		ValidPrincipals: []string{s.User}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "user.cert")
	writePub(t, certFile, cert)
	withCertKey := serveAgent(t, newKey(t, "rsa"), certKey)
	withAuthorized := serveAgent(t, newKey(t, "rsa"), authorized)

	tests := []struct {
		desc string
		run  opensshRun
	}{
		{"passwords, two prompts", opensshRun{ids: []string{wrong}, answer: "wrong", options: []string{"NumberOfPasswordPrompts=2"}}},
		{"password first, unknown name skipped", opensshRun{ids: []string{wrong}, answer: "wrong",
			options: []string{"PreferredAuthentications=bogus,password,publickey", "NumberOfPasswordPrompts=1"}}},
		{"keyboard-interactive only", opensshRun{ids: []string{ok}, answer: "wrong", options: []string{"PreferredAuthentications=keyboard-interactive"}}},
		{"publickey off", opensshRun{ids: []string{ok}, answer: "wrong", options: []string{"PubkeyAuthentication=no", "NumberOfPasswordPrompts=1"}}},
		{"password and keyboard-interactive off", opensshRun{ids: []string{wrong}, answer: "wrong",
			options: []string{"PasswordAuthentication=no", "KbdInteractiveAuthentication=no"}}},
		{"no prompts", opensshRun{ids: []string{wrong}, answer: "wrong", options: []string{"NumberOfPasswordPrompts=0"}}},
		{"batch mode", opensshRun{ids: []string{wrong}}},
		{"certificate file with its key", opensshRun{ids: []string{certKeyFile}, options: []string{"CertificateFile=" + certFile, "IdentitiesOnly=yes"}}},
		{"certificate file, key in the agent", opensshRun{ids: []string{wrong}, agent: withCertKey, options: []string{"CertificateFile=" + certFile}}},
		{"certificate file without its key", opensshRun{ids: []string{ok}, agent: withCertKey, options: []string{"CertificateFile=" + certFile, "IdentitiesOnly=yes"}}},
		{"certificate file missing", opensshRun{ids: []string{ok}, options: []string{"CertificateFile=" + filepath.Join(dir, "none")}}},
		{"identity file missing", opensshRun{options: []string{"IdentityFile=" + filepath.Join(dir, "none"), "IdentityFile=" + ok}}},
		{"agent keys", opensshRun{ids: []string{ok, wrong}, agent: withAuthorized}},
		{"agent keys, identities only", opensshRun{ids: []string{wrong}, agent: withAuthorized, options: []string{"IdentitiesOnly=yes"}}},
		{"PEM key without its public half", opensshRun{ids: []string{wrong, pem}}},
		{"encrypted key", opensshRun{ids: []string{enc}, answer: "secret"}},
		{"encrypted key, wrong passphrase", opensshRun{ids: []string{enc, ok}, answer: "wrong", options: []string{"PreferredAuthentications=publickey"}}},
		{"encrypted key, fewer prompts", opensshRun{ids: []string{enc, ok}, answer: "wrong",
			options: []string{"PreferredAuthentications=publickey", "NumberOfPasswordPrompts=1"}}},
	}
	if dsa, _ := dsaKeyFile(t); dsa != "" {
		tests = append(tests, struct {
			desc string
			run  opensshRun
		}{"DSA key skipped", opensshRun{ids: []string{dsa, ok}}})
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			tt.run.sshd = s
			tt.run.known = []string{knownHostsLine("", s.knownName(), s.hostKeys["ed25519"])}
			tt.run.options = append(tt.run.options, "StrictHostKeyChecking=yes")
			tt.run.compare(t)
		})
	}
}
