package sftpxfer

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// DownloadDir copies the remote directory tree src into the local
// directory dst, as sftp's download_dir does: src is canonicalised first,
// symlinks and special files are skipped with a message.
func (x *Transfer) DownloadDir(src, dst string, o Options) error {
	s := x.newSched()
	return s.wait(s.walker().downloadDirIn(s, nil, src, dst, o))
}

// downloadDirIn is DownloadDir with its files handed to s as part of
// parent (nil: none); x is s's walker.
func (x *Transfer) downloadDirIn(s *sched, parent *group, src, dst string, o Options) error {
	top := s.topAhead(src)
	canon, err := x.Client.Realpath(x.Ctx, src)
	if err != nil {
		if ConnLost(err) {
			return err
		}
		if !x.interrupted() {
			x.errorf("realpath %s: %s", src, StatusText(err))
			x.errorf("download \"%s\": path canonicalization failed", src)
		}
		return ErrReported
	}
	return x.downloadTree(s, parent, canon, dst, 0, nil, top, o)
}

// enterDir is how download_dir_internal and crossload_dir_internal start
// on the remote directory src: the depth bound, its attributes (a, or a
// stat, fetched ahead in ls if it is not nil, whose failure statFailed
// words), a check that it is a directory, and "Retrieving". It returns
// the attributes.
func (x *Transfer) enterDir(src string, depth int, a *sftp.Attributes, ls *listing, statFailed string) (*sftp.Attributes, error) {
	if depth >= maxDirDepth {
		x.errorf("Maximum directory depth exceeded: %d levels", depth)
		return nil, ErrReported
	}
	if a == nil {
		fi, err := ls.stat(x, src)
		if err != nil {
			return nil, x.remoteFailed(err, statFailed, src)
		}
		a = &fi.Attrs
	}
	if !AttrIsDir(a) {
		x.errorf("\"%s\" is not a directory", src)
		return nil, ErrReported
	}
	if !x.ProgressOnly {
		x.printf("Retrieving %s\n", src)
	}
	return a, nil
}

// downloadTree is download_dir_internal, with its files handed to s: a is
// src's attributes from its parent's listing, nil at the top; ls its
// listing when fetched ahead, else nil.
func (x *Transfer) downloadTree(s *sched, parent *group, src, dst string, depth int, a *sftp.Attributes, ls *listing, o Options) error {
	a, err := x.enterDir(src, depth, a, ls, "stat remote \"%s\" directory failed")
	if err != nil {
		return err
	}

	// The directory stays writable for us while it fills; its own mode
	// comes at the end.
	mode, tmp := fs.FileMode(0o777), fs.FileMode(0o777)
	if a.Flags&sftp.AttrPermissions != 0 {
		mode = dirMode(a.Mode)
		tmp = mode | 0o300
	}
	err = os.Mkdir(dst, tmp)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		x.errorf("mkdir %s: %s", dst, strerror.Text(err))
		return ErrReported
	}
	existed := err != nil
	entries, err := x.readDir(src, ls)
	if err != nil {
		return err
	}
	g := s.enter(parent)
	status := x.downloadEntries(s, g, src, dst, depth, entries, existed, o)
	if ConnLost(status) {
		s.close(g, nil)
		return status
	}
	s.close(g, func(x *Transfer) error {
		if o.Preserve && a.Flags&sftp.AttrACModTime != 0 {
			if err := os.Chtimes(dst, time.Unix(int64(a.Atime), 0), time.Unix(int64(a.Mtime), 0)); err != nil {
				x.errorf("local set times on \"%s\": %s", dst, strerror.Text(err))
			}
		}
		if mode != tmp {
			if err := os.Chmod(dst, mode); err != nil {
				x.errorf("local chmod directory \"%s\": %s", dst, strerror.Text(err))
			}
		}
		return nil
	})
	return status
}

// downloadEntries copies a directory's listed entries, in the server's
// order, its files through s as part of g. In a directory that existed
// (existed), a name that may be another's file too (a symlink, a hard
// link) is written alone, as in a serial copy: otherwise two copies could
// write one file at once.
func (x *Transfer) downloadEntries(s *sched, g *group, src, dst string, depth int, entries []*sftp.FileInfo, existed bool, o Options) error {
	var dirs []string
	for _, e := range entries {
		if AttrIsDir(&e.Attrs) {
			dirs = append(dirs, PathAppend(src, e.Name()))
		}
	}
	ahead, again := s.lookahead(dirs), s.repeats(entryNames(entries))
	var status error
	for _, e := range entries {
		if x.interrupted() {
			break
		}
		name := e.Name()
		if again[name] {
			s.drain()
		}
		newSrc, newDst := PathAppend(src, name), PathAppend(dst, name)
		var err error
		switch {
		case AttrIsDir(&e.Attrs):
			err = x.downloadTree(s, g, newSrc, newDst, depth+1, &e.Attrs, ahead.take(), o)
		case attrIsReg(&e.Attrs) || x.FollowLinks && attrIsLink(&e.Attrs):
			// A link's own attributes are not its target's: Download
			// stats it.
			a, weight := &e.Attrs, int64(min(e.Attrs.Size, inFlightBytes))
			if attrIsLink(a) {
				a, weight = nil, inFlightBytes
			}
			alone := existed && !s.serial() && mayAlias(newDst)
			if alone {
				s.drain()
			}
			err = s.file(g, weight, func(x *Transfer) error {
				err := x.Download(newSrc, newDst, a, o)
				if err != nil && !ConnLost(err) {
					x.errorf("Download of file %s to %s failed", newSrc, newDst)
				}
				return err
			})
			if alone {
				s.drain()
			}
		default:
			x.logit("download \"%s\": not a regular file", newSrc)
		}
		if ConnLost(err) {
			return err
		}
		if err != nil {
			status = ErrReported
		}
	}
	return status
}

// readDir lists a remote directory for get -r, or takes ls, its listing
// fetched ahead, when not nil. Names that would reach outside it ("/" in
// them, NUL, "", "." and "..") are dropped, the ones with a "/" with
// sftp's message.
func (x *Transfer) readDir(dir string, ls *listing) ([]*sftp.FileInfo, error) {
	var list []*sftp.FileInfo
	var err error
	if ls != nil {
		<-ls.ready
		list, err = ls.list, ls.err
	} else {
		list, err = x.Client.ReadDir(x.Ctx, dir)
	}
	if err != nil {
		if ConnLost(err) {
			return nil, err
		}
		if !x.interrupted() {
			var pe *fs.PathError
			if errors.As(err, &pe) && pe.Op == "opendir" {
				x.errorf("remote readdir(\"%s\"): %s", dir, FxText(err))
			} else {
				x.errorf("Couldn't read directory: %s", FxText(err))
			}
			x.errorf("remote readdir \"%s\" failed", dir)
		}
		return nil, ErrReported
	}
	kept := list[:0]
	for _, e := range list {
		switch name := e.Name(); {
		case strings.Contains(name, "/"):
			x.errorf("Server sent suspect path \"%s\" during readdir of \"%s\"", name, dir)
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

// mayAlias reports whether the local name is, or may share its file with,
// another name: a symlink, or a file with more than one link.
func mayAlias(name string) bool {
	fi, err := os.Lstat(name)
	if err != nil {
		return false
	}
	return fi.Mode()&fs.ModeSymlink != 0 || hardLinked(fi)
}
