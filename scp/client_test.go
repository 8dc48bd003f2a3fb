package scp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/scp"
)

// testClient starts an in-process server on a new directory (see
// sshServer) and returns a Client of it and that directory.
func testClient(t *testing.T, handle func(ch ssh.Channel, command string) uint32) (*scp.Client, string) {
	t.Helper()
	root := t.TempDir()
	srv, err := newSSHServer(root)
	if err != nil {
		t.Fatal(err)
	}
	srv.handle = handle
	conn, err := srv.connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return scp.NewClient(conn), root
}

// TestClientLiteralNames puts and gets files whose names mean something
// to a shell: each must arrive under its own name.
func TestClientLiteralNames(t *testing.T) {
	client, root := testClient(t, nil)
	ctx := context.Background()
	for _, name := range []string{
		"plain.txt", "two words", "it's", "$HOME", "`id`", "*", "{a,b}", "[x]", "a;b", "-dash", `back\slash`, "~", "new\nline",
	} {
		t.Run(name, func(t *testing.T) {
			content := "content of " + name
			if err := client.Put(ctx, strings.NewReader(content), int64(len(content)), 0644, name, nil); err != nil {
				t.Fatalf("put: %v", err)
			}
			got, err := os.ReadFile(filepath.Join(root, name))
			if err != nil || string(got) != content {
				t.Fatalf("remote file: %q, %v", got, err)
			}
			var buf bytes.Buffer
			if err := client.Get(ctx, name, &buf, nil); err != nil {
				t.Fatalf("get: %v", err)
			}
			if buf.String() != content {
				t.Errorf("get: %q, want %q", buf.String(), content)
			}
		})
	}
}

func TestClientUploadDownload(t *testing.T) {
	tests := []struct {
		name string
		opts *scp.CopyOptions
	}{
		{"default", nil},
		{"serial", &scp.CopyOptions{Recursive: true, Serial: true}},
		{"preserve", &scp.CopyOptions{Recursive: true, Preserve: true}},
		{"limited", &scp.CopyOptions{Recursive: true, LimitKbps: 1 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, root := testClient(t, nil)
			ctx := context.Background()
			local := t.TempDir()
			write(local, map[string]string{"a.txt": "alpha", "d/b.txt": "beta", "d/e/c.txt": "gamma"})
			paths := []string{filepath.Join(local, "a.txt")}
			recursive := tt.opts != nil && tt.opts.Recursive
			if recursive {
				paths = append(paths, filepath.Join(local, "d"))
			}
			if err := client.Upload(ctx, paths, "/", tt.opts); err != nil {
				t.Fatalf("upload: %v", err)
			}
			back := t.TempDir()
			for _, p := range paths {
				if err := client.Download(ctx, filepath.Base(p), back, tt.opts); err != nil {
					t.Fatalf("download %s: %v", p, err)
				}
			}
			for _, dir := range []string{root, back} {
				if got, want := tree(t, dir), tree(t, local); recursive && got != want || !recursive && got != "a.txt alpha\n" {
					t.Errorf("%s holds\n%s", dir, got)
				}
			}
		})
	}
}

// tree lists the files under dir with their contents.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %s\n", filepath.ToSlash(rel), content)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestClientErrors checks the errors of copies that partly fail: the
// *FileError messages as scp words them, sanitised unless asked otherwise.
func TestClientErrors(t *testing.T) {
	client, root := testClient(t, nil)
	ctx := context.Background()
	local := t.TempDir()
	write(local, map[string]string{"a.txt": "alpha"})
	write(root, map[string]string{"dir/": ""})
	tests := []struct {
		name  string
		copy  func() error
		msgs  []string
		isNot bool // errors.Is(err, fs.ErrNotExist)
	}{
		{
			name: "missing local file",
			copy: func() error {
				return client.Upload(ctx, []string{local + "/nope", local + "/a.txt"}, "dir", nil)
			},
			msgs:  []string{local + "/nope: No such file or directory"},
			isNot: true,
		},
		{
			name:  "missing remote file",
			copy:  func() error { return client.Download(ctx, "nope", local, nil) },
			msgs:  []string{"scp: nope: No such file or directory"},
			isNot: true,
		},
		{
			name:  "escapes sanitised",
			copy:  func() error { return client.Download(ctx, "\x1b[31mred", local, nil) },
			msgs:  []string{`scp: \033[31mred: No such file or directory`},
			isNot: true,
		},
		{
			name: "escapes raw",
			copy: func() error {
				return client.Download(ctx, "\x1b[31mred", local, &scp.CopyOptions{RawMessages: true})
			},
			msgs:  []string{"scp: \x1b[31mred: No such file or directory"},
			isNot: true,
		},
		{
			name: "directory without recursion",
			copy: func() error { return client.Get(ctx, "dir", io.Discard, nil) },
			msgs: []string{"scp: dir: not a regular file"},
		},
		{
			name: "short reader",
			copy: func() error {
				return client.Put(ctx, strings.NewReader("abc"), 10, 0644, "dir/short", nil)
			},
			msgs: []string{"short: Broken pipe"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.copy()
			if !errors.Is(err, scp.ErrIncomplete) {
				t.Fatalf("error %v, want ErrIncomplete", err)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.isNot {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v", err, got)
			}
			if got := fileErrors(err); !equal(got, tt.msgs) {
				t.Errorf("file errors %q, want %q", got, tt.msgs)
			}
		})
	}
}

// fileErrors are the messages of the *FileError values joined in err.
func fileErrors(err error) []string {
	var msgs []string
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			var fe *scp.FileError
			if errors.As(e, &fe) {
				msgs = append(msgs, fe.Msg)
			}
		}
	}
	return msgs
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestClientHostileServer checks what a server that breaks the protocol
// gets: an error, never a file it was not asked for, and no raw escapes.
func TestClientHostileServer(t *testing.T) {
	tests := []struct {
		name  string
		sends string // on stdout, after reading the first reply
		check func(t *testing.T, err error)
	}{
		{
			name:  "name not requested",
			sends: "C0644 5 evil\nevil!\x00",
			check: func(t *testing.T, err error) {
				var pe *scp.ProtocolError
				if !errors.As(err, &pe) || pe.Reason != "filename does not match request" {
					t.Errorf("error %v, want the name check's protocol error", err)
				}
			},
		},
		{
			name:  "fatal message with escapes",
			sends: "\x02\x1b]0;owned\x07\n",
			check: func(t *testing.T, err error) {
				var re *scp.RemoteError
				if !errors.As(err, &re) || !re.Fatal || re.Msg != `\033]0;owned\007` {
					t.Errorf("error %v, want a sanitised fatal RemoteError", err)
				}
			},
		},
		{
			name:  "shell noise",
			sends: "Welcome to \x1b[1mhost\x1b[0m\n",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, scp.ErrAborted) || strings.Contains(err.Error(), "\x1b") {
					t.Errorf("error %q, want ErrAborted with no escape", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, _ := testClient(t, func(ch ssh.Channel, _ string) uint32 {
				var b [1]byte
				io.ReadFull(ch, b[:])
				io.WriteString(ch, tt.sends)
				io.Copy(io.Discard, ch)
				return 1
			})
			local := t.TempDir()
			err := client.Download(context.Background(), "good", local, nil)
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			if names := tree(t, local); names != "" {
				t.Errorf("files written:\n%s", names)
			}
		})
	}
}

// TestClientCommandNotFound: a remote shell without scp.
func TestClientCommandNotFound(t *testing.T) {
	client, _ := testClient(t, func(ch ssh.Channel, _ string) uint32 {
		io.WriteString(ch.Stderr(), "bash: line 1: scp: command not found\n")
		return 127
	})
	err := client.Upload(context.Background(), []string{"client_test.go"}, "x", nil)
	var ce *scp.CommandError
	if !errors.As(err, &ce) || ce.Command != "scp -t x" || ce.Stderr != "bash: line 1: scp: command not found\n" {
		t.Fatalf("error %v, want a CommandError with the remote stderr", err)
	}
	var exit *ssh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 127 {
		t.Errorf("error %v, want exit status 127", err)
	}
	if !errors.Is(err, scp.ErrLostConnection) {
		t.Errorf("error %v, want ErrLostConnection", err)
	}
}

// TestClientCancel: a server that never answers holds a copy only until
// its context ends.
func TestClientCancel(t *testing.T) {
	started := make(chan struct{})
	client, _ := testClient(t, func(ch ssh.Channel, _ string) uint32 {
		close(started)
		io.Copy(io.Discard, ch) // until the client closes the session
		return 1
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	err := client.Download(ctx, "x", t.TempDir(), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestClientProgressNames: names the server sends reach Progress sanitised.
func TestClientProgressNames(t *testing.T) {
	client, root := testClient(t, nil)
	write(root, map[string]string{"d/\x1b[2Jx": "data"})
	for _, raw := range []bool{false, true} {
		p := &recordProgress{}
		opts := &scp.CopyOptions{Recursive: true, Progress: p, RawMessages: raw}
		if err := client.Download(context.Background(), "d", t.TempDir(), opts); err != nil {
			t.Fatal(err)
		}
		want := []string{`\033[2Jx 4 4`}
		if raw {
			want = []string{"\x1b[2Jx 4 4"}
		}
		if !equal(p.files, want) {
			t.Errorf("raw %v: progress %q, want %q", raw, p.files, want)
		}
	}
}

type recordProgress struct {
	files      []string
	name       string
	size, done int64
}

func (p *recordProgress) Start(name string, size int64) { p.name, p.size, p.done = name, size, 0 }
func (p *recordProgress) Add(n int64)                   { p.done += n }
func (p *recordProgress) Finish() {
	p.files = append(p.files, fmt.Sprintf("%s %d %d", p.name, p.size, p.done))
}

// TestClientUploadFS covers fs.FS names: the root ".", nested paths, a
// file mode, and a missing path.
func TestClientUploadFS(t *testing.T) {
	client, root := testClient(t, nil)
	fsys := fstest.MapFS{
		"top.txt":        {Data: []byte("top"), Mode: 0600},
		"sub/nested.txt": {Data: []byte("nested"), Mode: 0644},
	}
	write(root, map[string]string{"all/": ""})
	err := client.UploadFS(context.Background(), fsys, []string{".", "sub/nested.txt", "gone"}, "all", &scp.CopyOptions{Recursive: true})
	if got := fileErrors(err); !equal(got, []string{"gone: No such file or directory"}) {
		t.Errorf("errors %q", got)
	}
	if got, want := tree(t, filepath.Join(root, "all")), "nested.txt nested\nsub/nested.txt nested\ntop.txt top\n"; got != want {
		t.Errorf("remote:\n%s", got)
	}
	fi, err := os.Stat(filepath.Join(root, "all", "nested.txt"))
	if err != nil || fi.Mode().Perm() != 0644&^umask() {
		t.Errorf("nested.txt: %v, %v", fi, err)
	}
}

func umask() fs.FileMode { return scp.OS{}.Umask() }

// TestClientConcurrent runs copies on one Client at once.
func TestClientConcurrent(t *testing.T) {
	client, root := testClient(t, nil)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			name := fmt.Sprintf("f%d", i)
			if err := client.Put(context.Background(), strings.NewReader(name), int64(len(name)), 0644, name, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := tree(t, root); got != "f0 f0\nf1 f1\nf2 f2\nf3 f3\n" {
		t.Errorf("remote:\n%s", got)
	}
}
