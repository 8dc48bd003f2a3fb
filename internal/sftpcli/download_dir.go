package sftpcli

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// downloadDir copies the remote directory tree src into the local
// directory dst, as sftp's download_dir does: src is canonicalised first,
// symlinks and special files are skipped with a message.
func (s *session) downloadDir(src, dst string, o xferOpts) error {
	canon, err := s.client.Realpath(s.ctx, src)
	if err != nil {
		if connLost(err) {
			return err
		}
		if !s.interrupted() {
			s.errorf("realpath %s: %s", src, realpathText(err))
			s.errorf("download \"%s\": path canonicalization failed", src)
		}
		return errReported
	}
	return s.downloadTree(canon, dst, 0, nil, o)
}

// downloadTree is download_dir_internal: a is src's attributes from its
// parent's listing, nil at the top.
func (s *session) downloadTree(src, dst string, depth int, a *sftp.Attributes, o xferOpts) error {
	if depth >= maxDirDepth {
		s.errorf("Maximum directory depth exceeded: %d levels", depth)
		return errReported
	}
	if a == nil {
		fi, err := s.client.Stat(s.ctx, src)
		if err != nil {
			return s.remoteFailed(err, "stat remote \"%s\" directory failed", src)
		}
		a = &fi.Attrs
	}
	if !attrIsDir(a) {
		s.errorf("\"%s\" is not a directory", src)
		return errReported
	}
	s.printf("Retrieving %s\n", src)

	// The directory stays writable for us while it fills; its own mode
	// comes at the end.
	mode, tmp := fs.FileMode(0o777), fs.FileMode(0o777)
	if a.Flags&sftp.AttrPermissions != 0 {
		mode = dirMode(a.Mode)
		tmp = mode | 0o300
	}
	if err := os.Mkdir(dst, tmp); err != nil && !errors.Is(err, fs.ErrExist) {
		s.errorf("mkdir %s: %s", dst, strerror.Text(err))
		return errReported
	}
	entries, err := s.readDir(src)
	if err != nil {
		return err
	}
	status := s.downloadEntries(src, dst, depth, entries, o)
	if connLost(status) {
		return status
	}
	if o.preserve && a.Flags&sftp.AttrACModTime != 0 {
		if err := os.Chtimes(dst, time.Unix(int64(a.Atime), 0), time.Unix(int64(a.Mtime), 0)); err != nil {
			s.errorf("local set times on \"%s\": %s", dst, strerror.Text(err))
		}
	}
	if mode != tmp {
		if err := os.Chmod(dst, mode); err != nil {
			s.errorf("local chmod directory \"%s\": %s", dst, strerror.Text(err))
		}
	}
	return status
}

// downloadEntries copies a directory's listed entries, in the server's
// order.
func (s *session) downloadEntries(src, dst string, depth int, entries []*sftp.FileInfo, o xferOpts) error {
	var status error
	for _, e := range entries {
		if s.interrupted() {
			break
		}
		name := e.Name()
		newSrc, newDst := pathAppend(src, name), pathAppend(dst, name)
		var err error
		switch {
		case attrIsDir(&e.Attrs):
			err = s.downloadTree(newSrc, newDst, depth+1, &e.Attrs, o)
		case attrIsReg(&e.Attrs):
			if err = s.download(newSrc, newDst, &e.Attrs, o); err != nil && !connLost(err) {
				s.errorf("Download of file %s to %s failed", newSrc, newDst)
			}
		default:
			s.logit("download \"%s\": not a regular file", newSrc)
		}
		if connLost(err) {
			return err
		}
		if err != nil {
			status = errReported
		}
	}
	return status
}

// readDir lists a remote directory for get -r. Names that would reach
// outside it ("/" in them, NUL, "", "." and "..") are dropped, the ones
// with a "/" with sftp's message.
func (s *session) readDir(dir string) ([]*sftp.FileInfo, error) {
	list, err := s.client.ReadDir(s.ctx, dir)
	if err != nil {
		if connLost(err) {
			return nil, err
		}
		if !s.interrupted() {
			var pe *fs.PathError
			if errors.As(err, &pe) && pe.Op == "opendir" {
				s.errorf("remote readdir(\"%s\"): %s", dir, fxText(err))
			} else {
				s.errorf("Couldn't read directory: %s", fxText(err))
			}
			s.errorf("remote readdir \"%s\" failed", dir)
		}
		return nil, errReported
	}
	kept := list[:0]
	for _, e := range list {
		switch name := e.Name(); {
		case strings.Contains(name, "/"):
			s.errorf("Server sent suspect path \"%s\" during readdir of \"%s\"", name, dir)
		case name == "" || name == "." || name == ".." || strings.ContainsRune(name, 0):
		default:
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// dirMode is a remote directory's mode for mkdir: the permission bits
// and the sticky bit.
func dirMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
