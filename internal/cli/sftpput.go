package cli

import (
	"io/fs"
	"os"

	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/internal/strerror"
)

// toRemoteSFTP is toremote in SFTP mode: the local sources go over one
// connection, opened at the first of them.
func (r *run) toRemoteSFTP(sources []string, tgt Operand) {
	var c *sftpConn
	defer func() {
		if c != nil {
			c.close(r)
		}
	}()
	if len(sources) > 1 && r.sftpFiles() > 1 && allLocal(sources) {
		if c = r.openSFTPOr(tgt, func() { r.toRemote(sources, tgt) }); c != nil {
			warm(c, sources)
			r.sourcesSFTP(c, sources, tgt.Path)
		}
		return
	}
	for i, s := range sources {
		if r.ctx.Err() != nil || r.fatal != 0 {
			return
		}
		op, ok := r.parseSource(s)
		switch {
		case !ok:
			continue
		case op.Remote && r.opts.RemoteDirect:
			r.remoteDirect(op, tgt)
			continue
		}
		if c == nil {
			if c = r.openSFTPOr(tgt, func() { r.toRemote(sources[i:], tgt) }); c == nil {
				return
			}
			warm(c, sources[i:])
		}
		if op.Remote {
			r.throughLocal(c, op, tgt.Path)
		} else {
			r.sourceSFTP(c, s, tgt.Path)
		}
	}
}

// warm opens c's extra sessions now when a local operand among sources
// is a file that will be split across them.
func warm(c *sftpConn, sources []string) {
	if c.pool != nil && bigFile(sources) {
		c.pool.Warm()
	}
}

// bigFile reports whether a local operand among sources is a file that
// will be split across sessions.
func bigFile(sources []string) bool {
	for _, s := range sources {
		if op, err := ParseOperand(s); err != nil || op.Remote {
			continue
		}
		if st, err := os.Stat(s); err == nil && st.Mode().IsRegular() && sftpxfer.Big(st.Size()) {
			return true
		}
	}
	return false
}

// sourceSFTP is source_sftp: it uploads the local file or tree src to
// targ, or into it when targ is a directory or must be one.
func (r *run) sourceSFTP(c *sftpConn, src, targ string) {
	st, err := os.Stat(src)
	if err != nil {
		r.logf("stat local \"%s\": %s", src, strerror.Text(err))
		r.fatal = 255
		return
	}
	target, ok := r.remotePath(c, targ)
	if !ok {
		if r.fatal == 0 {
			r.fatal = 255
		}
		return
	}
	isDir, ok := r.remoteIsDir(c, target)
	if !ok {
		return
	}
	if r.mustBeDir && !isDir {
		if !r.remoteMkdir(c, target, st.Mode()) {
			return
		}
		isDir = true
	}
	dst := target
	if isDir {
		dst = sftpxfer.PathAppend(target, sftpxfer.BaseName(src))
	}
	x := r.transfer(c)
	x.Files = r.sftpFiles()
	o := r.sftpOptions()
	if st.IsDir() && r.opts.Recursive {
		if err := x.UploadDir(src, dst, o); !r.xferResult(err) && r.fatal == 0 {
			r.logf("failed to upload directory %s to %s", src, targ)
		}
		return
	}
	if err := x.Upload(src, dst, o); !r.xferResult(err) && r.fatal == 0 {
		r.logf("failed to upload file %s to %s", src, targ)
	}
}

// sourcesSFTP is source_sftp for each of several local sources, with
// their files in flight at once. Each is statted first, as source_sftp
// does: the copy ends at the first that is not there, once those before
// it are copied.
func (r *run) sourcesSFTP(c *sftpConn, sources []string, targ string) {
	var srcs []sftpxfer.Source
	var missing error
	for _, s := range sources {
		st, err := os.Stat(s)
		if err != nil {
			missing = err
			break
		}
		srcs = append(srcs, sftpxfer.Source{Path: s, Info: st})
	}
	if len(srcs) > 0 {
		if target, ok := r.sourcesTarget(c, targ, srcs[0].Info); ok {
			x := r.transfer(c)
			x.Files = r.sftpFiles()
			r.xferResult(x.UploadSources(srcs, target, targ, r.opts.Recursive, r.sftpOptions()))
		}
	}
	if missing != nil && r.ctx.Err() == nil && r.fatal == 0 {
		r.logf("stat local \"%s\": %s", sources[len(srcs)], strerror.Text(missing))
		r.fatal = 255
	}
}

// sourcesTarget is the remote directory several sources go into, made
// when missing, writable for us whatever the first source's mode (first).
// ok is false after an error was printed.
func (r *run) sourcesTarget(c *sftpConn, targ string, first fs.FileInfo) (string, bool) {
	target, ok := r.remotePath(c, targ)
	if !ok {
		r.fatal = max(r.fatal, 255)
		return "", false
	}
	isDir, ok := r.remoteIsDir(c, target)
	if !ok || !isDir && !r.remoteMkdir(c, target, first.Mode()) {
		return "", false
	}
	return target, true
}

// remoteIsDir stats p on the server; anything but a directory (or nothing
// there) is false. ok is false when the connection broke.
func (r *run) remoteIsDir(c *sftpConn, p string) (isDir, ok bool) {
	isDir, err := sftpxfer.RemoteIsDir(r.ctx, c.client, p)
	if err != nil {
		r.connClosed()
		return false, false
	}
	return isDir, true
}

// remoteMkdir makes the target directory that several sources (or -d)
// need, writable for us whatever the first source's mode; a failure ends
// the run.
func (r *run) remoteMkdir(c *sftpConn, dir string, mode fs.FileMode) bool {
	err := c.client.Mkdir(r.ctx, dir, mode.Perm()|0o700)
	switch {
	case err == nil:
		return true
	case sftpxfer.ConnLost(err):
		r.connClosed()
		return false
	}
	r.logf("remote mkdir \"%s\": %s", dir, sftpxfer.FxText(err))
	r.fatal = 255
	return false
}
