package auth

import (
	"crypto"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func testUI(p Prompter) (*ui, *strings.Builder) {
	var out strings.Builder
	return &ui{stderr: &out, prompter: p, prompts: passwordPrompts}, &out
}

func TestLoadIdentityFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "id_missing")
	for _, explicit := range []bool{true, false} {
		u, out := testUI(nil)
		debug := &syncBuffer{}
		u.debugLog = debugTo(debug, 3)
		// ssh keeps the file, to try it in turn.
		ids := loadIdentityFile(missing, explicit, u)
		if len(ids) != 1 || ids[0].pub != nil || ids[0].name != missing || ids[0].explicit != explicit {
			t.Fatalf("identities for a missing file: %v", ids)
		}
		if out.String() != "" {
			t.Errorf("loading printed %q", out)
		}
		if _, err := ids[0].file.load(); err == nil {
			t.Error("a missing file loaded")
		}
		msg := "no such identity: " + missing + ": No such file or directory\r\n"
		if explicit && (out.String() != msg || debug.String() != "") || !explicit && (out.String() != "" || debug.String() != "debug3: "+msg) {
			t.Errorf("explicit=%v: stderr %q, debug %q; want %q", explicit, out, debug, msg)
		}
	}
}

func TestLoadIdentityFilePublicParts(t *testing.T) {
	dir := t.TempDir()
	u, out := testUI(nil)
	ed := newKey(t, "ed25519")
	rsaKey := newKey(t, "rsa")
	ecKey := newKey(t, "ecdsa")
	ca := signer(t, newKey(t, "ed25519"))

	plain := writeKey(t, dir, "plain", ed, openSSHFormat, "")
	encrypted := writeKey(t, dir, "encrypted", ed, openSSHFormat, "secret")
	pemRSA := writeKey(t, dir, "pem_rsa", rsaKey, pemFormat, "")
	justPub := filepath.Join(dir, "just_pub")
	writePub(t, justPub, publicKey(t, rsaKey))
	withPub := writeKey(t, dir, "with_pub", ecKey, pemFormat, "")
	writePub(t, withPub+".pub", publicKey(t, ecKey))
	cert := &ssh.Certificate{Key: publicKey(t, ed), CertType: ssh.UserCert, ValidPrincipals: []string{"me"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	writePub(t, plain+"-cert.pub", cert)
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path string
		want []ssh.PublicKey // nil entry: public half unknown until decrypted
	}{
		{plain, []ssh.PublicKey{publicKey(t, ed), cert}},
		{encrypted, []ssh.PublicKey{publicKey(t, ed)}},   // OpenSSH keys carry the public half in clear
		{pemRSA, []ssh.PublicKey{nil}},                   // ssh reads no public half from PEM
		{justPub, []ssh.PublicKey{publicKey(t, rsaKey)}}, // a public key named as the identity
		{withPub, []ssh.PublicKey{publicKey(t, ecKey)}},
		{garbage, []ssh.PublicKey{nil}},
	}
	for _, tt := range tests {
		ids := loadIdentityFile(tt.path, true, u)
		if len(ids) != len(tt.want) {
			t.Errorf("%s: %d identities, want %d", tt.path, len(ids), len(tt.want))
			continue
		}
		for i, id := range ids {
			if tt.want[i] == nil && id.pub != nil || tt.want[i] != nil && (id.pub == nil || !sameKey(id.pub, tt.want[i])) {
				t.Errorf("%s: identity %d = %v, want %v", tt.path, i, id.pub, tt.want[i])
			}
		}
	}
	if out.String() != "" {
		t.Errorf("loading public parts printed %q", out.String())
	}
}

func TestKeyFileEncryptedPEMWithoutPub(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not installed")
	}
	path := filepath.Join(t.TempDir(), "id_pem")
	cmd := exec.Command(keygen, "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "secret", "-f", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	want, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path + ".pub")
	p := &fakePrompter{answers: []string{"secret"}}
	u, _ := testUI(p)
	ids := loadIdentityFile(path, true, u)
	if len(ids) != 1 || ids[0].pub != nil {
		t.Fatalf("identities = %v, want one with an unknown public key", ids)
	}
	s, err := ids[0].file.load()
	if err != nil {
		t.Fatal(err)
	}
	if got := ssh.MarshalAuthorizedKey(s.PublicKey()); !strings.HasPrefix(string(want), strings.TrimSpace(string(got))) {
		t.Errorf("decrypted public key %s, want %s", got, want)
	}
	if got := p.prompts(); !slices.Equal(got, []string{"Enter passphrase for key '" + path + "': "}) {
		t.Errorf("prompts = %q", got)
	}
}

func TestKeyFileLoad(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t, "ed25519")
	encrypted := writeKey(t, dir, "encrypted", key, openSSHFormat, "secret")
	plain := writeKey(t, dir, "plain", key, openSSHFormat, "")
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ask := "Enter passphrase for key '" + encrypted + "': "
	tests := []struct {
		desc    string
		path    string
		batch   bool
		answers []string
		ok      bool
		asked   int
		stderr  string
	}{
		{"plain", plain, false, nil, true, 0, ""},
		{"right passphrase", encrypted, false, []string{"secret"}, true, 1, ""},
		{"third time lucky", encrypted, false, []string{"a", "b", "secret"}, true, 3, ""},
		{"three wrong", encrypted, false, []string{"a", "b", "c", "secret"}, false, 3, ""},
		{"empty gives up", encrypted, false, []string{"", "secret"}, false, 1, ""},
		{"batch mode", encrypted, true, []string{"secret"}, false, 0, ""},
		{"garbage", garbage, false, nil, false, 0, `Load key "` + garbage + `": error in libcrypto` + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := &fakePrompter{answers: tt.answers}
			u, out := testUI(p)
			if tt.batch {
				u.prompter = nil
			}
			k := &keyFile{path: tt.path, ui: u}
			s, err := k.load()
			if tt.ok != (err == nil) {
				t.Fatalf("load: %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && !sameKey(s.PublicKey(), publicKey(t, key)) {
				t.Error("loaded the wrong key")
			}
			asked := p.prompts()
			if len(asked) != tt.asked || tt.asked > 0 && (asked[0] != ask || slices.Contains(p.echo, true)) {
				t.Errorf("asked %q (echo %v), want %d × %q without echo", asked, p.echo, tt.asked, ask)
			}
			if out.String() != tt.stderr {
				t.Errorf("stderr = %q, want %q", out.String(), tt.stderr)
			}
			// The outcome is kept: nothing is asked again.
			if _, err2 := k.load(); (err == nil) != (err2 == nil) || len(p.prompts()) != len(asked) {
				t.Errorf("second load: %v, prompts %q", err2, p.prompts())
			}
		})
	}
}

func TestKeyFileBadPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := writeKey(t, t.TempDir(), "id_open", newKey(t, "ed25519"), openSSHFormat, "")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	u, out := testUI(nil)
	if _, err := (&keyFile{path: path, ui: u}).load(); err == nil {
		t.Fatal("loaded a key readable by others")
	}
	want := crlf(
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"Permissions 0644 for '"+path+"' are too open.",
		"It is required that your private key files are NOT accessible by others.",
		"This private key will be ignored.",
		`Load key "`+path+`": bad permissions`,
	)
	if out.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", out.String(), want)
	}
}

// userCert signs pub as a user certificate for "me" with ca.
func userCert(t *testing.T, pub ssh.PublicKey, ca ssh.Signer) *ssh.Certificate {
	t.Helper()
	cert := &ssh.Certificate{Key: pub, CertType: ssh.UserCert, ValidPrincipals: []string{"me"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestOrderIdentities(t *testing.T) {
	dir := t.TempDir()
	u, _ := testUI(nil)
	a, b, c, d := newKey(t, "ed25519"), newKey(t, "rsa"), newKey(t, "ecdsa"), newKey(t, "ed25519")
	ca := signer(t, newKey(t, "ed25519"))
	// Files: c, b (encrypted) with its certificate next to it, d. The agent
	// holds a and b, in that order. CertificateFile: d's, a's and one whose
	// key is nowhere.
	fileC := writeKey(t, dir, "c", c, openSSHFormat, "")
	fileB := writeKey(t, dir, "b", b, openSSHFormat, "secret")
	fileD := writeKey(t, dir, "d", d, openSSHFormat, "")
	writePub(t, fileB+"-cert.pub", userCert(t, publicKey(t, b), ca))
	certD, certA, certNone := filepath.Join(dir, "d.cert"), filepath.Join(dir, "a-cert.pub"), filepath.Join(dir, "none")
	writePub(t, certD, userCert(t, publicKey(t, d), ca))
	writePub(t, certA, userCert(t, publicKey(t, a), ca))
	writePub(t, certNone+".pub", userCert(t, publicKey(t, newKey(t, "ecdsa")), ca)) // read as ssh does, from NAME.pub
	_, agentKeys := dialAgent(serveAgent(t, a, b))

	fp := func(k crypto.Signer) string { return ssh.FingerprintSHA256(publicKey(t, k)) }
	tests := []struct {
		identitiesOnly bool
		want           []string // ssh's "Will attempt key" descriptions
		unsigned       []string // certificates without a key to sign
	}{
		{false, []string{
			certD + " ED25519-CERT " + fp(d) + " explicit",
			certA + " ED25519-CERT " + fp(a) + " explicit",
			certNone + " ECDSA-CERT " + ssh.FingerprintSHA256(userCertificate(certNone+".pub").Key) + " explicit",
			fileB + " RSA " + fp(b) + " explicit agent",
			"agent key 0 ED25519 " + fp(a) + " agent",
			fileC + " ECDSA " + fp(c) + " explicit",
			fileB + " RSA-CERT " + fp(b) + " explicit",
			fileD + " ED25519 " + fp(d) + " explicit",
		}, []string{certNone}},
		{true, []string{
			certD + " ED25519-CERT " + fp(d) + " explicit",
			certA + " ED25519-CERT " + fp(a) + " explicit",
			certNone + " ECDSA-CERT " + ssh.FingerprintSHA256(userCertificate(certNone+".pub").Key) + " explicit",
			fileB + " RSA " + fp(b) + " explicit agent",
			fileC + " ECDSA " + fp(c) + " explicit",
			fileB + " RSA-CERT " + fp(b) + " explicit",
			fileD + " ED25519 " + fp(d) + " explicit",
		}, []string{certA, certNone}},
	}
	for _, tt := range tests {
		var certs, files []*identity
		for _, path := range []string{certD, certA, certNone, filepath.Join(dir, "missing")} {
			certs = append(certs, loadCertificateFile(path, u)...)
		}
		for _, path := range []string{fileC, fileB, fileD} {
			files = append(files, loadIdentityFile(path, true, u)...)
		}
		ids := orderIdentities(certs, files, agentKeys, tt.identitiesOnly)
		var got []string
		for _, id := range ids {
			got = append(got, id.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("IdentitiesOnly=%v: order\n%q\nwant\n%q", tt.identitiesOnly, got, tt.want)
			continue
		}
		// b's file is encrypted: its key and its certificate sign in the
		// agent, no passphrase; each certificate signs with its key.
		for _, id := range ids {
			_, err := id.Sign(rand.Reader, []byte("data"))
			if unsigned := slices.Contains(tt.unsigned, id.name); unsigned == (err == nil) {
				t.Errorf("IdentitiesOnly=%v: %s signed: %v", tt.identitiesOnly, id, err)
			}
		}
	}
}

func TestNamesKeyFile(t *testing.T) {
	for _, tt := range []struct {
		cert, key string
		want      bool
	}{
		{"/k/id", "/k/id", true},
		{"/k/id.pub", "/k/id", true},
		{"/k/id-cert.pub", "/k/id", true},
		{"/k/id-cert", "/k/id", false},
		{"/k/other.pub", "/k/id", false},
		{".pub", "", false},
	} {
		if got := namesKeyFile(tt.cert, tt.key); got != tt.want {
			t.Errorf("namesKeyFile(%q, %q) = %v", tt.cert, tt.key, got)
		}
	}
}

func TestIdentitySignatureAlgorithms(t *testing.T) {
	for _, tt := range []struct {
		kind string
		want []string
	}{
		{"rsa", []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}},
		{"ed25519", []string{ssh.KeyAlgoED25519}},
		{"ecdsa", []string{ssh.KeyAlgoECDSA256}},
	} {
		key := newKey(t, tt.kind)
		id := &identity{pub: publicKey(t, key), agent: signer(t, key)}
		if got := id.Algorithms(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.kind, got, tt.want)
		}
		sig, err := id.Sign(rand.Reader, []byte("data"))
		if err != nil || sig.Format != tt.want[0] {
			t.Errorf("%s: signature %v, %v; want format %s", tt.kind, sig, err, tt.want[0])
		}
	}
}
