package sftpcli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// xferMakeTree makes a directory tree with what -r must copy and what it must
// skip: a subdirectory, a read-only directory, a symlink and a FIFO.
func xferMakeTree(t *testing.T, root string) {
	t.Helper()
	xferWriteFile(t, root+"/a", "a", 0o640)
	xferWriteFile(t, root+"/sub/b", xferData(300000), 0o600)
	xferWriteFile(t, root+"/ro/c", "c", 0o644)
	if err := os.Chmod(root+"/ro", 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(root+"/ro", 0o755) })
	if err := os.Symlink("a", root+"/link"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(root+"/fifo", 0o644); err != nil {
		t.Fatal(err)
	}
}

// xferListTree describes a tree: each path with its type, mode and, for files,
// contents' length, sorted.
func xferListTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := rel + " " + fi.Mode().String()
		if fi.Mode().IsRegular() {
			line += fmt.Sprintf(" %d", len(xferReadFile(t, p)))
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestDownloadDir(t *testing.T) {
	x := newXferSession(t)
	src := filepath.Join(x.dir, "tree")
	xferMakeTree(t, src)
	dst := filepath.Join(t.TempDir(), "copy")
	if err := x.downloadDir(src, dst, xferOpts{}); err != nil {
		t.Fatalf("downloadDir: %v; stderr %q", err, x.stderr)
	}
	got := strings.Join(xferListTree(t, dst), "\n")
	umask := xferUmask(t)
	want := strings.Join([]string{
		". " + (fs.ModeDir | 0o755&^umask).String(),
		"a " + (0o640 &^ umask).String() + " 1",
		"ro " + (fs.ModeDir | 0o555).String(),
		"ro/c " + (0o644 &^ umask).String() + " 1",
		"sub " + (fs.ModeDir | 0o755&^umask).String(),
		"sub/b " + fs.FileMode(0o600).String() + " 300000",
	}, "\n")
	if got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range []string{"Retrieving " + src, "Retrieving " + src + "/sub", "Retrieving " + src + "/ro"} {
		if !strings.Contains(x.stdout.String(), line+"\n") {
			t.Errorf("stdout %q lacks %q", x.stdout, line)
		}
	}
	for _, line := range []string{`download "` + src + `/link": not a regular file`, `download "` + src + `/fifo": not a regular file`} {
		if !strings.Contains(x.stderr.String(), line+"\r\n") {
			t.Errorf("stderr %q lacks %q", x.stderr, line)
		}
	}
}

func TestUploadDir(t *testing.T) {
	x := newXferSession(t)
	src := filepath.Join(t.TempDir(), "tree")
	xferMakeTree(t, src)
	dst := filepath.Join(x.dir, "copy")
	if err := x.uploadDir(src, dst, xferOpts{}); err != nil {
		t.Fatalf("uploadDir: %v; stderr %q", err, x.stderr)
	}
	got := strings.Join(xferListTree(t, dst), "\n")
	umask := xferUmask(t)
	want := strings.Join([]string{
		". " + (fs.ModeDir | 0o755).String(),
		"a " + (0o640 &^ umask).String() + " 1",
		"ro " + (fs.ModeDir | 0o555).String(),
		"ro/c " + (0o644 &^ umask).String() + " 1",
		"sub " + (fs.ModeDir | 0o755).String(),
		"sub/b " + fs.FileMode(0o600).String() + " 300000",
	}, "\n")
	if got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range []string{"Entering " + src, "Entering " + src + "/sub", "Entering " + src + "/ro"} {
		if !strings.Contains(x.stdout.String(), line+"\n") {
			t.Errorf("stdout %q lacks %q", x.stdout, line)
		}
	}
	for _, line := range []string{"link: not a regular file", "fifo: not a regular file"} {
		if !strings.Contains(x.stderr.String(), line+"\r\n") {
			t.Errorf("stderr %q lacks %q", x.stderr, line)
		}
	}
}
