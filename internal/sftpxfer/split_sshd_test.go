package sftpxfer

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"context"
	"github.com/goscp/goscp/internal/sshdtest"
	"github.com/goscp/goscp/scp/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// dialSSHD logs in to a real sshd with sshdtest's key.
func dialSSHD(t *testing.T, srv *sshdtest.Server) *ssh.Client {
	t.Helper()
	key, err := os.ReadFile(srv.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	hk, err := knownhosts.New(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{User: srv.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: hk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Over a real sshd with MaxSessions 2, the pool gets one more session,
// takes the refusal of the next ones quietly, and big files still come
// out whole both ways.
func TestSplitMaxSessions(t *testing.T) {
	smallSplit(t)
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"MaxSessions 2"}})
	conn := dialSSHD(t, srv)
	ctx := context.Background()
	main, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer main.Close()
	var opened, refused atomic.Int32
	var out strings.Builder
	x := &Transfer{Ctx: ctx, Client: main, Stdout: &out, Log: func(msg string) { out.WriteString("log: " + msg + "\n") }, InPlace: true}
	x.Split = NewPool(func(ctx context.Context) (*sftp.Client, func(), error) {
		c, err := sftp.NewSSHClient(ctx, conn, nil)
		if err != nil {
			refused.Add(1)
			return nil, nil, err
		}
		opened.Add(1)
		return c, func() { c.Close() }, nil
	})
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	randomFile(t, src, 30*rangeSize+5, false, 4)
	for i, up := range []bool{true, false, true} {
		dst := filepath.Join(dir, "dst"+string(rune('0'+i)))
		if up {
			err = x.Upload(src, dst, Options{})
		} else {
			err = x.Download(src, dst, nil, Options{})
		}
		if err != nil || out.Len() != 0 {
			t.Fatalf("copy %d: %v\n%s", i, err, out.String())
		}
		sameFile(t, dst, src)
	}
	x.Split.Close()
	if opened.Load() != 1 || refused.Load() == 0 {
		t.Errorf("%d sessions opened, %d refused; want 1 and some", opened.Load(), refused.Load())
	}
}
