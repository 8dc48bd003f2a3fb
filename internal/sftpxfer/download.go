package sftpxfer

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// attrIsReg, attrIsDir and attrIsLink read the file type from attributes; without
// permissions the type is unknown and neither holds.
func attrIsReg(a *sftp.Attributes) bool { return a.Mode&0o170000 == 0o100000 }

// AttrIsDir reports whether attributes are a directory's; without
// permissions the type is unknown and false.
func AttrIsDir(a *sftp.Attributes) bool { return a.Mode&0o170000 == 0o040000 }

// RemoteIsDir is OpenSSH's remote_is_dir: whether name is a directory,
// following symlinks, nothing printed. The error is a lost connection's.
func RemoteIsDir(ctx context.Context, c *sftp.Client, name string) (bool, error) {
	fi, err := c.Stat(ctx, name)
	if ConnLost(err) {
		return false, err
	}
	return err == nil && AttrIsDir(&fi.Attrs), nil
}
func attrIsLink(a *sftp.Attributes) bool { return a.Mode&0o170000 == 0o120000 }

// Download copies the remote file src to the local file dst, as sftp's
// do_download does. a is src's attributes when a listing gave them, else
// nil: src is then stat'ed (following a symlink). Messages are printed
// here; the error is ErrReported, or a fatal one.
func (x *Transfer) Download(src, dst string, a *sftp.Attributes, o Options) error {
	if o.Atomic {
		return x.downloadAtomic(src, dst, a, o)
	}
	if a == nil {
		fi, err := x.Client.Stat(x.Ctx, src)
		if err != nil {
			return x.remoteFailed(err, "stat remote: %s", FxText(err))
		}
		a = &fi.Attrs
	}
	// Ownership is not kept, so neither are setuid and setgid.
	mode := os.FileMode(0o666)
	if a.Flags&sftp.AttrPermissions != 0 {
		mode = os.FileMode(a.Mode & 0o777)
		if !attrIsReg(a) {
			x.errorf("download %s: not a regular file", src)
			return ErrReported
		}
	}
	var size int64
	if a.Flags&sftp.AttrSize != 0 {
		size = int64(min(a.Size, 1<<62))
	}
	f, err := x.Client.Open(x.Ctx, src)
	if err != nil {
		return x.remoteFailed(err, "remote open \"%s\": %s", src, FxText(err))
	}
	flag := os.O_WRONLY | os.O_CREATE
	switch {
	case o.ResumeChecked:
		flag = os.O_RDWR | os.O_CREATE
	case !o.Resume && !x.InPlace:
		flag |= os.O_TRUNC
	}
	local, err := os.OpenFile(dst, flag, mode|0o200)
	if err != nil {
		x.errorf("open local \"%s\": %s", dst, strerror.Text(err))
		return x.closeRemote(f, ErrReported)
	}
	defer local.Close()
	var offset int64
	if o.Resume {
		st, err := local.Stat()
		if err != nil {
			x.errorf("stat local \"%s\": %s", dst, strerror.Text(err))
			return x.closeRemote(f, ErrReported)
		}
		if st.Size() > size {
			x.errorf("Unable to resume download of \"%s\": local file is larger than remote", dst)
			return x.closeRemote(f, ErrReported)
		}
		offset = st.Size()
	}
	var w io.Writer = io.NewOffsetWriter(local, offset)
	if o.ResumeChecked {
		have, err := x.localHave(local)
		if err != nil {
			return x.closeRemote(f, err)
		}
		k := newKeeper(local, have)
		defer func() { x.debugResume(dst, k.keptBytes(), have, size) }()
		w = k
	}
	var n int64
	if x.splits(offset, size) && !o.ResumeChecked { // a checked resume compares in order
		n, err = x.fetchSplit(f, local, size)
	} else {
		n, err = x.fetch(f, w, offset, size)
	}
	return x.finishDownload(f, local, a, mode, o, offset, n, err)
}

// fetch moves the bytes of f from offset on into w, local's end, with
// the meter when it is on (OpenSSH shows none for an empty file) and the
// session's limit.
func (x *Transfer) fetch(f *sftp.File, w io.Writer, offset, size int64) (int64, error) {
	t := x.newTap()
	if size == 0 {
		t.m = nil
	}
	if t.m != nil {
		t.m.Start(meterName(f.Name()), size)
		t.m.Add(offset)
		defer t.m.Finish()
	}
	k := &sink{w: w, tap: t}
	n, err := f.CopyTo(x.Ctx, k, offset)
	if k.err != nil {
		err = &localError{k.err}
	}
	return n, err
}

// localError marks an error of the local side of a transfer.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// finishDownload reports how the copy of n bytes ended, leaves no
// unwritten hole behind a failure, closes the remote file and, after a
// success, applies -p and -f.
func (x *Transfer) finishDownload(f *sftp.File, local *os.File, a *sftp.Attributes, mode os.FileMode, o Options, offset, n int64, err error) error {
	dst := local.Name()
	if ConnLost(err) {
		return err
	}
	if err != nil || x.InPlace || o.ResumeChecked {
		// What did arrive stays, up to the first byte missing; in place,
		// what was there beyond the new end goes.
		if terr := local.Truncate(offset + n); terr != nil {
			x.errorf("local ftruncate \"%s\": %s", dst, strerror.Text(terr))
		}
	}
	var le *localError
	switch {
	case errors.As(err, &le):
		x.errorf("write local \"%s\": %s", dst, strerror.Text(le.err))
		return x.closeRemote(f, ErrReported)
	case err != nil && !x.interrupted():
		x.errorf("read remote \"%s\" : %s", f.Name(), readText(err))
		return x.closeRemote(f, ErrReported)
	}
	status := x.closeRemote(f, nil)
	if status == nil && x.interrupted() {
		status = ErrReported
	}
	if o.Preserve {
		if err := local.Chmod(mode); err != nil {
			x.errorf("local chmod \"%s\": %s", dst, strerror.Text(err))
		}
		if a.Flags&sftp.AttrACModTime != 0 {
			if err := os.Chtimes(dst, time.Unix(int64(a.Atime), 0), time.Unix(int64(a.Mtime), 0)); err != nil {
				x.errorf("local set times \"%s\": %s", dst, strerror.Text(err))
			}
		}
	}
	switch {
	case o.Resume && n == 0:
		x.logit("File \"%s\" was not modified", dst)
	case o.Fsync:
		if err := local.Sync(); err != nil {
			x.errorf("local sync \"%s\": %s", dst, strerror.Text(err))
		}
	}
	return status
}

// readText words a failed download: the server's status, or a file that
// ended before the size the server gave for it.
func readText(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "file ended before its size"
	}
	return FxText(err)
}

// closeRemote closes f and prints sftp's message when that fails. After
// ^C the close is sent but not waited for. It returns status, or
// ErrReported when only the close failed.
func (x *Transfer) closeRemote(f *sftp.File, status error) error {
	err := f.Close(x.Ctx)
	switch {
	case err == nil || x.interrupted() && !ConnLost(err):
		return status
	case ConnLost(err):
		return err
	}
	x.errorf("close remote: %s", FxText(err))
	if status == nil {
		status = ErrReported
	}
	return status
}

// remoteFailed prints a failed request's message and returns ErrReported,
// or returns a fatal error unprinted.
func (x *Transfer) remoteFailed(err error, format string, args ...any) error {
	if ConnLost(err) {
		return err
	}
	if !x.interrupted() {
		x.errorf(format, args...)
	}
	return ErrReported
}

// sink is the local end of a download. It keeps its own write error
// apart from the server's.
type sink struct {
	w   io.Writer
	tap *tap
	err error
}

func (k *sink) Write(p []byte) (int, error) {
	n, err := k.w.Write(p)
	k.tap.moved(n)
	if err != nil {
		k.err = err
	}
	return n, err
}
