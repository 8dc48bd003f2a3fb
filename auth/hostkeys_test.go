package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

var (
	tcpRemote   = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}
	proxyRemote = &net.UnixAddr{Name: "pipe", Net: "unix"}
)

// hostKeyCase is one call of the host-key callback against known_hosts files.
type hostKeyCase struct {
	opts   Options
	remote net.Addr
	key    ssh.PublicKey
}

// check runs the callback and returns what ssh would show: the warnings,
// then the error text, if any.
func (c hostKeyCase) check(t *testing.T) (stderr string, err error) {
	t.Helper()
	var out strings.Builder
	c.opts.Stderr = &out
	if c.opts.HostName == "" {
		c.opts.HostName = "127.0.0.1"
	}
	if c.opts.Port == 0 {
		c.opts.Port = 2222
	}
	if c.remote == nil {
		c.remote = tcpRemote
	}
	a, err := New(c.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.ClientConfig().HostKeyCallback("ignored:22", c.remote, c.key)
	if err != nil {
		var hkErr *HostKeyError
		if !errors.As(err, &hkErr) {
			t.Fatalf("error %v is %T, want *HostKeyError", err, err)
		}
	}
	return out.String(), err
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestHostKeyKnown(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	tests := []struct {
		desc, line string
		port       int
	}{
		{"plain", knownHostsLine("", "[127.0.0.1]:2222", key), 2222},
		{"port 22 has no brackets", knownHostsLine("", "127.0.0.1", key), 22},
		{"hashed", knownHostsLine("", hashName("[127.0.0.1]:2222"), key), 2222},
		{"list and wildcard", knownHostsLine("", "other,[127.0.0.*]:2222", key), 2222},
		{"recorded without the port", knownHostsLine("", "127.0.0.1", key), 2222},
		{"wildcard without the port", knownHostsLine("", "*.0.0.1", key), 2222},
		{"host name lower-cased", knownHostsLine("", "[127.0.0.1]:2222", key), 2222},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, strings.ReplaceAll(tt.desc, " ", "_"))
			writeLines(t, kh, tt.line)
			stderr, err := hostKeyCase{
				opts: Options{Port: tt.port, StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}},
				key:  key,
			}.check(t)
			if err != nil || stderr != "" {
				t.Errorf("got error %q, stderr %q; want acceptance in silence", errText(err), stderr)
			}
		})
	}
}

func TestHostKeyNegatedPatternRefuses(t *testing.T) {
	kh := filepath.Join(t.TempDir(), "known_hosts")
	key := publicKey(t, newKey(t, "ed25519"))
	writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:2222,!*", key))
	_, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
	want := "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed."
	if errText(err) != want {
		t.Errorf("error = %q, want %q", errText(err), want)
	}
}

// changedBox is the warning ssh 9.2 prints for a changed key (checked
// against /usr/bin/ssh by TestSSHDHostKeyMessagesMatchOpenSSH).
func changedBox(key ssh.PublicKey, userFile, offendingType, offendingFile string, line int, name string) string {
	return fmt.Sprintf(`@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the %s key sent by the remote host is
%s.
Please contact your system administrator.
Add correct host key in %s to get rid of this message.
Offending %s key in %s:%d
  remove with:
  ssh-keygen -f "%s" -R "%s"
`, keyTypeLabel(key), ssh.FingerprintSHA256(key), userFile, offendingType, offendingFile, line, offendingFile, name)
}

func TestHostKeyChanged(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	old := publicKey(t, newKey(t, "ed25519"))
	user, global := filepath.Join(dir, "known_hosts"), filepath.Join(dir, "ssh_known_hosts")
	writeLines(t, user, "# first", knownHostsLine("", "x", key), knownHostsLine("", "[127.0.0.1]:2222", old))
	writeLines(t, global, "")
	box := changedBox(key, user, "ED25519", user, 3, "[127.0.0.1]:2222")

	for _, mode := range []string{"ask", "true", "accept-new"} {
		t.Run(mode, func(t *testing.T) {
			stderr, err := hostKeyCase{
				opts: Options{StrictHostKeyChecking: mode, UserKnownHostsFiles: []string{user}, GlobalKnownHostsFiles: []string{global}, Prompter: &fakePrompter{}},
				key:  key,
			}.check(t)
			want := "Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.\nHost key verification failed."
			if stderr != box || errText(err) != want {
				t.Errorf("stderr:\n%s\nerror: %s\nwant stderr:\n%s\nerror: %s", stderr, errText(err), box, want)
			}
		})
	}

	t.Run("false goes on without passwords", func(t *testing.T) {
		var out strings.Builder
		a, err := New(Options{HostName: "127.0.0.1", Port: 2222, StrictHostKeyChecking: "false",
			UserKnownHostsFiles: []string{user}, Stderr: &out, Prompter: &fakePrompter{}})
		if err != nil {
			t.Fatal(err)
		}
		if !a.mayPrompt() {
			t.Fatal("passwords refused before the host key was seen")
		}
		if err := a.ClientConfig().HostKeyCallback("", tcpRemote, key); err != nil {
			t.Fatalf("callback: %v", err)
		}
		want := box + "Password authentication is disabled to avoid man-in-the-middle attacks.\n" +
			"Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.\n"
		if out.String() != want {
			t.Errorf("stderr:\n%s\nwant:\n%s", out.String(), want)
		}
		if a.mayPrompt() {
			t.Error("password methods still enabled after a changed host key")
		}
		if data, _ := os.ReadFile(user); strings.Count(string(data), "\n") != 3 {
			t.Errorf("known_hosts was modified:\n%s", data)
		}
	})

	t.Run("other key type counts as changed", func(t *testing.T) {
		kh := filepath.Join(dir, "rsa_only")
		rsaKey := publicKey(t, newKey(t, "rsa"))
		writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:2222", rsaKey))
		stderr, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
		if want := changedBox(key, kh, "RSA", kh, 1, "[127.0.0.1]:2222"); stderr != want || err == nil {
			t.Errorf("stderr:\n%s\nerror %v; want:\n%s", stderr, err, want)
		}
	})
}

func TestHostKeyUnknown(t *testing.T) {
	key := publicKey(t, newKey(t, "ed25519"))
	added := "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\n"
	failed := "Host key verification failed."
	tests := []struct {
		mode      string
		batch     bool
		prompter  bool
		wantErr   string
		wantOut   string
		wantAdded bool
	}{
		{mode: "true", wantErr: "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\n" + failed},
		{mode: "ask", wantErr: failed}, // no terminal: ssh does not explain
		{mode: "ask", batch: true, prompter: true, wantErr: failed},
		{mode: "false", wantOut: added, wantAdded: true},
		{mode: "accept-new", batch: true, wantOut: added, wantAdded: true},
		{mode: "", prompter: true, wantErr: failed}, // "" is ask; the fake prompter has no answer
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s batch=%v prompter=%v", tt.mode, tt.batch, tt.prompter), func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			p := &fakePrompter{}
			opts := Options{StrictHostKeyChecking: tt.mode, BatchMode: tt.batch, UserKnownHostsFiles: []string{kh}}
			if tt.prompter {
				opts.Prompter = p
			}
			stderr, err := hostKeyCase{opts: opts, key: key}.check(t)
			if got := errText(err); tt.wantErr != "" && got != tt.wantErr || tt.wantErr == "" && err != nil {
				t.Errorf("error = %q, want %q", got, tt.wantErr)
			}
			if stderr != tt.wantOut {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantOut)
			}
			data, _ := os.ReadFile(kh)
			if want := knownHostsLine("", "[127.0.0.1]:2222", key) + "\n"; tt.wantAdded != (string(data) == want) {
				t.Errorf("known_hosts = %q, added %v", data, tt.wantAdded)
			}
			if tt.batch && len(p.prompts()) > 0 {
				t.Errorf("prompted in batch mode: %q", p.prompts())
			}
		})
	}
}

func TestHostKeyAcceptNewThenKnown(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, ".ssh", "known_hosts") // a first login: ~/.ssh does not exist yet
	key := publicKey(t, newKey(t, "ecdsa"))
	c := hostKeyCase{opts: Options{StrictHostKeyChecking: "accept-new", UserKnownHostsFiles: []string{kh}}, key: key}
	if stderr, err := c.check(t); err != nil || !strings.Contains(stderr, "(ECDSA) to the list of known hosts") {
		t.Fatalf("first login: %v, %q", err, stderr)
	}
	if fi, err := os.Stat(filepath.Dir(kh)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf(".ssh directory: %v, %v", fi, err)
	}
	if stderr, err := c.check(t); err != nil || stderr != "" {
		t.Errorf("second login: %v, %q; want silence", err, stderr)
	}
	c.key = publicKey(t, newKey(t, "ecdsa"))
	if _, err := c.check(t); err == nil || !strings.Contains(err.Error(), "has changed") {
		t.Errorf("accept-new took a changed key: %v", err)
	}
}

func TestHostKeyAppendAfterUnterminatedLine(t *testing.T) {
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte("# no newline"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := publicKey(t, newKey(t, "ed25519"))
	if _, err := (hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{kh}}, key: key}).check(t); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(kh)
	if want := "# no newline\n" + knownHostsLine("", "[127.0.0.1]:2222", key) + "\n"; string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}
}

func TestHostKeyCannotRecord(t *testing.T) {
	key := publicKey(t, newKey(t, "ed25519"))
	missingDir := filepath.Join(t.TempDir(), "nodir", "known_hosts")
	stderr, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{missingDir}}, key: key}.check(t)
	if err != nil || stderr != "Failed to add the host to the list of known hosts ("+missingDir+").\n" {
		t.Errorf("unwritable file: %v, %q", err, stderr)
	}
	// Without any user file (UserKnownHostsFile none) ssh refuses outright.
	_, err = hostKeyCase{opts: Options{StrictHostKeyChecking: "false"}, key: key}.check(t)
	if errText(err) != "Host key verification failed." {
		t.Errorf("no user file: %q", errText(err))
	}
}

func TestHostKeyAsk(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	fp := ssh.FingerprintSHA256(key)
	others := filepath.Join(dir, "others")
	var lines []string
	for i := 1; i <= 10; i++ {
		lines = append(lines, knownHostsLine("", fmt.Sprintf("n%d", i), key))
	}
	lines = append(lines, knownHostsLine("", hashName("hidden"), key), knownHostsLine("@cert-authority", "ca", key))
	writeLines(t, others, lines...)

	question := "Are you sure you want to continue connecting (yes/no/[fingerprint])? "
	again := "Please type 'yes', 'no' or the fingerprint: "
	tests := []struct {
		desc       string
		host       string
		port       int
		remote     net.Addr
		global     []string
		answers    []string
		wantHeader string
		wantAsked  int
		accepted   bool
	}{
		{"yes after nonsense", "127.0.0.1", 2222, tcpRemote, nil, []string{"maybe", "YES"},
			"The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n" +
				"ED25519 key fingerprint is " + fp + ".\nThis key is not known by any other names.\n", 2, true},
		{"fingerprint", "LocalHost", 22, tcpRemote, nil, []string{"SHA256:wrong", fp},
			"The authenticity of host 'localhost (127.0.0.1)' can't be established.\n" +
				"ED25519 key fingerprint is " + fp + ".\nThis key is not known by any other names.\n", 2, true},
		{"no", "127.0.0.1", 2222, proxyRemote, nil, []string{"no"},
			"The authenticity of host '[127.0.0.1]:2222 (<no hostip for proxy command>)' can't be established.\n" +
				"ED25519 key fingerprint is " + fp + ".\nThis key is not known by any other names.\n", 1, false},
		{"empty answer is no", "127.0.0.1", 2222, tcpRemote, []string{others}, []string{"?", ""},
			"The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n" +
				"ED25519 key fingerprint is " + fp + ".\n" +
				"This host key is known by the following other names/addresses:\n" +
				func() string {
					var b strings.Builder
					for i := 1; i <= 8; i++ {
						fmt.Fprintf(&b, "    %s:%d: n%d\n", others, i, i)
					}
					return b.String()
				}() + "    (2 additional names omitted)\n", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			p := &fakePrompter{answers: tt.answers}
			stderr, err := hostKeyCase{
				opts: Options{HostName: tt.host, Port: tt.port, StrictHostKeyChecking: "ask", Prompter: p,
					UserKnownHostsFiles: []string{kh}, GlobalKnownHostsFiles: tt.global},
				remote: tt.remote,
				key:    key,
			}.check(t)
			asked := p.prompts()
			if len(asked) != tt.wantAsked || asked[0] != tt.wantHeader+question || (len(asked) > 1 && asked[1] != again) {
				t.Errorf("asked %q\nwant %q then %q", asked, tt.wantHeader+question, again)
			}
			if slicesContainsFalse(p.echo) {
				t.Errorf("host-key question asked without echo")
			}
			if tt.accepted != (err == nil) {
				t.Errorf("accepted = %v (%v), want %v", err == nil, err, tt.accepted)
			}
			if !tt.accepted && (errText(err) != "Host key verification failed." || stderr != "") {
				t.Errorf("refusal: %q, stderr %q", errText(err), stderr)
			}
			if data, _ := os.ReadFile(kh); tt.accepted != strings.Contains(string(data), knownHostsName(strings.ToLower(tt.host), tt.port)+" ssh-ed25519 ") {
				t.Errorf("known_hosts after answer: %q", data)
			}
		})
	}
}

func slicesContainsFalse(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return true
		}
	}
	return false
}

func TestHostKeyRevoked(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	kh := filepath.Join(dir, "known_hosts")
	writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:2222", key), knownHostsLine("@revoked", "*", key))
	box := `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@       WARNING: REVOKED HOST KEY DETECTED!               @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
The ED25519 host key for [127.0.0.1]:2222 is marked as revoked.
This could mean that a stolen key is being used to
impersonate this host.
`
	for _, mode := range []string{"true", "ask", "accept-new", "false"} {
		t.Run(mode, func(t *testing.T) {
			stderr, err := hostKeyCase{opts: Options{StrictHostKeyChecking: mode, UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
			want := "ED25519 host key for [127.0.0.1]:2222 was revoked and you have requested strict checking.\nHost key verification failed."
			if mode == "false" {
				want = "Host key verification failed."
			}
			if stderr != box || errText(err) != want {
				t.Errorf("stderr:\n%s\nerror: %s\nwant:\n%s\nerror: %s", stderr, errText(err), box, want)
			}
		})
	}
	t.Run("revoked for another host only", func(t *testing.T) {
		other := filepath.Join(dir, "other")
		writeLines(t, other, knownHostsLine("@revoked", "elsewhere", key))
		if _, err := (hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{other}}, key: key}).check(t); err != nil {
			t.Errorf("refused: %v", err)
		}
	})
}

func TestHostKeyCertificate(t *testing.T) {
	dir := t.TempDir()
	caKey := newKey(t, "ed25519")
	ca := signer(t, caKey)
	otherCA := signer(t, newKey(t, "ed25519"))
	hostKey := publicKey(t, newKey(t, "ed25519"))
	valid := hostCert(t, hostKey, ca, "127.0.0.1", "localhost")

	expired := hostCert(t, hostKey, ca, "127.0.0.1")
	expired.ValidBefore = uint64(time.Now().Add(-time.Hour).Unix())
	if err := expired.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	userCert := hostCert(t, hostKey, ca, "127.0.0.1")
	userCert.CertType = ssh.UserCert
	if err := userCert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	// ssh-keygen -s without -n: no principals, valid for any host.
	anyHost := &ssh.Certificate{Key: hostKey, CertType: ssh.HostCert, ValidBefore: ssh.CertTimeInfinity, SignatureKey: ca.PublicKey()}
	anyHost.Signature = sign(t, ca, anyHost)
	forged := hostCert(t, hostKey, otherCA, "127.0.0.1")
	forged.SignatureKey = ca.PublicKey()

	caLine := knownHostsLine("@cert-authority", "*", ca.PublicKey())
	noStrict := "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed."
	tests := []struct {
		desc    string
		lines   []string
		cert    *ssh.Certificate
		wantOut string
		wantErr string
	}{
		{"known CA", []string{caLine}, valid, "", ""},
		{"CA for another host", []string{knownHostsLine("@cert-authority", "*.example.com", ca.PublicKey())}, valid, "", noStrict},
		{"other CA", []string{knownHostsLine("@cert-authority", "*", otherCA.PublicKey())}, valid, "", noStrict},
		{"other CA, plain key known", []string{knownHostsLine("@cert-authority", "*", otherCA.PublicKey()), knownHostsLine("", "[127.0.0.1]:2222", hostKey)}, valid, "", ""},
		{"no principals", []string{caLine}, anyHost, "", ""},
		{"wrong principal", []string{caLine}, hostCert(t, hostKey, ca, "elsewhere"), "Certificate invalid: name is not a listed principal\n", noStrict},
		{"wrong principal, plain key known", []string{caLine, knownHostsLine("", "[127.0.0.1]:2222", hostKey)}, hostCert(t, hostKey, ca, "elsewhere"), "Certificate invalid: name is not a listed principal\n", ""},
		{"expired", []string{caLine}, expired, "Certificate invalid: expired\n", noStrict},
		{"user certificate", []string{caLine}, userCert, "Certificate invalid: not a host certificate\n", noStrict},
		{"forged signature", []string{caLine}, forged, "Certificate invalid: signature does not verify\n", noStrict},
		{"revoked CA", []string{caLine, knownHostsLine("@revoked", "*", ca.PublicKey())}, valid, "marked as revoked", "ED25519-CERT host key for [127.0.0.1]:2222 was revoked and you have requested strict checking.\nHost key verification failed."},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, fmt.Sprint(i))
			writeLines(t, kh, tt.lines...)
			stderr, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: tt.cert}.check(t)
			if tt.wantOut == "" && stderr != "" || !strings.Contains(stderr, tt.wantOut) {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantOut)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && errText(err) != tt.wantErr {
				t.Errorf("error = %q, want %q", errText(err), tt.wantErr)
			}
		})
	}
}

// sign signs cert as its CA would, for the shapes SignCert refuses to make.
func sign(t *testing.T, ca ssh.Signer, cert *ssh.Certificate) *ssh.Signature {
	t.Helper()
	blob := cert.Marshal()
	sig, err := ca.Sign(rand.Reader, blob[:len(blob)-4]) // without the empty signature's length
	if err != nil {
		t.Fatal(err)
	}
	return sig
}
