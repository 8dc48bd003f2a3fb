package sftpcli

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// sftpServer is OpenSSH's server, run as a child process in the tests.
const sftpServer = "/usr/lib/openssh/sftp-server"

// newTestSession starts sftp-server and returns a session on a new
// temporary directory (pwd and startDir), with stdout and stderr captured
// in *bytes.Buffer (see testOutput). The server stops at the end of the
// test.
func newTestSession(t *testing.T) *session {
	return newTestSessionArgs(t)
}

// newTestSessionArgs is newTestSession with arguments for sftp-server,
// such as "-P", "statvfs" to deny requests.
func newTestSessionArgs(t *testing.T, args ...string) *session {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skipf("no %s: %v", sftpServer, err)
	}
	dir := t.TempDir()
	cmd := exec.Command(sftpServer, args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
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
	client, err := sftp.NewClient(t.Context(), out, in, nil)
	if err != nil {
		in.Close()
		cmd.Wait()
		t.Fatalf("sftp-server: %v", err)
	}
	t.Cleanup(func() {
		client.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("sftp-server: %v", err)
		}
	})
	return &session{
		ctx:      t.Context(),
		client:   client,
		stdout:   &bytes.Buffer{},
		stderr:   &bytes.Buffer{},
		pwd:      dir,
		startDir: dir,
	}
}

// testOutput returns what the session printed since the last call.
func testOutput(s *session) (stdout, stderr string) {
	o, e := s.stdout.(*bytes.Buffer), s.stderr.(*bytes.Buffer)
	stdout, stderr = o.String(), e.String()
	o.Reset()
	e.Reset()
	return stdout, stderr
}
