package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// A Board is the meter of a copy that moves several files at once: one live line for the whole transfer,
// drawn by progressbar (files done of the total, bytes, rate, elapsed and left) four times a second and at
// each resize, and each file's final line as OpenSSH's meter leaves it, which its Finish hands back for
// the copy to show in a serial copy's order. Every line it writes first takes the live line away, so that
// the terminal ends as a serial copy leaves it. Like the meter, it draws nothing outside the terminal's
// foreground process group.
type Board struct {
	mu      sync.Mutex
	m       *barMeter
	bar     *progressbar.ProgressBar // the live line
	whole   transfer                 // this board's files, added to the meter's whole transfer at Close
	pending int64                    // bytes not yet given to bar
	desc    string                   // bar's description
	live    bool                     // the live line may be on screen
	done    bool                     // closed: no live line any more
	quit    chan struct{}            // closed to stop the drawing goroutine
	stop    func()                   // stops it
}

// drawEvery is how often the live line is drawn: progressbar's rate and time left need no more.
const drawEvery = redrawEvery / 4

// NewBoard returns a Board for files files of bytes in all (files 0: not known, the live line then
// counts without a total), drawing where m draws; nil when m shows nothing (-q, no terminal), so that
// callers keep their quiet path.
func NewBoard(m Meter, files int, bytes int64) *Board {
	bm, ok := m.(*barMeter)
	if !ok {
		return nil
	}
	t := time.NewTicker(drawEvery)
	b := newBoard(bm, files, bytes, t.C)
	if b.stop != nil {
		stop := b.stop
		b.stop = func() { stop(); t.Stop() }
	} else {
		b.stop = t.Stop
	}
	return b
}

// newBoard is NewBoard drawing at each tick; with ticks nil, only when tick is called.
func newBoard(bm *barMeter, files int, bytes int64, ticks <-chan time.Time) *Board {
	b := &Board{m: bm, whole: transfer{files: files, bytes: bytes}}
	b.desc = b.description()
	size := max(bytes, 1) // 0 would make it a spinner
	if files <= 0 {
		size = -1 // a spinner, counting bytes and time
	}
	b.bar = progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(fitWriter{b}),
		progressbar.OptionSetSpinnerChangeInterval(0),      // turned at each draw, not by a goroutine of its own
		progressbar.OptionSetTheme(progressbar.ThemeASCII), // OpenSSH's meter is ASCII: so is its terminal's charset
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionUseIECUnits(true), // 1024 apart, as the meter's
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetDescription(b.desc),
	)
	var resized <-chan os.Signal
	if bm.resized != nil {
		resized, b.stop = bm.resized()
	}
	if ticks != nil || resized != nil {
		b.quit = make(chan struct{})
		go b.watch(ticks, resized, b.quit)
	}
	return b
}

// fitWriter writes the live line, in the foreground only, each \r-separated piece cut to the terminal's
// width less one column, as the meter's lines are: a live line that wrapped could not be redrawn in place.
type fitWriter struct{ b *Board }

func (f fitWriter) Write(p []byte) (int, error) {
	if !f.b.m.fg() {
		return len(p), nil
	}
	cols := max(f.b.m.cols()-1, 0)
	pieces := strings.Split(string(p), "\r")
	for i, s := range pieces {
		pieces[i] = s[:min(len(s), cols)] // ASCII: bytes are columns
	}
	if _, err := io.WriteString(f.b.m.w, strings.Join(pieces, "\r")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// description is what stands in front of the bar: the files done of the total.
func (b *Board) description() string {
	if b.whole.files <= 0 && b.whole.done == 1 {
		return "1 file"
	}
	if b.whole.files <= 0 {
		return fmt.Sprintf("%d files", b.whole.done)
	}
	return fmt.Sprintf("%d/%d files", b.whole.done, b.whole.files)
}

// Session returns the meter of one session, which moves one file at a time.
func (b *Board) Session() *BoardFile {
	return &BoardFile{b: b}
}

// Above runs print, which writes a line for the user, with the live line taken away (until it is drawn
// next).
func (b *Board) Above(print func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clearLive()
	print()
}

// Close takes the live line away for good and counts the board's files in the meter's whole transfer
// (-r), whose summary the meter's EndTransfer writes after the copy's last lines.
func (b *Board) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop != nil {
		b.stop()
	}
	if b.quit != nil {
		close(b.quit)
		b.quit = nil
	}
	b.clearLive()
	b.done = true
	b.m.mu.Lock()
	defer b.m.mu.Unlock()
	if t := b.m.whole; t != nil && b.whole.started > 0 {
		if t.started == 0 {
			t.start = b.whole.start
		}
		t.started += b.whole.started
		t.done += b.whole.done
		t.moved += b.whole.moved
		b.m.width = b.m.cols() // the summary's, as a file of the meter's own sets it
	}
}

// clearLive takes the live line off the screen before other lines are written; mu is held.
func (b *Board) clearLive() {
	if b.live {
		_ = b.bar.Clear()
		b.live = false
	}
}

// tick draws the live line as things stand, once a file has started and until the board is closed.
func (b *Board) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw()
}

// draw is tick; mu is held.
func (b *Board) draw() {
	if b.done || b.whole.started == 0 {
		return
	}
	if d := b.description(); d != b.desc {
		b.desc = d
		b.bar.Describe(d) // draws, with the bytes of the last draw
	}
	_ = b.bar.Add64(b.pending) // draws
	b.pending = 0
	b.live = true
}

// watch draws the live line at each tick, and at the new width each time the terminal is resized, until
// quit is closed.
func (b *Board) watch(ticks <-chan time.Time, resized <-chan os.Signal, quit chan struct{}) {
	for {
		select {
		case <-quit:
			return
		case <-ticks:
		case <-resized:
			b.mu.Lock()
			b.clearLive() // at the old width's length, which the new width cuts
			b.mu.Unlock()
		}
		b.tick()
	}
}

// A BoardFile is one session's meter on a Board: OpenSSH's bookkeeping for the file it moves, whose bytes
// go to the live line as they move. Its state is guarded by the Board's lock.
type BoardFile struct {
	b      *Board
	name   string
	st     meterState
	active bool
}

// Start starts a file.
func (f *BoardFile) Start(name string, size int64) {
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.m.now()
	b.whole.started++
	f.name, f.active = name, true
	f.st = meterState{start: now, lastUpdate: now, size: max(size, 0)}
	if b.whole.started == 1 {
		b.whole.start = now
		b.draw() // at once, as the meter draws a file's line at its start
	}
}

// Add counts n bytes of the file.
func (f *BoardFile) Add(n int64) {
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if n = min(n, f.st.size-f.st.counter); !f.active || n <= 0 {
		return
	}
	f.st.counter += n
	b.whole.moved += n
	b.pending += n
}

// Finish ends the file and returns what writes the line OpenSSH's meter leaves for it, complete or short;
// nil in the background, where OpenSSH's writes none.
func (f *BoardFile) Finish() func() {
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if !f.active {
		return nil
	}
	f.active = false
	if f.st.counter == f.st.size {
		b.whole.done++
	}
	if !b.m.fg() {
		return nil
	}
	transferred, elapsed, left := f.st.advance(b.m.now())
	eta := f.st.eta(transferred, elapsed, left)
	line, _ := formatLine(f.name, "", b.m.cols(), percentDone(f.st.curPos, f.st.size), f.st.curPos, f.st.rate, eta)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.clearLive()
		_, _ = io.WriteString(b.m.w, line+"\n")
	}
}
