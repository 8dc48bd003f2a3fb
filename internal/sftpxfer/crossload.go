package sftpxfer

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/goscp/goscp/scp/sftp"
)

// Crossload copies the file src of x's server to dst on the server of to,
// through us, as OpenSSH's do_crossload does (scp -3 in SFTP mode). a is
// src's attributes when a listing gave them, else nil.
func (x *Transfer) Crossload(to *sftp.Client, src, dst string, a *sftp.Attributes, o Options) error {
	if a == nil {
		fi, err := x.Client.Stat(x.Ctx, src)
		if err != nil {
			return x.remoteFailed(err, "stat remote: %s", FxText(err))
		}
		a = &fi.Attrs
	}
	if a.Flags&sftp.AttrPermissions != 0 && !attrIsReg(a) {
		x.errorf("download \"%s\": not a regular file", src)
		return ErrReported
	}
	var size int64
	if a.Flags&sftp.AttrSize != 0 {
		size = int64(min(a.Size, 1<<62))
	}
	from, err := x.Client.Open(x.Ctx, src)
	if err != nil {
		return x.remoteFailed(err, "origin open \"%s\": %s", src, FxText(err))
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	mode := fs.FileMode(0o666)
	if a.Flags&sftp.AttrPermissions != 0 {
		mode = fs.FileMode(a.Mode & 0o777)
	}
	f, err := to.OpenFile(x.Ctx, dst, flag, mode)
	if err != nil {
		return x.closeRemote(from, x.remoteFailed(err, "dest open \"%s\": %s", dst, FxText(err)))
	}
	rerr, werr := x.relay(from, f, size)
	ctx := x.Ctx
	if ConnLost(rerr) || ConnLost(werr) {
		return errors.Join(rerr, werr)
	}
	failed := rerr != nil || werr != nil || x.interrupted()
	if failed {
		// No hole is left behind: the target is cut back to nothing.
		if err := f.Setstat(ctx, &sftp.Attributes{Flags: sftp.AttrSize}); err != nil && !x.interrupted() {
			x.errorf("dest truncate \"%s\" failed", dst)
		}
	}
	switch {
	case rerr != nil && !x.interrupted():
		x.errorf("read origin \"%s\": %s", src, FxText(rerr))
	case werr != nil && !x.interrupted():
		x.errorf("write dest \"%s\": %s", dst, FxText(werr))
	case o.Preserve:
		pa := *a
		pa.Flags &^= sftp.AttrSize | sftp.AttrUIDGID
		pa.Mode &= 0o777
		if err := x.warnFailed(f.Setstat(ctx, &pa), "remote fsetstat: %s"); err != nil {
			return err
		}
	}
	var status error
	if failed {
		status = ErrReported
	}
	status = x.closeRemote(from, status)
	if err := f.Close(ctx); err != nil && status == nil {
		if ConnLost(err) {
			return err
		}
		x.errorf("close remote: %s", FxText(err))
		status = ErrReported
	}
	return status
}

// errDestFailed stops the origin's reads when the destination failed.
var errDestFailed = errors.New("sftpxfer: destination failed")

// relay moves the bytes of from into f, with the meter: the origin's
// reads feed the destination's writes through a pipe.
func (x *Transfer) relay(from, f *sftp.File, size int64) (rerr, werr error) {
	t := x.newTap()
	if size == 0 {
		t.m = nil
	}
	if t.m != nil {
		t.m.Start(meterName(from.Name()), size)
		defer t.m.Finish()
	}
	pr, pw := io.Pipe()
	k := &sink{w: pw, tap: t}
	done := make(chan error, 1)
	go func() {
		_, err := from.CopyTo(x.Ctx, k, 0)
		pw.CloseWithError(err)
		done <- err
	}()
	_, werr = f.CopyFrom(x.Ctx, pr, 0)
	pr.CloseWithError(errDestFailed)
	rerr = <-done
	switch {
	case k.err != nil:
		rerr = nil // the read stopped because the write did
	case rerr != nil && !ConnLost(werr):
		werr = nil // the write stopped because the read did
	}
	return rerr, werr
}

// CrossloadDir copies the tree src of x's server to dst on the server of
// to, as OpenSSH's crossload_dir does, its files handed to a sched.
func (x *Transfer) CrossloadDir(to *sftp.Client, src, dst string, o Options) error {
	s := x.newSched()
	return s.wait(s.walker().crossloadDirIn(s, nil, to, src, dst, o))
}

// crossloadDirIn is CrossloadDir with its files handed to s as part of
// parent (nil: none); x is s's walker.
func (x *Transfer) crossloadDirIn(s *sched, parent *group, to *sftp.Client, src, dst string, o Options) error {
	canon, err := x.Client.Realpath(x.Ctx, src)
	if err != nil {
		return x.remoteFailed(err, "crossload \"%s\": path canonicalization failed", src)
	}
	return x.crossloadTree(s, parent, to, canon, dst, 0, nil, o)
}

// crossloadTree is crossload_dir_internal, with its files handed to s as
// part of parent: a is src's attributes from its parent's listing, nil at
// the top.
func (x *Transfer) crossloadTree(s *sched, parent *group, to *sftp.Client, src, dst string, depth int, a *sftp.Attributes, o Options) error {
	a, err := x.enterDir(src, depth, a, nil, "stat remote \"%s\" failed")
	if err != nil {
		return err
	}
	// Like OpenSSH, the directory gets the origin's mode and, even
	// without -p, its times; it stays writable for us while it fills.
	cur := *a
	cur.Flags &^= sftp.AttrSize | sftp.AttrUIDGID
	if cur.Flags&sftp.AttrPermissions == 0 {
		cur.Flags |= sftp.AttrPermissions
		cur.Mode = 0o300
	}
	cur.Mode &= 0o1777
	if err := to.Mkdir(x.Ctx, dst, dirMode(cur.Mode|0o300)); err != nil {
		if ConnLost(err) {
			return err
		}
		fi, err := to.Stat(x.Ctx, dst)
		if err != nil {
			return x.remoteFailed(err, "stat remote: %s", FxText(err))
		}
		if !AttrIsDir(&fi.Attrs) {
			x.errorf("\"%s\" exists but is not a directory", dst)
			return ErrReported
		}
	}
	entries, err := x.readDir(src, nil)
	if err != nil {
		return err
	}
	g := s.enter(parent)
	status := x.crossloadEntries(s, g, to, src, dst, depth, entries, o)
	if ConnLost(status) {
		s.close(g, nil)
		return status
	}
	err = s.close(g, func(x *Transfer) error {
		if err := to.Setstat(x.Ctx, dst, &cur); ConnLost(err) {
			return err
		}
		return nil
	})
	if ConnLost(err) {
		return err
	}
	return status
}

// crossloadEntries copies a directory's listed entries, in the origin's
// order, its files through s as part of g.
func (x *Transfer) crossloadEntries(s *sched, g *group, to *sftp.Client, src, dst string, depth int, entries []*sftp.FileInfo, o Options) error {
	again := s.repeats(entryNames(entries))
	var status error
	for _, e := range entries {
		if x.interrupted() {
			break
		}
		if again[e.Name()] {
			s.drain()
		}
		newSrc, newDst := PathAppend(src, e.Name()), PathAppend(dst, e.Name())
		var err error
		switch a := &e.Attrs; {
		case AttrIsDir(a):
			err = x.crossloadTree(s, g, to, newSrc, newDst, depth+1, a, o)
		case attrIsReg(a) || x.FollowLinks && attrIsLink(a):
			weight := int64(min(a.Size, inFlightBytes))
			if attrIsLink(a) {
				a, weight = nil, inFlightBytes // Crossload stats what it points to
			}
			err = s.file(g, weight, func(x *Transfer) error {
				err := x.Crossload(to, newSrc, newDst, a, o)
				if err != nil && !ConnLost(err) {
					x.errorf("crossload \"%s\" to \"%s\" failed", newSrc, newDst)
				}
				return err
			})
		default:
			x.logit("origin \"%s\": not a regular file", newSrc)
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
