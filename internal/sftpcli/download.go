package sftpcli

import (
	"errors"
	"io"
	"os"
	"time"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// attrIsReg and attrIsDir read the file type from attributes; without
// permissions the type is unknown and neither holds.
func attrIsReg(a *sftp.Attributes) bool { return a.Mode&0o170000 == 0o100000 }
func attrIsDir(a *sftp.Attributes) bool { return a.Mode&0o170000 == 0o040000 }

// download copies the remote file src to the local file dst, as sftp's
// do_download does. a is src's attributes when a listing gave them, else
// nil: src is then stat'ed (following a symlink). Messages are printed
// here; the error is errReported, or a fatal one.
func (s *session) download(src, dst string, a *sftp.Attributes, o xferOpts) error {
	if a == nil {
		fi, err := s.client.Stat(s.ctx, src)
		if err != nil {
			return s.remoteFailed(err, "stat remote: %s", fxText(err))
		}
		a = &fi.Attrs
	}
	// Ownership is not kept, so neither are setuid and setgid.
	mode := os.FileMode(0o666)
	if a.Flags&sftp.AttrPermissions != 0 {
		mode = os.FileMode(a.Mode & 0o777)
		if !attrIsReg(a) {
			s.errorf("download %s: not a regular file", src)
			return errReported
		}
	}
	var size int64
	if a.Flags&sftp.AttrSize != 0 {
		size = int64(min(a.Size, 1<<62))
	}
	f, err := s.client.Open(s.ctx, src)
	if err != nil {
		return s.remoteFailed(err, "remote open \"%s\": %s", src, fxText(err))
	}
	flag := os.O_WRONLY | os.O_CREATE
	if !o.resume {
		flag |= os.O_TRUNC
	}
	local, err := os.OpenFile(dst, flag, mode|0o200)
	if err != nil {
		s.errorf("open local \"%s\": %s", dst, strerror.Text(err))
		return s.closeRemote(f, errReported)
	}
	defer local.Close()
	var offset int64
	if o.resume {
		st, err := local.Stat()
		if err != nil {
			s.errorf("stat local \"%s\": %s", dst, strerror.Text(err))
			return s.closeRemote(f, errReported)
		}
		if st.Size() > size {
			s.errorf("Unable to resume download of \"%s\": local file is larger than remote", dst)
			return s.closeRemote(f, errReported)
		}
		offset = st.Size()
	}
	n, err := s.fetch(f, local, offset, size)
	return s.finishDownload(f, local, a, mode, o, offset, n, err)
}

// fetch moves the bytes of f from offset on into local at the same
// offset, with the meter when it is on (OpenSSH shows none for an empty
// file) and the session's limit.
func (s *session) fetch(f *sftp.File, local *os.File, offset, size int64) (int64, error) {
	t := s.newTap()
	t.meter = t.meter && size != 0
	if t.meter {
		s.meter.Start(meterName(f.Name()), size)
		s.meter.Add(offset)
		defer s.meter.Finish()
	}
	w := &sink{w: io.NewOffsetWriter(local, offset), tap: t}
	n, err := f.CopyTo(s.ctx, w, offset)
	if w.err != nil {
		err = &localError{w.err}
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
func (s *session) finishDownload(f *sftp.File, local *os.File, a *sftp.Attributes, mode os.FileMode, o xferOpts, offset, n int64, err error) error {
	dst := local.Name()
	if connLost(err) {
		return err
	}
	if err != nil {
		// What did arrive stays, up to the first byte missing.
		if terr := local.Truncate(offset + n); terr != nil {
			s.errorf("local ftruncate \"%s\": %s", dst, strerror.Text(terr))
		}
	}
	var le *localError
	switch {
	case errors.As(err, &le):
		s.errorf("write local \"%s\": %s", dst, strerror.Text(le.err))
		return s.closeRemote(f, errReported)
	case err != nil && !s.interrupted():
		s.errorf("read remote \"%s\" : %s", f.Name(), readText(err))
		return s.closeRemote(f, errReported)
	}
	status := s.closeRemote(f, nil)
	if status == nil && s.interrupted() {
		status = errReported
	}
	if o.preserve {
		if err := local.Chmod(mode); err != nil {
			s.errorf("local chmod \"%s\": %s", dst, strerror.Text(err))
		}
		if a.Flags&sftp.AttrACModTime != 0 {
			if err := os.Chtimes(dst, time.Unix(int64(a.Atime), 0), time.Unix(int64(a.Mtime), 0)); err != nil {
				s.errorf("local set times \"%s\": %s", dst, strerror.Text(err))
			}
		}
	}
	switch {
	case o.resume && n == 0:
		s.logit("File \"%s\" was not modified", dst)
	case o.fsync:
		if err := local.Sync(); err != nil {
			s.errorf("local sync \"%s\": %s", dst, strerror.Text(err))
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
	return fxText(err)
}

// closeRemote closes f, even after ^C, and prints sftp's message when
// that fails. It returns status, or errReported when only the close
// failed.
func (s *session) closeRemote(f *sftp.File, status error) error {
	err := f.Close(s.cleanupCtx())
	switch {
	case err == nil:
		return status
	case connLost(err):
		return err
	}
	s.errorf("close remote: %s", fxText(err))
	if status == nil {
		status = errReported
	}
	return status
}

// remoteFailed prints a failed request's message and returns errReported,
// or returns a fatal error unprinted.
func (s *session) remoteFailed(err error, format string, args ...any) error {
	if connLost(err) {
		return err
	}
	if !s.interrupted() {
		s.errorf(format, args...)
	}
	return errReported
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
