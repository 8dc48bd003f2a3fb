package cli

import (
	"os"
	"strings"

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
		c := r.openSFTPOr(op, func() { r.download(op, target) })
		if c == nil {
			if r.fatal != 0 {
				return
			}
			continue // copied with the legacy protocol
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
	matches, ok := r.originGlob(c, abs, src)
	if !ok {
		return
	}
	dstIsDir, ok := r.localTarget(dst, len(matches))
	if !ok {
		r.errs++
		return
	}
	x := r.transfer(c)
	x.Files = r.sftpFiles()
	o := r.sftpOptions()
	if dstIsDir {
		r.xferResult(x.DownloadMatches(matches, dst, r.opts.Recursive, o))
		return
	}
	// One match, to dst itself.
	if p := matches[0].Path; strings.HasSuffix(p, "/") && r.opts.Recursive {
		r.xferResult(x.DownloadDir(p, dst, o))
	} else {
		r.xferResult(x.Download(p, dst, nil, o))
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
