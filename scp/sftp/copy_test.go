package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

// snapshot lists a local tree: one line per entry below dir, with its
// type, permission bits and content.
func snapshot(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := e.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%q %v", rel, fi.Mode())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %q", b)
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// makeTree writes files (content by name; a name ending in "/" is a
// directory) under dir.
func makeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, p, []byte(content))
	}
}

// transferErrs returns the TransferErrors joined in err.
func transferErrs(err error) []*TransferError {
	if err == nil {
		return nil
	}
	var list []*TransferError
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var te *TransferError
		if errors.As(e, &te) {
			list = append(list, te)
		}
	}
	return list
}

// wantErrs checks that err joins exactly the TransferErrors of want:
// source path (relative to base) → wrapped error.
func wantErrs(t *testing.T, err error, base string, want map[string]error) {
	t.Helper()
	got := transferErrs(err)
	if len(got) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(got), len(want), err)
	}
	for _, te := range got {
		rel := strings.TrimPrefix(strings.TrimPrefix(te.Path, base), "/")
		w, ok := want[rel]
		if !ok || !errors.Is(te, w) {
			t.Errorf("error %v (path %q), want %v", te, rel, w)
		}
	}
}

var tree = map[string]string{
	"top/a.txt":          "alpha\n",
	"top/empty/":         "",
	"top/sub/b.bin":      "\x00\x01\x02",
	"top/sub/deep/c":     strings.Repeat("c", 300000),
	"top/new\nline":      "newline in the name",
	"top/sub/zero-bytes": "",
}

// Upload a tree, download it back, and compare: symlinks inside the
// tree (one a loop) and a pipe are skipped and reported.
func TestTreeRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, remote := startServer(t, &Options{BufferSize: 4096, Requests: 4})
	local := t.TempDir()
	makeTree(t, local, tree)
	top := filepath.Join(local, "top")
	want := snapshot(t, top)
	os.Symlink("a.txt", filepath.Join(top, "link"))
	os.Symlink("..", filepath.Join(top, "sub", "loop"))
	if err := syscall.Mkfifo(filepath.Join(top, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(remote, "in"), 0o755)

	prog := &countProgress{}
	err := c.Upload(ctx, []string{top}, "in", &CopyOptions{Recursive: true, Progress: prog})
	wantErrs(t, err, top, map[string]error{"link": ErrSymlink, "sub/loop": ErrSymlink, "fifo": ErrNotRegular})
	if prog.files != 5 || prog.open || prog.bytes != prog.sizes || prog.sizes != 300028 {
		t.Errorf("progress: %+v", prog)
	}
	if got := snapshot(t, filepath.Join(remote, "in", "top")); got != want {
		t.Errorf("uploaded:\n%s\nwant:\n%s", got, want)
	}

	os.Symlink("a.txt", filepath.Join(remote, "in", "top", "link"))
	os.Symlink("..", filepath.Join(remote, "in", "top", "sub", "loop"))
	back := filepath.Join(t.TempDir(), "back")
	err = c.Download(ctx, "in/top", back, &CopyOptions{Recursive: true})
	wantErrs(t, err, "in/top", map[string]error{"link": ErrSymlink, "sub/loop": ErrSymlink})
	if got := snapshot(t, back); got != want {
		t.Errorf("downloaded:\n%s\nwant:\n%s", got, want)
	}
}

// countProgress checks that every Start has its Finish, and adds up.
type countProgress struct {
	files        int
	open         bool
	bytes, sizes int64
	names        []string
}

func (p *countProgress) Start(name string, size int64) {
	p.files, p.open, p.sizes = p.files+1, true, p.sizes+size
	p.names = append(p.names, name)
}
func (p *countProgress) Add(n int64) { p.bytes += n }
func (p *countProgress) Finish()     { p.open = false }

// Where a copy goes, as `cp -r`: into an existing directory under the
// source's name, otherwise to the target name.
func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		name      string
		up        bool // Upload, else Download
		src       []string
		target    string
		recursive bool
		want      []string // paths that must exist on the receiving side
		errs      map[string]error
		err       error // a whole-call error
	}{
		{name: "file into dir", up: true, src: []string{"f"}, target: "d", want: []string{"d/f"}},
		{name: "file to name", up: true, src: []string{"f"}, target: "g", want: []string{"g"}},
		{name: "file onto file", up: true, src: []string{"f"}, target: "f2", want: []string{"f2"}},
		{name: "dir without -r", up: true, src: []string{"t"}, target: "d", errs: map[string]error{"t": ErrDirectory}},
		{name: "dir into dir", up: true, src: []string{"t"}, target: "d", recursive: true, want: []string{"d/t/x"}},
		{name: "dir to new name", up: true, src: []string{"t"}, target: "n", recursive: true, want: []string{"n/x"}},
		{name: "dir contents", up: true, src: []string{"t/."}, target: "d", recursive: true, want: []string{"d/x"}},
		{name: "two into dir", up: true, src: []string{"f", "t"}, target: "d", recursive: true, want: []string{"d/f", "d/t/x"}},
		{name: "two onto file", up: true, src: []string{"f", "t"}, target: "f2", err: syscall.ENOTDIR},
		{name: "missing", up: true, src: []string{"nonesuch", "f"}, target: "d", want: []string{"d/f"},
			errs: map[string]error{"nonesuch": fs.ErrNotExist}},
		{name: "get file into dir", src: []string{"f"}, target: "d", want: []string{"d/f"}},
		{name: "get file to name", src: []string{"f"}, target: "g", want: []string{"g"}},
		{name: "get dir without -r", src: []string{"t"}, target: "d", errs: map[string]error{"t": ErrDirectory}},
		{name: "get dir into dir", src: []string{"t"}, target: "d", recursive: true, want: []string{"d/t/x"}},
		{name: "get dir to new name", src: []string{"t"}, target: "n", recursive: true, want: []string{"n/x"}},
		{name: "get dir contents", src: []string{"t/."}, target: "d", recursive: true, want: []string{"d/x"}},
		{name: "get missing", src: []string{"nonesuch"}, target: "d", errs: map[string]error{"nonesuch": fs.ErrNotExist}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c, remote := startServer(t, nil)
			local := t.TempDir()
			from, to := remote, local
			if tc.up {
				from, to = local, remote
			}
			makeTree(t, from, map[string]string{"f": "f", "t/x": "x"})
			makeTree(t, to, map[string]string{"d/": "", "f2": "old"})
			opts := &CopyOptions{Recursive: tc.recursive}
			var err error
			if tc.up {
				var paths []string
				for _, s := range tc.src {
					paths = append(paths, local+"/"+s) // not Join: it would clean "t/."
				}
				err = c.Upload(ctx, paths, tc.target, opts)
			} else {
				err = c.Download(ctx, tc.src[0], filepath.Join(local, tc.target), opts)
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Errorf("got %v, want %v", err, tc.err)
				}
				return
			}
			base := ""
			if tc.up {
				base = local
			}
			wantErrs(t, err, base, tc.errs)
			for _, w := range tc.want {
				if _, err := os.Stat(filepath.Join(to, w)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// Preserve copies exact modes and times both ways; without it modes are
// the umask's and times new.
func TestPreserve(t *testing.T) {
	ctx := context.Background()
	c, remote := startServer(t, nil)
	local := t.TempDir()
	makeTree(t, local, map[string]string{"t/f": "f", "t/d/g": "g"})
	mtime := mustTime(t, "2001-02-03T04:05:06Z")
	atime := mustTime(t, "2002-03-04T05:06:07Z")
	for _, p := range []string{"t/f", "t/d/g", "t/d", "t"} {
		os.Chmod(filepath.Join(local, p), map[bool]fs.FileMode{true: 0o751, false: 0o604}[!strings.Contains(p, "/") || p == "t/d"])
		os.Chtimes(filepath.Join(local, p), atime, mtime)
	}
	check := func(dir string) {
		t.Helper()
		for _, p := range []string{"t/f", "t/d/g", "t/d", "t"} {
			fi, err := os.Stat(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if !fi.ModTime().Equal(mtime) || fi.Mode().Perm() != 0o751 && fi.Mode().Perm() != 0o604 {
				t.Errorf("%s: %v %v", p, fi.Mode(), fi.ModTime())
			}
			if at, _ := fileTimes(fi); !at.Equal(atime) {
				t.Errorf("%s: atime %v", p, at)
			}
		}
	}
	opts := &CopyOptions{Recursive: true, Preserve: true}
	if err := c.Upload(ctx, []string{filepath.Join(local, "t")}, "t", opts); err != nil {
		t.Fatal(err)
	}
	check(remote)
	back := t.TempDir()
	if err := c.Download(ctx, "t", back, opts); err != nil {
		t.Fatal(err)
	}
	check(back)
	// Without Preserve: new times.
	if err := c.Download(ctx, "t/f", filepath.Join(back, "plain"), nil); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(back, "plain")); fi.ModTime().Equal(mtime) {
		t.Error("times copied without Preserve")
	}
}

// shrinkAt truncates a file once a copy has moved `at` bytes of it.
type shrinkAt struct {
	name   string
	at, n  int64
	starts []string
}

func (s *shrinkAt) Start(name string, size int64) { s.starts = append(s.starts, name) }
func (s *shrinkAt) Finish()                       {}
func (s *shrinkAt) Add(n int64) {
	s.n += n
	if s.at > 0 && s.n >= s.at {
		s.at = 0
		os.Truncate(s.name, s.n)
	}
}

// A file that shrinks while it is copied, either way, is an error
// wrapping io.ErrUnexpectedEOF, and the copy goes on with the next file.
func TestShrinkingFile(t *testing.T) {
	ctx := context.Background()
	c, remote := startServer(t, &Options{BufferSize: 1024, Requests: 2})
	local := t.TempDir()
	data := string(randomBytes(1<<20, 9))
	for _, up := range []bool{true, false} {
		from, to := remote, local
		if up {
			from, to = local, remote
		}
		makeTree(t, from, map[string]string{"t/a": data, "t/b": "b"})
		p := &shrinkAt{name: filepath.Join(from, "t", "a"), at: 100 << 10}
		// A limit far above what a test machine moves: paced, not slowed.
		opts := &CopyOptions{Recursive: true, Progress: p, LimitKbps: 1 << 30}
		var err error
		if up {
			err = c.Upload(ctx, []string{filepath.Join(local, "t")}, "u", opts)
		} else {
			err = c.Download(ctx, "t", filepath.Join(local, "u"), opts)
		}
		te := transferErrs(err)
		if len(te) != 1 || !errors.Is(te[0], io.ErrUnexpectedEOF) || filepath.Base(te[0].Path) != "a" {
			t.Errorf("up %v: %v", up, err)
		}
		if b, err := os.ReadFile(filepath.Join(to, "u", "b")); err != nil || string(b) != "b" {
			t.Errorf("up %v: b: %q %v", up, b, err)
		}
		if len(p.starts) != 2 {
			t.Errorf("up %v: progress %q", up, p.starts)
		}
		os.RemoveAll(filepath.Join(local, "t"))
	}
}

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	c, remote := startServer(t, nil)
	for _, tc := range []struct {
		name string
		data string
		size int64
		mode fs.FileMode
		pres bool
		want string
		err  error
	}{
		{name: "exact", data: "hello", size: 5, mode: 0o640, want: "hello"},
		{name: "longer reader", data: "hello world", size: 5, mode: 0o600, want: "hello"},
		{name: "unknown size", data: "stream", size: -1, mode: 0o644, want: "stream"},
		{name: "short reader", data: "hi", size: 5, mode: 0o644, want: "hi", err: io.ErrUnexpectedEOF},
		{name: "setuid kept with Preserve", data: "x", size: 1, mode: fs.ModeSetuid | 0o755, pres: true, want: "x"},
		{name: "missing dir", data: "x", size: 1, mode: 0o644, err: fs.ErrNotExist},
	} {
		name := tc.name
		if tc.err == fs.ErrNotExist {
			name = "nonesuch/" + name
		}
		err := c.Put(ctx, strings.NewReader(tc.data), tc.size, tc.mode, name, &CopyOptions{Preserve: tc.pres})
		var te *TransferError
		if tc.err != nil {
			if !errors.Is(err, tc.err) || !errors.As(err, &te) || te.Op != "put" {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if tc.err == fs.ErrNotExist {
			continue
		}
		var buf bytes.Buffer
		if err := c.Get(ctx, name, &buf, nil); err != nil || buf.String() != tc.want {
			t.Errorf("%s: got %q %v", tc.name, buf.String(), err)
		}
		if fi, _ := os.Stat(filepath.Join(remote, name)); tc.pres && fi.Mode() != fs.ModeSetuid|0o755 {
			t.Errorf("%s: mode %v", tc.name, fi.Mode())
		}
	}
	var te *TransferError
	if err := c.Get(ctx, "nonesuch", io.Discard, nil); !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &te) || te.Op != "get" {
		t.Errorf("get nonesuch: %v", err)
	}
}

// UploadFS from an fstest.MapFS: its symlinks are not followed, "." is
// its top.
func TestUploadFS(t *testing.T) {
	ctx := context.Background()
	c, remote := startServer(t, nil)
	fsys := fstest.MapFS{
		"index.html":     {Data: []byte("<h1>hi</h1>"), Mode: 0o644},
		"css/site.css":   {Data: []byte("body{}"), Mode: 0o600},
		"css/alias.css":  {Data: []byte("site.css"), Mode: fs.ModeSymlink | 0o777},
		"img":            {Mode: fs.ModeDir | 0o755},
		"notes/todo.txt": {Data: []byte("ship it"), Mode: 0o644},
	}
	os.Mkdir(filepath.Join(remote, "www"), 0o755)
	err := c.UploadFS(ctx, fsys, []string{"."}, "www", &CopyOptions{Recursive: true})
	wantErrs(t, err, "", map[string]error{"css/alias.css": ErrSymlink})
	want := `"css" drwxr-xr-x
"css/site.css" -rw------- "body{}"
"img" drwxr-xr-x
"index.html" -rw-r--r-- "<h1>hi</h1>"
"notes" drwxr-xr-x
"notes/todo.txt" -rw-r--r-- "ship it"`
	if got := snapshot(t, filepath.Join(remote, "www")); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if err := c.UploadFS(ctx, fsys, []string{"index.html", "css"}, "www/index.html", nil); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("two onto a file: %v", err)
	}
}
