package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
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
// then the final line of a refusal, if any.
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
		out.WriteString(err.Error() + "\r\n")
	}
	return out.String(), err
}

// crlf ends each line like ssh's log does.
func crlf(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n"
}

const failed = "Host key verification failed."

func TestHostKeyKnown(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	tests := []struct {
		desc, host, line string
		port             int
	}{
		{"plain", "127.0.0.1", knownHostsLine("", "[127.0.0.1]:2222", key), 2222},
		{"port 22 has no brackets", "127.0.0.1", knownHostsLine("", "127.0.0.1", key), 22},
		{"hashed", "127.0.0.1", knownHostsLine("", hashName("[127.0.0.1]:2222"), key), 2222},
		{"list and wildcard", "127.0.0.1", knownHostsLine("", "other,[127.0.0.*]:2222", key), 2222},
		{"recorded without the port", "127.0.0.1", knownHostsLine("", "127.0.0.1", key), 2222},
		{"wildcard without the port", "127.0.0.1", knownHostsLine("", "*.0.0.1", key), 2222},
		{"host name lower-cased", "Example.COM", knownHostsLine("", "example.com", key), 22},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, strings.ReplaceAll(tt.desc, " ", "_"))
			writeLines(t, kh, tt.line)
			stderr, err := hostKeyCase{
				opts: Options{HostName: tt.host, Port: tt.port, StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}},
				key:  key,
			}.check(t)
			if err != nil || stderr != "" {
				t.Errorf("got %q; want acceptance in silence", stderr)
			}
		})
	}
}

func TestHostKeyNegatedPatternRefuses(t *testing.T) {
	kh := filepath.Join(t.TempDir(), "known_hosts")
	key := publicKey(t, newKey(t, "ed25519"))
	writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:2222,!*", key))
	got, _ := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
	want := crlf("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.", failed)
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// changedBox is the warning ssh 9.2 prints for a changed key (checked
// against /usr/bin/ssh by TestSSHDHostKeyMessagesMatchOpenSSH).
func changedBox(key ssh.PublicKey, userFile, offendingType, offendingFile string, line int, name string) string {
	return crlf(
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
		"It is also possible that a host key has just been changed.",
		"The fingerprint for the "+keyTypeLabel(key)+" key sent by the remote host is\n"+ssh.FingerprintSHA256(key)+".",
		"Please contact your system administrator.",
		"Add correct host key in "+userFile+" to get rid of this message.",
		fmt.Sprintf("Offending %s key in %s:%d", offendingType, offendingFile, line),
		"  remove with:",
		fmt.Sprintf("  ssh-keygen -f %q -R %q", offendingFile, name),
	)
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
			got, _ := hostKeyCase{
				opts: Options{StrictHostKeyChecking: mode, UserKnownHostsFiles: []string{user}, GlobalKnownHostsFiles: []string{global}, Prompter: &fakePrompter{}},
				key:  key,
			}.check(t)
			want := box + crlf("Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.", failed)
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
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
		want := box + crlf("Password authentication is disabled to avoid man-in-the-middle attacks.",
			"Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.")
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
		got, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
		if want := changedBox(key, kh, "RSA", kh, 1, "[127.0.0.1]:2222"); !strings.HasPrefix(got, want) || err == nil {
			t.Errorf("got:\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestHostKeyUnknown(t *testing.T) {
	key := publicKey(t, newKey(t, "ed25519"))
	added := crlf("Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.")
	tests := []struct {
		mode      string
		batch     bool
		prompter  bool
		want      string
		wantAdded bool
	}{
		{mode: "true", want: crlf("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.", failed)},
		{mode: "ask", want: crlf(failed)}, // no terminal: ssh does not explain
		{mode: "ask", batch: true, prompter: true, want: crlf(failed)},
		{mode: "false", want: added, wantAdded: true},
		{mode: "accept-new", batch: true, want: added, wantAdded: true},
		{mode: "", prompter: true, want: crlf(failed)}, // "" is ask; the fake prompter has no answer
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s batch=%v prompter=%v", tt.mode, tt.batch, tt.prompter), func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			p := &fakePrompter{}
			opts := Options{StrictHostKeyChecking: tt.mode, BatchMode: tt.batch, UserKnownHostsFiles: []string{kh}}
			if tt.prompter {
				opts.Prompter = p
			}
			got, err := hostKeyCase{opts: opts, key: key}.check(t)
			if got != tt.want || tt.wantAdded != (err == nil) {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
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
	if got, err := c.check(t); err != nil || !strings.Contains(got, "(ECDSA) to the list of known hosts") {
		t.Fatalf("first login: %q", got)
	}
	if fi, err := os.Stat(filepath.Dir(kh)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf(".ssh directory: %v, %v", fi, err)
	}
	if got, err := c.check(t); err != nil || got != "" {
		t.Errorf("second login: %q; want silence", got)
	}
	c.key = publicKey(t, newKey(t, "ecdsa"))
	if got, err := c.check(t); err == nil || !strings.Contains(got, "has changed") {
		t.Errorf("accept-new took a changed key: %q", got)
	}
}

func TestHostKeyAppendAfterUnterminatedLine(t *testing.T) {
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte("# no newline"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := publicKey(t, newKey(t, "ed25519"))
	if got, err := (hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{kh}}, key: key}).check(t); err != nil {
		t.Fatal(got)
	}
	data, _ := os.ReadFile(kh)
	if want := "# no newline\n" + knownHostsLine("", "[127.0.0.1]:2222", key) + "\n"; string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}
}

func TestHostKeyCannotRecord(t *testing.T) {
	key := publicKey(t, newKey(t, "ed25519"))
	missingDir := filepath.Join(t.TempDir(), "nodir", "known_hosts")
	got, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{missingDir}}, key: key}.check(t)
	if want := crlf("Failed to add the host to the list of known hosts (" + missingDir + ")."); err != nil || got != want {
		t.Errorf("unwritable file: %q, want %q", got, want)
	}
	// Without any user file (UserKnownHostsFile none) ssh refuses outright.
	if got, _ := (hostKeyCase{opts: Options{StrictHostKeyChecking: "false"}, key: key}).check(t); got != crlf(failed) {
		t.Errorf("no user file: %q", got)
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
	var listed strings.Builder
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&listed, "    %s:%d: n%d\n", others, i, i)
	}

	question := "Are you sure you want to continue connecting (yes/no/[fingerprint])? "
	again := "Please type 'yes', 'no' or the fingerprint: "
	notKnown := "ED25519 key fingerprint is " + fp + ".\nThis key is not known by any other names.\n"
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
			"The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n" + notKnown, 2, true},
		{"fingerprint", "LocalHost", 22, tcpRemote, nil, []string{"SHA256:wrong", fp},
			"The authenticity of host 'localhost (127.0.0.1)' can't be established.\n" + notKnown, 2, true},
		{"no", "127.0.0.1", 2222, proxyRemote, nil, []string{"no"},
			"The authenticity of host '[127.0.0.1]:2222 (<no hostip for proxy command>)' can't be established.\n" + notKnown, 1, false},
		{"empty answer is no", "127.0.0.1", 2222, tcpRemote, []string{others}, []string{"?", ""},
			"The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n" +
				"ED25519 key fingerprint is " + fp + ".\n" +
				"This host key is known by the following other names/addresses:\n" +
				listed.String() + "    (2 additional names omitted)\n", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			p := &fakePrompter{answers: tt.answers}
			got, err := hostKeyCase{
				opts: Options{HostName: tt.host, Port: tt.port, StrictHostKeyChecking: "ask", Prompter: p,
					UserKnownHostsFiles: []string{kh}, GlobalKnownHostsFiles: tt.global},
				remote: tt.remote,
				key:    key,
			}.check(t)
			asked := p.prompts()
			if len(asked) != tt.wantAsked || asked[0] != tt.wantHeader+question || (len(asked) > 1 && asked[1] != again) {
				t.Errorf("asked %q\nwant %q then %q", asked, tt.wantHeader+question, again)
			}
			if slices.Contains(p.echo, false) {
				t.Errorf("host-key question asked without echo")
			}
			if tt.accepted != (err == nil) || !tt.accepted && got != crlf(failed) {
				t.Errorf("accepted = %v, output %q", err == nil, got)
			}
			if data, _ := os.ReadFile(kh); tt.accepted != strings.Contains(string(data), knownHostsName(strings.ToLower(tt.host), tt.port)+" ssh-ed25519 ") {
				t.Errorf("known_hosts after answer: %q", data)
			}
		})
	}
}

func TestHostKeyRevoked(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	kh := filepath.Join(dir, "known_hosts")
	writeLines(t, kh, knownHostsLine("", "[127.0.0.1]:2222", key), knownHostsLine("@revoked", "*", key))
	box := crlf(
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"@       WARNING: REVOKED HOST KEY DETECTED!               @",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"The ED25519 host key for [127.0.0.1]:2222 is marked as revoked.",
		"This could mean that a stolen key is being used to",
		"impersonate this host.",
	)
	for _, mode := range []string{"true", "ask", "accept-new", "false"} {
		t.Run(mode, func(t *testing.T) {
			got, _ := hostKeyCase{opts: Options{StrictHostKeyChecking: mode, UserKnownHostsFiles: []string{kh}}, key: key}.check(t)
			want := box + crlf("ED25519 host key for [127.0.0.1]:2222 was revoked and you have requested strict checking.", failed)
			if mode == "false" {
				want = box + crlf(failed)
			}
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	t.Run("revoked for another host only", func(t *testing.T) {
		other := filepath.Join(dir, "other")
		writeLines(t, other, knownHostsLine("@revoked", "elsewhere", key))
		if got, err := (hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{other}}, key: key}).check(t); err != nil {
			t.Errorf("refused: %q", got)
		}
	})
}

func TestHostKeyCertificate(t *testing.T) {
	dir := t.TempDir()
	ca := signer(t, newKey(t, "ed25519"))
	otherCA := signer(t, newKey(t, "ed25519"))
	hostKey := publicKey(t, newKey(t, "ed25519"))
	valid := hostCert(t, hostKey, ca, "127.0.0.1", "localhost")

	expired := hostCert(t, hostKey, ca, "127.0.0.1")
	expired.ValidBefore = uint64(time.Now().Add(-time.Hour).Unix())
	if err := expired.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	notYet := hostCert(t, hostKey, ca, "127.0.0.1")
	notYet.ValidAfter = uint64(time.Now().Add(time.Hour).Unix())
	if err := notYet.SignCert(rand.Reader, ca); err != nil {
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
	plainLine := knownHostsLine("", "[127.0.0.1]:2222", hostKey)
	unknown := crlf("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.", failed)
	tests := []struct {
		desc  string
		lines []string
		cert  *ssh.Certificate
		want  string
	}{
		{"known CA", []string{caLine}, valid, ""},
		{"CA for another host", []string{knownHostsLine("@cert-authority", "*.example.com", ca.PublicKey())}, valid, unknown},
		{"other CA", []string{knownHostsLine("@cert-authority", "*", otherCA.PublicKey())}, valid, unknown},
		{"other CA, plain key known", []string{knownHostsLine("@cert-authority", "*", otherCA.PublicKey()), plainLine}, valid, ""},
		{"no principals", []string{caLine}, anyHost, ""},
		{"wrong principal", []string{caLine}, hostCert(t, hostKey, ca, "elsewhere"), crlf("Certificate invalid: name is not a listed principal") + unknown},
		{"wrong principal, plain key known", []string{caLine, plainLine}, hostCert(t, hostKey, ca, "elsewhere"), crlf("Certificate invalid: name is not a listed principal")},
		{"expired", []string{caLine}, expired, crlf("Certificate invalid: expired") + unknown},
		{"not yet valid", []string{caLine}, notYet, crlf("Certificate invalid: not yet valid") + unknown},
		{"user certificate", []string{caLine}, userCert, crlf("Certificate invalid: not a host certificate") + unknown},
		{"forged signature", []string{caLine}, forged, crlf("Certificate invalid: signature does not verify") + unknown},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, fmt.Sprint(i))
			writeLines(t, kh, tt.lines...)
			got, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: tt.cert}.check(t)
			if got != tt.want || (err == nil) != !strings.HasSuffix(tt.want, crlf(failed)) {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	t.Run("revoked CA", func(t *testing.T) {
		kh := filepath.Join(dir, "revoked")
		writeLines(t, kh, caLine, knownHostsLine("@revoked", "*", ca.PublicKey()))
		got, _ := hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}}, key: valid}.check(t)
		if want := crlf("ED25519-CERT host key for [127.0.0.1]:2222 was revoked and you have requested strict checking.", failed); !strings.HasSuffix(got, want) {
			t.Errorf("got %q, want it to end %q", got, want)
		}
	})
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
