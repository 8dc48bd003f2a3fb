package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestPlanUpload(t *testing.T) {
	// tree: a, d/b, d/e/c, d/empty/
	tree := func(t *testing.T, dir string) {
		for _, f := range []string{"a", "d/b", "d/e/c"} {
			p := filepath.Join(dir, f)
			must(t, os.MkdirAll(filepath.Dir(p), 0o755))
			must(t, os.WriteFile(p, []byte(f), 0o644))
		}
		must(t, os.Mkdir(filepath.Join(dir, "d/empty"), 0o755))
	}
	tests := []struct {
		name      string
		setup     func(t *testing.T, dir string)
		sources   []string
		recursive bool
		preserve  bool
		files     int // -1: declined
		entries   int
	}{
		{name: "tree", setup: tree, sources: []string{"a", "d"}, recursive: true, files: 3, entries: 6},
		{name: "trailing slashes", setup: tree, sources: []string{"d///"}, recursive: true, files: 2, entries: 5},
		{name: "directory without -r", setup: tree, sources: []string{"a", "d"}, files: -1},
		{name: "missing source", setup: tree, sources: []string{"a", "nope"}, files: -1},
		{name: "operand twice over", setup: tree, sources: []string{"d", "d/b"}, recursive: true, files: -1},
		{name: "dot", setup: tree, sources: []string{"d/."}, recursive: true, files: -1},
		{name: "symlink operand to a file", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.Symlink("a", filepath.Join(dir, "ln")))
		}, sources: []string{"ln"}, files: 1, entries: 1},
		{name: "symlink inside", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.Symlink("../a", filepath.Join(dir, "d/ln")))
		}, sources: []string{"d"}, recursive: true, files: -1},
		{name: "FIFO inside", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, syscall.Mkfifo(filepath.Join(dir, "d/fifo"), 0o644))
		}, sources: []string{"d"}, recursive: true, files: -1},
		{name: "newline in a name", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.WriteFile(filepath.Join(dir, "d/x\ny"), nil, 0o644))
		}, sources: []string{"d"}, recursive: true, files: -1},
		{name: "read-only directory", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.Chmod(filepath.Join(dir, "d/e"), 0o555))
		}, sources: []string{"d"}, recursive: true, files: -1},
		{name: "read-only directory with -p", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.Chmod(filepath.Join(dir, "d/e"), 0o555))
		}, sources: []string{"d"}, recursive: true, preserve: true, files: 2, entries: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			t.Chdir(dir)
			p, err := planUpload(tt.sources, tt.recursive, tt.preserve)
			if tt.files < 0 {
				if err == nil {
					t.Fatalf("planned %d entries, want declined", len(p.entries))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.files != tt.files || len(p.entries) != tt.entries {
				t.Errorf("%d files, %d entries; want %d, %d", p.files, len(p.entries), tt.files, tt.entries)
			}
			checkPlanOrder(t, p)
		})
	}
}

// checkPlanOrder checks the plan's shape: each entry follows its parent,
// inside the parent's range, and is named after it.
func checkPlanOrder(t *testing.T, p *upPlan) {
	t.Helper()
	for i, e := range p.entries {
		if e.end <= i {
			t.Errorf("%s: end %d at %d", e.path, e.end, i)
		}
		if e.parent < 0 {
			continue
		}
		parent := p.entries[e.parent]
		if e.parent >= i || i >= parent.end || filepath.Dir(e.path) != parent.path {
			t.Errorf("%s at %d: parent %s at %d, end %d", e.path, i, parent.path, e.parent, parent.end)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
