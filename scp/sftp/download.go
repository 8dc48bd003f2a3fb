package sftp

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Download copies the remote path (and, with Recursive, the tree under
// it) to target on the local disk, as `cp -r` does: into target when it
// is an existing directory, otherwise to that name. remotePath itself is
// followed if it is a symlink.
//
// Everything the server lists is untrusted. Nothing is written outside
// the tree's local top: files and directories are made through an
// [os.Root] on it, and names that could not be a file there are skipped
// and reported as [ErrUnsafeName]. Symlinks in the remote tree are not
// followed ([ErrSymlink]). Each directory is listed whole, one at a
// time, and at most 64 levels deep ([ErrTooDeep]).
//
// A file or directory that cannot be copied is a [*TransferError]; the
// others are still copied, and the errors are joined into the one
// returned. A file that ends before the size the server gave is an error
// wrapping io.ErrUnexpectedEOF; it may be left partly written.
func (c *Client) Download(ctx context.Context, remotePath, target string, opts *CopyOptions) error {
	if remotePath == "" {
		remotePath = "."
	}
	d := &downloader{c: c, ctx: ctx, o: options(opts), copyErrs: copyErrs{ctx: ctx, op: "download"}}
	fi, err := c.Stat(ctx, remotePath)
	if err != nil {
		d.fail(remotePath, err)
		return d.result()
	}
	dst := target
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		if b := path.Base(remotePath); b != "/" && filepath.IsLocal(b) {
			dst = filepath.Join(target, b)
		}
	}
	d.entry(remotePath, osFS{}, dst, fi, 0)
	return d.result()
}

type downloader struct {
	c   *Client
	ctx context.Context
	o   *CopyOptions
	copyErrs
}

// localFS is where a download writes: the caller's own paths at the top,
// an *os.Root below it.
type localFS interface {
	OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error)
	Mkdir(name string, perm fs.FileMode) error
	Stat(name string) (fs.FileInfo, error)
	Chmod(name string, mode fs.FileMode) error
	Chtimes(name string, atime, mtime time.Time) error
}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(name, flag, perm)
}
func (osFS) Mkdir(name string, perm fs.FileMode) error         { return os.Mkdir(name, perm) }
func (osFS) Stat(name string) (fs.FileInfo, error)             { return os.Stat(name) }
func (osFS) Chmod(name string, mode fs.FileMode) error         { return os.Chmod(name, mode) }
func (osFS) Chtimes(name string, atime, mtime time.Time) error { return os.Chtimes(name, atime, mtime) }

func (d *downloader) entry(rp string, lfs localFS, lp string, fi *FileInfo, depth int) error {
	if err := d.ctx.Err(); err != nil {
		return d.fail(rp, err)
	}
	m := fi.Mode()
	if fi.Attrs.Flags&AttrPermissions == 0 {
		m = fs.ModeIrregular // no file type: not a file to copy, as in OpenSSH
	}
	switch {
	case m.IsRegular():
		return d.file(rp, lfs, lp, fi)
	case m.IsDir() && !d.o.Recursive:
		return d.fail(rp, ErrDirectory)
	case m.IsDir():
		return d.dir(rp, lfs, lp, fi, depth)
	case m&fs.ModeSymlink != 0:
		return d.fail(rp, ErrSymlink)
	}
	return d.fail(rp, ErrNotRegular)
}

func (d *downloader) dir(rp string, lfs localFS, lp string, fi *FileInfo, depth int) error {
	if depth > maxDepth {
		return d.fail(rp, ErrTooDeep)
	}
	// Owner access while the contents go in, as OpenSSH does.
	if err := lfs.Mkdir(lp, fi.Mode().Perm()|0o700); err != nil {
		if st, serr := lfs.Stat(lp); serr != nil || !st.IsDir() {
			return d.fail(rp, err)
		}
	}
	sub, rel := lfs, lp
	if depth == 0 {
		root, err := os.OpenRoot(lp)
		if err != nil {
			return d.fail(rp, err)
		}
		defer root.Close()
		sub, rel = root, "."
	}
	if err := d.list(rp, sub, rel, depth); err != nil {
		return err
	}
	if d.o.Preserve {
		err := lfs.Chmod(lp, fi.Mode().Perm())
		if err == nil && fi.Attrs.Flags&AttrACModTime != 0 {
			err = lfs.Chtimes(lp, time.Unix(int64(fi.Attrs.Atime), 0), fi.ModTime())
		}
		if err != nil {
			return d.fail(rp, err)
		}
	}
	return nil
}

// list copies the entries of the remote directory rp into lp.
func (d *downloader) list(rp string, lfs localFS, lp string, depth int) error {
	entries, err := d.c.ReadDir(d.ctx, rp)
	if err != nil {
		return d.fail(rp, err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == "." || name == ".." {
			continue
		}
		erp := rjoin(rp, name)
		if !localName(name) {
			err = d.fail(erp, ErrUnsafeName)
		} else {
			err = d.entry(erp, lfs, filepath.Join(lp, name), e, depth+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// localName reports whether a name from the server can be one file in a
// local directory.
func localName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "/\x00") && filepath.IsLocal(name) &&
		filepath.Base(name) == name
}

func (d *downloader) file(rp string, lfs localFS, lp string, fi *FileInfo) error {
	rf, err := d.c.Open(d.ctx, rp)
	if err != nil {
		return d.fail(rp, err)
	}
	defer closeRead(rf)
	perm := fi.Mode().Perm()
	lf, err := lfs.OpenFile(lp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm|0o200)
	if err != nil {
		return d.fail(rp, err)
	}
	prog := d.o.start(rp, fi.Size())
	_, err = rf.CopyTo(d.ctx, d.o.writer(lf, prog), 0)
	if err == nil && d.o.Preserve {
		err = lf.Chmod(perm)
	}
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err == nil && d.o.Preserve && fi.Attrs.Flags&AttrACModTime != 0 {
		err = lfs.Chtimes(lp, time.Unix(int64(fi.Attrs.Atime), 0), fi.ModTime())
	}
	prog.Finish()
	if err != nil {
		return d.fail(rp, err)
	}
	return nil
}

// closeRead closes a file that was only read without waiting for the
// reply, which could not change the copy: the next file need not wait a
// round trip for it.
func closeRead(f *File) {
	k, err := f.c.start(func(id uint32) message { return &stringMsg{Type: fxpClose, ID: id, Value: f.handle} })
	if err == nil {
		k.abandon()
	}
}
