package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/scp"
)

// TestParallelSources checks which remote operands are fetched at once.
func TestParallelSources(t *testing.T) {
	target := t.TempDir()
	must(t, os.Symlink("elsewhere", filepath.Join(target, "ln")))
	tests := []struct {
		name    string
		sources []string
		want    bool
	}{
		{"plain", []string{"h:a", "h:dir/b", "h:/abs/c/"}, true},
		{"user", []string{"u@h:a", "u@h:b"}, true},
		{"URIs", []string{"scp://h:2222/a", "scp://h:2222/b"}, true},
		{"two ports", []string{"scp://h:2222/a", "scp://h/b"}, false},
		{"local among them", []string{"h:a", "b"}, false},
		{"two hosts", []string{"h:a", "g:b"}, false},
		{"two users", []string{"u@h:a", "v@h:b"}, false},
		{"same name", []string{"h:x/a", "h:y/a"}, false},
		{"same name, slash", []string{"h:a/", "h:b/a"}, false},
		{"glob", []string{"h:a*", "h:b"}, false},
		{"space", []string{"h:a b", "h:c"}, false},
		{"tilde", []string{"h:~/a", "h:b"}, false},
		{"variable", []string{"h:$HOME/a", "h:b"}, false},
		{"quote", []string{"h:'a'", "h:b"}, false},
		{"login directory", []string{"h:", "h:b"}, false},
		{"dot dot", []string{"h:a/..", "h:b"}, false},
		{"symlink in target", []string{"h:ln", "h:b"}, false},
		{"bad user", []string{"a b@h:x", "a b@h:y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := parallelSources(tt.sources, target); got != tt.want {
				t.Errorf("parallelSources(%q) = %v, want %v", tt.sources, got, tt.want)
			}
		})
	}
}

// TestUnanswered checks which failed downloads are copied again in their
// turn: those whose remote never spoke the protocol.
func TestUnanswered(t *testing.T) {
	failed := errors.New("failed")
	tests := []struct {
		name      string
		sent      string
		err, wait error
		want      bool
	}{
		{"nothing, exit status", "", nil, failed, true},
		{"nothing, lost connection", "", scp.ErrLostConnection, failed, true},
		{"sftp only", sftpOnlyNotice, failed, failed, true},
		{"part of the notice", sftpOnlyNotice[:10], failed, failed, false},
		{"the notice and more", sftpOnlyNotice + "x", failed, failed, false},
		{"an error record", "\x01scp: x: No such file or directory\n", scp.ErrIncomplete, failed, false},
		{"nothing, success", "", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &download{sent: &headReader{r: strings.NewReader(tt.sent)}, err: tt.err, waitErr: tt.wait}
			io.Copy(io.Discard, d.sent)
			if got := d.unanswered(); got != tt.want {
				t.Errorf("unanswered() = %v, want %v", got, tt.want)
			}
		})
	}
}
