// Package progress draws scp's per-file progress meter exactly as OpenSSH's progressmeter.c does: one line
// per file on the terminal, redrawn about once a second and when the window is resized, written through
// github.com/schollz/progressbar/v3. For a whole transfer (-r), which OpenSSH's meter does not follow, it
// adds the transfer's position to each line while its file moves (the line left on screen is OpenSSH's)
// and a summary line at the end. A copy moving several files at once draws a [Board] instead: one live
// line for the whole transfer, drawn by progressbar, and the files' final lines in the copy's order.
package progress

import (
	"os"
	"time"

	"golang.org/x/term"
)

// Meter is what the copy engine reports to. The engine calls, for every file whose data moves:
// Start(name, size) once, Add(n) for each chunk (from the goroutine moving data), then Finish() once.
// Methods must be cheap and never block on the terminal for long.
type Meter interface {
	Start(name string, size int64)
	Add(n int64)
	Finish()
	// BeginTransfer and EndTransfer bracket a whole transfer of any number of files (-r). count, if not
	// nil, returns the files and bytes to come; it is called at once, and only by a meter that is shown.
	BeginTransfer(count func() (files int, bytes int64))
	EndTransfer()
}

// New returns the meter for this process: a real meter on out when out is a terminal, we are in the
// terminal's foreground process group (re-checked at each redraw like OpenSSH, so `scp ... &` in the
// background stays quiet), and quiet is false; otherwise a no-op meter that writes nothing.
func New(out *os.File, quiet bool) Meter {
	if quiet || out == nil {
		return nop{}
	}
	fd := int(out.Fd())
	if !term.IsTerminal(fd) {
		return nop{}
	}
	return newMeter(termWriter{f: out, fd: fd},
		func() bool { return foreground(fd) },
		func() int { return termCols(fd) },
		time.Now,
		watchResize)
}

// Silent reports whether m never draws anything (-q, or no terminal).
func Silent(m Meter) bool {
	_, ok := m.(nop)
	return ok
}

// nop is the meter for -q and for output that is not a terminal.
type nop struct{}

func (nop) Start(string, int64) {}
func (nop) Add(int64)           {}
func (nop) Finish()             {}

func (nop) BeginTransfer(func() (int, int64)) {}
func (nop) EndTransfer()                      {}
