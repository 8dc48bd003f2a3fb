package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp/sftp"
)

// Automatic fallback, which OpenSSH's scp does not do: a copy whose
// remote lacks the protocol it started with (no scp, or an SFTP-only
// server; no SFTP subsystem, or one that does not run) goes over the
// other protocol, quietly, when the remote has that one. What the remote
// said before that was known is held back, so the user sees only the copy
// that worked; when neither protocol works, everything is shown as if no
// fallback had been tried. Only with our own SSH connections: the -S
// program's and -D server's failures are theirs to report.

// maxHeld bounds the remote stderr held back; a remote that says more
// than this before its first reply is not one that lacks scp.
const maxHeld = 16 << 10

// held is a session's remote stderr, kept back until the session's start
// shows whether it is shown (release) or dropped (discard). A nil *held
// holds nothing.
type held struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	holding bool
}

func newHeld(w io.Writer) *held { return &held{w: w, holding: true} }

func (h *held) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holding && len(h.buf)+len(p) <= maxHeld {
		h.buf = append(h.buf, p...)
		return len(p), nil
	}
	h.flush()
	return h.w.Write(p)
}

// release shows what was held and passes the rest straight through.
func (h *held) release() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.flush()
}

func (h *held) flush() {
	if h.holding {
		h.holding = false
		h.w.Write(h.buf)
		h.buf = nil
	}
}

// discard drops what was held and whatever comes later.
func (h *held) discard() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.holding, h.buf, h.w = false, nil, io.Discard
}

// text is what is held so far.
func (h *held) text() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.buf)
}

// sftpOnlyNotice is what sshd prints on stdout, exiting 1, for a command
// when ForceCommand is internal-sftp and the session is not a subsystem.
const sftpOnlyNotice = "This service allows sftp connections only.\n"

// absence is how the start of a legacy session shows that the remote runs
// no scp.
type absence int

const (
	present  absence = iota // a reply came: this is a protocol stream
	silent                  // the stream ended before any byte
	notFound                // ... and the remote stderr names scp as not found
	sftpOnly                // sshd's notice, then the end
)

func (a absence) String() string {
	switch a {
	case notFound:
		return "Remote scp not found"
	case sftpOnly:
		return "Remote allows SFTP only"
	}
	return "Remote scp ended at once"
}

// firstReply is a legacy session's stdout, read first for what the remote
// sends before any protocol byte. When that shows no scp there, missing
// (if set) decides whether the copy is taken over; if so the engine sees
// the stream end at once and the held stderr is dropped. Otherwise the
// held stderr is released and the engine reads everything.
type firstReply struct {
	r       io.Reader
	hold    *held
	missing func(absence) (taken bool)
	decided bool
	taken   bool
	pending []byte // read while deciding, for the engine
	err     error  // the read error that ended deciding, after pending
}

func (f *firstReply) Read(p []byte) (int, error) {
	f.decide()
	if len(f.pending) > 0 {
		n := copy(p, f.pending)
		f.pending = f.pending[n:]
		return n, nil
	}
	if f.err != nil {
		return 0, f.err
	}
	return f.r.Read(p)
}

// decide reads the start of the stream, once.
func (f *firstReply) decide() {
	if f.decided {
		return
	}
	f.decided = true
	if a := f.peek(); a != present && f.missing != nil && f.missing(a) {
		f.taken = true
		f.hold.discard()
		f.pending, f.err = nil, io.EOF
		return
	}
	f.hold.release()
}

// peek reads until the stream is known to be a protocol stream or to come
// from a remote without scp. A protocol stream never waits for us in the
// middle of a line, and no legacy reply or record starts like the notice,
// so reading on while the bytes match it cannot block a working copy.
func (f *firstReply) peek() absence {
	buf := make([]byte, len(sftpOnlyNotice)+1)
	for {
		n, err := f.r.Read(buf)
		f.pending = append(f.pending, buf[:n]...)
		got := string(f.pending)
		switch {
		case err == io.EOF && got == "":
			f.err = err
			if scpNotFound(f.hold.text()) {
				return notFound
			}
			return silent
		case !strings.HasPrefix(sftpOnlyNotice, got):
			f.err = err
			return present
		case err == io.EOF && got == sftpOnlyNotice:
			f.err = err
			return sftpOnly
		case err != nil:
			f.err = err
			return present
		}
	}
}

// scpNotFound reports whether a remote shell's stderr says that it found
// no scp command, in the words of the usual shells.
func scpNotFound(stderr string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		for _, s := range []string{"scp: not found", "scp: command not found", "scp: Command not found."} {
			if line == s || strings.HasSuffix(line, " "+s) {
				return true
			}
		}
		if strings.HasSuffix(line, "command not found: scp") || strings.HasSuffix(line, "Unknown command: scp") {
			return true
		}
	}
	return false
}

// mayFallBack reports whether this run can change protocols: only over
// its own SSH connections, and not when -X resume or -X atomic asked for
// what only SFTP does.
func (r *run) mayFallBack() bool {
	return r.opts.Program == "" && r.opts.SFTPServer == "" && !r.opts.Resume && !r.opts.Atomic
}

// sftpFailure is why an SFTP connection could not be opened, reported
// later (or never, when the legacy protocol does the copy instead).
type sftpFailure struct {
	err     error
	ssh     bool   // the SSH layer's error: printed as ssh prints it
	closed  bool   // the server closed the connection before a byte came: OpenSSH says no more than that
	missing string // why the remote has no SFTP server, "" if it may have one
	hold    *held
}

// report prints the failure as OpenSSH's scp does; it ends the run.
func (f *sftpFailure) report(r *run) {
	f.hold.release()
	switch {
	case f.ssh:
		r.printSSH(f.err.Error())
	case !f.closed:
		r.logf("%s", f.err)
	}
	r.connClosed()
}

// sftpMissing says why the remote has no SFTP server for us, from the
// error that ended the start of the connection and whether the server
// sent anything first; "" when that does not show one missing. sshd
// drops a subsystem's stderr, so a Subsystem line naming a missing
// program shows only as a channel that ends before a byte came.
func sftpMissing(startErr error, sentAny bool) string {
	var terr *transport.Error
	switch {
	case errors.As(startErr, &terr) && strings.HasPrefix(terr.Msg, "subsystem request failed"):
		return "SFTP subsystem refused"
	case errors.Is(startErr, sftp.ErrConnLost) && !sentAny:
		return "SFTP server ended at once"
	}
	return ""
}

// firstBytes is a reader that notes whether anything came; the SFTP
// client reads it on its own goroutine.
type firstBytes struct {
	r   io.Reader
	any atomic.Bool
}

func (f *firstBytes) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 {
		f.any.Store(true)
	}
	return n, err
}

// openSFTPOr opens an SFTP connection to op's host, or, when the host has
// no SFTP server and this copy is not a fallback already, runs legacy (the
// copy over the legacy protocol) instead and returns nil. A failure is
// reported, as openSFTP reports it, unless legacy is run.
func (r *run) openSFTPOr(op Operand, legacy func()) *sftpConn {
	c, fail := r.dialSFTP(op)
	if fail == nil {
		return c
	}
	if fail.missing == "" || r.fellBack || !r.mayFallBack() || !r.connAlive(op) {
		fail.report(r)
		return nil
	}
	r.debug(fmt.Sprintf("%s on host %s, using the scp protocol", fail.missing, op.Host))
	r.fellBack, r.sftpFailed = true, fail
	legacy()
	if r.sftpFailed != nil {
		fail.hold.discard() // the legacy copy ran
	}
	r.fellBack, r.sftpFailed = false, nil
	return nil
}

// connAlive reports whether our connection to op's host still answers: a
// channel that ended before a byte came says nothing about the server
// when the whole connection is gone.
func (r *run) connAlive(op Operand) bool {
	c, err := r.connect(op)
	if err == nil {
		_, _, err = c.SSH().SendRequest("keepalive@openssh.com", true, nil)
	}
	return err == nil
}

// scpMissing decides, for a legacy copy to or from op's host that shows
// no scp there (a), whether it is taken over: when the copy is a fallback
// from SFTP, by the SFTP failure, reported as if no fallback had been
// tried; otherwise by SFTP, when the remote shell said scp was not found
// (or sshd allows SFTP only) and the host serves SFTP (the connection
// waits in r.spare).
func (r *run) scpMissing(op Operand, a absence) (taken bool) {
	if f := r.sftpFailed; f != nil {
		r.sftpFailed = nil
		f.report(r)
		return true
	}
	if r.fellBack || a == silent {
		return false
	}
	c, ok := r.dialQuietly(op)
	if ok {
		r.debug(fmt.Sprintf("%s on host %s, using SFTP", a, op.Host))
		r.spare = c
	}
	return ok
}

// watchStart makes the first reply of a legacy session to op's host
// decide on a fallback; it reports whether the session can.
func (r *run) watchStart(sess *transport.Session, op Operand) (*firstReply, bool) {
	f, ok := sess.Stdout.(*firstReply)
	if ok {
		f.missing = func(a absence) bool { return r.scpMissing(op, a) }
	}
	return f, ok
}

// endTaken ends a legacy session whose copy was taken over; how it ended
// does not count.
func endTaken(sess *transport.Session) {
	sess.Stdin.Close()
	sess.Close()
	sess.Wait()
}

// heldStderr returns where a session's remote stderr goes: held back when
// the run may fall back, else straight to ours.
func (r *run) heldStderr() (*held, io.Writer) {
	if !r.mayFallBack() || r.fellBack && r.sftpFailed == nil {
		return nil, r.stderr
	}
	h := newHeld(r.stderr)
	return h, h
}

// relayFallback is the fallback of a -3 copy through us, whose source
// and target sessions may each show no scp, on two goroutines: the first
// that shows it decides for both.
type relayFallback struct {
	r              *run
	src, tgt       Operand
	mu             sync.Mutex
	decided, taken bool
	from, to       *sftpConn // the SFTP connections that take over
}

// watchRelay makes the first replies of a -3 copy's sessions decide on a
// fallback.
func (r *run) watchRelay(from, to *transport.Session, src, tgt Operand) *relayFallback {
	rf := &relayFallback{r: r, src: src, tgt: tgt}
	for _, w := range []struct {
		sess *transport.Session
		op   Operand
	}{{from, src}, {to, tgt}} {
		if f, ok := w.sess.Stdout.(*firstReply); ok {
			f.missing = func(a absence) bool { return rf.missing(w.op, a) }
		}
	}
	return rf
}

// missing is scpMissing for a -3 copy: SFTP takes over when both hosts
// serve it.
func (rf *relayFallback) missing(op Operand, a absence) bool {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	r := rf.r
	switch {
	case rf.decided:
	case r.sftpFailed != nil:
		rf.decided, rf.taken = true, r.scpMissing(op, a)
	case r.fellBack || a == silent:
	default:
		rf.decided = true
		if rf.from, rf.taken = r.dialQuietly(rf.src); !rf.taken {
			break
		}
		if rf.to, rf.taken = r.dialQuietly(rf.tgt); !rf.taken {
			rf.from.close(r)
			break
		}
		r.debug(fmt.Sprintf("%s on host %s, using SFTP", a, op.Host))
	}
	return rf.taken
}

// dialQuietly opens an SFTP connection to op's host, if it serves one,
// saying nothing either way.
func (r *run) dialQuietly(op Operand) (*sftpConn, bool) {
	c, fail := r.dialSFTP(op)
	if fail != nil {
		fail.hold.discard()
		return nil, false
	}
	return c, true
}

// done runs a -3 copy that was taken over on its SFTP connections, if it
// was, and reports whether it was: then the legacy sessions' ends do not
// count.
func (rf *relayFallback) done() bool {
	if !rf.taken {
		return false
	}
	if rf.to != nil {
		r := rf.r
		r.spare, r.fellBack = rf.from, true // throughLocal opens the source's
		r.throughLocal(rf.to, rf.src, rf.tgt.Path)
		rf.to.close(r)
		r.fellBack = false
	}
	return true
}
