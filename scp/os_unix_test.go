//go:build unix

package scp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSendOS sends special files from the local disk: symlinks are
// followed, and a FIFO or a device is refused without blocking.
func TestSendOS(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "f"), []byte("hello"), 0640))
	must(t, os.Mkdir(filepath.Join(dir, "d"), 0750))
	must(t, os.WriteFile(filepath.Join(dir, "d", "x"), []byte("x"), 0600))
	must(t, os.Symlink("f", filepath.Join(dir, "link")))
	must(t, os.Symlink("d", filepath.Join(dir, "dlink")))
	must(t, os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0644))
	must(t, os.Chmod(filepath.Join(dir, "f"), 0640|os.ModeSetuid))

	tests := []struct {
		name  string
		opt   Options
		paths []string
		acks  string
		out   string
	}{
		{name: "symlink to a file", paths: []string{"link"}, acks: "\x00\x00\x00", out: "C4640 5 link\nhello\x00"},
		{name: "symlink to a directory", opt: Options{Recursive: true}, paths: []string{"dlink/"}, acks: "\x00\x00\x00\x00\x00", out: "D0750 0 dlink\nC0600 1 x\nx\x00E\n"},
		{name: "dangling symlink", paths: []string{"dangling"}, acks: "\x00", out: "\x01scp: DIR/dangling: No such file or directory\n"},
		{name: "FIFO", paths: []string{"fifo"}, acks: "\x00", out: "\x01scp: DIR/fifo: not a regular file\n"},
		{name: "device", paths: []string{"/dev/null"}, acks: "\x00", out: "\x01scp: /dev/null: not a regular file\n"},
		{name: "file in a file", paths: []string{"f/x"}, acks: "\x00", out: "\x01scp: DIR/f/x: Not a directory\n"},
		{name: "file with a trailing slash", paths: []string{"f//"}, acks: "\x00\x00\x00", out: "C4640 5 f\nhello\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.paths {
				if !strings.HasPrefix(p, "/") {
					p = dir + "/" + p
				}
				paths = append(paths, p)
			}
			var w bytes.Buffer
			Send(context.Background(), strings.NewReader(tt.acks), &w, OS{}, paths, Options{Recursive: tt.opt.Recursive})
			if got := strings.ReplaceAll(w.String(), dir, "DIR"); got != tt.out {
				t.Errorf("wrote %q; want %q", got, tt.out)
			}
		})
	}
}

// TestReceiveOSTimes sets times beyond 2262, where os.Chtimes overflows, the
// way utimes(2) does.
func TestReceiveOSTimes(t *testing.T) {
	dir := t.TempDir()
	const sec = 10000000000 // year 2286
	ref := filepath.Join(dir, "ref")
	must(t, os.WriteFile(ref, nil, 0644))
	ts, err := unix.TimeToTimespec(time.Unix(sec, 0))
	if err != nil {
		t.Skip("time_t too small:", err)
	}
	must(t, unix.UtimesNano(ref, []unix.Timespec{ts, ts}))
	refInfo, err := os.Stat(ref)
	must(t, err)

	var w bytes.Buffer
	in := "T10000000000 0 10000000000 0\nC0644 1 a\nx\x00"
	must(t, Receive(context.Background(), strings.NewReader(in), &w, OS{}, dir, Options{}))
	fi, err := os.Stat(filepath.Join(dir, "a"))
	must(t, err)
	if !fi.ModTime().Equal(refInfo.ModTime()) {
		t.Errorf("mtime %v; utimes gives %v", fi.ModTime(), refInfo.ModTime())
	}
}

// TestReceiveOSModes checks modes on the local disk without and with -p.
func TestReceiveOSModes(t *testing.T) {
	umask := processUmask
	for _, tt := range []struct {
		opt  Options
		in   string
		name string
		want os.FileMode
	}{
		{Options{}, "C4755 0 f\n\x00", "f", 0755 &^ umask},
		{Options{Preserve: true}, "C4755 0 f\n\x00", "f", 0755 | os.ModeSetuid},
		{Options{Preserve: true}, "C0600 0 f\n\x00", "f", 0600},
		{Options{Recursive: true}, "D1777 0 d\nE\n", "d", os.ModeDir | 0777&^umask},
		{Options{Recursive: true, Preserve: true}, "D1777 0 d\nE\n", "d", os.ModeDir | os.ModeSticky | 0777},
		{Options{Recursive: true}, "D0500 0 d\nC0400 1 f\nx\x00E\n", "d/f", 0400},
	} {
		dir := t.TempDir()
		var w bytes.Buffer
		if err := Receive(context.Background(), strings.NewReader(tt.in), &w, OS{}, dir, tt.opt); err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, tt.name))
		if err != nil || fi.Mode() != tt.want {
			t.Errorf("%q %+v: mode %v, %v; want %v", tt.in, tt.opt, fi.Mode(), err, tt.want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
