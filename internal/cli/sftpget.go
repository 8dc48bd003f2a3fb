package cli

import (
	"os"
	"strings"
	"syscall"

	"github.com/goscp/goscp/internal/sftpcli"
	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/internal/strerror"
)

// toLocalSFTP is tolocal in SFTP mode: each remote source over its own
// connection, local ones copied here.
func (r *run) toLocalSFTP(sources []string, target string) {
	for _, s := range sources {
		if r.ctx.Err() != nil || r.fatal != 0 {
			return
		}
		op, ok := r.parseSource(s)
		if !ok {
			continue
		}
		if !op.Remote {
			r.localCopy(s, target)
			continue
		}
		c := r.openSFTP(op)
		if c == nil {
			return
		}
		r.sinkSFTP(c, target, op.Path)
		c.close(r)
	}
}

// sinkSFTP is sink_sftp: it expands the remote pattern src over readdir
// and downloads every match to dst, or into it when it is a directory or
// several match.
func (r *run) sinkSFTP(c *sftpConn, dst, src string) {
	abs, ok := r.remotePath(c, src)
	if !ok {
		r.errs++
		return
	}
	paths, matches, err := sftpcli.RemoteGlob(r.ctx, c.client, r.stderr, abs)
	if err != nil {
		if !r.xferResult(err) && r.fatal == 0 {
			r.logf("%s: %s", src, strerror.Text(syscall.ENOENT))
		}
		return
	}
	if matches == 0 && len(paths) == 1 {
		// The pattern itself came back: say early that it is not there.
		fi, err := c.client.Stat(r.ctx, paths[0])
		if err != nil {
			if !r.xferResult(err) && r.fatal == 0 {
				r.logf("%s: %s", src, strerror.Text(syscall.ENOENT))
			}
			return
		}
		// glibc's glob marks this result too when it names a directory.
		if fi.IsDir() && !strings.HasSuffix(paths[0], "/") {
			paths[0] += "/"
		}
	}
	dstIsDir, ok := r.localTarget(dst, matches)
	if !ok {
		r.errs++
		return
	}
	x := r.transfer(c)
	o := sftpxfer.Options{Preserve: r.opts.Preserve}
	for _, p := range paths {
		if r.ctx.Err() != nil {
			return
		}
		to := dst
		if dstIsDir {
			to = pathAppend(dst, baseName(p))
		}
		if strings.HasSuffix(p, "/") && r.opts.Recursive {
			err = x.DownloadDir(p, to, o)
		} else {
			err = x.Download(p, to, nil, o)
		}
		if !r.xferResult(err) && r.fatal != 0 {
			return
		}
	}
}

// localTarget decides whether the copies go into dst: it is a directory,
// or several files match and it does not exist yet (it is made). ok is
// false after an error was printed.
func (r *run) localTarget(dst string, matches int) (isDir, ok bool) {
	st, err := os.Stat(dst)
	isDir = err == nil && st.IsDir()
	switch {
	case matches <= 1 || isDir:
		return isDir, true
	case err == nil:
		r.logf("Multiple files match pattern, but destination \"%s\" is not a directory", dst)
		return false, false
	}
	if err := os.Mkdir(dst, 0o777); err != nil {
		r.logf("local mkdir \"%s\": %s", dst, strerror.Text(err))
		return false, false
	}
	return true, true
}
