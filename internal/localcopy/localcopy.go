// Package localcopy copies files within this machine the way OpenSSH's scp
// does when neither operand is remote. OpenSSH runs `cp [-r] [-p] -- SRC
// TARGET` once per source (GNU coreutils cp on Linux); Copy gives the same
// result and prints the same messages without running cp.
//
// The one deliberate difference: cp, without -r, opens a FIFO and waits for
// a writer, possibly for ever. Copy refuses such a FIFO with a message
// instead, and never opens a FIFO or a device in a way that can block
// before it has checked what it opened.
package localcopy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/goscp/goscp/internal/strerror"
)

// Options are cp's options that scp passes on.
type Options struct {
	// Recursive is -r: directories are copied with their contents, and
	// symbolic links, FIFOs, devices and sockets are recreated rather than
	// followed or read (GNU cp -r implies -P).
	Recursive bool
	// Preserve is -p: mode, ownership (reported when it fails only for
	// root) and access and modification times, on directories after their
	// contents.
	Preserve bool
	// Stderr receives cp's messages, each "cp: ..." on one line; nil
	// discards them.
	Stderr io.Writer
	// Context, when not nil, stops the copy once done (^C), where a
	// signal would kill cp: between files and between chunks of data,
	// silently, with a false result. What was copied stays.
	Context context.Context
}

// bufferSize is the data buffer when the kernel cannot copy by itself.
const bufferSize = 256 << 10

// Copy copies src to target like `cp [-r] [-p] -- src target`: when target
// is an existing directory the copy is target/base(src), otherwise target
// itself. It prints cp's messages (prefixed "cp: ") to opts.Stderr and
// returns false when cp would exit non-zero.
func Copy(src, target string, opts Options) bool {
	return newCopier(opts).run(src, target)
}

func newCopier(opts Options) *copier {
	c := &copier{opts: opts, out: opts.Stderr, root: isRoot(), ctx: opts.Context}
	if c.out == nil {
		c.out = io.Discard
	}
	if c.ctx == nil {
		c.ctx = context.Background()
	}
	return c
}

// copier is one Copy call: one cp process.
type copier struct {
	opts Options
	out  io.Writer
	root bool
	ctx  context.Context
	// topSrc and topDst are the operand and its destination, named in the
	// "into itself" message wherever in the tree it is found.
	topSrc, topDst string
	// seen are the directories GNU cp remembers for one operand: the
	// source operand itself and each directory it creates whose parent it
	// did not create (the top of every new subtree). Meeting one of them
	// again inside the source tree means the copy is going into itself;
	// any other directory made is reached only through one of those.
	seen []seenDir
	// intoSelf: the copy met itself; cp abandons the operand's tree.
	intoSelf bool
	// ancestors are the source directories being copied, outermost first.
	ancestors []fileInfo
	buf       []byte
}

type seenDir struct {
	fi   fileInfo
	name string
}

// fail prints one of cp's messages.
func (c *copier) fail(format string, args ...any) {
	var b strings.Builder
	b.WriteString("cp: ")
	fmt.Fprintf(&b, format, args...)
	b.WriteByte('\n')
	io.WriteString(c.out, b.String())
}

func (c *copier) run(src, target string) bool {
	var sst fileInfo
	var err error
	if c.opts.Recursive {
		sst, err = lstat(src)
	} else {
		sst, err = stat(src)
	}
	if err != nil {
		c.fail("cannot stat %s: %s", quote(src), strerror.Text(err))
		return false
	}
	if sst.kind == kindDir && !c.opts.Recursive {
		c.fail("-r not specified; omitting directory %s", quote(src))
		return false
	}
	dst, newDst := target, false
	if tst, err := stat(target); err == nil && tst.kind == kindDir {
		dst = joinName(target, operandBase(src))
	} else if isNotExist(err) {
		// cp skips looking at a destination it knows is missing only
		// for a regular file; a dangling symlink there shows when the
		// file cannot be created.
		newDst = sst.kind == kindRegular
	}
	c.topSrc, c.topDst = src, dst
	return c.copy(src, dst, sst, newDst, true)
}

// copy copies one file of any type; sst describes src as it is to be
// copied (followed without -r, not followed with it). newDst says dst is
// known not to exist.
func (c *copier) copy(src, dst string, sst fileInfo, newDst, operand bool) bool {
	if c.ctx.Err() != nil {
		return false
	}
	var dstInfo fileInfo
	exists := false
	if !newDst {
		// A regular file is written through a symbolic link at dst, so dst
		// is followed; anything else replaces the link itself.
		follow := sst.kind != kindDir && (sst.kind == kindRegular || !c.opts.Recursive)
		var err error
		if follow {
			dstInfo, err = stat(dst)
		} else {
			dstInfo, err = lstat(dst)
		}
		switch {
		case err == nil:
			exists = true
		case !isNotExist(err):
			c.fail("cannot stat %s: %s", quote(dst), strerror.Text(err))
			return false
		case follow:
			if l, lerr := lstat(dst); lerr == nil && l.kind == kindSymlink {
				c.fail("not writing through dangling symlink %s", quote(dst))
				return false
			}
		}
	}
	if exists {
		same, nothingToDo := sameFile(src, dst, sst, dstInfo)
		if nothingToDo {
			return true
		}
		if same {
			c.fail("%s and %s are the same file", quote(src), quote(dst))
			return false
		}
		if sst.kind == kindDir && dstInfo.kind != kindDir {
			c.fail("cannot overwrite non-directory %s with directory %s", quote(dst), quote(src))
			return false
		}
		if sst.kind != kindDir && dstInfo.kind == kindDir {
			c.fail("cannot overwrite directory %s with non-directory", quote(dst))
			return false
		}
	}
	switch sst.kind {
	case kindDir:
		if operand {
			c.seen = append(c.seen, seenDir{sst, dst})
		} else if earlier, ok := c.recall(sst); ok {
			if sameEntry(src, earlier) {
				c.fail("cannot copy a directory, %s, into itself, %s", quote(c.topSrc), quote(c.topDst))
				c.intoSelf = true
			} else {
				c.fail("will not create hard link %s to directory %s", quote(dst), quote(earlier))
			}
			return false
		}
		return c.copyDir(src, dst, sst, exists, !newDst)
	case kindRegular:
		return c.copyFile(src, dst, sst, exists)
	case kindSymlink:
		return c.copySymlink(src, dst, sst, exists)
	case kindFIFO:
		if !c.opts.Recursive {
			// cp would open it and wait for a writer, possibly for ever.
			c.fail("cannot copy FIFO %s without -r: reading it would wait for a writer (-r recreates the FIFO)", quote(src))
			return false
		}
		return c.makeSpecial(src, dst, sst, exists)
	case kindChar, kindBlock, kindSocket:
		if !c.opts.Recursive {
			// Read like a file, as cp does (a socket fails to open).
			return c.copyFile(src, dst, sst, exists)
		}
		return c.makeSpecial(src, dst, sst, exists)
	}
	c.fail("%s has unknown file type", quote(src))
	return false
}

// sameFile applies cp's "are the same file" rules to an existing dst:
// the same inode, a symbolic link copied onto what it points to, or a
// file copied onto a symbolic link to itself. Two names of one symbolic
// link (hard links) are left as they are, successfully.
func sameFile(src, dst string, s, d fileInfo) (same, nothingToDo bool) {
	if sameInode(s, d) {
		if s.kind == kindSymlink && d.kind == kindSymlink && !sameEntry(src, dst) {
			return false, true
		}
		return true, false
	}
	if s.kind == kindSymlink {
		if t, err := stat(src); err == nil && sameInode(t, d) {
			return true, false
		}
	}
	if d.kind == kindSymlink {
		if t, err := stat(dst); err == nil && sameInode(s, t) {
			return true, false
		}
	}
	return false, false
}

func (c *copier) recall(fi fileInfo) (string, bool) {
	for _, s := range c.seen {
		if sameInode(s.fi, fi) {
			return s.name, true
		}
	}
	return "", false
}

// copyDir copies a directory and its contents. topMade says a directory
// made at dst starts a new subtree (its parent was not made by this copy),
// so it is remembered for the "into itself" check.
func (c *copier) copyDir(src, dst string, sst fileInfo, exists, topMade bool) bool {
	for _, a := range c.ancestors {
		if sameInode(a, sst) {
			// Only a mount can bring a directory back inside itself when
			// symbolic links are not followed; cp words it this way.
			c.fail("cannot copy cyclic symbolic link %s", quote(src))
			return false
		}
	}
	var made fileInfo
	restore := false
	if !exists {
		// Group and other get no access until -p sets the final mode.
		mode := sst.perm
		if c.opts.Preserve {
			mode &^= 0o077
		}
		if err := mkdir(dst, mode); err != nil {
			c.fail("cannot create directory %s: %s", quote(dst), strerror.Text(err))
			return false
		}
		var err error
		if made, err = lstat(dst); err != nil {
			c.fail("cannot stat %s: %s", quote(dst), strerror.Text(err))
			return false
		}
		if topMade {
			c.seen = append(c.seen, seenDir{made, dst})
		}
		// The owner must be able to fill it; its mode is put back after.
		if made.perm&0o700 != 0o700 {
			if err := chmod(dst, made.perm|0o700); err != nil {
				c.fail("setting permissions for %s: %s", quote(dst), strerror.Text(err))
				return false
			}
			restore = true
		}
	}
	ok := true
	names, err := readDirNames(src)
	if err != nil {
		c.fail("cannot access %s: %s", quote(src), strerror.Text(err))
		ok = false
	}
	c.ancestors = append(c.ancestors, sst)
	for _, name := range names {
		s, d := joinName(src, name), joinName(dst, name)
		st, err := lstat(s)
		if err != nil {
			c.fail("cannot stat %s: %s", quote(s), strerror.Text(err))
			ok = false
			continue
		}
		if !c.copy(s, d, st, !exists, false) {
			ok = false
		}
		if c.intoSelf {
			break // going on could copy forever, as the copy grows
		}
		if c.ctx.Err() != nil {
			return false
		}
	}
	c.ancestors = c.ancestors[:len(c.ancestors)-1]
	switch {
	case c.opts.Preserve:
		if !c.preserve(dst, sst, false) {
			ok = false
		}
	case restore:
		if err := chmod(dst, made.perm); err != nil {
			c.fail("setting permissions for %s: %s", quote(dst), strerror.Text(err))
			ok = false
		}
	}
	return ok
}

func (c *copier) copyFile(src, dst string, sst fileInfo, exists bool) bool {
	in, err := openSource(src, c.opts.Recursive)
	if err != nil {
		c.fail("cannot open %s for reading: %s", quote(src), strerror.Text(err))
		return false
	}
	defer in.Close()
	ist, err := fstat(in)
	if err != nil {
		c.fail("cannot fstat %s: %s", quote(src), strerror.Text(err))
		return false
	}
	if !sameInode(ist, sst) || ist.kind != sst.kind {
		c.fail("skipping file %s, as it was replaced while being copied", quote(src))
		return false
	}
	// A new file gets the source's permission bits (the umask applies),
	// only the owner's while -p has yet to set them; never setuid/setgid.
	perm := sst.perm & 0o777
	if c.opts.Preserve {
		perm &= 0o700
	}
	out, err := openDest(dst, perm, exists)
	if err != nil {
		if !exists && errors.Is(err, fs.ErrExist) {
			if l, lerr := lstat(dst); lerr == nil && l.kind == kindSymlink {
				c.fail("not writing through dangling symlink %s", quote(dst))
				return false
			}
		}
		c.fail("cannot create regular file %s: %s", quote(dst), strerror.Text(err))
		return false
	}
	if c.buf == nil {
		c.buf = make([]byte, bufferSize)
	}
	ok := true
	if err := copyContents(c.ctx, out, in, ist, c.buf); err != nil {
		if c.ctx.Err() != nil {
			out.Close()
			return false
		}
		if isReadError(err, in) {
			c.fail("error reading %s: %s", quote(src), strerror.Text(err))
		} else {
			c.fail("error writing %s: %s", quote(dst), strerror.Text(err))
		}
		ok = false
	}
	if err := out.Close(); err != nil && ok {
		c.fail("failed to close %s: %s", quote(dst), strerror.Text(err))
		ok = false
	}
	if ok && c.opts.Preserve {
		ok = c.preserve(dst, sst, false)
	}
	return ok
}

func (c *copier) copySymlink(src, dst string, sst fileInfo, exists bool) bool {
	to, err := readlink(src)
	if err != nil {
		c.fail("cannot read symbolic link %s: %s", quote(src), strerror.Text(err))
		return false
	}
	if exists && !c.remove(dst) {
		return false
	}
	if err := symlink(to, dst); err != nil {
		c.fail("cannot create symbolic link %s: %s", quote(dst), strerror.Text(err))
		return false
	}
	if c.opts.Preserve {
		return c.preserve(dst, sst, true)
	}
	return true
}

// makeSpecial recreates a FIFO, device or socket (-r).
func (c *copier) makeSpecial(src, dst string, sst fileInfo, exists bool) bool {
	if exists && !c.remove(dst) {
		return false
	}
	mode := sst.perm
	if c.opts.Preserve {
		mode &^= 0o077
	}
	if sst.kind == kindFIFO {
		if err := mkfifo(dst, mode); err != nil {
			c.fail("cannot create fifo %s: %s", quote(dst), strerror.Text(err))
			return false
		}
	} else if err := mknod(dst, sst, mode); err != nil {
		c.fail("cannot create special file %s: %s", quote(dst), strerror.Text(err))
		return false
	}
	if c.opts.Preserve {
		return c.preserve(dst, sst, false)
	}
	return true
}

func (c *copier) remove(name string) bool {
	if err := removeFile(name); err != nil && !isNotExist(err) {
		c.fail("cannot remove %s: %s", quote(name), strerror.Text(err))
		return false
	}
	return true
}

// preserve applies -p: times, then ownership (which can clear setuid
// bits), then mode. link says name is a symbolic link, left unfollowed.
// Like cp -p, it stops at the first failure.
func (c *copier) preserve(name string, sst fileInfo, link bool) bool {
	if link {
		if _, ok := c.chown(name, sst, true); !ok {
			return false
		}
		if err := setTimes(name, sst, true); err != nil && !isUnsupported(err) {
			c.fail("preserving times for %s: %s", quote(name), strerror.Text(err))
			return false
		}
		return true
	}
	if err := setTimes(name, sst, false); err != nil {
		c.fail("preserving times for %s: %s", quote(name), strerror.Text(err))
		return false
	}
	owned, ok := c.chown(name, sst, false)
	if !ok {
		return false
	}
	mode := sst.perm
	if !owned {
		// Not the source's owner: cp gives it the permission bits only,
		// so setuid, setgid and sticky stay as the file was made.
		mode &= 0o777
		if cur, err := stat(name); err == nil {
			mode |= cur.perm &^ 0o777
		}
	}
	if err := chmod(name, mode); err != nil {
		c.fail("preserving permissions for %s: %s", quote(name), strerror.Text(err))
		return false
	}
	return true
}

// chown gives name the source's owner and group. owned says name now has
// them; ok is false when cp would give up: only root is told of a failure
// for want of privilege (anyone else still gets the group when allowed).
func (c *copier) chown(name string, sst fileInfo, link bool) (owned, ok bool) {
	look := stat
	if link {
		look = lstat
	}
	if cur, err := look(name); err == nil && cur.uid == sst.uid && cur.gid == sst.gid {
		return true, true
	}
	err := setOwner(name, sst.uid, sst.gid, link)
	switch {
	case err == nil, isUnsupported(err):
		return true, true
	case isPermission(err):
		setOwner(name, -1, sst.gid, link)
		if !c.root {
			return false, true
		}
	}
	c.fail("failed to preserve ownership for %s: %s", quote(name), strerror.Text(err))
	return false, false
}
