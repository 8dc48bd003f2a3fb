package sftpcli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/scp/sftp"
)

const sftpServer = "/usr/lib/openssh/sftp-server"

// xferSession is a session on a real sftp-server run as a child process
// in a temporary directory, with its output captured.
type xferSession struct {
	*session
	dir            string
	stdout, stderr *bytes.Buffer
}

func newXferSession(t *testing.T) *xferSession {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skipf("no %s: %v", sftpServer, err)
	}
	dir := t.TempDir()
	cmd := exec.Command(sftpServer)
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := sftp.NewClient(ctx, out, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		cmd.Wait()
	})
	x := &xferSession{dir: dir, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	x.session = &session{ctx: ctx, client: c, stdout: x.stdout, stderr: x.stderr,
		pwd: dir, startDir: dir, meter: progress.New(nil, true)}
	return x
}
