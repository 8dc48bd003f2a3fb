package sftpcli

import (
	"context"
	"fmt"
	"github.com/goscp/goscp/internal/sftpxfer"
	"io"

	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/scp/sftp"
)

// session is an sftp session: the connection, the working directories and
// the settings that commands share. Commands run one at a time.
type session struct {
	// ctx is the running command's: ^C ends it, not the session.
	ctx    context.Context
	client *sftp.Client
	stdout io.Writer
	stderr io.Writer
	// log, if not nil, prints errors instead of errorf's own line: scp's
	// SFTP mode words them as scp's.
	log func(msg string)

	pwd      string // remote working directory, absolute
	startDir string // where the session started; cd with no argument

	quiet     bool // no "Fetching", "Uploading", "Removing", ... lines (-q, -b)
	errAbort  bool // an error ends the batch: loops over matches stop at the first
	meter     progress.Meter
	showMeter bool // the progress command toggles it

	interrupts *interrupts // nil in tests: no command is interrupted

	// The command line's -a -f -p -r, applied to every get and put.
	global struct{ resume, fsync, preserve, recursive bool }

	logQuiet bool // -q: sftp's informational messages (its logit) are not shown
}

// errorf prints an error as sftp's log does: made safe by strnvis, on stderr, ending
// in "\r\n".
func (s *session) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.log != nil {
		s.log(msg)
		return
	}
	io.WriteString(s.stderr, cmdline.Log(msg))
}

// printf prints a sanitised line on stdout, as sftp's mprintf does.
func (s *session) printf(format string, args ...any) {
	io.WriteString(s.stdout, termsafe.String(fmt.Sprintf(format, args...)))
}

// errReported is a command's failure whose message is already printed
// (the transfer core's own, so that its failures need no translation).
var errReported = sftpxfer.ErrReported

// report prints a failed request as sftp does, "CONTEXT: REASON" with the
// status worded as OpenSSH words it, and returns err. When the connection is
// gone it prints nothing: the session ends with sftp's "Connection closed".
func (s *session) report(err error, format string, args ...any) error {
	if !sftpxfer.ConnLost(err) {
		s.errorf("%s: %s", fmt.Sprintf(format, args...), sftpxfer.FxText(err))
	}
	return err
}
