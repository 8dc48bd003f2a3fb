package sftp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/goscp/goscp/internal/sshdtest"
)

// dial logs in to a real sshd.
func dial(t *testing.T, cfg sshdtest.Config) *ssh.Client {
	t.Helper()
	srv := sshdtest.Start(t, cfg)
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
	t.Cleanup(func() { conn.Close() })
	return conn
}

// The "sftp" subsystem of a real sshd, through NewSSHClient.
func TestSSHSubsystem(t *testing.T) {
	conn := dial(t, sshdtest.Config{})
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

// A server program that is missing (here forced for every session, as a
// Subsystem line naming a missing binary does): sshd accepts the request
// and the channel closes before any reply. That is an error, not a hang.
func TestSSHSubsystemMissing(t *testing.T) {
	conn := dial(t, sshdtest.Config{Extra: []string{"Match all", "ForceCommand /nonexistent/sftp-server"}})
	c, err := NewSSHClient(context.Background(), conn, nil)
	if err == nil {
		c.Close()
		t.Fatal("client started without a server")
	}
	if !errors.Is(err, ErrConnLost) {
		t.Errorf("got %v, want ErrConnLost", err)
	}
}
