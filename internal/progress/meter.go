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

// redrawEvery is OpenSSH's UPDATE_INTERVAL: its alarm ticks this often from the file's start, and the first
// chunk counted after a tick redraws the line.
const redrawEvery = time.Second

// ageFactor is OpenSSH's AGE_FACTOR: each redraw's rate is the old one times this plus the interval's speed
// times the rest. A variable, so that 1−ageFactor is computed in float64 as C computes it.
var ageFactor = 0.9

// barMeter draws OpenSSH's meter, one line per file. It computes the whole line itself (format.go) and has
// progressbar write it: progressbar v3.19.1 cannot render a line verbatim (its determinate renderer always
// appends its own "%4d%% ", bar, stats and a space after the description, and each redraw but the first is
// preceded by a separate "\r<spaces>\r" clear, or followed by ESC[0K with ANSI codes on; its spinner
// renderer wraps the description in a spinner and spaces and redraws from a ticker goroutine), and its
// throttle cannot force the redraws OpenSSH forces (window resized, file ended short). So the bar is kept
// invisible, which makes progressbar.Bprintf write straight to the writer, under the bar's lock, exactly
// what it is given.
type barMeter struct {
	bar     *progressbar.ProgressBar                 // invisible; writes to the terminal (muted outside the foreground)
	w       io.Writer                                // the terminal, for a Board drawing in the meter's place
	fg      func() bool                              // are we the terminal's foreground process group (can_output)
	cols    func() int                               // the terminal's width, read at Start and on each resize
	now     func() time.Time                         // the clock; tests fake it
	resized func() (c <-chan os.Signal, stop func()) // resize notifications for one file; nil or a nil c: none

	mu       sync.Mutex    // Add runs on the data goroutine, the resize watcher on its own
	active   bool          // between Start and Finish
	tagged   bool          // the line on screen carries the whole transfer's tag
	whole    *transfer     // between BeginTransfer and EndTransfer
	name     string        // as given; sanitised at each redraw, for the width then current
	width    int           // terminal columns
	st       meterState    // OpenSSH's bookkeeping
	nextTick time.Time     // when the next redraw is due
	quit     chan struct{} // closed (under mu) to stop this file's resize watcher
	stop     func()        // stops this file's resize notifications
}

// newMeter returns a meter writing to w; fg, cols and now are as in barMeter, resized may be nil.
func newMeter(w io.Writer, fg func() bool, cols func() int, now func() time.Time,
	resized func() (<-chan os.Signal, func())) *barMeter {
	return &barMeter{
		bar: progressbar.NewOptions64(1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetVisibility(false), // no rendering of its own, so Bprintf writes verbatim
		),
		w: w, fg: fg, cols: cols, now: now, resized: resized,
	}
}

// meterState is refresh_progress_meter's bookkeeping for one file.
type meterState struct {
	start      time.Time // when the file started
	lastUpdate time.Time // the last redraw
	size       int64     // end_pos
	counter    int64     // bytes counted, at most size
	curPos     int64     // counter as of the last redraw
	stalled    int64     // whole seconds without bytes at the redraws, like OpenSSH's long
	rate       int64     // smoothed bytes per second (an int in OpenSSH, which wraps above 2 GiB/s; not here)
}

// advance takes a redraw at now into account as OpenSSH does: the speed since the last redraw is averaged
// into the rate, except that once the file is complete the rate becomes the whole transfer's average. It
// returns the bytes moved in that interval (the whole file's when complete), the interval in seconds (since
// the start when complete) and the bytes left.
func (s *meterState) advance(now time.Time) (transferred int64, elapsed float64, left int64) {
	transferred = s.counter - s.curPos
	s.curPos = s.counter
	left = s.size - s.curPos
	if left > 0 {
		elapsed = now.Sub(s.lastUpdate).Seconds()
	} else {
		elapsed = now.Sub(s.start).Seconds()
		transferred = s.size
		s.rate = 0
	}
	speed := transferred
	if elapsed != 0 {
		speed = int64(float64(transferred) / elapsed)
	}
	if s.rate != 0 {
		s.rate = int64(float64(s.rate)*ageFactor + float64(speed)*(1.0-ageFactor))
	} else {
		s.rate = speed
	}
	s.lastUpdate = now
	return transferred, elapsed, left
}

// eta counts the redraw's interval towards a stall if no bytes moved in it, and returns the last field.
func (s *meterState) eta(transferred int64, elapsed float64, left int64) string {
	if transferred == 0 {
		s.stalled = int64(float64(s.stalled) + elapsed) // C: long += double
	} else {
		s.stalled = 0
	}
	return etaField(s.stalled, s.rate, left, elapsed)
}

// transfer is the bookkeeping of a whole transfer (-r) for its tag and summary.
type transfer struct {
	start   time.Time // when the first file started: connecting is not transferring
	files   int       // files expected, 0 when not known
	bytes   int64     // their bytes, when files is known
	started int       // files started
	done    int       // files ended with every byte counted
	moved   int64     // bytes counted in the files ended
}

// tag is the transfer's position shown at the end of the name column while a file moves: "[3/10 45%]" (file
// 3 of 10, 45% of all bytes) when the totals are known and hold, "[3/?]" otherwise. counter is the current
// file's bytes so far.
func (t *transfer) tag(counter int64) string {
	moved := t.moved + counter
	if t.known(moved) {
		return fmt.Sprintf("[%d/%d %d%%]", t.started, t.files, percentDone(moved, t.bytes))
	}
	return fmt.Sprintf("[%d/?]", t.started)
}

// known tells whether the totals are known and still hold (the tree may have changed since it was counted).
func (t *transfer) known(moved int64) bool {
	return t.files > 0 && t.started <= t.files && moved <= t.bytes
}

// summary is the line that ends a transfer: "12 of 12 files, 3072KB in 00:04, 768.0KB/s" (without a known
// total, "12 files"), counting the files that moved whole and every byte that moved.
func (t *transfer) summary(now time.Time) string {
	elapsed := now.Sub(t.start).Seconds()
	rate := t.moved
	if elapsed > 0 {
		rate = int64(float64(t.moved) / elapsed)
	}
	total := t.done
	files := fmt.Sprintf("%d", t.done)
	if t.known(t.moved) {
		total = t.files
		files = fmt.Sprintf("%d of %d", t.done, t.files)
	}
	noun := "files"
	if total == 1 {
		noun = "file"
	}
	size := strings.TrimSpace(formatSize(t.moved))
	if size[len(size)-1] <= '9' { // plain bytes
		size += "B"
	}
	return fmt.Sprintf("%s %s, %s in %s, %s/s", files, noun, size, clock(int64(elapsed)), strings.TrimSpace(formatRate(rate)))
}

// BeginTransfer starts a whole transfer (-r): from now on each file's line shows the transfer's position
// while the file moves, and EndTransfer writes a summary line. count, if not nil, returns the files and bytes
// the transfer will move; it is called at once.
func (m *barMeter) BeginTransfer(count func() (files int, bytes int64)) {
	t := &transfer{}
	if count != nil {
		t.files, t.bytes = count()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.whole = t
}

// EndTransfer ends the whole transfer with its summary line, if any file was started and we are in the
// foreground.
func (m *barMeter) EndTransfer() {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.whole
	if t == nil {
		return
	}
	m.finish()
	m.whole = nil
	if t.started == 0 || !m.fg() || m.width < 3 {
		return
	}
	line := t.summary(m.now())
	_, _ = progressbar.Bprintf(m.bar, "%s\n", line[:min(len(line), m.width-1)]) // ASCII: bytes are columns
}

// Start draws the file's first line at once (100% already for an empty file) and watches for resizes.
func (m *barMeter) Start(name string, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.end() // a file never finished
	now := m.now()
	m.active, m.name, m.width = true, name, m.cols()
	if m.whole != nil {
		if m.whole.started == 0 {
			m.whole.start = now
		}
		m.whole.started++
	}
	m.st = meterState{start: now, lastUpdate: now, size: max(size, 0)}
	if m.resized != nil { // before the first draw, so that no resize after it goes unseen
		if c, stop := m.resized(); c != nil {
			m.quit, m.stop = make(chan struct{}), stop
			go m.watch(c, m.quit)
		}
	}
	m.redraw(true)
	m.nextTick = now.Add(redrawEvery) // whether drawn or not, like OpenSSH's alarm set after its first draw
}

// Add counts n bytes and redraws if the one-second tick has passed since the last redraw.
func (m *barMeter) Add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.active {
		return
	}
	n = min(n, m.st.size-m.st.counter) // bytes beyond the size are the engine's error to report; the meter stops at 100%
	if n <= 0 {
		return
	}
	m.st.counter += n
	if !m.now().Before(m.nextTick) {
		m.redraw(true)
	}
}

// Finish ends the file's line: redrawn if its last redraw did not show every byte counted (so a complete file
// shows 100% with its whole-transfer rate and duration, a short one where it stopped) or showed a transfer's
// tag, so that the line left on screen is OpenSSH's; then a newline. Like OpenSSH it writes neither in the
// background.
func (m *barMeter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finish()
}

// finish is Finish; mu is held.
func (m *barMeter) finish() {
	if !m.active {
		return
	}
	m.end()
	if !m.fg() {
		return
	}
	if m.st.curPos != m.st.size || m.tagged {
		m.redraw(false)
	}
	_, _ = progressbar.Bprintf(m.bar, "\n")
}

// end marks the file finished, counts it in the transfer and stops its resize watcher; mu is held.
func (m *barMeter) end() {
	if m.active && m.whole != nil {
		m.whole.moved += m.st.counter
		if m.st.counter == m.st.size {
			m.whole.done++
		}
	}
	m.active = false
	if m.quit != nil {
		m.stop()
		close(m.quit)
		m.quit, m.stop = nil, nil
	}
}

// watch redraws at the new width each time the terminal is resized, until quit is closed.
func (m *barMeter) watch(c <-chan os.Signal, quit chan struct{}) {
	for {
		select {
		case <-quit:
			return
		case <-c:
		}
		m.mu.Lock()
		select {
		case <-quit: // the file ended while we waited for the lock
			m.mu.Unlock()
			return
		default:
		}
		m.width = m.cols()
		m.redraw(true)
		m.mu.Unlock()
	}
}

// redraw is refresh_progress_meter: nothing, not even bookkeeping, outside the foreground process group;
// otherwise it updates the rate and stall time and writes the line, with the transfer's tag if withTag.
// mu is held.
func (m *barMeter) redraw(withTag bool) {
	if !m.fg() {
		return
	}
	now := m.now()
	transferred, elapsed, left := m.st.advance(now)
	// OpenSSH's alarm keeps ticking each second from the start; a redraw clears the tick it was waiting for.
	m.nextTick = m.st.start.Add((now.Sub(m.st.start)/redrawEvery + 1) * redrawEvery)
	if m.width < 3 {
		return
	}
	eta := m.st.eta(transferred, elapsed, left)
	tag := ""
	if withTag && m.whole != nil {
		tag = m.whole.tag(m.st.curPos)
	}
	var line string
	line, m.tagged = formatLine(m.name, tag, m.width, percentDone(m.st.curPos, m.st.size), m.st.curPos, m.st.rate, eta)
	_, _ = progressbar.Bprintf(m.bar, "%s", line) // a meter never fails a copy
}
