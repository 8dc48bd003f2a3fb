package sftpcli

import (
	"github.com/goscp/goscp/internal/sftpxfer"
	"os"
	"strings"

	"github.com/goscp/goscp/internal/strerror"
)

// put runs put, mput and reput as sftp's process_put does: cmd.path1 is
// a local pattern, cmd.path2 the remote destination under the working
// directory ("" for none: the working directory itself). Errors are as
// get's.
func (s *session) put(cmd *command) error {
	o := s.xferOpts(cmd)
	dst := ""
	if cmd.path2 != "" {
		dst = makeAbsolute(cmd.path2, s.pwd)
	}
	matches, err := localGlob(cmd.path1, globNoCheck|globMark)
	if err != nil {
		s.errorf("File \"%s\" not found.", cmd.path1)
		return errReported
	}
	dstIsDir := true
	if dst != "" {
		if dstIsDir, err = sftpxfer.RemoteIsDir(s.ctx, s.client, dst); sftpxfer.ConnLost(err) {
			return err
		}
	}
	if len(matches) > 1 && dst != "" && !dstIsDir {
		s.errorf("Multiple paths match, but destination \"%s\" is not a directory", dst)
		return errReported
	}
	var status error
	for _, src := range matches {
		if s.interrupted() {
			break
		}
		if _, err := os.Stat(src); err != nil {
			s.errorf("stat %s: %s", src, strerror.Text(err))
			status = errReported
			continue
		}
		target := s.putTarget(src, dst, dstIsDir, len(matches))
		switch {
		case s.quiet:
		case o.resume:
			s.printf("Resuming upload of %s to %s\n", src, target)
		default:
			s.printf("Uploading %s to %s\n", src, target)
		}
		if strings.HasSuffix(src, "/") && o.recursive {
			err = s.uploadDir(src, target, o)
		} else {
			err = s.upload(src, target, o)
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

// putTarget is where put puts the local src: into dst when it is a
// directory or when there are several sources, as dst when it names the
// only source's copy, and in the working directory without dst.
func (s *session) putTarget(src, dst string, dstIsDir bool, matches int) string {
	name := sftpxfer.BaseName(src)
	switch {
	case dst == "":
		return makeAbsolute(name, s.pwd)
	case matches == 1 && !dstIsDir:
		return dst
	}
	return sftpxfer.PathAppend(dst, name)
}
