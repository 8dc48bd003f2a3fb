package scp

import (
	"errors"
	"strings"
	"syscall"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/internal/termsafe"
)

// A FileError is one problem of a Client's copy, worded as scp prints it:
// a file or directory that was not copied ("scp: /srv/a: No such file or
// directory" from the remote scp, "a: Permission denied" from ours), or
// what ended the copy ("error: unexpected filename: ..").
//
// When the message ends in a system error's text, errors.Is matches that
// error's kind, such as fs.ErrNotExist or fs.ErrPermission.
type FileError struct {
	Msg string // sanitised unless CopyOptions.RawMessages
}

func (e *FileError) Error() string { return e.Msg }

// Unwrap returns the system error the message ends with, if any.
func (e *FileError) Unwrap() error {
	for _, errno := range knownErrnos {
		if strings.HasSuffix(e.Msg, ": "+strerror.Text(errno)) {
			return errno
		}
	}
	return nil
}

// knownErrnos are the system errors a FileError is matched against.
var knownErrnos = []syscall.Errno{
	syscall.ENOENT, syscall.EACCES, syscall.EPERM, syscall.EEXIST,
	syscall.ENOTDIR, syscall.EISDIR, syscall.ENOSPC, syscall.EROFS,
}

// A CommandError is a remote scp that could not be started, or that failed
// outside the protocol, such as one the remote shell could not find.
type CommandError struct {
	Command string // the command line run on the server
	// Stderr is the start of what the command wrote to its stderr
	// (sanitised unless CopyOptions.RawMessages), for a Client from
	// NewClient; Dial's Client passes it to DialOptions.Stderr instead.
	Stderr string
	Err    error // why: an *ssh.ExitError for an exit status, or nil
}

func (e *CommandError) Error() string {
	msg := "remote command " + e.Command
	if e.Err != nil {
		// An *ssh.ExitError carries the server's own words.
		msg += ": " + termsafe.String(e.Err.Error())
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// collector gathers the messages of one copy (Options.Report).
type collector struct {
	raw bool
	// report, if not nil, is given the messages instead (CopyOptions.Report).
	report func(msg string)
	msgs   []string
}

func (c *collector) add(msg string) {
	if c.report != nil {
		c.report(sanitize(msg, c.raw))
		return
	}
	c.msgs = append(c.msgs, msg)
}

// result joins the copy's messages as *FileError values, its result and a
// command error. The message of a result that ended the copy is not
// repeated.
func (c *collector) result(res, cmdErr error) error {
	msgs := c.msgs
	if n := len(msgs); res != nil && res != ErrIncomplete && n > 0 && msgs[n-1] == res.Error() {
		msgs = msgs[:n-1]
	}
	errs := make([]error, 0, len(msgs)+2)
	for _, m := range msgs {
		errs = append(errs, &FileError{Msg: sanitize(m, c.raw)})
	}
	var re *RemoteError
	if errors.As(res, &re) && !c.raw {
		res = &RemoteError{Fatal: re.Fatal, Msg: termsafe.String(re.Msg)}
	}
	return errors.Join(append(errs, res, cmdErr)...)
}

func sanitize(s string, raw bool) string {
	if raw {
		return s
	}
	return termsafe.String(s)
}

// safeProgress passes file names to a Progress sanitised.
type safeProgress struct{ Progress }

func (p safeProgress) Start(name string, size int64) {
	p.Progress.Start(termsafe.String(name), size)
}
