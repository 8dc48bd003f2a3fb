package sftpcli

import (
	"io"
	"os"

	"github.com/goscp/goscp/internal/strerror"
)

// uploadDir copies the local directory tree src into the remote directory
// dst, as sftp's upload_dir does: dst is canonicalised first, symlinks and
// special files are skipped with a message.
func (s *session) uploadDir(src, dst string, o xferOpts) error {
	canon, err := s.client.Realpath(s.ctx, dst)
	if err != nil {
		if connLost(err) {
			return err
		}
		if !s.interrupted() {
			s.errorf("realpath %s: %s", dst, realpathText(err))
			s.errorf("upload \"%s\": path canonicalization failed", dst)
		}
		return errReported
	}
	return s.uploadTree(src, canon, 0, o)
}

// uploadTree is upload_dir_internal.
func (s *session) uploadTree(src, dst string, depth int, o xferOpts) error {
	if depth >= maxDirDepth {
		s.errorf("Maximum directory depth exceeded: %d levels", depth)
		return errReported
	}
	st, err := os.Stat(src)
	if err != nil {
		s.errorf("stat local \"%s\": %s", src, strerror.Text(err))
		return errReported
	}
	if !st.IsDir() {
		s.errorf("\"%s\" is not a directory", src)
		return errReported
	}
	s.printf("Entering %s\n", src)

	// The directory stays writable for us while it fills; its own mode is
	// set at the end, with or without -p. An existing directory will do.
	a := localAttrs(st, 0o1777, o.preserve)
	if err := s.client.Mkdir(s.ctx, dst, dirMode(a.Mode|0o300)); err != nil {
		if connLost(err) {
			return err
		}
		fi, err := s.client.Stat(s.ctx, dst)
		if err != nil {
			return s.remoteFailed(err, "stat remote: %s", fxText(err))
		}
		if !attrIsDir(&fi.Attrs) {
			s.errorf("\"%s\" exists but is not a directory", dst)
			return errReported
		}
	}
	dir, err := os.Open(src)
	if err != nil {
		s.errorf("local opendir \"%s\": %s", src, strerror.Text(err))
		return errReported
	}
	defer dir.Close()
	status := s.uploadEntries(dir, src, dst, depth, o)
	if connLost(status) {
		return status
	}
	if err := s.client.Setstat(s.cleanupCtx(), dst, a); err != nil {
		if connLost(err) {
			return err
		}
		s.errorf("remote setstat \"%s\": %s", dst, fxText(err))
	}
	return status
}

// uploadEntries copies the entries of the open directory dir, in the
// order the system lists them, a batch of names at a time.
func (s *session) uploadEntries(dir *os.File, src, dst string, depth int, o xferOpts) error {
	var status error
	for !s.interrupted() {
		names, err := dir.Readdirnames(256)
		for _, name := range names {
			if s.interrupted() {
				break
			}
			if err := s.uploadEntry(src, dst, name, depth, o); connLost(err) {
				return err
			} else if err != nil {
				status = errReported
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			s.errorf("local readdir \"%s\": %s", src, strerror.Text(err))
			return errReported
		}
	}
	return status
}

// uploadEntry copies one entry of a directory: a directory, a regular
// file, or nothing.
func (s *session) uploadEntry(src, dst, name string, depth int, o xferOpts) error {
	newSrc, newDst := pathAppend(src, name), pathAppend(dst, name)
	st, err := os.Lstat(newSrc)
	switch {
	case err != nil:
		s.logit("local lstat \"%s\": %s", name, strerror.Text(err))
		return errReported
	case st.IsDir():
		return s.uploadTree(newSrc, newDst, depth+1, o)
	case st.Mode().IsRegular():
		err := s.upload(newSrc, newDst, o)
		if err != nil && !connLost(err) {
			s.errorf("upload \"%s\" to \"%s\" failed", newSrc, newDst)
		}
		return err
	}
	s.logit("%s: not a regular file", name)
	return nil
}
