package sftp

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"testing"
)

const sftpServer = "/usr/lib/openssh/sftp-server"

// startServer runs OpenSSH's sftp-server in a fresh directory and returns
// a client speaking to it and the directory.
func startServer(t testing.TB, opts *Options, serverArgs ...string) (*Client, string) {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skipf("no %s: %v", sftpServer, err)
	}
	dir := t.TempDir()
	cmd := exec.Command(sftpServer, append([]string{"-e", "-l", "QUIET"}, serverArgs...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(context.Background(), r, w, opts)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		cmd.Wait()
	})
	return c, dir
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestHandshake(t *testing.T) {
	c, _ := startServer(t, nil)
	for _, e := range []ext{extPosixRename, extStatVFS, extFstatVFS, extHardlink, extFsync,
		extLsetstat, extLimits, extExpandPath, extCopyData, extHomeDir, extUsersGroups} {
		if !c.supports(e) {
			t.Errorf("server does not offer %s version %d", e.name, e.version)
		}
		if !c.HasExtension(e.name) {
			t.Errorf("HasExtension(%q) = false", e.name)
		}
	}
	if c.HasExtension("nonesuch@example.com") {
		t.Error("HasExtension(nonesuch) = true")
	}
	// OpenSSH's sftp-server: 261120-byte reads and writes, so limits
	// replace the 32768 default.
	if c.readSize != 261120 || c.writeSize != 261120 || c.requests != DefaultRequests {
		t.Errorf("sizes %d/%d/%d, want 261120/261120/%d", c.readSize, c.writeSize, c.requests, DefaultRequests)
	}
	l, err := c.Limits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l.MaxPacketLength != 256<<10 || l.MaxReadLength != 261120 || l.MaxWriteLength != 261120 {
		t.Errorf("limits %+v", l)
	}
}

func TestOptionsOverrideLimits(t *testing.T) {
	c, _ := startServer(t, &Options{BufferSize: 5, Requests: 1})
	if c.readSize != 5 || c.writeSize != 5 || c.requests != 1 {
		t.Errorf("sizes %d/%d/%d, want 5/5/1", c.readSize, c.writeSize, c.requests)
	}
}

func TestStat(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	writeFile(t, filepath.Join(dir, "f"), []byte("hello"))
	os.Symlink("f", filepath.Join(dir, "l"))
	os.Symlink("missing", filepath.Join(dir, "dangling"))
	os.Mkdir(filepath.Join(dir, "d"), 0o750)
	for _, tc := range []struct {
		name  string
		lstat bool
		mode  fs.FileMode
		size  int64
		err   error
	}{
		{"f", false, 0o644, 5, nil},
		{"l", false, 0o644, 5, nil},
		{"l", true, fs.ModeSymlink | 0o777, 1, nil},
		{"d", false, fs.ModeDir | 0o750, -1, nil},
		{"dangling", false, 0, 0, fs.ErrNotExist},
		{"dangling", true, fs.ModeSymlink | 0o777, 7, nil},
		{"nonesuch", false, 0, 0, fs.ErrNotExist},
		{dir + "/f", false, 0o644, 5, nil},
	} {
		stat := c.Stat
		if tc.lstat {
			stat = c.Lstat
		}
		fi, err := stat(ctx, tc.name)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("stat %s: %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("stat %s: %v", tc.name, err)
			continue
		}
		if fi.Mode() != tc.mode || tc.size >= 0 && fi.Size() != tc.size || fi.Name() != filepath.Base(tc.name) {
			t.Errorf("stat %s: %s %v %d", tc.name, fi.Name(), fi.Mode(), fi.Size())
		}
	}
}

func TestStatusErrorText(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	_, err := c.Stat(ctx, "nonesuch")
	if err == nil || err.Error() != "stat nonesuch: No such file or directory" {
		t.Errorf("got %v", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Code != CodeNoSuchFile {
		t.Errorf("not a StatusError: %#v", err)
	}
	writeFile(t, filepath.Join(dir, "locked"), nil)
	os.Chmod(filepath.Join(dir, "locked"), 0)
	if os.Geteuid() != 0 {
		_, err = c.Open(ctx, "locked")
		if !errors.Is(err, fs.ErrPermission) || err.Error() != "open locked: Permission denied" {
			t.Errorf("open locked: %v", err)
		}
	}
}

func TestCodeString(t *testing.T) {
	for c, want := range map[Code]string{
		CodeOK: "No error", CodeEOF: "End of file", CodeNoSuchFile: "No such file or directory",
		CodePermissionDenied: "Permission denied", CodeFailure: "Failure", CodeBadMessage: "Bad message",
		CodeNoConnection: "No connection", CodeConnectionLost: "Connection lost",
		CodeOpUnsupported: "Operation unsupported", 99: "Unknown status",
	} {
		if c.String() != want {
			t.Errorf("%d: %q, want %q", c, c.String(), want)
		}
	}
}

func TestSetstat(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	name := filepath.Join(dir, "f")
	writeFile(t, name, []byte("0123456789"))
	mtime := mustTime(t, "2001-02-03T04:05:06Z")
	atime := mustTime(t, "2002-03-04T05:06:07Z")
	if err := c.Chmod(ctx, "f", 0o600|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := c.Truncate(ctx, "f", 3); err != nil {
		t.Fatal(err)
	}
	if err := c.Chtimes(ctx, "f", atime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := c.Chown(ctx, "f", uint32(os.Getuid()), uint32(os.Getgid())); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != 0o600|fs.ModeSticky || fi.Size() != 3 || !fi.ModTime().Equal(mtime) {
		t.Errorf("after setstat: %v %d %v", fi.Mode(), fi.Size(), fi.ModTime())
	}
	f, err := c.OpenFile(ctx, "f", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Setstat(ctx, &Attributes{Flags: AttrPermissions | AttrSize, Mode: 0o640, Size: 1}); err != nil {
		t.Fatal(err)
	}
	rfi, err := f.Stat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rfi.Mode() != 0o640 || rfi.Size() != 1 || rfi.Name() != "f" {
		t.Errorf("after fsetstat: %v %d", rfi.Mode(), rfi.Size())
	}
	if err := f.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Chmod(ctx, "nonesuch", 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("chmod nonesuch: %v", err)
	}
	// lsetstat changes the link's times, not the target's.
	os.Symlink("f", filepath.Join(dir, "l"))
	if err := c.Lsetstat(ctx, "l", &Attributes{Flags: AttrACModTime, Atime: uint32(atime.Unix()), Mtime: uint32(atime.Unix())}); err != nil {
		t.Fatal(err)
	}
	lfi, _ := os.Lstat(filepath.Join(dir, "l"))
	tfi, _ := os.Stat(name)
	if !lfi.ModTime().Equal(atime) || tfi.ModTime().Equal(atime) {
		t.Errorf("lsetstat: link %v, target %v", lfi.ModTime(), tfi.ModTime())
	}
}

func TestDirs(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	if err := c.Mkdir(ctx, "d", 0o700); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "d")); err != nil || fi.Mode() != fs.ModeDir|0o700 {
		t.Fatalf("mkdir: %v %v", fi, err)
	}
	if err := c.Mkdir(ctx, "d", 0o700); err == nil {
		t.Error("mkdir of an existing dir succeeded")
	}
	const n = 250 // more than one READDIR reply's worth (the server sends 100)
	for i := range n {
		writeFile(t, filepath.Join(dir, "d", "f"+itoa(i)), bytes.Repeat([]byte("x"), i))
	}
	list, err := c.ReadDir(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, fi := range list {
		seen[fi.Name()] = true
		if fi.Longname == "" {
			t.Errorf("%s: no longname", fi.Name())
		}
		if fi.Name() == "f7" && (fi.Size() != 7 || !fi.Mode().IsRegular()) {
			t.Errorf("f7: %d %v", fi.Size(), fi.Mode())
		}
	}
	if len(list) != n+2 || !seen["."] || !seen[".."] || !seen["f0"] || !seen["f249"] {
		t.Errorf("readdir: %d entries", len(list))
	}
	if _, err := c.ReadDir(ctx, "nonesuch"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readdir nonesuch: %v", err)
	}
	if err := c.Rmdir(ctx, "d"); err == nil {
		t.Error("rmdir of a full directory succeeded")
	}
	for i := range n {
		if err := c.Remove(ctx, "d/f"+itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Remove(ctx, "d/f0"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("remove twice: %v", err)
	}
	if err := c.Rmdir(ctx, "d"); err != nil {
		t.Fatal(err)
	}
}

func TestRenameAndLinks(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	writeFile(t, filepath.Join(dir, "a"), []byte("a"))
	writeFile(t, filepath.Join(dir, "b"), []byte("b"))
	// Plain RENAME refuses to replace; posix-rename replaces.
	if err := c.Rename(ctx, "a", "b"); err == nil {
		t.Error("rename onto an existing file succeeded")
	}
	if err := c.Rename(ctx, "a", "c"); err != nil {
		t.Fatal(err)
	}
	if err := c.PosixRename(ctx, "c", "b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "b")); string(got) != "a" {
		t.Errorf("b holds %q", got)
	}
	var le *LinkError
	if err := c.Rename(ctx, "nonesuch", "x"); !errors.As(err, &le) || !errors.Is(err, fs.ErrNotExist) ||
		err.Error() != "rename nonesuch x: No such file or directory" {
		t.Errorf("rename nonesuch: %v", err)
	}
	// Symlink(target, link) makes link point at target.
	if err := c.Symlink(ctx, "b", "s"); err != nil {
		t.Fatal(err)
	}
	if got, err := os.Readlink(filepath.Join(dir, "s")); err != nil || got != "b" {
		t.Errorf("symlink: %q %v", got, err)
	}
	if got, err := c.Readlink(ctx, "s"); err != nil || got != "b" {
		t.Errorf("readlink: %q %v", got, err)
	}
	if err := c.Link(ctx, "b", "h"); err != nil {
		t.Fatal(err)
	}
	fb, _ := os.Stat(filepath.Join(dir, "b"))
	fh, _ := os.Stat(filepath.Join(dir, "h"))
	if !os.SameFile(fb, fh) {
		t.Error("hardlink: not the same file")
	}
	if _, err := c.Readlink(ctx, "b"); err == nil {
		t.Error("readlink of a regular file succeeded")
	}
}

func TestPaths(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	real, _ := filepath.EvalSymlinks(dir)
	if got, err := c.Realpath(ctx, "."); err != nil || got != real {
		t.Errorf("realpath .: %q %v, want %q", got, err, real)
	}
	os.Mkdir(filepath.Join(dir, "x"), 0o755)
	os.Mkdir(filepath.Join(dir, "y"), 0o755)
	if got, err := c.Realpath(ctx, "x/../y"); err != nil || got != real+"/y" {
		t.Errorf("realpath x/../y: %q %v", got, err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.HomeDirectory(ctx, me.Username); err != nil || got != me.HomeDir {
		t.Errorf("home-directory %s: %q %v, want %q", me.Username, got, err, me.HomeDir)
	}
	// The server's "~" is its start directory.
	if got, err := c.ExpandPath(ctx, "~"); err != nil || got != real {
		t.Errorf("expand-path ~: %q %v, want %q", got, err, real)
	}
	if got, err := c.ExpandPath(ctx, "~"+me.Username); err != nil || got != me.HomeDir {
		t.Errorf("expand-path ~%s: %q %v, want %q", me.Username, got, err, me.HomeDir)
	}
	if got, err := c.ExpandPath(ctx, "."); err != nil || got != real {
		t.Errorf("expand-path .: %q %v", got, err)
	}
	if _, err := c.HomeDirectory(ctx, "no-such-user-xyz"); err == nil {
		t.Error("home-directory of an unknown user succeeded")
	}
}

func TestUsersGroups(t *testing.T) {
	ctx := context.Background()
	c, _ := startServer(t, nil)
	users, groups, err := c.UsersGroupsByID(ctx, []uint32{0, 4000000000}, []uint32{0})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0] != "root" || users[1] != "" || len(groups) != 1 || groups[0] != "root" {
		t.Errorf("users %q groups %q", users, groups)
	}
	users, groups, err = c.UsersGroupsByID(ctx, nil, nil)
	if err != nil || len(users) != 0 || len(groups) != 0 {
		t.Errorf("empty: %q %q %v", users, groups, err)
	}
}

func TestStatVFSSyncCopyData(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	sv, err := c.StatVFS(ctx, ".")
	if err != nil || sv.Bsize == 0 || sv.Namemax == 0 {
		t.Fatalf("statvfs: %+v %v", sv, err)
	}
	writeFile(t, filepath.Join(dir, "src"), []byte("0123456789"))
	src, err := c.Open(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	fsv, err := src.StatVFS(ctx)
	if err != nil || fsv.Fsid != sv.Fsid {
		t.Errorf("fstatvfs: %+v %v", fsv, err)
	}
	dst, err := c.Create(ctx, "dst", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CopyData(ctx, src, 2, 5, dst, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.CopyData(ctx, src, 8, 0, dst, 6); err != nil {
		t.Fatal(err)
	}
	if err := dst.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []*File{src, dst} {
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "dst")); string(got) != "\x002345689" {
		t.Errorf("copy-data: %q", got)
	}
	if _, err := c.StatVFS(ctx, "nonesuch"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("statvfs nonesuch: %v", err)
	}
}

func TestOpenFlags(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	if _, err := c.Open(ctx, "nonesuch"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open nonesuch: %v", err)
	}
	f, err := c.OpenFile(ctx, "new", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(ctx, []byte("abc"), 0)
	f.Close(ctx)
	if _, err := c.OpenFile(ctx, "new", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		t.Error("O_EXCL on an existing file succeeded")
	}
	if fi, _ := os.Stat(filepath.Join(dir, "new")); fi.Mode() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	f, err = c.OpenFile(ctx, "new", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(ctx, []byte("de"), 0) // O_APPEND: the server appends whatever the offset
	f.Close(ctx)
	if got, _ := os.ReadFile(filepath.Join(dir, "new")); string(got) != "abcde" {
		t.Errorf("append: %q", got)
	}
	f, err = c.Create(ctx, "new", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Close(ctx)
	if got, _ := os.ReadFile(filepath.Join(dir, "new")); len(got) != 0 {
		t.Errorf("create did not truncate: %q", got)
	}
	// A read-only handle refuses writes.
	f, _ = c.Open(ctx, "new")
	if _, err := f.WriteAt(ctx, []byte("x"), 0); err == nil {
		t.Error("write on a read-only handle succeeded")
	}
	f.Close(ctx)
	if err := f.Close(ctx); err == nil {
		t.Error("second close succeeded")
	}
}

func TestUnsupportedExtension(t *testing.T) {
	c, _ := startServer(t, nil)
	delete(c.exts, extHardlink.name)
	err := c.Link(context.Background(), "a", "b")
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("link without the extension: %v", err)
	}
}

// A server may refuse FSTAT and CLOSE (sftp-server -P): a download then
// reads to the end of the file, and a listing stands without its close.
func TestRefusedFstatAndClose(t *testing.T) {
	c, dir := startServer(t, nil, "-P", "fstat,close")
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 100000)
	writeFile(t, filepath.Join(dir, "f"), data)
	f, err := c.Open(ctx, filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := f.CopyTo(ctx, &got, 0); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Errorf("CopyTo: %v, %d bytes of %d", err, got.Len(), len(data))
	}
	if list, err := c.ReadDir(ctx, dir); err != nil || len(list) != 3 {
		t.Errorf("ReadDir: %v, %d entries", err, len(list))
	}
}
