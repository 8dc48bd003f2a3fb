package scp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// MaxLine bounds a control or status line. OpenSSH reads 2047 bytes and
// splits longer lines; we refuse them instead, so a peer sending megabytes
// without a newline ends the copy rather than our memory.
const MaxLine = 8192

// dataBufSize is the chunk in which file data is read and written.
const dataBufSize = 256 << 10

// ErrLostConnection means the peer went away in the middle of the protocol.
var ErrLostConnection = errors.New("lost connection")

// ErrIncomplete means at least one file or directory was not copied. Each
// problem was passed to Options.Report when it happened, or counted (see
// Options.Report).
var ErrIncomplete = errors.New("not all files were copied")

// ErrAborted means the copy stopped early on a reported error the peer
// caused, such as a name outside the target; the peer may still be sending
// and should be cut off. errors.Is(ErrAborted, ErrIncomplete) holds.
var ErrAborted = fmt.Errorf("copy ended early: %w", ErrIncomplete)

// RemoteError is a warning (\1) or fatal (\2) message sent by the peer.
type RemoteError struct {
	Fatal bool
	Msg   string
}

func (e *RemoteError) Error() string { return e.Msg }

// Progress observes the data of each file as it moves.
type Progress interface {
	Start(name string, size int64)
	Add(n int64)
	Finish()
}

// Options control both sides of a copy.
type Options struct {
	Recursive   bool // -r: copy directories
	Preserve    bool // -p: send and apply times and exact modes
	TargetIsDir bool // -d: the sink's target must be a directory
	// Report receives each message for the user, worded as OpenSSH prints
	// it and not yet sanitised: the first 1000 of a copy, any that ends
	// it, then the number left out. Nil in the server role, where OpenSSH
	// prints nothing locally.
	Report func(msg string)
	// ReportAll passes every message to Report, without the MaxShown
	// bound, for a caller that merges the messages of several copies and
	// bounds them itself.
	ReportAll bool
	// Progress, if not nil, is told about each file's data.
	Progress Progress
	// NameCheck, if not nil, makes the sink refuse names that were not
	// requested (the client side of a download without -r and -T).
	NameCheck *NameCheck
	// Debug, if not nil, receives -v lines such as "Sending file modes: ...".
	// In Serve it also receives the lines OpenSSH's remote scp -v logs
	// where it makes a descriptor blocking again, such as "debug1: fd 3
	// clearing O_NONBLOCK" (OpenSSH prints its log lines after the program
	// name, ended by "\r\n").
	Debug func(msg string)
	// Pipeline keeps the stream moving instead of waiting a round trip per
	// record: a sink sends its replies ahead, so the source never waits,
	// and reports what it refuses only locally; a source waits only for the
	// replies that decide what it sends next (to C and D records). Messages,
	// errors and the files written are those of a serial copy. For the
	// client's side: a server leaves it off, so its client sees every reply.
	Pipeline bool

	serving bool // set by Serve
}

// MaxShown bounds the messages one copy (one Send or Receive) passes to
// Options.Report. A hostile peer can make every record it sends fail, and
// one 10-byte D record can cost a message as long as a path; OpenSSH prints
// them all (hundreds of megabytes). Past the bound each message is still
// counted as an error, and the copy goes on, but only the number of the
// messages left out is reported, once, at the end. A message that ends the
// copy is always reported.
const MaxShown = 1000

// conn is one side's view of the stream: buffered records and statuses in,
// records, statuses and data out, plus OpenSSH's error bookkeeping.
type conn struct {
	ctx  context.Context
	r    *bufio.Reader
	w    *bufio.Writer
	opt  *Options
	errs int
	// shown and hidden count the messages reported and left out (MaxShown).
	shown, hidden int
	// fatal is set once the stream can no longer be trusted.
	fatal error
	// writeFailed is set once writing to the peer failed. Until then
	// replies are still delivered after a fatal error on the read side,
	// as OpenSSH, which does not buffer them, delivers them.
	writeFailed bool
	// writesAhead marks a sink that only sends replies ahead (Options.Pipeline):
	// a source that is done may be gone before it has read them all, so a
	// failed write is not an error; a real loss shows on the read side.
	writesAhead bool
	buf         []byte
}

func newConn(ctx context.Context, r io.Reader, w io.Writer, opt *Options) *conn {
	c := &conn{ctx: ctx, opt: opt}
	c.w = bufio.NewWriterSize(ctxWriter{w: w, ctx: ctx}, 64<<10)
	c.r = bufio.NewReaderSize(flushingReader{r: r, c: c}, 64<<10)
	return c
}

// flushingReader sends whatever is buffered for the peer before it blocks
// waiting for the peer, so neither side can wait on a reply still sitting in
// the other's buffer. Once ctx is done it reads nothing more: what the peer
// already sent (an SSH window holds megabytes, and -l may pace reading it)
// must not hold up a cancelled copy.
type flushingReader struct {
	r io.Reader
	c *conn
}

func (f flushingReader) Read(p []byte) (int, error) {
	if err := f.c.ctx.Err(); err != nil {
		return 0, err
	}
	f.c.flush()
	return f.r.Read(p)
}

// ctxWriter writes nothing more once ctx is done, so a cancelled source
// stops sending data at once.
type ctxWriter struct {
	w   io.Writer
	ctx context.Context
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// report passes msg to Options.Report, unless MaxShown messages already
// were and msg does not end the copy (c.fatal is set first for those).
func (c *conn) report(msg string) {
	switch {
	case c.opt.Report == nil:
	case c.shown >= MaxShown && c.fatal == nil && !c.opt.ReportAll:
		c.hidden++
	default:
		c.shown++
		c.opt.Report(msg)
	}
}

func (c *conn) debug(format string, args ...any) {
	if c.opt.Debug != nil {
		c.opt.Debug(fmt.Sprintf(format, args...))
	}
}

// clearedNonblock logs, in the server role, the line OpenSSH's remote scp
// logs where it clears O_NONBLOCK on descriptor fd: there 0 is the input, 1
// the output and 3 and up are the files it opens to send (see
// source.fileFD). The numbers are OpenSSH's, not ours: the line is for
// clients that show the remote's -v output.
func (c *conn) clearedNonblock(fd int) {
	if c.opt.serving {
		c.debug("debug1: fd %d clearing O_NONBLOCK", fd)
	}
}

// runErr is OpenSSH's run_err: count the error, tell the peer, tell the user.
func (c *conn) runErr(msg string) {
	c.errs++
	c.send(Record{Kind: KindWarning, Text: "scp: " + msg})
	c.flush()
	c.report(msg)
}

// fail records a fatal error (reporting it once) and returns it. Once the
// copy is cancelled (^C) a broken stream is expected: the cancellation is
// recorded instead, without a message.
func (c *conn) fail(err error) error {
	if c.fatal != nil {
		return err
	}
	if cerr := c.ctx.Err(); cerr != nil {
		c.fatal = cerr
		return cerr
	}
	c.fatal = err
	c.report(err.Error())
	return err
}

func (c *conn) send(r Record) {
	c.buf = r.Append(c.buf[:0])
	c.write(c.buf)
}

func (c *conn) sendOK() { c.write([]byte{0}) }

func (c *conn) write(p []byte) {
	if c.writeFailed {
		return
	}
	if _, err := c.w.Write(p); err != nil {
		c.writeFailed = true
		if !c.writesAhead {
			c.fail(ErrLostConnection)
		}
	}
}

func (c *conn) flush() {
	if c.writeFailed {
		return
	}
	if err := c.w.Flush(); err != nil {
		c.writeFailed = true
		if !c.writesAhead {
			c.fail(ErrLostConnection)
		}
	}
}

// readLine returns the next line without its newline. io.EOF is returned
// only when the stream ends before the line's first byte. A line longer
// than MaxLine is a *ProtocolError; the read buffer is larger than MaxLine,
// so ReadSlice always sees either the newline or too many bytes.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	switch {
	case err == nil && len(line) <= MaxLine+1:
		return line[:len(line)-1], nil
	case err == nil || errors.Is(err, bufio.ErrBufferFull):
		return nil, protocolErr(fmt.Sprintf("control record longer than %d bytes", MaxLine))
	case len(line) == 0 && err == io.EOF:
		return nil, io.EOF
	}
	return nil, ErrLostConnection
}

// readStatus reads one reply: nil for \0, a *RemoteError for \1 and \2
// (reported and counted), ErrLostConnection at EOF, and for any other byte
// a fatal *RemoteError showing what has arrived of that line.
func (c *conn) readStatus() error { return c.readReply(true) }

// readReply is readStatus, except that a \1 is reported and counted only
// when shown is set.
func (c *conn) readReply(shown bool) error {
	if c.fatal != nil {
		return c.fatal
	}
	b, err := c.r.ReadByte()
	if err != nil {
		return c.fail(ErrLostConnection)
	}
	switch b {
	case 0:
		return nil
	case KindWarning, KindFatal:
		line, err := c.readLine()
		if errors.Is(err, io.EOF) {
			err = ErrLostConnection
		}
		if err != nil {
			return c.fail(err)
		}
		rerr := &RemoteError{Fatal: b == KindFatal, Msg: string(line)}
		if rerr.Fatal {
			c.fatal = rerr
		}
		if shown || rerr.Fatal {
			c.errs++
			c.report(string(line))
		}
		return rerr
	}
	return c.fail(c.garbage(b))
}

// garbage describes a reply that is not a status byte, typically a line of
// a shell start-up file. It shows what has already arrived of that line, but
// never waits for more: a peer that breaks the protocol may send nothing else.
func (c *conn) garbage(first byte) error {
	n := min(c.r.Buffered(), MaxLine)
	rest, _ := c.r.Peek(n)
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return &RemoteError{Fatal: true, Msg: string(first) + string(rest)}
}

// Omitted is the message that ends a copy when MaxShown left n messages
// out (see [Options].Report).
func Omitted(n int) string {
	if n == 1 {
		return "scp: 1 more error not shown"
	}
	return fmt.Sprintf("scp: %d more errors not shown", n)
}

// result turns the error count into Send's and Receive's result, after
// reporting how many messages MaxShown left out.
func (c *conn) result() error {
	c.flush()
	if c.hidden > 0 {
		c.opt.Report(Omitted(c.hidden))
	}
	if c.fatal != nil {
		return c.fatal
	}
	if c.errs > 0 {
		return ErrIncomplete
	}
	return nil
}

// checkContext stops the copy between records once ctx is done.
func (c *conn) checkContext() error {
	if err := c.ctx.Err(); err != nil {
		c.fatal = err
		return err
	}
	return nil
}
