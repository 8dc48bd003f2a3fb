package localcopy

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSparseFileKeepsHoles(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	if _, err := f.WriteAt([]byte("middle"), size/2); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var st unix.Stat_t
	if err := unix.Stat(src, &st); err != nil {
		t.Fatal(err)
	}
	if st.Blocks*512 >= size {
		t.Skip("the file system does not make sparse files")
	}
	if ok, stderr := copyWithin(t, dir, "src", "dst", Options{}); !ok {
		t.Fatalf("copy failed: %s", stderr)
	}
	if err := unix.Stat(filepath.Join(dir, "dst"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Size != size || st.Blocks*512 > 1<<20 {
		t.Errorf("dst: size %d, %d blocks allocated", st.Size, st.Blocks)
	}
	data, err := os.ReadFile(filepath.Join(dir, "dst"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data[size/2:size/2+6]) != "middle" || data[0] != 0 || data[size-1] != 0 {
		t.Error("dst content differs")
	}
}
