// Package sftpxfer copies files and trees over SFTP as OpenSSH's
// sftp-client.c does (do_download, download_dir, do_upload, upload_dir):
// the transfer core that the sftp command and scp's SFTP mode share.
package sftpxfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/scp/sftp"
)

// maxDirDepth bounds recursion in tree copies, as OpenSSH's does.
const maxDirDepth = 64

// ErrReported is a failed copy whose messages are already printed.
var ErrReported = errors.New("sftpxfer: copy failed")

// Transfer is one connection's copies and how they speak: sftp's get and
// put, or scp in SFTP mode. Copies run one at a time; a tree copy may
// keep several of its files in flight (Files).
type Transfer struct {
	// Ctx is the running command's: when it ends the copy stops and
	// cleanup requests are still sent.
	Ctx    context.Context
	Client *sftp.Client
	Stdout io.Writer // "Retrieving"/"Entering" lines
	// Log prints one error message the way the command's log does.
	Log   func(msg string)
	Meter progress.Meter // nil: no meter
	// Debug, when set, prints one -v line.
	Debug func(msg string)

	LogQuiet bool // informational messages (OpenSSH's logit) are not shown
	// ProgressOnly drops the "Retrieving"/"Entering" lines of a tree copy
	// (OpenSSH's SFTP_PROGRESS_ONLY, what scp asks for).
	ProgressOnly bool
	// FollowLinks copies what symlinks in a tree point to instead of
	// skipping them.
	FollowLinks bool
	// InPlace writes into an existing file without truncating it first,
	// then cuts it to the bytes written: a failed copy leaves no hole.
	InPlace bool
	// Files is how many files of a tree copy may be in flight at once
	// (0 or 1: one at a time). It takes effect only with ProgressOnly;
	// the messages, the status, the tree and the files' meter lines are
	// those of a copy one file at a time.
	Files int
	// Split, when not nil, holds the extra sessions big files are split
	// across (split.go); nil copies every file on Client alone.
	Split *Pool
}

// Options are one copy's flags.
type Options struct {
	Resume   bool // continue from the size of the existing target
	Fsync    bool // flush the target to disk at the end
	Preserve bool // copy times and modes
	// ResumeChecked keeps what the target shares with the source and
	// copies the rest (resume.go); Resume is then unused. Uploads and
	// downloads only, like Atomic.
	ResumeChecked bool
	// Atomic writes a temporary file beside the target and renames it
	// over the target once complete (atomic.go).
	Atomic bool
}

func (x *Transfer) errorf(format string, args ...any) {
	x.Log(fmt.Sprintf(format, args...))
}

// printf prints a sanitised line on stdout, as OpenSSH's mprintf does.
func (x *Transfer) printf(format string, args ...any) {
	io.WriteString(x.Stdout, termsafe.String(fmt.Sprintf(format, args...)))
}

// logit prints an informational message as OpenSSH's logit does: like an
// error, unless the log level is lowered.
func (x *Transfer) logit(format string, args ...any) {
	if !x.LogQuiet {
		x.errorf(format, args...)
	}
}

// interrupted reports whether the running command was cancelled (^C).
func (x *Transfer) interrupted() bool { return x.Ctx.Err() != nil }

// ConnLost reports whether err ends the session rather than one copy: the
// connection is gone. Such errors are returned as they are, unprinted.
func ConnLost(err error) bool {
	return errors.Is(err, sftp.ErrConnLost) || errors.Is(err, sftp.ErrClosed)
}

// FxText is the reason of a failed request: the status as OpenSSH's client
// words it, else the error itself.
func FxText(err error) string {
	var st *sftp.StatusError
	if errors.As(err, &st) {
		return st.Error()
	}
	return err.Error()
}

// StatusText words a failed realpath as OpenSSH does: the server's own
// message when it sent one, else FxText.
func StatusText(err error) string {
	var se *sftp.StatusError
	if errors.As(err, &se) && se.Message != "" {
		return se.Message
	}
	return FxText(err)
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

// PathAppend joins p1 and p2 with one "/" unless p1 is empty or already
// ends in one, as OpenSSH's path_append does.
func PathAppend(p1, p2 string) string {
	if p1 == "" {
		return p2
	}
	if strings.HasSuffix(p1, "/") {
		return p1 + p2
	}
	return p1 + "/" + p2
}

// tap is what the bytes of one file pass: the meter, when shown. (-l paces
// the whole connection, below the client.)
type tap struct {
	m progress.Meter // nil: none
}

func (x *Transfer) newTap() *tap { return &tap{m: x.Meter} }

// moved counts n bytes.
func (t *tap) moved(n int) {
	if t.m != nil {
		t.m.Add(int64(n))
	}
}

// BaseName is basename(3): the last element, trailing slashes ignored;
// "/" for a path of slashes, "." for "".
func BaseName(p string) string {
	if p == "" {
		return "."
	}
	if strings.Trim(p, "/") == "" {
		return "/"
	}
	return path.Base(p)
}
