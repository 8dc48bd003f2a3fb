package sshdtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestDropbear(t *testing.T) {
	bin := t.TempDir()
	fake := filepath.Join(bin, "scp")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho fake scp \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The machine's ~/.ssh is not touched: Dropbear's home is temporary.
	dotSSH := filepath.Join(os.Getenv("HOME"), ".ssh")
	_, before := os.Lstat(dotSSH)
	for _, tt := range []struct {
		name       string
		remotePath string
		cmd        string
		want       string
		exit       int
	}{
		{"login", "", "echo ok; id -un", "ok\n{USER}\n", 0},
		{"default scp", "", "command -v scp", "/usr/bin/scp\n", 0},
		{"remote path", bin, "scp -t '/a b'", "fake scp -t /a b\n", 0},
		{"exit status and quoting", bin, `echo "a  b"; exit 3`, "a  b\n", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := StartDropbear(t, Config{RemotePath: tt.remotePath})
			out, err := runSSH(t, s, HostAlias, tt.cmd)
			want := strings.ReplaceAll(tt.want, "{USER}", s.User)
			if out != want {
				t.Errorf("ssh %q: got %q, want %q (err %v)", tt.cmd, out, want, err)
			}
			exit := 0
			if err != nil {
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatalf("ssh %q: %v", tt.cmd, err)
				}
				exit = ee.ExitCode()
			}
			if exit != tt.exit {
				t.Errorf("ssh %q: exit status %d, want %d", tt.cmd, exit, tt.exit)
			}
		})
	}
	if _, after := os.Lstat(dotSSH); (before == nil) != (after == nil) {
		t.Errorf("%s: before the tests %v, after %v", dotSSH, before, after)
	}
}

func TestDropbearAuthorize(t *testing.T) {
	s := StartDropbear(t, Config{})
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	hk, err := knownhosts.New(s.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	// Dropbear 2022.83 offers rsa-sha2-256 without an RSA host key (and
	// fails an assertion when it is chosen): ask for the key it has.
	config := &ssh.ClientConfig{User: s.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hk, HostKeyAlgorithms: []string{ssh.KeyAlgoED25519}}
	if c, err := ssh.Dial("tcp", s.Addr, config); err == nil {
		c.Close()
		t.Fatal("a key not yet authorised logged in")
	}
	s.Authorize(t, signer.PublicKey())
	c, err := ssh.Dial("tcp", s.Addr, config)
	if err != nil {
		t.Fatalf("authorised key: %v", err)
	}
	c.Close()
}
