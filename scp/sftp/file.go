package sftp

import (
	"context"
	"io/fs"
	"os"
)

// Open flags of SSH_FXP_OPEN (SSH_FXF_*).
const (
	fxfRead   = 0x01
	fxfWrite  = 0x02
	fxfAppend = 0x04
	fxfCreat  = 0x08
	fxfTrunc  = 0x10
	fxfExcl   = 0x20
)

// File is an open remote file. Its methods may be called from several
// goroutines at once; a File has no offset of its own.
type File struct {
	c      *Client
	name   string
	handle string
}

// Open opens the named file for reading.
func (c *Client) Open(ctx context.Context, name string) (*File, error) {
	return c.OpenFile(ctx, name, os.O_RDONLY, 0)
}

// Create creates or truncates the named file for writing; a new file
// gets the permission bits perm (before the server's umask).
func (c *Client) Create(ctx context.Context, name string, perm fs.FileMode) (*File, error) {
	return c.OpenFile(ctx, name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
}

// OpenFile opens the named file with flag (os.O_RDONLY, os.O_WRONLY or
// os.O_RDWR, or'ed with os.O_APPEND, os.O_CREATE, os.O_TRUNC and
// os.O_EXCL). perm is sent only with os.O_CREATE.
func (c *Client) OpenFile(ctx context.Context, name string, flag int, perm fs.FileMode) (*File, error) {
	var a Attributes
	if flag&os.O_CREATE != 0 {
		a = Attributes{Flags: AttrPermissions, Mode: posixPerm(perm)}
	}
	h, err := c.openHandle(ctx, func(id uint32) message {
		return &openMsg{ID: id, Path: name, Pflags: pflags(flag), Attrs: a}
	})
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return &File{c: c, name: name, handle: h}, nil
}

func pflags(flag int) uint32 {
	var p uint32
	switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
	case os.O_RDONLY:
		p = fxfRead
	case os.O_WRONLY:
		p = fxfWrite
	case os.O_RDWR:
		p = fxfRead | fxfWrite
	}
	for _, f := range []struct {
		os  int
		fxf uint32
	}{{os.O_APPEND, fxfAppend}, {os.O_CREATE, fxfCreat}, {os.O_TRUNC, fxfTrunc}, {os.O_EXCL, fxfExcl}} {
		if flag&f.os != 0 {
			p |= f.fxf
		}
	}
	return p
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// Close closes the server's handle. For a file written to, an error here
// may be the first sign that data did not reach the disk.
func (f *File) Close(ctx context.Context) error {
	if err := f.c.closeHandle(ctx, f.handle); err != nil {
		return pathErr("close", f.name, err)
	}
	return nil
}

// Stat returns the attributes of the open file (SSH_FXP_FSTAT).
func (f *File) Stat(ctx context.Context) (*FileInfo, error) {
	a, err := attrsOf(f.c.roundTrip(ctx, f.fstat))
	if err != nil {
		return nil, pathErr("fstat", f.name, err)
	}
	return &FileInfo{name: baseName(f.name), Attrs: a}, nil
}

func (f *File) fstat(id uint32) message {
	return &stringMsg{Type: fxpFstat, ID: id, Value: f.handle}
}

// Setstat sets the attributes of the open file that a.Flags selects
// (SSH_FXP_FSETSTAT).
func (f *File) Setstat(ctx context.Context, a *Attributes) error {
	m, err := f.c.roundTrip(ctx, func(id uint32) message {
		return &attrsPathMsg{Type: fxpFsetstat, ID: id, Path: f.handle, Attrs: *a}
	})
	if err == nil {
		err = statusOf(m)
	}
	if err != nil {
		return pathErr("fsetstat", f.name, err)
	}
	return nil
}

// Sync asks the server to fsync the file (fsync@openssh.com).
func (f *File) Sync(ctx context.Context) error {
	if err := f.c.extendedStatus(ctx, extFsync, string1(f.handle)); err != nil {
		return pathErr("fsync", f.name, err)
	}
	return nil
}

// StatVFS returns the statistics of the file system holding the open
// file (fstatvfs@openssh.com).
func (f *File) StatVFS(ctx context.Context) (*StatVFS, error) {
	d, err := f.c.extendedReply(ctx, extFstatVFS, string1(f.handle))
	if err == nil {
		var s *StatVFS
		if s, err = decodeStatVFS(d); err == nil {
			return s, nil
		}
	}
	return nil, pathErr("fstatvfs", f.name, err)
}

// CopyData has the server copy n bytes of src from srcOff to dst at
// dstOff, without the data crossing the network (copy-data). n == 0
// copies up to the end of src.
func (c *Client) CopyData(ctx context.Context, src *File, srcOff, n int64, dst *File, dstOff int64) error {
	err := c.extendedStatus(ctx, extCopyData, func(p []byte) []byte {
		p = appendU64(appendU64(appendString(p, src.handle), uint64(srcOff)), uint64(n))
		return appendU64(appendString(p, dst.handle), uint64(dstOff))
	})
	if err != nil {
		return &LinkError{Op: "copy-data", Old: src.name, New: dst.name, Err: err}
	}
	return nil
}
