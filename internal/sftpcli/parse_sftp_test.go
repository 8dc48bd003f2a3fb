package sftpcli

import (
	"bytes"
	"math/rand/v2"
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
		want = append(want, sftpLog(tt.err))
	}
	for _, tt := range sftpErrorLines() {
		in.WriteString(tt.line + "\n")
		want = append(want, sftpLog(tt.err))
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

// TestSplitLineMatchesSftp checks the splitter on generated lines through
// sftp's ls, whose "not found" error shows the pattern it globbed: the
// first path after makeAbsolutePwdGlob. The directory is empty and the
// alphabet has no "/" or ".", so no pattern matches anything.
func TestSplitLineMatchesSftp(t *testing.T) {
	const sftpBin, server = "/usr/bin/sftp", "/usr/lib/openssh/sftp-server"
	for _, p := range []string{sftpBin, server} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no OpenSSH sftp: %v", err)
		}
	}
	dir := t.TempDir()
	// The glob sees the directory escaped; keep it free of metacharacters
	// so the expected text is simple.
	if strings.ContainsAny(dir, `*?[]\`) {
		t.Skipf("temporary directory %q has glob metacharacters", dir)
	}
	const alphabet = "ab \t'\"\\*?[]#-\v"
	rng := rand.New(rand.NewPCG(1, 2))
	var in bytes.Buffer
	var lines, want []string
	for range 2000 {
		b := []byte("ls -- ")
		for range 1 + rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		line := string(b)
		cmd, err := parseLine(line)
		switch {
		case err != nil:
			want = append(want, sftpLog(err.Error()))
		case cmd.path1 == "":
			continue // ls lists the empty directory: nothing printed
		default:
			msg := `Can't ls: "` + makeAbsolutePwdGlob(cmd.path1, dir) + `" not found`
			want = append(want, sftpLog(msg))
		}
		lines = append(lines, line)
		in.WriteString(line + "\n")
	}
	cmd := exec.Command(sftpBin, "-D", server)
	cmd.Dir = dir
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
		t.Fatalf("sftp printed %d errors, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%q: sftp printed %q, we expect %q", lines[i], got[i], want[i])
		}
	}
}

// sftpLog is an error line as sftp's log prints it: besides sanitising, it
// doubles every backslash (which session.errorf does not do yet).
func sftpLog(msg string) string {
	return termsafe.String(strings.ReplaceAll(msg, `\`, `\\`)) + "\r\n"
}
