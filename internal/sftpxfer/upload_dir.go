package sftpxfer

import (
	"io"
	"io/fs"
	"os"

	"github.com/goscp/goscp/internal/strerror"
)

// UploadDir copies the local directory tree src into the remote directory
// dst, as sftp's upload_dir does: dst is canonicalised first, symlinks and
// special files are skipped with a message.
func (x *Transfer) UploadDir(src, dst string, o Options) error {
	s := x.newSched()
	return s.wait(s.walker().uploadDirIn(s, nil, src, dst, o))
}

// uploadDirIn is UploadDir with its files handed to s as part of parent
// (nil: none); x is s's walker.
func (x *Transfer) uploadDirIn(s *sched, parent *group, src, dst string, o Options) error {
	canon, err := x.Client.Realpath(x.Ctx, dst)
	if err != nil {
		if ConnLost(err) {
			return err
		}
		if !x.interrupted() {
			x.errorf("realpath %s: %s", dst, StatusText(err))
			x.errorf("upload \"%s\": path canonicalization failed", dst)
		}
		return ErrReported
	}
	return x.uploadTree(s, parent, src, canon, 0, o)
}

// uploadTree is upload_dir_internal, with its files handed to s.
func (x *Transfer) uploadTree(s *sched, parent *group, src, dst string, depth int, o Options) error {
	if depth >= maxDirDepth {
		x.errorf("Maximum directory depth exceeded: %d levels", depth)
		return ErrReported
	}
	st, err := os.Stat(src)
	if err != nil {
		x.errorf("stat local \"%s\": %s", src, strerror.Text(err))
		return ErrReported
	}
	if !st.IsDir() {
		x.errorf("\"%s\" is not a directory", src)
		return ErrReported
	}
	if !x.ProgressOnly {
		x.printf("Entering %s\n", src)
	}

	// The directory stays writable for us while it fills; its own mode is
	// set at the end, with or without -p. An existing directory will do.
	a := localAttrs(st, 0o1777, o.Preserve)
	if err := x.Client.Mkdir(x.Ctx, dst, dirMode(a.Mode|0o300)); err != nil {
		if ConnLost(err) {
			return err
		}
		fi, err := x.Client.Stat(x.Ctx, dst)
		if err != nil {
			return x.remoteFailed(err, "stat remote: %s", FxText(err))
		}
		if !AttrIsDir(&fi.Attrs) {
			x.errorf("\"%s\" exists but is not a directory", dst)
			return ErrReported
		}
	}
	dir, err := os.Open(src)
	if err != nil {
		x.errorf("local opendir \"%s\": %s", src, strerror.Text(err))
		return ErrReported
	}
	defer dir.Close()
	g := s.enter(parent)
	status := x.uploadEntries(s, g, dir, src, dst, depth, o)
	if ConnLost(status) {
		s.close(g, nil)
		return status
	}
	err = s.close(g, func(x *Transfer) error {
		err := x.Client.Setstat(x.Ctx, dst, a)
		if err == nil || ConnLost(err) || x.interrupted() {
			return err
		}
		x.errorf("remote setstat \"%s\": %s", dst, FxText(err))
		return nil
	})
	if ConnLost(err) {
		return err
	}
	return status
}

// uploadEntries copies the entries of the open directory dir, in the
// order the system lists them, a batch of names at a time, its files
// through s as part of g.
func (x *Transfer) uploadEntries(s *sched, g *group, dir *os.File, src, dst string, depth int, o Options) error {
	var status error
	for !x.interrupted() {
		names, err := dir.Readdirnames(256)
		for _, name := range names {
			if x.interrupted() {
				break
			}
			if err := x.uploadEntry(s, g, src, dst, name, depth, o); ConnLost(err) {
				return err
			} else if err != nil {
				status = ErrReported
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			x.errorf("local readdir \"%s\": %s", src, strerror.Text(err))
			return ErrReported
		}
	}
	return status
}

// uploadEntry copies one entry of a directory: a directory, a regular
// file, or nothing.
func (x *Transfer) uploadEntry(s *sched, g *group, src, dst, name string, depth int, o Options) error {
	newSrc, newDst := PathAppend(src, name), PathAppend(dst, name)
	st, err := os.Lstat(newSrc)
	switch {
	case err != nil:
		x.logit("local lstat \"%s\": %s", name, strerror.Text(err))
		return ErrReported
	case st.IsDir():
		return x.uploadTree(s, g, newSrc, newDst, depth+1, o)
	case st.Mode().IsRegular() || x.FollowLinks && st.Mode()&fs.ModeSymlink != 0:
		weight := st.Size()
		if !st.Mode().IsRegular() {
			weight = inFlightBytes // what the link points to is not known yet
		}
		return s.file(g, weight, func(x *Transfer) error {
			err := x.Upload(newSrc, newDst, o)
			if err != nil && !ConnLost(err) {
				x.errorf("upload \"%s\" to \"%s\" failed", newSrc, newDst)
			}
			return err
		})
	}
	x.logit("%s: not a regular file", name)
	return nil
}
