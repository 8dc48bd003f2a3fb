package engine

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
			p, err := PlanUpload(OS{}, tt.sources, tt.recursive)
			if tt.files < 0 {
				if err == nil {
					t.Fatalf("planned %d entries, want declined", len(p.Entries))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Files != tt.files || len(p.Entries) != tt.entries {
				t.Errorf("%d files, %d entries; want %d, %d", p.Files, len(p.Entries), tt.files, tt.entries)
			}
			checkPlanOrder(t, p)
		})
	}
}

// checkPlanOrder checks the plan's shape: each entry follows its parent,
// inside the parent's range, and is named after it.
func checkPlanOrder(t *testing.T, p *Plan) {
	t.Helper()
	for i, e := range p.Entries {
		if e.End <= i {
			t.Errorf("%s: end %d at %d", e.Path, e.End, i)
		}
		if e.Parent < 0 {
			continue
		}
		parent := p.Entries[e.Parent]
		if e.Parent >= i || i >= parent.End || filepath.Dir(e.Path) != parent.Path {
			t.Errorf("%s at %d: parent %s at %d, end %d", e.Path, i, parent.Path, e.Parent, parent.End)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBatches checks how a plan's files are grouped for the workers, and
// what a sender is given for each, in both layouts.
func TestBatches(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"top/a", "top/b", "top/sub/c", "top/sub/d", "top/sub/deep/e", "top/z", "f"} {
		must(t, os.MkdirAll(filepath.Dir(f), 0o755))
		must(t, os.WriteFile(f, nil, 0o644))
	}
	plan, err := PlanUpload(OS{}, []string{"top"}, true)
	if err != nil {
		t.Fatal(err)
	}
	s := &scheduler{plan: plan, accepted: make([]bool, len(plan.Entries))}
	for i := range s.accepted {
		s.accepted[i] = true
	}
	// Every file is in exactly one batch, batches are in plan order, and a
	// batch holds consecutive files of one directory.
	for _, workers := range []int{1, 2, 5} {
		seen := 0
		last := -1
		for _, b := range s.batches(workers) {
			if b.Key != b.Files[0] || b.Files[0] <= last {
				t.Errorf("%d workers: batch %v after %d", workers, b, last)
			}
			for k, f := range b.Files {
				e := plan.Entries[f]
				if e.Info.IsDir() || k > 0 && (f != b.Files[k-1]+1 || e.Parent != plan.Entries[b.Files[0]].Parent) {
					t.Errorf("%d workers: batch %v holds %s", workers, b, e.Path)
				}
				last = f
			}
			seen += len(b.Files)
		}
		if seen != plan.Files {
			t.Errorf("%d workers: %d files in batches, want %d", workers, seen, plan.Files)
		}
	}
	// A refused directory's files are in no batch.
	sub := entryOf(t, plan, "top/sub")
	s.accepted[sub] = false
	for _, b := range s.batches(1) {
		for _, f := range b.Files {
			if plan.Entries[f].Parent == sub {
				t.Errorf("file %s of a refused directory in a batch", plan.Entries[f].Path)
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
		s.intoTarget = tt.into
		if got := s.sendPath(entryOf(t, plan, tt.file)); got != tt.want {
			t.Errorf("into %v: sendPath(%s) = %s, want %s", tt.into, tt.file, got, tt.want)
		}
	}
}

// entryOf finds a path's entry in the plan.
func entryOf(t *testing.T, p *Plan, path string) int {
	t.Helper()
	i, ok := p.index[path]
	if !ok {
		t.Fatalf("%s not in the plan", path)
	}
	return i
}
