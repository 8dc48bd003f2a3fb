package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// A Board is the meter of a copy that moves several files at once: one live line for the whole transfer,
// drawn by progressbar (files done of the total, bytes, rate, time), and above it each file's final line as
// OpenSSH's meter leaves it, printed in the order a serial copy would have printed them, whatever order
// the files end in. Its methods may be called from several goroutines.
type Board struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar // the live line
	w     io.Writer                // where the finished lines go, between redraws of the live line
	fg    func() bool
	cols  func() int
	now   func() time.Time
	whole transfer
	// keys are the files of the plan, in its order; next indexes the first
	// one not yet settled, and lines holds the finished lines waiting for it.
	keys    []int
	next    int
	settled map[int]bool
	lines   map[int]string
	live    bool // the live line is on screen
}

// NewBoard returns a Board for files (their plan keys, in plan order) of bytes in all, drawing where m
// draws; nil when m shows nothing (-q, no terminal), so that callers keep their quiet path.
func NewBoard(m Meter, keys []int, bytes int64) *Board {
	bm, ok := m.(*barMeter)
	if !ok {
		return nil
	}
	b := &Board{
		w: bm.w, fg: bm.fg, cols: bm.cols, now: bm.now,
		keys: keys, settled: map[int]bool{}, lines: map[int]string{},
	}
	b.whole = transfer{start: b.now(), files: len(keys), bytes: bytes}
	b.bar = progressbar.NewOptions64(max(bytes, 1), // 0 would make it a spinner
		progressbar.OptionSetWriter(fgWriter{b}),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(redrawEvery/4),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetRenderBlankState(false),
	)
	b.describe()
	return b
}

// fgWriter drops the live line outside the terminal's foreground, as the meter does.
type fgWriter struct{ b *Board }

func (f fgWriter) Write(p []byte) (int, error) {
	if !f.b.fg() {
		return len(p), nil
	}
	return f.b.w.Write(p)
}

// describe puts the files done of the total in front of the bar; mu is held or the Board not yet shared.
func (b *Board) describe() {
	b.bar.Describe(fmt.Sprintf("%d/%d files", b.whole.done, b.whole.files))
}

// Meter returns the meter of one worker, which moves one file at a time; current tells, at each Start,
// the plan key of the file starting.
func (b *Board) Meter(current func() int) Meter {
	return &boardFile{b: b, current: current}
}

// Settle marks keys as done with, whether their files moved or not (a file refused before its data moved
// has no line): lines waiting for them can be printed.
func (b *Board) Settle(keys []int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		b.settled[k] = true
	}
	b.release()
}

// Close prints the lines still held, in order, takes the live line away and ends the transfer with the
// meter's summary line.
func (b *Board) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range b.keys[b.next:] {
		b.settled[k] = true
	}
	b.release()
	b.clearLive()
	if b.whole.started > 0 && b.fg() {
		if cols := b.cols(); cols >= 3 {
			line := b.whole.summary(b.now())
			io.WriteString(b.w, line[:min(len(line), cols-1)]+"\n")
		}
	}
}

// release prints the finished lines whose earlier files are all settled; mu is held.
func (b *Board) release() {
	printed := false
	for b.next < len(b.keys) && b.settled[b.keys[b.next]] {
		k := b.keys[b.next]
		if line, ok := b.lines[k]; ok {
			if !printed {
				b.clearLive()
				printed = true
			}
			if b.fg() {
				io.WriteString(b.w, line+"\n")
			}
			delete(b.lines, k)
		}
		b.next++
	}
	if printed && b.next < len(b.keys) {
		b.live = true
		b.bar.RenderBlank()
	}
}

// clearLive takes the live line off the screen before other lines are written; mu is held.
func (b *Board) clearLive() {
	if b.live {
		b.bar.Clear()
		b.live = false
	}
}

// boardFile is one worker's meter: OpenSSH's bookkeeping for the file it moves, whose final line goes to
// the Board. Its state is guarded by the Board's lock: Add comes from the goroutine moving data.
type boardFile struct {
	b       *Board
	current func() int
	key     int
	name    string
	st      meterState
	active  bool
}

func (f *boardFile) Start(name string, size int64) {
	key := f.current()
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	f.finish() // a file never finished
	now := b.now()
	f.key, f.name, f.active = key, name, true
	f.st = meterState{start: now, lastUpdate: now, size: max(size, 0)}
	b.whole.started++
}

func (f *boardFile) Add(n int64) {
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if n = min(n, f.st.size-f.st.counter); !f.active || n <= 0 {
		return
	}
	f.st.counter += n
	b.whole.moved += n
	b.live = true
	b.bar.Add64(n)
}

// Finish keeps the line OpenSSH's meter leaves for the file, complete or short, and settles its key.
func (f *boardFile) Finish() {
	f.b.mu.Lock()
	defer f.b.mu.Unlock()
	f.finish()
}

// finish is Finish; the Board's lock is held.
func (f *boardFile) finish() {
	if !f.active {
		return
	}
	f.active = false
	b := f.b
	transferred, elapsed, left := f.st.advance(b.now())
	eta := f.st.eta(transferred, elapsed, left)
	line, _ := formatLine(f.name, "", b.cols(), percentDone(f.st.curPos, f.st.size), f.st.curPos, f.st.rate, eta)
	if f.st.counter == f.st.size {
		b.whole.done++
		b.describe()
	}
	if line != "" {
		b.lines[f.key] = line
	}
	b.settled[f.key] = true
	b.release()
}

func (f *boardFile) BeginTransfer(func() (int, int64)) {}
func (f *boardFile) EndTransfer()                      {}
