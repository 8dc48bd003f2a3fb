package cli

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestUploadCount(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tree/a", 10)
	write("tree/sub/b", 100)
	write("tree/sub/deeper/c", 0)
	write("single", 7)
	for _, l := range []struct{ target, name string }{
		{"a", "tree/link-a"},         // a symlink to a file: sent as a file
		{"sub", "tree/link-sub"},     // to a directory: entered
		{"nowhere", "tree/dangling"}, // to nothing: skipped
	} {
		if err := os.Symlink(l.target, filepath.Join(dir, l.name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "tree", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &run{ctx: context.Background()}
	tgt := Operand{Remote: true, Host: "h", Path: "."}
	for _, tt := range []struct {
		name    string
		sources []string
		tgt     Operand
		files   int
		bytes   int64
		unknown bool
	}{
		{name: "tree", sources: []string{"tree"}, tgt: tgt, files: 6, bytes: 10 + 100 + 10 + 100},
		{name: "tree and file", sources: []string{"tree/", "single", "missing"}, tgt: tgt, files: 7, bytes: 227},
		{name: "remote source", sources: []string{"single", "h:x"}, tgt: tgt, unknown: true},
		{name: "local target", sources: []string{"single"}, tgt: Operand{Path: "."}, unknown: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(dir)
			count := r.uploadCount(tt.sources, tt.tgt)
			if tt.unknown {
				if count != nil {
					t.Error("a count for a tree we cannot see")
				}
				return
			}
			if files, bytes := count(); files != tt.files || bytes != tt.bytes {
				t.Errorf("count = %d files, %d bytes; want %d, %d", files, bytes, tt.files, tt.bytes)
			}
		})
	}
}

func TestUploadCountGivesUp(t *testing.T) {
	dir := t.TempDir()
	// Links back to an ancestor: the tree Send would walk never ends.
	if err := os.MkdirAll(filepath.Join(dir, "d", "e"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"d/x", "d/e/y"} {
		if err := os.Symlink("..", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("f"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range []*run{{ctx: context.Background()}, {ctx: ctx}} {
		count := r.uploadCount([]string{dir}, Operand{Remote: true, Host: "h"})
		if files, bytes := count(); files != 0 || bytes != 0 {
			t.Errorf("count = %d files, %d bytes; want unknown (0, 0)", files, bytes)
		}
	}
}
