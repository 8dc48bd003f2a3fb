package cli

import (
	"strings"
	"syscall"

	"github.com/goscp/goscp/internal/sftpcli"
	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/internal/strerror"
)

// throughLocal is throughlocal_sftp, a copy between two remote hosts in
// SFTP mode (-3): a second connection to the origin, whose matches go
// through us to the target over to.
func (r *run) throughLocal(to *sftpConn, op Operand, targ string) {
	if r.opts.Resume || r.opts.Atomic {
		r.logf("-X resume and -X atomic apply to uploads and downloads only: %s", op.Path)
		r.errs++
		return
	}
	from := r.openSFTP(op)
	if from == nil {
		return
	}
	defer from.close(r)
	src, ok := r.remotePath(from, op.Path)
	if !ok {
		r.fatal = max(r.fatal, 255)
		return
	}
	target, ok := r.remotePath(to, targ)
	if !ok {
		r.fatal = max(r.fatal, 255)
		return
	}
	isDir, ok := r.remoteIsDir(to, target)
	if !ok {
		return
	}
	if !isDir && r.mustBeDir {
		r.logf("%s: destination is not a directory", targ)
		r.errs++
		return
	}
	matches, ok := r.originGlob(from, src, op.Path)
	if !ok {
		return
	}
	x := r.transfer(from)
	x.Files = r.sftpFiles()
	o := sftpxfer.Options{Preserve: r.opts.Preserve}
	if isDir {
		r.xferResult(x.CrossloadMatches(to.client, matches, target, r.opts.Recursive, o))
		return
	}
	// Each match to the target itself.
	for _, m := range matches {
		if r.ctx.Err() != nil {
			return
		}
		var err error
		if strings.HasSuffix(m.Path, "/") && r.opts.Recursive {
			err = x.CrossloadDir(to.client, m.Path, target, o)
		} else {
			err = x.Crossload(to.client, m.Path, target, nil, o)
		}
		if !r.xferResult(err) && r.fatal != 0 {
			return
		}
	}
}

// originGlob expands the remote pattern abs over c as scp's SFTP mode
// does; src is the pattern as typed, for messages. ok is false after an
// error was reported.
func (r *run) originGlob(c *sftpConn, abs, src string) ([]sftpxfer.Match, bool) {
	list, matched, err := sftpcli.RemoteGlob(r.ctx, c.client, func(msg string) { r.logf("%s", msg) }, abs)
	if err != nil {
		if !r.xferResult(err) && r.fatal == 0 {
			r.logf("%s: %s", src, strerror.Text(syscall.ENOENT))
		}
		return nil, false
	}
	if matched == 0 && len(list) == 1 {
		// The pattern itself came back: say early that it is not there.
		fi, err := c.client.Stat(r.ctx, list[0].Path)
		if err != nil {
			if !r.xferResult(err) && r.fatal == 0 {
				r.logf("%s: %s", src, strerror.Text(syscall.ENOENT))
			}
			return nil, false
		}
		// glibc's glob marks this result too when it names a directory.
		if fi.IsDir() && !strings.HasSuffix(list[0].Path, "/") {
			list[0].Path += "/"
		}
		list[0].Size = fi.Size()
	}
	return list, true
}
