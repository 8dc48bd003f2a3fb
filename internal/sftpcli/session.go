package sftpcli

import (
	"context"
	"errors"
	"fmt"
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
	io.WriteString(s.stderr, cmdline.Log(fmt.Sprintf(format, args...)))
}

// printf prints a sanitised line on stdout, as sftp's mprintf does.
func (s *session) printf(format string, args ...any) {
	io.WriteString(s.stdout, termsafe.String(fmt.Sprintf(format, args...)))
}

// errReported is a command's failure whose message is already printed.
var errReported = errors.New("sftp: command failed")

// report prints a failed request as sftp does, "CONTEXT: REASON" with the
// status worded as OpenSSH words it, and returns err. When the connection is
// gone it prints nothing: the session ends with sftp's "Connection closed".
func (s *session) report(err error, format string, args ...any) error {
	if !connLost(err) {
		s.errorf("%s: %s", fmt.Sprintf(format, args...), fxText(err))
	}
	return err
}

// connLost reports whether err ends the session rather than one command:
// the connection is gone. Such errors are returned as they are, unprinted.
func connLost(err error) bool {
	return errors.Is(err, sftp.ErrConnLost) || errors.Is(err, sftp.ErrClosed)
}

// fxText is the reason of a failed request: the status as OpenSSH's client
// words it, else the error itself.
func fxText(err error) string {
	var st *sftp.StatusError
	if errors.As(err, &st) {
		return st.Error()
	}
	return err.Error()
}
