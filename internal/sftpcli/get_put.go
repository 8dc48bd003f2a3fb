package sftpcli

import (
	"context"
	"errors"
	"path"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// maxDirDepth bounds recursion in get -r and put -r, as sftp's does.
const maxDirDepth = 64

// xferOpts are a get's or put's flags, the session's global ones or'ed in.
type xferOpts struct{ resume, fsync, preserve, recursive bool }

func (s *session) xferOpts(cmd *command) xferOpts {
	return xferOpts{
		resume:    cmd.resume || s.global.resume || cmd.id == cmdReget || cmd.id == cmdReput,
		fsync:     cmd.fsync || s.global.fsync,
		preserve:  cmd.preserve || s.global.preserve,
		recursive: cmd.recursive || s.global.recursive,
	}
}

// logit prints an informational message as sftp's logit does: like an
// error, unless -q lowered the log level.
func (s *session) logit(format string, args ...any) {
	if !s.logQuiet {
		s.errorf(format, args...)
	}
}

// interrupted reports whether ^C ended the running command.
func (s *session) interrupted() bool { return s.ctx.Err() != nil }

// cleanupCtx is for requests that release what a transfer holds (closing
// a handle, truncating a resumed file): they are sent even after ^C.
func (s *session) cleanupCtx() context.Context { return context.WithoutCancel(s.ctx) }

// realpathText words a failed realpath as sftp does: the server's own
// message when it sent one.
func realpathText(err error) string {
	var se *sftp.StatusError
	if errors.As(err, &se) && se.Message != "" {
		return se.Message
	}
	return fxText(err)
}

// meterName is the name the meter shows: the last element of p, or p
// when that is empty.
func meterName(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 || i == len(p)-1 {
		return p
	}
	return p[i+1:]
}

// baseName is basename(3): the last element, trailing slashes ignored;
// "/" for a path of slashes, "." for "".
func baseName(p string) string {
	if p == "" {
		return "."
	}
	if strings.Trim(p, "/") == "" {
		return "/"
	}
	return path.Base(p)
}

// tap is what the bytes of one file pass: the meter, when shown. (-l paces
// the whole connection, below the client.)
type tap struct {
	s     *session
	meter bool
}

func (s *session) newTap() *tap {
	return &tap{s: s, meter: s.showMeter && s.meter != nil}
}

// moved counts n bytes.
func (t *tap) moved(n int) {
	if t.meter {
		t.s.meter.Add(int64(n))
	}
}
