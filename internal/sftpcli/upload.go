package sftpcli

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// upload copies the local file src to the remote file dst, as sftp's
// do_upload does. Messages are printed here; the error is errReported, or
// a fatal one.
func (s *session) upload(src, dst string, o xferOpts) error {
	local, err := os.Open(src)
	if err != nil {
		s.errorf("open local \"%s\": %s", src, strerror.Text(err))
		return errReported
	}
	defer local.Close()
	st, err := local.Stat()
	if err != nil {
		s.errorf("fstat local \"%s\": %s", src, strerror.Text(err))
		return errReported
	}
	if !st.Mode().IsRegular() {
		s.errorf("local \"%s\" is not a regular file", src)
		return errReported
	}
	a := localAttrs(st, 0o777, o.preserve)
	var offset int64
	if o.resume {
		fi, err := s.client.Stat(s.ctx, dst)
		if err != nil {
			return s.remoteFailed(err, "stat remote: %s", fxText(err))
		}
		if int64(min(fi.Attrs.Size, 1<<62)) >= st.Size() {
			s.errorf("resume \"%s\": destination file same size or larger", src)
			return errReported
		}
		offset = int64(fi.Attrs.Size)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.resume {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := s.client.OpenFile(s.ctx, dst, flag, fs.FileMode(a.Mode&0o777))
	if err != nil {
		return s.remoteFailed(err, "dest open \"%s\": %s", dst, fxText(err))
	}
	n, err := s.send(f, local, offset, st.Size())
	return s.finishUpload(f, src, a, o, offset, n, err)
}

// send moves the bytes of local from offset on into f at the same offset,
// with the meter when it is on and the session's limit.
func (s *session) send(f *sftp.File, local *os.File, offset, size int64) (int64, error) {
	t := s.newTap()
	if t.meter {
		s.meter.Start(meterName(local.Name()), size)
		s.meter.Add(offset)
		defer s.meter.Finish()
	}
	r := &source{r: io.NewSectionReader(local, offset, 1<<62), tap: t}
	n, err := f.CopyFrom(s.ctx, r, offset)
	if r.err != nil {
		err = &localError{r.err}
	}
	return n, err
}

// finishUpload reports how the copy of n bytes ended, cuts a failed
// resumed file back to what surely arrived, applies -p and -f and closes
// the remote file.
func (s *session) finishUpload(f *sftp.File, src string, a *sftp.Attributes, o xferOpts, offset, n int64, err error) error {
	if connLost(err) {
		return err
	}
	var status error
	var le *localError
	switch {
	case errors.As(err, &le):
		s.errorf("read local \"%s\": %s", src, strerror.Text(le.err))
		status = errReported
	case err != nil && !s.interrupted():
		s.errorf("write remote \"%s\": %s", f.Name(), fxText(err))
		status = errReported
	}
	ctx := s.cleanupCtx()
	if o.resume && (status != nil || s.interrupted()) {
		cut := &sftp.Attributes{Flags: sftp.AttrSize, Size: uint64(offset + n)}
		if err := s.warnFailed(f.Setstat(ctx, cut), "remote fsetstat: %s"); err != nil {
			return err
		}
	}
	if o.preserve {
		if err := s.warnFailed(f.Setstat(ctx, a), "remote fsetstat: %s"); err != nil {
			return err
		}
	}
	if o.fsync && s.client.HasExtension("fsync@openssh.com") {
		if err := s.warnFailed(f.Sync(ctx), "remote fsync: %s"); err != nil {
			return err
		}
	}
	// Like sftp, an upload that ^C cut short is no failure in itself.
	return s.closeRemote(f, status)
}

// warnFailed prints sftp's message for a failed request that does not fail
// the upload, with the status's text for its one verb, and returns nil; a
// lost connection is returned unprinted.
func (s *session) warnFailed(err error, format string) error {
	if err == nil || connLost(err) {
		return err
	}
	s.errorf(format, fxText(err))
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
