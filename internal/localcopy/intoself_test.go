package localcopy

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// GNU cp remembers, per operand, the top of every subtree it creates: any
// directory it makes below one is reached only through that top, so a copy
// into itself is caught at the first directory made that it meets again,
// whatever order the inodes put them in. (Remembering only the first
// directory made let the copy recurse until the name was too long.)
func TestRemembersTopOfEachNewSubtree(t *testing.T) {
	tests := []struct {
		name     string
		dirs     []string // made before the copy
		src, dst string
		want     []string // directories remembered as made, sorted
	}{
		{name: "new operand", dirs: []string{"s/x/z", "s/y"}, src: "s", dst: "out",
			want: []string{"out"}},
		{name: "into existing", dirs: []string{"s/x/z", "s/y", "t"}, src: "s", dst: "t",
			want: []string{"t/s"}},
		{name: "merge", dirs: []string{"s/x/z/w", "s/y/v", "s/u", "t/s/x", "t/s/u"}, src: "s", dst: "t",
			want: []string{"t/s/x/z", "t/s/y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			c := newCopier(Options{Recursive: true})
			if !c.run(tc.src, tc.dst) {
				t.Fatal("copy failed")
			}
			var made []string
			for _, s := range c.seen[1:] { // the first is the source operand
				made = append(made, s.name)
			}
			slices.Sort(made)
			if !slices.Equal(made, tc.want) {
				t.Errorf("remembered %q, want %q", made, tc.want)
			}
		})
	}
}
