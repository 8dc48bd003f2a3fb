//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package localcopy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goscp/goscp/internal/strerror"
)

// copyWithin runs Copy in dir and fails the test instead of hanging.
func copyWithin(t *testing.T, dir, src, target string, opts Options) (bool, string) {
	t.Helper()
	t.Chdir(dir)
	var stderr bytes.Buffer
	opts.Stderr = &stderr
	done := make(chan bool, 1)
	go func() { done <- Copy(src, target, opts) }()
	select {
	case ok := <-done:
		return ok, stderr.String()
	case <-time.After(30 * time.Second):
		t.Fatalf("Copy(%q, %q) blocked", src, target)
		return false, ""
	}
}

func TestFIFOWithoutRecursiveIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("p", filepath.Join(dir, "lp")); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"p", "lp"} {
		ok, stderr := copyWithin(t, dir, src, "out", Options{})
		want := "cp: cannot copy FIFO '" + src + "' without -r: reading it would wait for a writer (-r recreates the FIFO)\n"
		if ok || stderr != want {
			t.Errorf("%s: ok=%v stderr=%q, want false and %q", src, ok, stderr, want)
		}
		if _, err := os.Lstat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
			t.Errorf("%s: out was created (%v)", src, err)
		}
	}
	// With -r the FIFO itself is made.
	if ok, stderr := copyWithin(t, dir, "p", "out", Options{Recursive: true}); !ok || stderr != "" {
		t.Fatalf("-r: ok=%v stderr=%q", ok, stderr)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "out")); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("-r: out is %v, %v", fi, err)
	}
}

// cp would wait for a reader; Copy says there is none.
func TestFileOntoFIFOWithoutReaderDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok, stderr := copyWithin(t, dir, "a", "p", Options{})
	if want := "cp: cannot create regular file 'p': " + strerror.Text(unix.ENXIO) + "\n"; ok || stderr != want {
		t.Fatalf("ok=%v stderr=%q, want false and %q", ok, stderr, want)
	}
}

func TestPreserveKeepsAccessTimes(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "d/sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "d/sub/f"), []byte("data"), 0o644))
	must(os.Symlink("sub/f", filepath.Join(dir, "d/l")))
	// An access time after the modification time and less than a day old
	// is not moved by reading (relatime).
	now := time.Now()
	atime := unix.NsecToTimespec(now.Add(-time.Hour).UnixNano() + 123)
	mtime := unix.NsecToTimespec(now.Add(-2*time.Hour).UnixNano() + 456)
	names := []string{"d/sub/f", "d/l", "d/sub", "d"}
	for _, n := range names {
		must(unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(dir, n), []unix.Timespec{atime, mtime}, unix.AT_SYMLINK_NOFOLLOW))
	}
	if ok, stderr := copyWithin(t, dir, "d", "t", Options{Recursive: true, Preserve: true}); !ok || stderr != "" {
		t.Fatalf("ok=%v stderr=%q", ok, stderr)
	}
	for _, n := range names {
		var st unix.Stat_t
		must(unix.Lstat(filepath.Join(dir, "t", n[len("d"):]), &st))
		if st.Mtim != mtime {
			t.Errorf("%s: mtime %v, want %v", n, st.Mtim, mtime)
		}
		if st.Atim != atime {
			t.Errorf("%s: atime %v, want %v", n, st.Atim, atime)
		}
	}
}

func TestNilStderrDiscards(t *testing.T) {
	t.Chdir(t.TempDir())
	if Copy("missing", "x", Options{}) {
		t.Fatal("copied a missing file")
	}
}

func TestCanceledContextStopsSilently(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "d/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok, stderr := copyWithin(t, dir, "d", "t", Options{Recursive: true, Context: ctx})
	if ok || stderr != "" {
		t.Fatalf("ok=%v stderr=%q, want false and nothing", ok, stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "t")); !os.IsNotExist(err) {
		t.Fatalf("t exists (%v)", err)
	}
}
