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
		{name: "directory without owner search", setup: func(t *testing.T, dir string) {
			tree(t, dir)
			must(t, os.Chmod(filepath.Join(dir, "d/e"), 0o677))
		}, sources: []string{"d"}, recursive: true, files: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			t.Chdir(dir)
			p, err := planUpload(tt.sources, tt.recursive)
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

// TestParallelBatches checks how a plan's files are grouped for the
// workers, and what Send is given for each, in both layouts.
func TestParallelBatches(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"top/a", "top/b", "top/sub/c", "top/sub/d", "top/sub/deep/e", "top/z", "f"} {
		must(t, os.MkdirAll(filepath.Dir(f), 0o755))
		must(t, os.WriteFile(f, nil, 0o644))
	}
	plan, err := planUpload([]string{"top"}, true)
	if err != nil {
		t.Fatal(err)
	}
	p := &parallel{plan: plan, accepted: make([]bool, len(plan.entries))}
	for i := range p.accepted {
		p.accepted[i] = true
	}
	// Every file is in exactly one batch, batches are in plan order, and a
	// batch holds consecutive files of one directory.
	for _, workers := range []int{1, 2, 5} {
		seen := 0
		last := -1
		for _, b := range p.batches(workers) {
			if b.key != b.files[0] || b.files[0] <= last {
				t.Errorf("%d workers: batch %v after %d", workers, b, last)
			}
			for k, f := range b.files {
				e := plan.entries[f]
				if e.info.IsDir() || k > 0 && (f != b.files[k-1]+1 || e.parent != plan.entries[b.files[0]].parent) {
					t.Errorf("%d workers: batch %v holds %s", workers, b, e.path)
				}
				last = f
			}
			seen += len(b.files)
		}
		if seen != plan.files {
			t.Errorf("%d workers: %d files in batches, want %d", workers, seen, plan.files)
		}
	}
	// A refused directory's files are in no batch.
	sub := entryOf(t, p, "top/sub")
	p.accepted[sub] = false
	for _, b := range p.batches(1) {
		for _, f := range b.files {
			if plan.entries[f].parent == sub {
				t.Errorf("file %s of a refused directory in a batch", plan.entries[f].path)
			}
		}
	}
	for _, tt := range []struct {
		into bool
		file string
		want string
	}{
		{true, "top/a", "top"},
		{true, "top/sub/deep/e", "top"},
		{false, "top/a", "top/a"},
		{false, "top/sub/deep/e", "top/sub"},
	} {
		p.intoTarget = tt.into
		if got := p.sendPath(entryOf(t, p, tt.file)); got != tt.want {
			t.Errorf("into %v: sendPath(%s) = %s, want %s", tt.into, tt.file, got, tt.want)
		}
	}
}

// entryOf finds a path's entry in the plan.
func entryOf(t *testing.T, p *parallel, path string) int {
	t.Helper()
	for i, e := range p.plan.entries {
		if e.path == path {
			return i
		}
	}
	t.Fatalf("%s not in the plan", path)
	return -1
}
