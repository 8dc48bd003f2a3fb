package sftpcli

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/termsafe"
)

// TestParseErrorsMatchSftp feeds every line that parseLine rejects to
// OpenSSH's sftp (over a local sftp-server, no sshd) and checks that sftp
// prints the same error for each, byte for byte once sanitised. Rejected
// lines run nothing, so they share one session.
func TestParseErrorsMatchSftp(t *testing.T) {
	const sftpBin, server = "/usr/bin/sftp", "/usr/lib/openssh/sftp-server"
	for _, p := range []string{sftpBin, server} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no OpenSSH sftp: %v", err)
		}
	}
	var in bytes.Buffer
	var want []string
	for _, tt := range parseLineTests {
		// sftp reads lines, so one with a newline or NUL is not one line.
		if tt.err == "" || strings.ContainsAny(tt.line, "\n\x00") {
			continue
		}
		in.WriteString(tt.line + "\n")
		want = append(want, termsafe.String(tt.err)+"\r\n")
	}
	for _, tt := range sftpErrorLines() {
		in.WriteString(tt.line + "\n")
		want = append(want, termsafe.String(tt.err)+"\r\n")
	}
	cmd := exec.Command(sftpBin, "-D", server)
	cmd.Dir = t.TempDir()
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sftp: %v\n%s", err, stderr.String())
	}
	var got []string
	for _, l := range strings.SplitAfter(stderr.String(), "\n") {
		if l != "" && !strings.HasPrefix(l, "Attached to ") {
			got = append(got, l)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("sftp printed %d errors, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d: sftp printed %q, parseLine says %q", i, got[i], want[i])
		}
	}
}

// sftpErrorLines are rejected lines too long for the table: past the
// argument limit.
func sftpErrorLines() []struct{ line, err string } {
	return []struct{ line, err string }{
		{"ls" + strings.Repeat(" x", 129) + " ", errTooManyArgs.Error()},
		{"ls" + strings.Repeat(" x", 130), errTooManyArgs.Error()},
	}
}
