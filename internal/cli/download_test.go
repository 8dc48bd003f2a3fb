package cli

import (
	"os"
	"path/filepath"
	"testing"
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
