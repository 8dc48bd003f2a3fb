package sftpcli

import (
	"strings"
	"testing"
)

// The expected outputs are /usr/bin/sftp 9.2's for the same lines.
func TestLoop(t *testing.T) {
	tests := []struct {
		name   string
		batch  bool
		lines  string
		code   int
		stdout string
		stderr string
	}{
		{
			name:   "piped commands never abort",
			lines:  "foo\npwd\n",
			stdout: "sftp> foo\nsftp> pwd\nRemote working directory: PWD\n",
			stderr: "Invalid command.\r\n",
		},
		{
			name:   "batch aborts at an error",
			batch:  true,
			lines:  "# comment\n\nrmdir nonexistent\npwd\n",
			code:   1,
			stdout: "sftp> # comment\nsftp> \nsftp> rmdir nonexistent\n",
			stderr: "remote rmdir \"PWD/nonexistent\": No such file or directory\r\n",
		},
		{
			name:   "dash prefix ignores the error, at sign hides the echo",
			batch:  true,
			lines:  "-rmdir nonexistent\n@pwd\n-@foo\nbye\npwd\n",
			stdout: "sftp> -rmdir nonexistent\nRemote working directory: PWD\nsftp> bye\n",
			stderr: "remote rmdir \"PWD/nonexistent\": No such file or directory\r\nInvalid command.\r\n",
		},
		{
			name:   "parse errors come before the echo and abort a batch",
			batch:  true,
			lines:  "ls -z\npwd\n",
			code:   1,
			stdout: "sftp> ls -z\n",
			stderr: "ls: Invalid flag -z\r\n",
		},
		{
			name:   "quit ends the session",
			lines:  "quit\npwd\n",
			stdout: "sftp> quit\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession(t)
			code := s.loop(newPlainReader(strings.NewReader(tt.lines)), tt.batch, true)
			stdout, stderr := testOutput(s)
			stdout = strings.ReplaceAll(stdout, s.pwd, "PWD")
			stderr = strings.ReplaceAll(stderr, s.pwd, "PWD")
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr %q;\nwant %d, %q, %q", code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
