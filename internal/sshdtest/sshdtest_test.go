package sshdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// runSSH runs OpenSSH's ssh with the server's client config and returns
// its combined output.
func runSSH(t *testing.T, s *Server, args ...string) (string, error) {
	t.Helper()
	ssh, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("ssh client not available")
	}
	cmd := exec.Command(ssh, append([]string{"-F", s.ConfigFile}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "LC_ALL=C"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestStartAndLogin(t *testing.T) {
	s := Start(t, Config{})
	for _, host := range []string{HostAlias, "127.0.0.1", "localhost"} {
		out, err := runSSH(t, s, host, "echo ok; id -un")
		if err != nil {
			t.Fatalf("ssh %s: %v\n%s", host, err, out)
		}
		if want := "ok\n" + s.User + "\n"; out != want {
			t.Errorf("ssh %s: got %q, want %q", host, out, want)
		}
	}
	for _, p := range []string{s.Dir, s.ClientKey, s.KnownHosts, s.ConfigFile, s.LogFile} {
		if !filepath.IsAbs(p) {
			t.Errorf("%q is not absolute", p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if !strings.HasSuffix(s.Addr, ":"+strconv.Itoa(s.Port)) {
		t.Errorf("Addr %q does not end in Port %d", s.Addr, s.Port)
	}
}

// The files must also work for a Go client (what our scp uses).
func TestGoClient(t *testing.T) {
	s := Start(t, Config{})
	keyPEM, err := os.ReadFile(s.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hk, err := knownhosts.New(s.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{
		User:            s.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hk,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("echo hello")
	if err != nil || string(out) != "hello\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

// HostKeys replace the generated key, KnownHosts lists them, and
// Authorize lets another client key in.
func TestHostKeysAndAuthorize(t *testing.T) {
	dir := t.TempDir()
	var files []string
	var want []ssh.PublicKey
	for _, name := range []string{"host_a", "host_b"} {
		pub, err := writeKey(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		files, want = append(files, filepath.Join(dir, name)), append(want, k)
	}
	s := Start(t, Config{HostKeys: files})
	if out, err := runSSH(t, s, HostAlias, "true"); err != nil {
		t.Fatalf("ssh: %v\n%s", err, out)
	}
	kh, err := os.ReadFile(s.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	var wantKH string
	for _, k := range want {
		wantKH += "[127.0.0.1]:" + strconv.Itoa(s.Port) + " " + string(ssh.MarshalAuthorizedKey(k))
	}
	if string(kh) != wantKH {
		t.Errorf("known_hosts:\n%s\nwant:\n%s", kh, wantKH)
	}

	other := filepath.Join(dir, "other")
	pub, err := writeKey(other)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	var presented ssh.PublicKey
	dial := func() error {
		c, err := ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{
			User: s.User,
			Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
				presented = key
				return nil
			},
		})
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(); err == nil {
		t.Fatal("a key not yet authorised logged in")
	}
	// Both files are ed25519: sshd presents the first.
	if presented == nil || !bytes.Equal(presented.Marshal(), want[0].Marshal()) {
		t.Errorf("host key presented is not the first of HostKeys")
	}
	s.Authorize(t, k)
	if err := dial(); err != nil {
		t.Errorf("after Authorize: %v", err)
	}
}

func TestRemotePath(t *testing.T) {
	bin := t.TempDir()
	fake := "#!/bin/sh\necho \"fake-scp $*\"\n"
	if err := os.WriteFile(filepath.Join(bin, "scp"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	s := Start(t, Config{RemotePath: bin})
	out, err := runSSH(t, s, HostAlias, "command -v scp")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := filepath.Join(bin, "scp") + "\n"; out != want {
		t.Errorf("remote `command -v scp` = %q, want %q", out, want)
	}
	// The command line keeps shell semantics and its exit status.
	out, err = runSSH(t, s, HostAlias, "scp -t -- '-x  y'; exit 3")
	if out != "fake-scp -t -- -x  y\n" {
		t.Errorf("got %q", out)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("exit: %v, want status 3", err)
	}

	// Without RemotePath the system scp is found.
	plain := Start(t, Config{})
	out, err = runSSH(t, plain, HostAlias, "command -v scp")
	if err != nil || strings.Contains(out, bin) {
		t.Errorf("plain server: command -v scp = %q, %v", out, err)
	}
}

func TestExtra(t *testing.T) {
	s := Start(t, Config{Extra: []string{
		"SetEnv SSHDTEST_EXTRA=yes",
		"LogLevel ERROR", // no "Server listening" line: Start must still see it up
		"Match User nobody-sshdtest",
		"  PermitTTY no",
	}})
	out, err := runSSH(t, s, HostAlias, "echo $SSHDTEST_EXTRA")
	if err != nil || out != "yes\n" {
		t.Errorf("got %q, %v", out, err)
	}
}

func TestSubsystem(t *testing.T) {
	for _, c := range []struct {
		name, subsystem, out string
		ok                   bool
	}{
		{"replaced", "/bin/echo replaced", "replaced\n", true},
		{"none", "none", "subsystem request failed on channel 0\r\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Start(t, Config{Subsystem: c.subsystem})
			out, err := runSSH(t, s, "-s", HostAlias, "sftp")
			if out != c.out || (err == nil) != c.ok {
				t.Errorf("ssh -s %s sftp: %q, %v; want %q, success %v", HostAlias, out, err, c.out, c.ok)
			}
		})
	}
}

// fakeTB records what Start does with a test that fails.
type fakeTB struct {
	testing.TB
	msgs     []string
	cleanups []func()
	failed   bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
	f.failed = true
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) { f.Fatalf("skip: "+format, args...) }
func (f *fakeTB) Logf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Failed() bool      { return f.failed }

func TestStartReportsSSHDErrors(t *testing.T) {
	if _, err := os.Stat(SSHD); err != nil {
		t.Skip(err)
	}
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(f, Config{Extra: []string{"NoSuchKeyword yes"}})
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	all := strings.Join(f.msgs, "\n")
	if !f.failed || !strings.Contains(all, "NoSuchKeyword") {
		t.Errorf("Start with a bad config: failed=%v, messages:\n%s", f.failed, all)
	}
}
