package sftpcli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"golang.org/x/term"
)

// lineReader gives the session its lines, without the newline; io.EOF
// ends the session.
type lineReader interface {
	readLine() (string, error)
}

// prompt is sftp's prompt on a terminal.
const prompt = "sftp> "

// historySize is how many lines sftp's history keeps.
const historySize = 100

// Keys the reader handles before x/term sees them.
const (
	keyInterrupt = 0x03 // ^C: x/term would end the session
	keySuspend   = 0x1a // ^Z: x/term ignores it
	keyTab       = '\t'
)

// libeditKeys turns keys libedit knows (in sftp's bindings) and x/term
// does not into x/term's nearest: words left and right (Esc b, Esc f,
// Ctrl and Esc with the arrows), Esc Backspace (^W), and ^U, which kills
// the whole line in libedit (x/term's kills what is left of the cursor).
// A sequence split between two reads is not seen.
var libeditKeys = strings.NewReplacer(
	"\x1bb", "\x1b[1;3D", "\x1b[1;5D", "\x1b[1;3D", "\x1b\x1b[D", "\x1b[1;3D",
	"\x1bf", "\x1b[1;3C", "\x1b[1;5C", "\x1b[1;3C", "\x1b\x1b[C", "\x1b[1;3C",
	"\x1b\x7f", "\x17",
	"\x15", "\x05\x15",
)

// terminalReader edits lines on a terminal as sftp's libedit does: the
// prompt, emacs keys (those x/term knows), the session's history and tab
// completion. The terminal is raw only while a line is read, so commands
// run with the terminal as the user had it: their output needs no "\r"
// and ^C raises SIGINT.
//
// It is also an io.Writer for the session's stdout (and gives one for its
// stderr, see errors): what the completion function writes (a listing of
// candidates) is shown under the line being edited, which is then drawn
// again, as libedit does; at other times writes go straight through.
//
// session.terminal runs a session on it.
type terminalReader struct {
	in, out  *os.File
	tty      *ttyIO
	term     *term.Terminal
	complete func(line string, pos int) (string, int, bool)

	wmu        sync.Mutex
	completing bool         // the completion function is running
	listing    bytes.Buffer // what it wrote

	mu  sync.Mutex
	raw *term.State // the state to go back to while the terminal is raw

	stop func() // ^Z: stop the program until it is continued
}

// newTerminalReader reads lines from the terminal in, echoing and drawing
// on out (usually the same terminal), with complete called on Tab (see
// [session.complete]). The returned function restores the terminal; call
// it on every way out (readLine restores it too before it returns, so
// it only matters while a readLine is running elsewhere).
//
// What the reader does with keys that x/term lacks: ^C discards the line
// and gives a fresh prompt (sftp's read_interrupt); ^D on an empty line
// shows "^D" and ends the session. Signals are not touched: raw mode turns
// ^C into a key, and the session's [interrupts] own SIGINT, SIGTERM and
// SIGHUP (restoring the terminal before they end the program).
func newTerminalReader(in, out *os.File, complete func(line string, pos int) (string, int, bool)) (*terminalReader, func(), error) {
	if !term.IsTerminal(int(in.Fd())) {
		return nil, nil, fmt.Errorf("%s: not a terminal", in.Name())
	}
	r := &terminalReader{in: in, out: out, complete: complete, stop: stopSelf}
	r.tty = &ttyIO{in: in, out: out, suspend: r.suspend}
	r.term = term.NewTerminal(r.tty, prompt)
	r.term.History = &history{tty: r.tty}
	r.term.AutoCompleteCallback = r.onKey
	return r, r.restore, nil
}

// readLine reads one line with the terminal raw. At the end of input it
// ends the line as sftp does ("^D" when that was the key) and returns
// io.EOF.
func (r *terminalReader) readLine() (string, error) {
	if err := r.makeRaw(); err != nil {
		return "", err
	}
	defer r.restore()
	stop := r.watchSignals()
	defer stop()
	r.resize()
	for {
		line, err := r.term.ReadLine()
		if r.tty.takeInterrupt() {
			// x/term ended the line with "\r\n"; a fresh prompt follows.
			continue
		}
		if err == io.EOF {
			end := "\r\n"
			if r.tty.err == nil {
				end = "^D\r\n" // x/term saw ^D on an empty line
			}
			io.WriteString(r.out, end)
		}
		return line, err
	}
}

// Write writes p to the terminal; during a completion it is kept to be
// shown under the line.
func (r *terminalReader) Write(p []byte) (int, error) {
	return termWriter{r, r.out}.Write(p)
}

// errors gives a writer for the session's stderr: during a completion
// (a remote directory it cannot read) it is shown under the line like the
// listing, at other times it goes to w.
func (r *terminalReader) errors(w io.Writer) io.Writer {
	return termWriter{r, w}
}

// termWriter writes to w, or to r's listing during a completion.
type termWriter struct {
	r *terminalReader
	w io.Writer
}

func (t termWriter) Write(p []byte) (int, error) {
	t.r.wmu.Lock()
	defer t.r.wmu.Unlock()
	if t.r.completing {
		return t.r.listing.Write(p)
	}
	return t.w.Write(p)
}

// collect runs f and returns what was written to r meanwhile.
func (r *terminalReader) collect(f func()) []byte {
	r.wmu.Lock()
	r.completing = true
	r.listing.Reset()
	r.wmu.Unlock()
	f()
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.completing = false
	return bytes.Clone(r.listing.Bytes())
}

// onKey is x/term's AutoCompleteCallback, called for keys it does not
// handle itself; only Tab does anything.
func (r *terminalReader) onKey(line string, pos int, key rune) (string, int, bool) {
	if key != keyTab || r.complete == nil {
		return "", 0, false
	}
	var newLine string
	var newPos int
	var ok bool
	listing := r.collect(func() { newLine, newPos, ok = r.complete(line, pos) })
	if len(listing) > 0 {
		// The line stays where it was, the listing goes under it, and the
		// line is drawn again below; x/term's Write erases the line first,
		// hence the copy of it in front.
		r.term.Write(append([]byte(prompt+line), listing...))
	}
	if !ok {
		// A bell, as libedit rings when there is nothing to complete. The
		// tab came alone (ttyIO), so nothing of x/term's is pending.
		io.WriteString(r.out, "\a")
	}
	return newLine, newPos, ok
}

func (r *terminalReader) makeRaw() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.raw != nil {
		return nil
	}
	st, err := term.MakeRaw(int(r.in.Fd()))
	if err != nil {
		return err
	}
	r.raw = st
	return nil
}

// restore puts the terminal back as it was before readLine; it may be
// called any number of times, from any goroutine.
func (r *terminalReader) restore() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.raw != nil {
		term.Restore(int(r.in.Fd()), r.raw)
		r.raw = nil
	}
}

// suspend does what ^Z does with the terminal in its normal mode: the
// terminal goes back to the shell as it was and the program stops. When
// it goes on, the terminal is raw again and the line is drawn afresh, as
// libedit does.
func (r *terminalReader) suspend() {
	r.restore()
	r.stop()
	if r.makeRaw() == nil {
		r.term.Write(nil) // x/term draws the prompt and line again
	}
}

// resize tells x/term the terminal's width, which it needs to move the
// cursor over long lines. A terminal that reports no size (0 columns, as
// a fresh pty has) is taken as 80 by 24, as libedit takes it.
func (r *terminalReader) resize() {
	w, h, err := term.GetSize(int(r.out.Fd()))
	if err != nil {
		return
	}
	if w <= 0 || h <= 0 {
		w, h = 80, 24
	}
	r.term.SetSize(w, h)
}

// watchSignals follows window size changes while a line is read. The
// returned function stops watching. (SIGTERM and SIGHUP are the
// session's: see interrupts, which restores the terminal first.)
func (r *terminalReader) watchSignals() func() {
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	signal.Notify(ch, windowChanged...)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			case <-ch:
				r.resize()
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
	}
}

// ttyIO is the terminal under x/term. Its reads hand ^C and Tab over
// alone, so that everything typed before them has been drawn when they
// act, and turn ^C into Enter: x/term ends the line, and readLine drops
// it. ^Z suspends, and libedit's keys are translated (libeditKeys).
type ttyIO struct {
	in, out *os.File
	suspend func()
	buf     [256]byte
	pending []byte // read from the terminal, not yet handed over
	err     error  // the terminal's read error, once there is one

	// The last Enter handed over was a ^C. Only the goroutine in
	// x/term's ReadLine uses the fields.
	interrupted bool
}

func (t *ttyIO) Read(p []byte) (int, error) {
	for len(t.pending) == 0 || t.pending[0] == keySuspend {
		if len(t.pending) > 0 {
			t.pending = t.pending[1:]
			t.suspend()
			continue
		}
		if err := t.fill(); err != nil {
			return 0, err
		}
	}
	n := bytes.IndexAny(t.pending, "\x03\t\x1a")
	switch {
	case n == 0 && t.pending[0] == keyInterrupt:
		t.pending = t.pending[1:]
		t.interrupted = true
		p[0] = '\r'
		return 1, nil
	case n == 0:
		n = 1
	case n < 0:
		n = len(t.pending)
	}
	n = copy(p, t.pending[:n])
	t.pending = t.pending[n:]
	return n, nil
}

// fill reads what the terminal has; its error only when it had nothing.
func (t *ttyIO) fill() error {
	if t.err != nil {
		return t.err
	}
	n, err := t.in.Read(t.buf[:])
	t.err = err
	t.pending = []byte(libeditKeys.Replace(string(t.buf[:n])))
	if n == 0 {
		return err
	}
	return nil
}

func (t *ttyIO) Write(p []byte) (int, error) { return t.out.Write(p) }

// takeInterrupt reports whether the line just read was ended by ^C, and
// forgets it.
func (t *ttyIO) takeInterrupt() bool {
	i := t.interrupted
	t.interrupted = false
	return i
}

// history is the session's history for x/term: the last historySize
// lines, empty ones too, as libedit keeps them, but not a line given up
// with ^C.
type history struct {
	tty   *ttyIO
	lines []string // oldest first
}

func (h *history) Add(line string) {
	if h.tty.interrupted {
		return
	}
	if len(h.lines) == historySize {
		h.lines = h.lines[1:]
	}
	h.lines = append(h.lines, line)
}

func (h *history) Len() int { return len(h.lines) }

// At gives the idx-th most recent line.
func (h *history) At(idx int) string { return h.lines[len(h.lines)-1-idx] }
