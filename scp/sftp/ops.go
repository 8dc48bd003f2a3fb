package sftp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"
)

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// pathStatus sends a request of one path whose reply is a STATUS.
func (c *Client) pathStatus(ctx context.Context, op string, typ byte, name string) error {
	m, err := c.roundTrip(ctx, func(id uint32) message { return &stringMsg{Type: typ, ID: id, Value: name} })
	if err == nil {
		err = statusOf(m)
	}
	if err != nil {
		return pathErr(op, name, err)
	}
	return nil
}

// attrsOf returns the attributes in an ATTRS reply.
func attrsOf(m message, err error) (Attributes, error) {
	if err != nil {
		return Attributes{}, err
	}
	a, ok := m.(*attrsMsg)
	if !ok {
		return Attributes{}, unexpected(m)
	}
	return a.Attrs, nil
}

func (c *Client) stat(ctx context.Context, op string, typ byte, name string) (*FileInfo, error) {
	a, err := attrsOf(c.roundTrip(ctx, func(id uint32) message { return &stringMsg{Type: typ, ID: id, Value: name} }))
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return &FileInfo{name: path.Base(name), Attrs: a}, nil
}

// Stat returns the attributes of the named file, following symlinks.
func (c *Client) Stat(ctx context.Context, name string) (*FileInfo, error) {
	return c.stat(ctx, "stat", fxpStat, name)
}

// Lstat returns the attributes of the named file, not following a final
// symlink.
func (c *Client) Lstat(ctx context.Context, name string) (*FileInfo, error) {
	return c.stat(ctx, "lstat", fxpLstat, name)
}

// Setstat sets the attributes of the named file that a.Flags selects.
func (c *Client) Setstat(ctx context.Context, name string, a *Attributes) error {
	return c.setstat(ctx, "setstat", fxpSetstat, name, a)
}

func (c *Client) setstat(ctx context.Context, op string, typ byte, name string, a *Attributes) error {
	m, err := c.roundTrip(ctx, func(id uint32) message { return &attrsPathMsg{Type: typ, ID: id, Path: name, Attrs: *a} })
	if err == nil {
		err = statusOf(m)
	}
	if err != nil {
		return pathErr(op, name, err)
	}
	return nil
}

// Chmod sets the permission bits (with setuid, setgid and sticky).
func (c *Client) Chmod(ctx context.Context, name string, mode fs.FileMode) error {
	return c.Setstat(ctx, name, &Attributes{Flags: AttrPermissions, Mode: posixPerm(mode)})
}

// Chown sets the numeric owner and group.
func (c *Client) Chown(ctx context.Context, name string, uid, gid uint32) error {
	return c.Setstat(ctx, name, &Attributes{Flags: AttrUIDGID, UID: uid, GID: gid})
}

// Chtimes sets the access and modification times (whole seconds).
func (c *Client) Chtimes(ctx context.Context, name string, atime, mtime time.Time) error {
	return c.Setstat(ctx, name, &Attributes{Flags: AttrACModTime, Atime: uint32(atime.Unix()), Mtime: uint32(mtime.Unix())})
}

// Truncate sets the size of the named file.
func (c *Client) Truncate(ctx context.Context, name string, size int64) error {
	return c.Setstat(ctx, name, &Attributes{Flags: AttrSize, Size: uint64(size)})
}

// Mkdir creates a directory with the given permission bits.
func (c *Client) Mkdir(ctx context.Context, name string, perm fs.FileMode) error {
	return c.setstat(ctx, "mkdir", fxpMkdir, name, &Attributes{Flags: AttrPermissions, Mode: posixPerm(perm)})
}

// Rmdir removes an empty directory.
func (c *Client) Rmdir(ctx context.Context, name string) error {
	return c.pathStatus(ctx, "rmdir", fxpRmdir, name)
}

// Remove removes a file (not a directory).
func (c *Client) Remove(ctx context.Context, name string) error {
	return c.pathStatus(ctx, "remove", fxpRemove, name)
}

func (c *Client) twoPaths(ctx context.Context, op string, typ byte, a, b string) error {
	m, err := c.roundTrip(ctx, func(id uint32) message { return &twoPathMsg{Type: typ, ID: id, A: a, B: b} })
	if err == nil {
		err = statusOf(m)
	}
	if err != nil {
		return &LinkError{Op: op, Old: a, New: b, Err: err}
	}
	return nil
}

// LinkError records an error of an operation on two paths.
type LinkError struct {
	Op, Old, New string
	Err          error
}

func (e *LinkError) Error() string { return e.Op + " " + e.Old + " " + e.New + ": " + e.Err.Error() }
func (e *LinkError) Unwrap() error { return e.Err }

// Rename renames oldpath to newpath with SSH_FXP_RENAME, which OpenSSH's
// server refuses when newpath exists. See [Client.PosixRename].
func (c *Client) Rename(ctx context.Context, oldpath, newpath string) error {
	return c.twoPaths(ctx, "rename", fxpRename, oldpath, newpath)
}

// Symlink creates linkpath pointing at target. OpenSSH's server takes the
// two paths in the reverse of the draft's order, and so does this client.
func (c *Client) Symlink(ctx context.Context, target, linkpath string) error {
	return c.twoPaths(ctx, "symlink", fxpSymlink, target, linkpath)
}

// oneName returns the single name of a NAME reply.
func oneName(m message, err error) (string, error) {
	if err != nil {
		return "", err
	}
	n, ok := m.(*nameMsg)
	if !ok {
		return "", unexpected(m)
	}
	if len(n.Entries) != 1 {
		return "", errBadCount(len(n.Entries))
	}
	return n.Entries[0].Name, nil
}

func (c *Client) pathName(ctx context.Context, op string, typ byte, name string) (string, error) {
	s, err := oneName(c.roundTrip(ctx, func(id uint32) message { return &stringMsg{Type: typ, ID: id, Value: name} }))
	if err != nil {
		return "", pathErr(op, name, err)
	}
	return s, nil
}

// Readlink returns the target of a symlink, as the server sends it.
func (c *Client) Readlink(ctx context.Context, name string) (string, error) {
	return c.pathName(ctx, "readlink", fxpReadlink, name)
}

// Realpath asks the server to canonicalise a path; "." gives the
// start directory.
func (c *Client) Realpath(ctx context.Context, name string) (string, error) {
	return c.pathName(ctx, "realpath", fxpRealpath, name)
}

// ReadDir lists a directory: every entry the server sends, "." and ".."
// included, in the server's order, each with its longname. The names are
// untrusted (see [FileInfo]). The list grows for as long as the server
// sends names: a hostile server is stopped by ending ctx.
func (c *Client) ReadDir(ctx context.Context, name string) ([]*FileInfo, error) {
	h, err := c.openHandle(ctx, func(id uint32) message { return &stringMsg{Type: fxpOpendir, ID: id, Value: name} })
	if err != nil {
		return nil, pathErr("opendir", name, err)
	}
	list, err := c.readDir(ctx, h)
	// The close is not waited for: a directory handle holds nothing to
	// flush, and a complete listing stands even if the server refuses to
	// close it (sftp-server -p without "close"). A connection lost before
	// it could be sent still fails.
	if cerr := c.sendClose(h); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	return list, nil
}

// readDirAhead is how many READDIR requests a listing keeps in flight.
// A server answers the requests on a handle in turn, each with its next
// names, then with end of file: a long listing costs a round trip per
// few batches, not per batch.
const readDirAhead = 4

func (c *Client) readDir(ctx context.Context, h string) ([]*FileInfo, error) {
	var list []*FileInfo
	var q []*call
	defer func() {
		for _, k := range q {
			k.abandon()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for len(q) < readDirAhead {
			k, err := c.start(func(id uint32) message { return &stringMsg{Type: fxpReaddir, ID: id, Value: h} })
			if err != nil {
				return nil, err
			}
			q = append(q, k)
		}
		m, err := q[0].wait(ctx)
		q = q[1:]
		if err != nil {
			return nil, err
		}
		n, ok := m.(*nameMsg)
		if !ok {
			if err := unexpected(m); !isEOF(err) {
				return nil, err
			}
			return list, nil
		}
		for _, e := range n.Entries {
			list = append(list, &FileInfo{name: e.Name, Longname: e.Longname, Attrs: e.Attrs})
		}
	}
}

// openHandle sends the OPEN or OPENDIR request mk builds and returns
// the handle of the reply.
func (c *Client) openHandle(ctx context.Context, mk func(id uint32) message) (string, error) {
	r, err := c.roundTrip(ctx, mk)
	if err != nil {
		return "", err
	}
	h, ok := r.(*stringMsg)
	if !ok || h.Type != fxpHandle {
		return "", unexpected(r)
	}
	return h.Value, nil
}

// closeHandle closes a handle. It runs even when ctx has ended, so that
// a cancelled transfer does not leak the server's handle; it does not
// wait for the reply then.
// sendClose sends the CLOSE of handle h and does not wait for its reply.
func (c *Client) sendClose(h string) error {
	k, err := c.start(func(id uint32) message { return &stringMsg{Type: fxpClose, ID: id, Value: h} })
	if err != nil {
		return err
	}
	k.abandon()
	return nil
}

func (c *Client) closeHandle(ctx context.Context, h string) error {
	if ctx.Err() != nil {
		if err := c.sendClose(h); err != nil {
			return err
		}
		return ctx.Err()
	}
	m, err := c.roundTrip(ctx, func(id uint32) message { return &stringMsg{Type: fxpClose, ID: id, Value: h} })
	if err != nil {
		return err
	}
	return statusOf(m)
}

func errBadCount(n int) error {
	return fmt.Errorf("sftp: %w: %d names where one was due", errBadPacket, n)
}

// isEOF reports whether err is the server's end-of-file status.
func isEOF(err error) bool {
	var s *StatusError
	return errors.As(err, &s) && s.Code == CodeEOF
}

func baseName(name string) string { return path.Base(name) }
