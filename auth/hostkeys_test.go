package auth

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
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
		logLevel  string
		want      string
		wantAdded bool
	}{
		{mode: "true", want: crlf("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.", failed)},
		{mode: "ask", want: crlf(failed)}, // no terminal: ssh does not explain
		{mode: "ask", batch: true, prompter: true, want: crlf(failed)},
		{mode: "false", want: added, wantAdded: true},
		{mode: "accept-new", batch: true, want: added, wantAdded: true},
		{mode: "", prompter: true, want: crlf(failed)}, // "" is ask; the fake prompter has no answer
		// "Permanently added" is INFO, the refusal an ERROR (the caller
		// prints the last, fatal, line).
		{mode: "accept-new", logLevel: "ERROR", want: "", wantAdded: true},
		{mode: "accept-new", logLevel: "VERBOSE", want: added, wantAdded: true},
		{mode: "true", logLevel: "ERROR", want: crlf("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.", failed)},
		{mode: "true", logLevel: "FATAL", want: crlf(failed)},
		{mode: "true", logLevel: "SILENT", want: crlf(failed)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s batch=%v prompter=%v level=%s", tt.mode, tt.batch, tt.prompter, tt.logLevel), func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			p := &fakePrompter{}
			opts := Options{StrictHostKeyChecking: tt.mode, BatchMode: tt.batch, UserKnownHostsFiles: []string{kh}, LogLevel: tt.logLevel}
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
	sshDir := filepath.Join(dir, ".ssh")
	defer func(f func() string) { userSSHDir = f }(userSSHDir)
	userSSHDir = func() string { return sshDir }
	kh := filepath.Join(sshDir, "known_hosts") // a first login: ~/.ssh does not exist yet
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
	// Only the user's own ~/.ssh is created.
	missingDir := filepath.Join(t.TempDir(), ".ssh", "known_hosts")
	got, err := hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{missingDir}}, key: key}.check(t)
	if want := crlf("Failed to add the host to the list of known hosts (" + missingDir + ")."); err != nil || got != want {
		t.Errorf("unwritable file: %q, want %q", got, want)
	}
	// ~/.ssh itself may fail to be made.
	defer func(f func() string) { userSSHDir = f }(userSSHDir)
	home := filepath.Join(t.TempDir(), "gone")
	userSSHDir = func() string { return filepath.Join(home, ".ssh") }
	inHome := filepath.Join(home, ".ssh", "known_hosts")
	got, err = hostKeyCase{opts: Options{StrictHostKeyChecking: "false", UserKnownHostsFiles: []string{inHome}}, key: key}.check(t)
	if want := crlf("Could not create directory '"+filepath.Join(home, ".ssh")+"' (No such file or directory).",
		"Failed to add the host to the list of known hosts ("+inHome+")."); err != nil || got != want {
		t.Errorf("no home: %q, want %q", got, want)
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
	// ssh lists the hashed line too, the CA line not.
	var listed strings.Builder
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&listed, "    %s:%d: n%d\n", others, i, i)
	}
	// Under $HOME, ssh shows the file as ~/...
	t.Setenv("HOME", dir)

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
				strings.ReplaceAll(listed.String(), dir+"/", "~/") + "    (3 additional names omitted)\n", 2, false},
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

var farRemote = &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 2222}

func TestHostKeyAlias(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	ca := signer(t, newKey(t, "ed25519"))
	caLine := knownHostsLine("@cert-authority", "*", ca.PublicKey())
	tests := []struct {
		desc  string
		lines []string
		key   ssh.PublicKey
		mode  string
		want  string // stderr
		file  string // known_hosts afterwards, "" if unchanged
	}{
		{"recorded under the alias", nil, key, "accept-new",
			crlf("Warning: Permanently added 'web' (ED25519) to the list of known hosts."), knownHostsLine("", "web", key)},
		{"looked up under the alias", []string{knownHostsLine("", "web", key)}, key, "true", "", ""},
		{"not under the host", []string{knownHostsLine("", "[127.0.0.1]:2222", key), knownHostsLine("", "127.0.0.1", key)}, key, "true",
			crlf("No ED25519 host key is known for web and you have requested strict checking.", failed), ""},
		{"changed", []string{knownHostsLine("", "web", publicKey(t, newKey(t, "ed25519")))}, key, "true", "", ""},
		{"certificate for the alias", []string{caLine}, hostCert(t, key, ca, "web"), "true", "", ""},
		{"certificate for the host only", []string{caLine}, hostCert(t, key, ca, "127.0.0.1"), "true",
			crlf("Certificate invalid: name is not a listed principal",
				"No ED25519 host key is known for web and you have requested strict checking.", failed), ""},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, fmt.Sprint(i))
			writeLines(t, kh, tt.lines...)
			before, _ := os.ReadFile(kh)
			debug := &syncBuffer{}
			got, _ := hostKeyCase{opts: Options{HostKeyAlias: "web", StrictHostKeyChecking: tt.mode, UserKnownHostsFiles: []string{kh},
				Debug: debugTo(debug, 1)}, key: tt.key}.check(t)
			if tt.desc == "changed" {
				if !strings.Contains(got, `-R "web"`) || !strings.Contains(got, "Host key for web has changed") {
					t.Errorf("changed key box does not name the alias:\n%s", got)
				}
			} else if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			after, _ := os.ReadFile(kh)
			if want := string(before) + tt.file; tt.file != "" && string(after) != want+"\n" || tt.file == "" && !bytes.Equal(before, after) {
				t.Errorf("known_hosts:\n%s\nwant:\n%s", after, want)
			}
			if strings.Contains(debug.String(), "checking without port identifier") {
				t.Error("looked for the host without the port despite the alias")
			}
			if !strings.Contains(debug.String(), "debug1: using hostkeyalias: web\r\n") {
				t.Errorf("no alias debug line:\n%s", debug)
			}
		})
	}
}

func TestHostKeyAliasInPrompts(t *testing.T) {
	s := startGoServer(t, passwordServer("right"))
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeLines(t, kh, knownHostsLine("", "web", s.hostKey))
	_, port, _ := net.SplitHostPort(s.addr)
	p := &fakePrompter{answers: []string{"wrong", "wrong", "right"}}
	opts := Options{User: "alice", HostName: "127.0.0.1", HostKeyAlias: "web", StrictHostKeyChecking: "true",
		UserKnownHostsFiles: []string{kh}, IdentityAgent: "none", NumberOfPasswordPrompts: "1", Prompter: p, Stderr: &syncBuffer{}}
	fmt.Sscan(port, &opts.Port)
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := s.login(a); err != nil {
		t.Fatalf("login: %v", err)
	}
	want := []string{"(alice@web) Password: ", `(alice@web) Echoed\001: `, "alice@web's password: "}
	if got := p.prompts(); !slices.Equal(got, want) {
		t.Errorf("prompts %q, want %q", got, want)
	}
}

// keygenFind is what ssh-keygen -F name -f file finds, without its
// comment lines; "" if ssh-keygen is missing.
func keygenFind(t *testing.T, name, file string) string {
	t.Helper()
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		return ""
	}
	out, _ := exec.Command(keygen, "-F", name, "-f", file).Output()
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func TestHashKnownHosts(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	key := publicKey(t, newKey(t, "ed25519"))
	keyText := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
	tests := []struct {
		desc      string
		opts      Options
		remote    net.Addr
		announced string   // in "Permanently added"
		names     []string // each on a hashed line of its own, in order
	}{
		{"host and port", Options{}, tcpRemote, "[127.0.0.1]:2222", []string{"[127.0.0.1]:2222"}},
		{"port 22", Options{Port: 22, HostName: "Example.COM"}, tcpRemote, "example.com", []string{"example.com"}},
		{"alias", Options{HostKeyAlias: "web"}, tcpRemote, "web", []string{"web"}},
		{"with the address", Options{HostName: "example.com", CheckHostIP: true}, farRemote,
			"[example.com]:2222,[192.0.2.10]:2222", []string{"[example.com]:2222", "[192.0.2.10]:2222"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			tt.opts.HashKnownHosts = true
			tt.opts.StrictHostKeyChecking = "accept-new"
			tt.opts.UserKnownHostsFiles = []string{kh}
			got, err := hostKeyCase{opts: tt.opts, remote: tt.remote, key: key}.check(t)
			if want := crlf("Warning: Permanently added '" + tt.announced + "' (ED25519) to the list of known hosts."); err != nil || got != want {
				t.Errorf("got %q (%v), want %q", got, err, want)
			}
			data, _ := os.ReadFile(kh)
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(lines) != len(tt.names) {
				t.Fatalf("known_hosts:\n%s\nwant %d lines", data, len(tt.names))
			}
			for i, name := range tt.names {
				hosts, rest, _ := strings.Cut(lines[i], " ")
				if !strings.HasPrefix(hosts, "|1|") || rest != keyText {
					t.Errorf("line %d = %q, want |1|salt|hash %s", i+1, lines[i], keyText)
				}
				if found := keygenFind(t, name, kh); found != lines[i] {
					t.Errorf("ssh-keygen -F %s found %q, want line %d %q", name, found, i+1, lines[i])
				}
			}
			if strings.Contains(string(data), tt.names[0]) {
				t.Errorf("the name is in clear:\n%s", data)
			}
		})
	}
}

func TestCheckHostIP(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	other := publicKey(t, newKey(t, "ed25519"))
	host, ip := "[example.com]:2222", "[192.0.2.10]:2222"
	spoofing := func(state string) []string {
		return []string{
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			"@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @",
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			"The ED25519 host key for " + host + " has changed,",
			"and the key for the corresponding IP address " + ip,
			state + ". This could either mean that",
			"DNS SPOOFING is happening or the IP address for the host",
			"and its host key have changed at the same time.",
		}
	}
	tests := []struct {
		desc    string
		lines   []string
		mode    string
		remote  net.Addr
		proxied bool
		answers []string
		want    string // stderr; known_hosts lines added are in added
		added   []string
		ok      bool
	}{
		{"new host and address", nil, "accept-new", farRemote, false, nil,
			crlf("Warning: Permanently added '" + host + "," + ip + "' (ED25519) to the list of known hosts."),
			[]string{knownHostsLine("", host+","+ip, key)}, true},
		{"known host, new address", []string{knownHostsLine("", host, key)}, "true", farRemote, false, nil,
			crlf("Warning: Permanently added the ED25519 host key for IP address '" + ip + "' to the list of known hosts."),
			[]string{knownHostsLine("", ip, key)}, true},
		{"both known", []string{knownHostsLine("", host, key), knownHostsLine("", ip, key)}, "true", farRemote, false, nil, "", nil, true},
		{"address known with another key", []string{knownHostsLine("", host, key), knownHostsLine("", ip, other)}, "true", farRemote, false, nil,
			crlf("Warning: the ED25519 host key for '"+host+"' differs from the key for the IP address '"+ip+"'\nOffending key for IP in %[1]s:2\nMatching host key in %[1]s:1",
				"Exiting, you have requested strict checking.", failed), nil, false},
		{"address known with another key, not strict", []string{knownHostsLine("", host, key), knownHostsLine("", ip, other)}, "false", farRemote, false, nil,
			crlf("Warning: the ED25519 host key for '" + host + "' differs from the key for the IP address '" + ip + "'\nOffending key for IP in %[1]s:2\nMatching host key in %[1]s:1"),
			nil, true},
		{"address known with another key, answered no", []string{knownHostsLine("", host, key), knownHostsLine("", ip, other)}, "ask", farRemote, false, []string{" No "},
			crlf(failed), nil, false},
		{"host changed, address unknown", []string{knownHostsLine("", host, other)}, "true", farRemote, false, nil,
			crlf(spoofing("is unknown")...), nil, false},
		{"host changed, address unchanged", []string{knownHostsLine("", host, other), knownHostsLine("", ip, key)}, "true", farRemote, false, nil,
			crlf(append(spoofing("is unchanged"), "Offending key for IP in %[1]s:2", "  remove with:", `  ssh-keygen -f "%[1]s" -R "`+ip+`"`)...), nil, false},
		{"loopback is not checked", nil, "accept-new", tcpRemote, false, nil,
			crlf("Warning: Permanently added '[example.com]:2222' (ED25519) to the list of known hosts."),
			[]string{knownHostsLine("", host, key)}, true},
		{"proxy is not checked", nil, "accept-new", farRemote, true, nil,
			crlf("Warning: Permanently added '[example.com]:2222' (ED25519) to the list of known hosts."),
			[]string{knownHostsLine("", host, key)}, true},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, fmt.Sprint(i))
			writeLines(t, kh, tt.lines...)
			before, _ := os.ReadFile(kh)
			got, err := hostKeyCase{opts: Options{HostName: "example.com", CheckHostIP: true, StrictHostKeyChecking: tt.mode, Proxied: tt.proxied,
				UserKnownHostsFiles: []string{kh}, Prompter: &fakePrompter{answers: tt.answers}}, remote: tt.remote, key: key}.check(t)
			want := strings.ReplaceAll(tt.want, "%[1]s", kh)
			if tt.desc == "host changed, address unknown" || tt.desc == "host changed, address unchanged" {
				// The changed-key box follows (TestHostKeyChanged).
				if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, crlf(failed)) {
					t.Errorf("got:\n%s\nwant it to start:\n%s", got, want)
				}
			} else if got != want {
				t.Errorf("got:\n%q\nwant:\n%q", got, want)
			}
			if tt.ok != (err == nil) {
				t.Errorf("accepted = %v, want %v", err == nil, tt.ok)
			}
			data, _ := os.ReadFile(kh)
			want = string(before)
			for _, l := range tt.added {
				want += l + "\n"
			}
			if string(data) != want {
				t.Errorf("known_hosts:\n%s\nwant:\n%s", data, want)
			}
		})
	}
}

func TestHostKeyDebugLog(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	ca := signer(t, newKey(t, "ed25519"))
	cert := hostCert(t, key, ca, "127.0.0.1", "localhost")
	cert.Serial, cert.KeyId = 7, "web"
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	fp, caFP := ssh.FingerprintSHA256(key), ssh.FingerprintSHA256(ca.PublicKey())
	tests := []struct {
		desc  string
		lines []string
		key   ssh.PublicKey
		want  []string
	}{
		{"known", []string{"# comment", knownHostsLine("", "[127.0.0.1]:2222", key)}, key, []string{
			"debug1: Server host key: ssh-ed25519 " + fp,
			"debug1: Host '[127.0.0.1]:2222' is known and matches the ED25519 host key.",
			"debug1: Found key in %s:2",
		}},
		{"known without the port", []string{knownHostsLine("", "127.0.0.1", key)}, key, []string{
			"debug1: Server host key: ssh-ed25519 " + fp,
			"debug1: checking without port identifier",
			"debug1: Host '127.0.0.1' is known and matches the ED25519 host key.",
			"debug1: Found key in %s:1",
			"debug1: found matching key w/out port",
		}},
		{"certificate", []string{knownHostsLine("@cert-authority", "*", ca.PublicKey())}, cert, []string{
			"debug1: Server host certificate: ssh-ed25519-cert-v01@openssh.com " + fp + ", serial 7 ID \"web\" CA ssh-ed25519 " + caFP + " valid forever",
			"debug2: Server host certificate hostname: 127.0.0.1",
			"debug2: Server host certificate hostname: localhost",
			"debug1: Host '[127.0.0.1]:2222' is known and matches the ED25519-CERT host certificate.",
			"debug1: Found CA key in %s:1",
		}},
		{"certificate without its CA", []string{knownHostsLine("", "[127.0.0.1]:2222", key)}, cert, []string{
			"debug1: Server host certificate: ssh-ed25519-cert-v01@openssh.com " + fp + ", serial 7 ID \"web\" CA ssh-ed25519 " + caFP + " valid forever",
			"debug2: Server host certificate hostname: 127.0.0.1",
			"debug2: Server host certificate hostname: localhost",
			"debug1: checking without port identifier",
			"debug1: No matching CA found. Retry with plain key",
			"debug1: No matching CA found. Retry with plain key",
			"debug1: Host '[127.0.0.1]:2222' is known and matches the ED25519 host key.",
			"debug1: Found key in %s:1",
		}},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			kh := filepath.Join(dir, fmt.Sprint(i))
			writeLines(t, kh, tt.lines...)
			out := &syncBuffer{}
			if _, err := (hostKeyCase{opts: Options{StrictHostKeyChecking: "true", UserKnownHostsFiles: []string{kh}, Debug: debugTo(out, 2)}, key: tt.key}).check(t); err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(crlf(tt.want...), "%s", kh)
			if out.String() != want {
				t.Errorf("log:\n%s\nwant:\n%s", out, want)
			}
		})
	}
}

func TestCertValidity(t *testing.T) {
	// ssh shows local time, as strftime's %Y-%m-%dT%H:%M:%S.
	start, end := time.Date(2024, 1, 2, 3, 4, 5, 0, time.Local), time.Date(2025, 6, 7, 8, 9, 10, 0, time.Local)
	from, to := uint64(start.Unix()), uint64(end.Unix())
	for _, tt := range []struct {
		after, before uint64
		want          string
	}{
		{0, ssh.CertTimeInfinity, "forever"},
		{0, to, "before 2025-06-07T08:09:10"},
		{from, ssh.CertTimeInfinity, "after 2024-01-02T03:04:05"},
		{from, to, "from 2024-01-02T03:04:05 to 2025-06-07T08:09:10"},
	} {
		if got := certValidity(&ssh.Certificate{ValidAfter: tt.after, ValidBefore: tt.before}); got != tt.want {
			t.Errorf("certValidity(%d, %d) = %q, want %q", tt.after, tt.before, got, tt.want)
		}
	}
}

func TestTildeUnexpand(t *testing.T) {
	for _, tt := range []struct{ home, path, want string }{
		{"/home/u", "/home/u/.ssh/known_hosts", "~/.ssh/known_hosts"},
		{"/home/u/", "/home/u/.ssh/known_hosts", "~/.ssh/known_hosts"},
		{"/home/u", "/home/user/known_hosts", "/home/user/known_hosts"},
		{"/home/u", "relative/known_hosts", "relative/known_hosts"},
		{"", "/home/u/known_hosts", "/home/u/known_hosts"},
	} {
		t.Setenv("HOME", tt.home)
		if got := tildeUnexpand(tt.path); got != tt.want {
			t.Errorf("HOME=%s: tildeUnexpand(%q) = %q, want %q", tt.home, tt.path, got, tt.want)
		}
	}
}
