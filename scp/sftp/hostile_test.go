package sftp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// treeServer is a fake server (real ones cannot send these names) that
// lists dirs[path] for a directory and serves "data" for any file.
// Every path ending in "deep" is a directory holding "deep".
type treeServer struct {
	dirs   map[string][]nameEntry
	listed map[string]bool // handles already listed
	onRead func(s *fakeServer)
}

var (
	dirAttrs  = Attributes{Flags: AttrPermissions | AttrSize, Mode: modeDir | 0o755}
	fileAttrs = Attributes{Flags: AttrPermissions | AttrSize, Mode: modeReg | 0o644, Size: 4}
	linkAttrs = Attributes{Flags: AttrPermissions | AttrSize, Mode: modeLnk | 0o777, Size: 4}
)

func (ts *treeServer) attrs(p string) Attributes {
	if _, ok := ts.dirs[p]; ok || strings.HasSuffix(p, "deep") {
		return dirAttrs
	}
	return fileAttrs
}

func (ts *treeServer) handle(s *fakeServer, m message) {
	switch m := m.(type) {
	case *openMsg:
		s.send(&stringMsg{Type: fxpHandle, ID: m.ID, Value: "f"})
	case *readMsg:
		if ts.onRead != nil {
			ts.onRead(s)
			return
		}
		s.send(s.readReply(m, 0))
	case *stringMsg:
		switch m.Type {
		case fxpStat, fxpLstat:
			s.send(&attrsMsg{ID: m.ID, Attrs: ts.attrs(m.Value)})
		case fxpFstat:
			s.send(&attrsMsg{ID: m.ID, Attrs: fileAttrs})
		case fxpOpendir:
			s.send(&stringMsg{Type: fxpHandle, ID: m.ID, Value: "d" + m.Value})
		case fxpReaddir:
			p := m.Value[1:]
			if ts.listed[p] {
				s.send(&statusMsg{ID: m.ID, Code: CodeEOF})
				return
			}
			ts.listed[p] = true
			list, ok := ts.dirs[p]
			if !ok {
				list = []nameEntry{{Name: "deep", Attrs: dirAttrs}}
			}
			s.send(&nameMsg{ID: m.ID, Entries: list})
		default: // close
			if strings.HasPrefix(m.Value, "d") {
				delete(ts.listed, m.Value[1:])
			}
			s.send(&statusMsg{ID: m.ID, Code: CodeOK})
		}
	default:
		s.send(&statusMsg{ID: idOf(m), Code: CodeOpUnsupported})
	}
}

func startTree(t *testing.T, ts *treeServer) *Client {
	ts.listed = map[string]bool{}
	s := &fakeServer{data: []byte("data"), size: 4}
	s.handle = ts.handle
	return startFake(t, nil, s)
}

// A download never writes outside its target, whatever names the server
// lists, and goes no deeper than 64 levels.
func TestHostileNames(t *testing.T) {
	c := startTree(t, &treeServer{dirs: map[string][]nameEntry{
		"top": {
			{Name: ".", Attrs: dirAttrs},
			{Name: "..", Attrs: dirAttrs},
			{Name: "../evil", Attrs: fileAttrs},
			{Name: "..", Attrs: fileAttrs},
			{Name: "a/b", Attrs: fileAttrs},
			{Name: "/etc/passwd", Attrs: fileAttrs},
			{Name: "", Attrs: fileAttrs},
			{Name: "x\x00y", Attrs: fileAttrs},
			{Name: "link", Attrs: linkAttrs},
			{Name: "fifo", Attrs: Attributes{Flags: AttrPermissions, Mode: 0o010644}},
			{Name: "untyped", Attrs: Attributes{Flags: AttrSize, Size: 4}},
			{Name: "ok\n\x1b[31m", Attrs: fileAttrs},
			{Name: "deep", Attrs: dirAttrs},
		},
	}})
	outer := t.TempDir()
	target := filepath.Join(outer, "target")
	prog := &countProgress{}
	err := c.Download(context.Background(), "top", target, &CopyOptions{Recursive: true, Progress: prog})
	if len(prog.names) != 1 || prog.names[0] != `top/ok
\033[31m` {
		t.Errorf("progress names %q", prog.names)
	}
	wantErrs(t, err, "top", map[string]error{
		"../evil": ErrUnsafeName, "a/b": ErrUnsafeName, "/etc/passwd": ErrUnsafeName, "": ErrUnsafeName,
		"x\x00y": ErrUnsafeName, "link": ErrSymlink, "fifo": ErrNotRegular, "untyped": ErrNotRegular,
		strings.Repeat("deep/", maxDepth) + "deep": ErrTooDeep,
	})
	if strings.Contains(err.Error(), "\x1b") || strings.Contains(err.Error(), "\x00") {
		t.Errorf("unsanitised error text %q", err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "ok\n\x1b[31m")); err != nil || string(b) != "data" {
		t.Errorf("ok: %q %v", b, err)
	}
	// Outside the target only the target itself.
	if list, _ := os.ReadDir(outer); len(list) != 1 {
		t.Errorf("outside the target: %v", list)
	}
	if _, err := os.Stat(filepath.Join(target, strings.Repeat("deep/", maxDepth))); err != nil {
		t.Error(err)
	}
}

// A lost connection stops the copy at once: one error, for the file in
// flight, and nothing for the files after it.
func TestConnLostStops(t *testing.T) {
	ts := &treeServer{dirs: map[string][]nameEntry{"top": {
		{Name: "a", Attrs: fileAttrs}, {Name: "b", Attrs: fileAttrs}, {Name: "c", Attrs: fileAttrs},
	}}}
	ts.onRead = func(s *fakeServer) { s.stop() }
	c := startTree(t, ts)
	err := c.Download(context.Background(), "top", t.TempDir(), &CopyOptions{Recursive: true})
	if te := transferErrs(err); len(te) != 1 || !errors.Is(err, ErrConnLost) || te[0].Path != "top/a" {
		t.Errorf("got %v", err)
	}
}

// A cancelled context stops the copy before the next file.
func TestCancelledCopy(t *testing.T) {
	c, remote := startServer(t, nil)
	makeTree(t, remote, map[string]string{"t/a": "a", "t/b": "b"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{
		c.Download(ctx, "t", t.TempDir(), &CopyOptions{Recursive: true}),
		c.Upload(ctx, []string{filepath.Join(remote, "t")}, "u", &CopyOptions{Recursive: true}),
	} {
		if !errors.Is(err, context.Canceled) || len(transferErrs(err)) > 1 {
			t.Errorf("got %v", err)
		}
	}
}

// A symlink already in the local target that leads out of it is not
// followed: the tree's files below it are refused, not written outside.
func TestDownloadLocalSymlinkEscape(t *testing.T) {
	c, remote := startServer(t, nil)
	makeTree(t, remote, map[string]string{"t/sub/x": "x", "t/y": "y"})
	outside, target := t.TempDir(), t.TempDir()
	os.Mkdir(filepath.Join(target, "t"), 0o755)
	os.Symlink(outside, filepath.Join(target, "t", "sub"))
	err := c.Download(context.Background(), "t", target, &CopyOptions{Recursive: true})
	if te := transferErrs(err); len(te) != 1 || te[0].Path != "t/sub" {
		t.Errorf("got %v", err)
	}
	if list, _ := os.ReadDir(outside); len(list) != 0 {
		t.Errorf("written outside: %v", list)
	}
	if b, err := os.ReadFile(filepath.Join(target, "t", "y")); err != nil || string(b) != "y" {
		t.Errorf("y: %q %v", b, err)
	}
}
