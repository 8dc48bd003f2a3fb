package sftp

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
)

// Upload copies local files (and, with Recursive, directories) to target
// on the server, as `cp -r` does: into target when it is a directory,
// which it must be when there is more than one path (else the error is an
// *fs.PathError wrapping syscall.ENOTDIR); otherwise to that name. The paths themselves are followed if they are symlinks; symlinks
// inside a directory are not, and are reported as [ErrSymlink].
//
// A file or directory that cannot be copied is a [*TransferError]; the
// others are still copied, and the errors are joined into the one
// returned. A file that ends before the size it had when opened is an
// error wrapping io.ErrUnexpectedEOF.
func (c *Client) Upload(ctx context.Context, paths []string, target string, opts *CopyOptions) error {
	return c.upload(ctx, osSource{}, paths, target, opts)
}

// UploadFS is [Client.Upload] with the files read from fsys (an embed.FS,
// an fstest.MapFS, os.DirFS), named as fs.FS names them; "." is the top
// of fsys, whose contents go into target. Modes are fsys's: embed.FS
// gives 0444 for files and 0555 for directories.
func (c *Client) UploadFS(ctx context.Context, fsys fs.FS, paths []string, target string, opts *CopyOptions) error {
	return c.upload(ctx, fsSource{fsys}, paths, target, opts)
}

type uploader struct {
	c   *Client
	ctx context.Context
	src source
	o   *CopyOptions
	copyErrs
}

func (c *Client) upload(ctx context.Context, src source, paths []string, target string, opts *CopyOptions) error {
	if target == "" {
		target = "."
	}
	fi, err := c.Stat(ctx, target)
	if err != nil && fatal(ctx, err) {
		return err
	}
	intoDir := err == nil && fi.IsDir()
	if len(paths) > 1 && !intoDir {
		return &fs.PathError{Op: "upload", Path: target, Err: syscall.ENOTDIR}
	}
	u := &uploader{c: c, ctx: ctx, src: src, o: options(opts), copyErrs: copyErrs{ctx: ctx, op: "upload"}}
	for _, p := range paths {
		dst := target
		if b := src.base(p); intoDir && b != "." && b != ".." && b != "/" {
			dst = rjoin(target, b)
		}
		if err := u.top(p, dst); err != nil {
			break
		}
	}
	return u.result()
}

func (u *uploader) top(p, dst string) error {
	fi, err := u.src.stat(p)
	if err != nil {
		return u.fail(p, err)
	}
	return u.entry(p, dst, fi, 0)
}

func (u *uploader) entry(p, dst string, fi fs.FileInfo, depth int) error {
	if err := u.ctx.Err(); err != nil {
		return u.fail(p, err)
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		return u.file(p, dst, fi)
	case m.IsDir() && !u.o.Recursive:
		return u.fail(p, ErrDirectory)
	case m.IsDir():
		return u.dir(p, dst, fi, depth)
	case m&fs.ModeSymlink != 0:
		return u.fail(p, ErrSymlink)
	}
	return u.fail(p, ErrNotRegular)
}

func (u *uploader) dir(p, dst string, fi fs.FileInfo, depth int) error {
	if depth > maxDepth {
		return u.fail(p, ErrTooDeep)
	}
	// Owner access while the contents go in, as OpenSSH does.
	if err := u.c.Mkdir(u.ctx, dst, fi.Mode().Perm()|0o700); err != nil {
		if st, serr := u.c.Stat(u.ctx, dst); serr != nil || !st.IsDir() {
			return u.fail(p, err)
		}
	}
	entries, err := u.src.readDir(p)
	if err != nil {
		return u.fail(p, err)
	}
	for _, e := range entries {
		sp, dp := u.src.join(p, e.Name()), rjoin(dst, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			if err := u.fail(sp, ErrSymlink); err != nil {
				return err
			}
			continue
		}
		efi, err := e.Info()
		if err == nil {
			err = u.entry(sp, dp, efi, depth+1)
		} else {
			err = u.fail(sp, err)
		}
		if err != nil {
			return err
		}
	}
	if u.o.Preserve {
		if err := u.c.Setstat(u.ctx, dst, u.attrs(fi)); err != nil {
			return u.fail(p, err)
		}
	}
	return nil
}

func (u *uploader) file(p, dst string, fi fs.FileInfo) error {
	f, ofi, err := u.src.open(p, fi)
	if err != nil {
		return u.fail(p, err)
	}
	defer f.Close()
	rf, err := u.c.Create(u.ctx, dst, fi.Mode().Perm())
	if err != nil {
		return u.fail(p, err)
	}
	prog := u.o.start(p, ofi.Size())
	n, err := rf.CopyFrom(u.ctx, u.o.reader(f, prog), 0)
	if err == nil && n < ofi.Size() {
		err = shortErr(n, ofi.Size())
	}
	if err == nil && u.o.Preserve {
		err = rf.Setstat(u.ctx, u.attrs(ofi))
	}
	err = closeWith(u.ctx, rf, err)
	prog.Finish()
	if err != nil {
		return u.fail(p, err)
	}
	return nil
}

// attrs are the permission bits and times Preserve sets.
func (u *uploader) attrs(fi fs.FileInfo) *Attributes {
	atime, mtime := fileTimes(fi)
	return &Attributes{
		Flags: AttrPermissions | AttrACModTime,
		Mode:  posixPerm(fi.Mode()),
		Atime: unixSecs(atime),
		Mtime: unixSecs(mtime),
	}
}

// A source is where an upload reads: the local disk or an fs.FS.
type source interface {
	stat(name string) (fs.FileInfo, error) // follows symlinks
	readDir(name string) ([]fs.DirEntry, error)
	// open opens the regular file fi describes and returns what it
	// describes now.
	open(name string, fi fs.FileInfo) (fs.File, fs.FileInfo, error)
	join(dir, name string) string
	base(name string) string
}

type osSource struct{}

func (osSource) stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osSource) readDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osSource) join(dir, name string) string               { return filepath.Join(dir, name) }
func (osSource) base(name string) string                    { return filepath.Base(name) }

// open refuses a file that is not the one listed: it may have been
// replaced by a symlink since.
func (osSource) open(name string, fi fs.FileInfo) (fs.File, fs.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	ofi, err := f.Stat()
	if err == nil && !os.SameFile(fi, ofi) {
		err = &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, ofi, nil
}

type fsSource struct{ fsys fs.FS }

func (s fsSource) stat(name string) (fs.FileInfo, error)      { return fs.Stat(s.fsys, name) }
func (s fsSource) readDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.fsys, name) }
func (fsSource) join(dir, name string) string                 { return path.Join(dir, name) }
func (fsSource) base(name string) string                      { return path.Base(name) }

func (s fsSource) open(name string, _ fs.FileInfo) (fs.File, fs.FileInfo, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	ofi, err := f.Stat()
	if err == nil && !ofi.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, ofi, nil
}
