package sftpcli

import (
	"github.com/goscp/goscp/internal/sftpxfer"
)

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

// interrupted reports whether ^C ended the running command.
func (s *session) interrupted() bool { return s.ctx.Err() != nil }

// remoteFailed prints a failed request's message and returns errReported,
// or returns a fatal error unprinted.
func (s *session) remoteFailed(err error, format string, args ...any) error {
	if sftpxfer.ConnLost(err) {
		return err
	}
	if !s.interrupted() {
		s.errorf(format, args...)
	}
	return errReported
}
