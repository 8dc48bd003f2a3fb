package sftpcli

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"github.com/goscp/goscp/scp/sftp"
)

// maxDirDepth bounds recursion in get -r and put -r, as sftp's does.
const maxDirDepth = 64

// errTransfer is what get and put return when a file or directory failed:
// the reason has been printed already.
var errTransfer = errors.New("transfer failed")

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

// fatal reports whether err ends the session rather than one file: the
// connection is gone. Such errors are returned as they are, unprinted.
func fatal(err error) bool {
	return errors.Is(err, sftp.ErrConnLost) || errors.Is(err, sftp.ErrClosed)
}

// interrupted reports whether ^C ended the running command.
func (s *session) interrupted() bool { return s.ctx.Err() != nil }

// cleanupCtx is for requests that release what a transfer holds (closing
// a handle, truncating a resumed file): they are sent even after ^C.
func (s *session) cleanupCtx() context.Context { return context.WithoutCancel(s.ctx) }

// fxText words a failed request as sftp does: the status's text.
func fxText(err error) string {
	var se *sftp.StatusError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

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

// tap is what the bytes of one file pass: the meter, when shown, and the
// session's bandwidth limit.
type tap struct {
	s     *session
	meter bool
	pace  *pacer
}

func (s *session) newTap() *tap {
	t := &tap{s: s, meter: s.showMeter && s.meter != nil}
	if s.limitKbps > 0 {
		t.pace = &pacer{rate: float64(s.limitKbps) * 1024 / 8, start: time.Now()}
	}
	return t
}

// chunk bounds one read or write so that pacing stays smooth at low
// rates.
func (t *tap) chunk(n int) int {
	if t.pace == nil || n == 0 {
		return n
	}
	return max(1, min(n, int(t.pace.rate/10)))
}

// moved counts n bytes, waiting as long as the limit asks.
func (t *tap) moved(n int) {
	if t.meter {
		t.s.meter.Add(int64(n))
	}
	if t.pace != nil {
		t.pace.take(t.s.ctx, n)
	}
}

// pacer holds a byte count to rate bytes per second since start. Time
// spent idle is not saved up for a burst: once more than a second behind,
// the count starts over.
type pacer struct {
	rate  float64
	start time.Time
	bytes float64
}

func (p *pacer) take(ctx context.Context, n int) {
	p.bytes += float64(n)
	due := p.start.Add(time.Duration(p.bytes / p.rate * float64(time.Second)))
	wait := time.Until(due)
	if wait < -time.Second {
		p.start, p.bytes = time.Now(), 0
		return
	}
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
