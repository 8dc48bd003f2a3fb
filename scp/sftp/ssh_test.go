package sftp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/goscp/goscp/internal/sshdtest"
)

// The "sftp" subsystem of a real sshd, through NewSSHClient.
func TestSSHSubsystem(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	key, err := os.ReadFile(srv.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	hostKeys, err := knownhosts.New(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User:            srv.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	c, err := NewSSHClient(ctx, conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	want := randomBytes(3<<20+5, 9)
	f, err := c.Create(ctx, filepath.Join(dir, "up"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CopyFrom(ctx, bytes.NewReader(want), 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(ctx); err != nil {
		t.Fatal(err)
	}
	f, err = c.Open(ctx, filepath.Join(dir, "up"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := f.CopyTo(ctx, &got, 0); err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Errorf("download over ssh: %d bytes, %v", got.Len(), err)
	}
	f.Close(ctx)
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	// The connection outlives the client: another session works.
	c2, err := NewSSHClient(ctx, conn, &Options{Requests: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Stat(ctx, filepath.Join(dir, "up")); err != nil {
		t.Error(err)
	}
	c2.Close()
}
