package sftpcli

import (
	"context"
	"fmt"
	"io"

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

	// The command line's -a -f -p -r, applied to every get and put.
	global struct{ resume, fsync, preserve, recursive bool }

	limitKbps int64 // -l: get and put move at most this many Kbit/s (1024 bits); 0: no limit
	logQuiet  bool  // -q: sftp's informational messages (its logit) are not shown
}

// errorf prints an error as sftp's log does: sanitised, on stderr, ending
// in "\r\n".
func (s *session) errorf(format string, args ...any) {
	fmt.Fprintf(s.stderr, "%s\r\n", termsafe.String(fmt.Sprintf(format, args...)))
}

// printf prints a sanitised line on stdout, as sftp's mprintf does.
func (s *session) printf(format string, args ...any) {
	io.WriteString(s.stdout, termsafe.String(fmt.Sprintf(format, args...)))
}
