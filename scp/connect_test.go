package scp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshdtest"
	"github.com/goscp/goscp/scp"
	"github.com/goscp/goscp/scp/sftp"
)

// dialSSHD starts a real sshd, whose remote scp is OpenSSH's, and dials it
// by its host alias.
func dialSSHD(t *testing.T, opts scp.DialOptions) (*scp.Client, *sshdtest.Server) {
	t.Helper()
	srv := sshdtest.Start(t, sshdtest.Config{})
	opts.ConfigFile = srv.ConfigFile
	client, err := scp.Dial(context.Background(), sshdtest.HostAlias, &opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	return client, srv
}

// TestDialCopy copies through a real sshd and the remote shell: trees both
// ways, names the shell must not expand, and patterns it must (Expand).
func TestDialCopy(t *testing.T) {
	client, _ := dialSSHD(t, scp.DialOptions{})
	ctx := context.Background()
	local, remote, back := t.TempDir(), t.TempDir(), t.TempDir()
	write(local, map[string]string{"t/a.txt": "alpha", "t/b.txt": "beta", "t/sub/c.log": "gamma"})
	opts := &scp.CopyOptions{Recursive: true, Preserve: true}
	if err := client.Upload(ctx, []string{filepath.Join(local, "t")}, remote, opts); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if err := client.Download(ctx, filepath.Join(remote, "t"), back, opts); err != nil {
		t.Fatalf("download: %v", err)
	}
	if got, want := tree(t, back), tree(t, local); got != want {
		t.Errorf("round trip:\n%s\nwant\n%s", got, want)
	}

	for _, name := range []string{"it's $HOME", "*", "a;touch pwned", "`id`", "-x"} {
		p := filepath.Join(remote, name)
		if err := client.Put(ctx, strings.NewReader(name), int64(len(name)), 0600, p, nil); err != nil {
			t.Errorf("put %q: %v", name, err)
			continue
		}
		var buf bytes.Buffer
		if err := client.Get(ctx, p, &buf, nil); err != nil || buf.String() != name {
			t.Errorf("get %q: %q, %v", name, buf.String(), err)
		}
	}
	if _, err := os.Stat(filepath.Join(remote, "pwned")); err == nil {
		t.Error("the remote shell ran part of a name")
	}

	two := []string{filepath.Join(local, "t", "a.txt"), filepath.Join(local, "t", "b.txt")}
	notDir := filepath.Join(remote, "t", "a.txt")
	err := client.Upload(ctx, two, notDir, nil)
	if want := "scp: " + notDir + ": Not a directory"; !equal(fileErrors(err), []string{want}) {
		t.Errorf("two files to a file: %v, want %q", err, want)
	}

	pattern := filepath.Join(remote, "t", "*.txt")
	globbed := t.TempDir()
	if err := client.Download(ctx, pattern, globbed, &scp.CopyOptions{Expand: true}); err != nil {
		t.Errorf("download with Expand: %v", err)
	}
	if got := tree(t, globbed); got != "a.txt alpha\nb.txt beta\n" {
		t.Errorf("expanded download:\n%s", got)
	}
	err = client.Download(ctx, pattern, globbed, nil)
	if want := "scp: " + pattern + ": No such file or directory"; !equal(fileErrors(err), []string{want}) {
		t.Errorf("literal pattern: %v, want %q", err, want)
	}

	// The same connection serves an SFTP session.
	sc, err := sftp.NewSSHClient(ctx, client.SSHClient(), nil)
	if err != nil {
		t.Fatalf("sftp over the Dial connection: %v", err)
	}
	defer sc.Close()
	if fi, err := sc.Stat(ctx, filepath.Join(remote, "t", "a.txt")); err != nil || fi.Size() != 5 {
		t.Errorf("sftp stat: %v", err)
	}
}

func TestDialPermissionDenied(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	_, err := scp.Dial(context.Background(), "nosuchuser@"+sshdtest.HostAlias, &scp.DialOptions{ConfigFile: srv.ConfigFile})
	if err == nil || !strings.HasSuffix(err.Error(), "Permission denied (publickey).") {
		t.Fatalf("error %v, want ssh's permission denied", err)
	}
}

// TestDialPrompt logs in with a passphrase-protected key, whose passphrase
// only the Prompt callback knows.
func TestDialPrompt(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("sesame"))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	srv.Authorize(t, sshPub)
	tests := []struct {
		name   string
		answer string
		ok     bool
	}{
		{"right passphrase", "sesame", true},
		{"wrong passphrase", "open", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prompts []string
			opts := &scp.DialOptions{
				// Without the server's own client key, which logs in
				// without a question.
				ConfigFile: configWithout(t, srv),
				Options:    []string{"BatchMode=no", "NumberOfPasswordPrompts=1", "PasswordAuthentication=no", "KbdInteractiveAuthentication=no"},
				Identities: []string{keyFile},
				Prompt: func(prompt string, echo bool) (string, error) {
					prompts = append(prompts, prompt)
					return tt.answer, nil
				},
			}
			client, err := scp.Dial(context.Background(), sshdtest.HostAlias, opts)
			if client != nil {
				client.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("dial: %v", err)
			}
			if want := "Enter passphrase for key '" + keyFile + "': "; len(prompts) != 1 || prompts[0] != want {
				t.Errorf("prompts %q, want %q", prompts, want)
			}
		})
	}
}

// configWithout is the server's ssh_config without its client key.
func configWithout(t *testing.T, srv *sshdtest.Server) string {
	t.Helper()
	b, err := os.ReadFile(srv.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, srv.ClientKey) {
			kept = append(kept, line)
		}
	}
	p := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(p, []byte(strings.Join(kept, "\n")), 0600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDialCancelled(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := scp.Dial(ctx, sshdtest.HostAlias, &scp.DialOptions{ConfigFile: srv.ConfigFile})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// TestDialConcurrent runs copies at once on one dialed connection.
func TestDialConcurrent(t *testing.T) {
	client, _ := dialSSHD(t, scp.DialOptions{})
	remote := t.TempDir()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			name := fmt.Sprintf("f%d", i)
			p := filepath.Join(remote, name)
			if err := client.Put(context.Background(), strings.NewReader(name), int64(len(name)), 0644, p, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := tree(t, remote); got != "f0 f0\nf1 f1\nf2 f2\nf3 f3\n" {
		t.Errorf("remote:\n%s", got)
	}
}

// TestDialProxyJump reaches the server through itself as a jump host, as
// ssh_config's ProxyJump (here given as an option) asks; a jump host that
// refuses the login stops the dial.
func TestDialProxyJump(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	tests := []struct {
		jump string
		ok   bool
	}{
		{sshdtest.HostAlias, true},
		{"nosuchuser@" + sshdtest.HostAlias, false},
	}
	for _, tt := range tests {
		opts := &scp.DialOptions{ConfigFile: srv.ConfigFile, Options: []string{"ProxyJump=" + tt.jump}}
		client, err := scp.Dial(context.Background(), sshdtest.HostAlias, opts)
		if (err == nil) != tt.ok {
			t.Errorf("jump %s: %v", tt.jump, err)
		}
		if err != nil {
			continue
		}
		var buf bytes.Buffer
		if err := client.Get(context.Background(), "/etc/hostname", &buf, nil); err != nil {
			t.Errorf("get through %s: %v", tt.jump, err)
		}
		client.Close()
	}
}

// TestClientMaxSessions copies from a server that allows one session at a
// time: a copy of several paths at once runs the first and then each of the
// others, refused at first, as soon as the one before has ended, which sshd
// refuses while it has not yet freed that one's slot. Both ways of making
// a Client over a connection must wait for it.
func TestClientMaxSessions(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"MaxSessions 1"}})
	dialed, err := scp.Dial(context.Background(), sshdtest.HostAlias, &scp.DialOptions{ConfigFile: srv.ConfigFile})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { dialed.Close() })
	remote := t.TempDir()
	files := map[string]string{}
	var paths []string
	for i := range 12 {
		name := fmt.Sprintf("f%02d", i)
		files[name] = name
		paths = append(paths, filepath.Join(remote, name))
	}
	write(remote, files)
	clients := map[string]*scp.Client{"Dial": dialed, "NewClient": scp.NewClient(dialed.SSHClient())}
	for name, client := range clients {
		t.Run(name, func(t *testing.T) {
			local := t.TempDir()
			if err := client.DownloadAll(context.Background(), paths, local, &scp.CopyOptions{Sessions: 4}); err != nil {
				t.Fatal(err)
			}
			if got, want := tree(t, local), tree(t, remote); got != want {
				t.Errorf("local:\n%s\nwant\n%s", got, want)
			}
		})
	}
}
