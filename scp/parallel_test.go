package scp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/engine"
	"github.com/goscp/goscp/scp"
)

// countingClient is a Client over conn, as NewClient's, that counts the
// sessions it starts beyond the first of each copy.
func countingClient(conn *ssh.Client) (*scp.Client, *atomic.Int32) {
	var extra atomic.Int32
	return scp.NewClientFunc(func(_ context.Context, cmd string, isExtra bool) (*scp.Process, error) {
		if isExtra {
			extra.Add(1)
		}
		s, err := conn.NewSession()
		if err != nil {
			return nil, err
		}
		stdin, err := s.StdinPipe()
		var stdout io.Reader
		if err == nil {
			stdout, err = s.StdoutPipe()
		}
		if err == nil {
			err = s.Start(cmd)
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		return &scp.Process{Stdin: stdin, Stdout: stdout, Wait: s.Wait, Close: s.Close}, nil
	}), &extra
}

// sessionsTree writes a tree of 45 files: 33 at its top, 10 in a
// subdirectory of mode 0750, 2 deeper, an empty directory, each entry with
// an mtime of its own.
func sessionsTree(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{"tree/empty/": ""}
	for i := range 33 {
		files[fmt.Sprintf("tree/f%02d", i)] = strings.Repeat("x", i)
	}
	for i := range 10 {
		files[fmt.Sprintf("tree/sub/s%d", i)] = fmt.Sprint("s", i)
	}
	files["tree/sub/deep/a"], files["tree/sub/deep/b"] = "a", "b"
	write(dir, files)
	must(t, os.Chmod(filepath.Join(dir, "tree/sub"), 0o750))
	i := 0
	must(t, filepath.WalkDir(filepath.Join(dir, "tree"), func(p string, _ fs.DirEntry, err error) error {
		i++
		mt := time.Unix(1500000000+int64(i)*1000, 0)
		return errors.Join(err, os.Chtimes(p, mt, mt))
	}))
	// Directories last: their entries' Chtimes left them alone, their
	// creation did not.
	for _, d := range []string{"tree/sub/deep", "tree/sub", "tree/empty", "tree"} {
		mt := time.Unix(1400000000+int64(len(d))*1000, 0)
		must(t, os.Chtimes(filepath.Join(dir, d), mt, mt))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot describes the tree under dir: each entry's path, mode and
// content, and with times its mtime, unless it is one of old (which a
// copy changes when it writes in it).
func snapshot(t *testing.T, dir string, times bool, old map[string]string) string {
	t.Helper()
	var b strings.Builder
	must(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %v", filepath.ToSlash(rel), fi.Mode())
		if !d.IsDir() {
			content, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %q", content)
		}
		_, isOld := old[filepath.ToSlash(rel)+"/"]
		if times && !isOld {
			fmt.Fprintf(&b, " %d", fi.ModTime().Unix())
		}
		b.WriteByte('\n')
		return nil
	}))
	return b.String()
}

// TestClientSessions uploads on several sessions and on one, each time to
// a new server directory prepared the same way: the errors (their text
// and order), the messages given to Report, and the tree written must be
// the same.
func TestClientSessions(t *testing.T) {
	mkdir := func(names ...string) map[string]string {
		m := map[string]string{}
		for _, n := range names {
			m[n+"/"] = ""
		}
		return m
	}
	var files []string
	for i := range 33 {
		files = append(files, fmt.Sprintf("tree/f%02d", i))
	}
	tests := []struct {
		name     string
		remote   map[string]string
		paths    []string
		target   string
		opts     scp.CopyOptions
		parallel bool // some files go over extra sessions
	}{
		{name: "into a directory", remote: mkdir("ex"), paths: []string{"tree"}, target: "ex", opts: scp.CopyOptions{Recursive: true}, parallel: true},
		{name: "new target", paths: []string{"tree"}, target: "new", opts: scp.CopyOptions{Recursive: true}, parallel: true},
		{name: "preserve", remote: mkdir("ex"), paths: []string{"tree"}, target: "ex", opts: scp.CopyOptions{Recursive: true, Preserve: true}, parallel: true},
		{name: "preserve new target", paths: []string{"tree"}, target: "new", opts: scp.CopyOptions{Recursive: true, Preserve: true}},
		{name: "files", remote: mkdir("flat"), paths: files, target: "flat", parallel: true},
		{name: "files to a missing directory", paths: files, target: "nodir"},
		{name: "two sessions", remote: mkdir("ex"), paths: []string{"tree"}, target: "ex", opts: scp.CopyOptions{Recursive: true, Sessions: 2}, parallel: true},
		{name: "collisions", remote: map[string]string{"ex/tree/sub": "in the way", "ex/tree/f07/": "", "ex/tree/empty/": ""}, paths: []string{"tree"}, target: "ex", opts: scp.CopyOptions{Recursive: true}, parallel: true},
		{name: "onto a file", remote: map[string]string{"file": "keep"}, paths: []string{"tree"}, target: "file", opts: scp.CopyOptions{Recursive: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, wantReport string
			for _, sessions := range []int{1, tt.opts.Sessions} {
				for _, report := range []bool{false, true} {
					root := t.TempDir()
					srv := &sshServer{root: root}
					conn, err := srv.connect()
					must(t, err)
					defer conn.Close()
					write(root, tt.remote)
					local := t.TempDir()
					sessionsTree(t, local)
					client, extra := countingClient(conn)
					opts := tt.opts
					opts.Sessions = sessions
					var msgs []string
					if report {
						opts.Report = func(msg string) { msgs = append(msgs, msg) }
					}
					var paths []string
					for _, p := range tt.paths {
						paths = append(paths, filepath.Join(local, p))
					}
					err = client.Upload(context.Background(), paths, tt.target, &opts)
					got := fmt.Sprintf("error: %v\nReport: %q\n%s", strings.ReplaceAll(fmt.Sprint(err), local, "LOCAL"), msgs, snapshot(t, root, opts.Preserve, tt.remote))
					if report && len(msgs) > 0 && len(fileErrors(err)) > 0 {
						t.Errorf("Sessions %d: messages both reported and returned: %v", sessions, err)
					}
					switch {
					case sessions == 1 && extra.Load() != 0:
						t.Errorf("Sessions 1: %d extra sessions", extra.Load())
					case sessions != 1 && tt.parallel && extra.Load() == 0:
						t.Errorf("Sessions %d: no extra session", sessions)
					}
					w := &want
					if report {
						w = &wantReport
					}
					if sessions == 1 {
						*w = got
					} else if got != *w {
						t.Errorf("Sessions %d:\n%s\none session:\n%s", sessions, got, *w)
					}
				}
			}
		})
	}
}

// TestClientSessionsFS uploads from an fs.FS on several sessions.
func TestClientSessionsFS(t *testing.T) {
	client, root := testClient(t, nil)
	local := t.TempDir()
	sessionsTree(t, local)
	write(root, map[string]string{"ex/": ""})
	err := client.UploadFS(context.Background(), os.DirFS(local), []string{"tree"}, "ex", &scp.CopyOptions{Recursive: true, Sessions: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, filepath.Join(root, "ex")), tree(t, local); got != want {
		t.Errorf("remote:\n%s\nwant\n%s", got, want)
	}
}

// TestClientNoSerial checks the scp command's way in: under
// engine.NoSerial an upload that would run on one session returns
// engine.ErrDeclined, having started no session but the first, untouched.
func TestClientNoSerial(t *testing.T) {
	tests := []struct {
		name   string
		files  int
		target string
	}{
		{name: "few files", files: 3, target: "ex"},
		{name: "target missing", files: 40, target: "nodir/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, root := testClient(t, nil)
			write(root, map[string]string{"ex/": ""})
			local := t.TempDir()
			var paths []string
			for i := range tt.files {
				p := filepath.Join(local, fmt.Sprint("f", i))
				must(t, os.WriteFile(p, nil, 0o644))
				paths = append(paths, p)
			}
			err := client.Upload(engine.NoSerial(context.Background()), paths, tt.target, nil)
			if !errors.Is(err, engine.ErrDeclined) {
				t.Fatalf("error %v, want ErrDeclined", err)
			}
			if got := tree(t, root); got != "" {
				t.Errorf("remote:\n%s", got)
			}
		})
	}
}

// TestClientDownloadAll downloads several paths at once and one after the
// other, each time into a new local directory prepared the same way: the
// errors, the messages given to Report and the tree written must be the
// same.
func TestClientDownloadAll(t *testing.T) {
	var files []string
	for i := range 33 {
		files = append(files, fmt.Sprintf("tree/f%02d", i))
	}
	tests := []struct {
		name  string
		local map[string]string
		paths []string
		opts  scp.CopyOptions
	}{
		{name: "files", paths: files},
		{name: "trees", paths: []string{"tree/sub", "tree/empty", "tree/f01"}, opts: scp.CopyOptions{Recursive: true}},
		{name: "preserve", paths: []string{"tree/sub", "tree/f03", "tree/empty/"}, opts: scp.CopyOptions{Recursive: true, Preserve: true}},
		{name: "missing", paths: []string{"tree/f01", "nope", "tree/sub", "tree/f02", "tree/f/x"}},
		{name: "collisions", local: map[string]string{"sub": "in the way", "f05/": "", "deep/a/": ""}, paths: []string{"tree/sub", "tree/f05", "tree/sub/deep"}, opts: scp.CopyOptions{Recursive: true}},
		{name: "same names", paths: []string{"tree/sub/s1", "tree/f01", "tree/sub/deep/../s1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, root := testClient(t, nil)
			sessionsTree(t, root)
			var want, wantReport string
			for _, sessions := range []int{1, 0, 3} {
				for _, report := range []bool{false, true} {
					local := t.TempDir()
					write(local, tt.local)
					opts := tt.opts
					opts.Sessions = sessions
					var msgs []string
					if report {
						opts.Report = func(msg string) { msgs = append(msgs, msg) }
					}
					err := client.DownloadAll(context.Background(), tt.paths, local, &opts)
					got := fmt.Sprintf("error: %v\nReport: %q\n%s", err, msgs, snapshot(t, local, opts.Preserve, tt.local))
					got = strings.ReplaceAll(got, local, "LOCAL")
					w := &want
					if report {
						w = &wantReport
					}
					if sessions == 1 {
						*w = got
					} else if got != *w {
						t.Errorf("Sessions %d:\n%s\none session:\n%s", sessions, got, *w)
					}
				}
			}
		})
	}
}
