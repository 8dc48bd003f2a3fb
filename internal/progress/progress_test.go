package progress

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNewOnAFileWritesNothing(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, quiet := range []bool{false, true} {
		m := New(f, quiet)
		m.Start("a.bin", 10)
		m.Add(10)
		m.Finish()
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 {
		t.Errorf("meter on a regular file wrote %d bytes", fi.Size())
	}
}

func TestNewOnAPipeWritesNothing(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m := New(w, false)
	m.Start("a.bin", 10)
	m.Add(10)
	m.Finish()
	w.Close()
	if n, _ := r.Read(make([]byte, 1)); n != 0 {
		t.Error("meter on a pipe wrote to it")
	}
}
