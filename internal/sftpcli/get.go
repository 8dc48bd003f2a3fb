package sftpcli

import (
	"github.com/goscp/goscp/internal/sftpxfer"
	"os"
	"strings"
)

// get runs get, mget and reget as sftp's process_get does: cmd.path1 is
// a remote pattern under the working directory, cmd.path2 the local
// destination ("" for none: the current directory). Every message is
// printed here. The error is errReported when something failed, or one
// wrapping sftp.ErrConnLost when the connection broke (sftp then exits).
func (s *session) get(cmd *command) error {
	o := s.xferOpts(cmd)
	pattern := makeAbsolute(cmd.path1, escapeGlob(s.pwd))
	matches, err := s.remoteGlob(pattern, globMark)
	if err != nil {
		return s.remoteFailed(err, "File \"%s\" not found.", pattern)
	}
	dst := cmd.path2
	n := matched(matches)
	if n > 1 && dst != "" && !localIsDir(dst) {
		s.errorf("Multiple source paths, but destination \"%s\" is not a directory", dst)
		return errReported
	}
	var status error
	for _, m := range matches {
		if s.interrupted() {
			break
		}
		target := getTarget(m.path, dst, n)
		switch {
		case s.quiet:
		case o.resume:
			s.printf("Resuming %s to %s\n", m.path, target)
		default:
			s.printf("Fetching %s to %s\n", m.path, target)
		}
		if strings.HasSuffix(m.path, "/") && o.recursive {
			err = s.downloadDir(m.path, target, o)
		} else {
			err = s.download(m.path, target, nil, o)
		}
		if sftpxfer.ConnLost(err) {
			return err
		}
		if err != nil {
			status = errReported
		}
	}
	return status
}

// getTarget is where get puts the match src: into dst when it is a
// directory or one of several, as dst when it names the only match's
// copy, and in the current directory without dst.
func getTarget(src, dst string, matches int) string {
	name := sftpxfer.BaseName(src)
	switch {
	case dst == "":
		return name
	case matches == 1 && !localIsDir(dst):
		return dst
	}
	return sftpxfer.PathAppend(dst, name)
}

// localIsDir is sftp's local_is_dir: a directory, following symlinks.
func localIsDir(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.IsDir()
}
