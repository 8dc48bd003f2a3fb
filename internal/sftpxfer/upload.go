package sftpxfer

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// Upload copies the local file src to the remote file dst, as sftp's
// do_upload does. Messages are printed here; the error is ErrReported, or
// a fatal one.
func (x *Transfer) Upload(src, dst string, o Options) error {
	if o.Atomic {
		return x.uploadAtomic(src, dst, o)
	}
	local, err := os.Open(src)
	if err != nil {
		x.errorf("open local \"%s\": %s", src, strerror.Text(err))
		return ErrReported
	}
	defer local.Close()
	st, err := local.Stat()
	if err != nil {
		x.errorf("fstat local \"%s\": %s", src, strerror.Text(err))
		return ErrReported
	}
	if !st.Mode().IsRegular() {
		x.errorf("local \"%s\" is not a regular file", src)
		return ErrReported
	}
	a := localAttrs(st, 0o777, o.Preserve)
	var offset int64
	if o.Resume {
		fi, err := x.Client.Stat(x.Ctx, dst)
		if err != nil {
			return x.remoteFailed(err, "stat remote: %s", FxText(err))
		}
		if int64(min(fi.Attrs.Size, 1<<62)) >= st.Size() {
			x.errorf("resume \"%s\": destination file same size or larger", src)
			return ErrReported
		}
		offset = int64(fi.Attrs.Size)
	}
	flag := os.O_WRONLY | os.O_CREATE
	switch {
	case o.Resume:
		flag |= os.O_APPEND
	case !x.InPlace:
		flag |= os.O_TRUNC
	}
	var f *sftp.File
	readable := false
	if o.ResumeChecked {
		f, readable, err = x.openChecked(dst, fs.FileMode(a.Mode&0o777))
	} else {
		f, err = x.Client.OpenFile(x.Ctx, dst, flag, fs.FileMode(a.Mode&0o777))
	}
	if err != nil {
		return x.remoteFailed(err, "dest open \"%s\": %s", dst, FxText(err))
	}
	if readable {
		if offset, err = x.matchRemote(f, local, st.Size()); err != nil {
			return x.finishUpload(f, src, a, o, offset, 0, err)
		}
	}
	n, err := x.send(f, local, offset, st.Size())
	return x.finishUpload(f, src, a, o, offset, n, err)
}

// send moves the bytes of local from offset on into f at the same offset,
// with the meter when it is on and the session's limit.
func (x *Transfer) send(f *sftp.File, local *os.File, offset, size int64) (int64, error) {
	if x.splits(offset, size) {
		return x.sendSplit(f, local, size)
	}
	t := x.newTap()
	if t.m != nil {
		t.m.Start(meterName(local.Name()), size)
		t.m.Add(offset)
		defer t.m.Finish()
	}
	r := &source{r: io.NewSectionReader(local, offset, 1<<62), tap: t}
	n, err := f.CopyFrom(x.Ctx, r, offset)
	if r.err != nil {
		err = &localError{r.err}
	}
	return n, err
}

// finishUpload reports how the copy of n bytes ended, cuts a failed
// resumed file back to what surely arrived, applies -p and -f and closes
// the remote file.
func (x *Transfer) finishUpload(f *sftp.File, src string, a *sftp.Attributes, o Options, offset, n int64, err error) error {
	if ConnLost(err) {
		return err
	}
	var status error
	var le *localError
	switch {
	case errors.As(err, &le):
		x.errorf("read local \"%s\": %s", src, strerror.Text(le.err))
		status = ErrReported
	case err != nil && !x.interrupted():
		x.errorf("write remote \"%s\": %s", f.Name(), FxText(err))
		status = ErrReported
	}
	// After ^C these requests are skipped (a stalled server must not hold
	// the session); what was written is a prefix of the file all the same.
	ctx := x.Ctx
	if x.InPlace || o.ResumeChecked || o.Resume && (status != nil || x.interrupted()) {
		cut := &sftp.Attributes{Flags: sftp.AttrSize, Size: uint64(offset + n)}
		if err := x.warnFailed(f.Setstat(ctx, cut), "remote fsetstat: %s"); err != nil {
			return err
		}
	}
	if o.Preserve {
		if err := x.warnFailed(f.Setstat(ctx, a), "remote fsetstat: %s"); err != nil {
			return err
		}
	}
	if o.Fsync && x.Client.HasExtension("fsync@openssh.com") {
		if err := x.warnFailed(f.Sync(ctx), "remote fsync: %s"); err != nil {
			return err
		}
	}
	// Like sftp, an upload that ^C cut short is no failure in itself.
	return x.closeRemote(f, status)
}

// warnFailed prints sftp's message for a failed request that does not fail
// the upload, with the status's text for its one verb, and returns nil; a
// lost connection is returned unprinted.
func (x *Transfer) warnFailed(err error, format string) error {
	switch {
	case err == nil || ConnLost(err):
		return err
	case x.interrupted():
		return nil
	}
	x.errorf(format, FxText(err))
	return nil
}

// source is the local end of an upload. It keeps its own read error
// apart from the server's.
type source struct {
	r   io.Reader
	tap *tap
	err error
}

func (c *source) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.tap.moved(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// localAttrs are a local file's attributes as put sends them: the
// permission bits under mask, and the times with -p. Size and owner are
// never sent.
func localAttrs(st fs.FileInfo, mask uint32, preserve bool) *sftp.Attributes {
	m := st.Mode()
	perm := uint32(m.Perm())
	for _, b := range []struct {
		mode fs.FileMode
		bit  uint32
	}{{fs.ModeSetuid, 0o4000}, {fs.ModeSetgid, 0o2000}, {fs.ModeSticky, 0o1000}} {
		if m&b.mode != 0 {
			perm |= b.bit
		}
	}
	a := &sftp.Attributes{Flags: sftp.AttrPermissions, Mode: perm & mask}
	if preserve {
		a.Flags |= sftp.AttrACModTime
		a.Atime, a.Mtime = uint32(accessTime(st).Unix()), uint32(st.ModTime().Unix())
	}
	return a
}
