package progress

import (
	"io"
	"os"
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
	fg      func() bool                              // are we the terminal's foreground process group (can_output)
	cols    func() int                               // the terminal's width, read at Start and on each resize
	now     func() time.Time                         // the clock; tests fake it
	resized func() (c <-chan os.Signal, stop func()) // resize notifications for one file; nil or a nil c: none

	mu       sync.Mutex    // Add runs on the data goroutine, the resize watcher on its own
	active   bool          // between Start and Finish
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
		fg: fg, cols: cols, now: now, resized: resized,
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

// Start draws the file's first line at once (100% already for an empty file) and watches for resizes.
func (m *barMeter) Start(name string, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.end() // a file never finished
	now := m.now()
	m.active, m.name, m.width = true, name, m.cols()
	m.st = meterState{start: now, lastUpdate: now, size: max(size, 0)}
	if m.resized != nil { // before the first draw, so that no resize after it goes unseen
		if c, stop := m.resized(); c != nil {
			m.quit, m.stop = make(chan struct{}), stop
			go m.watch(c, m.quit)
		}
	}
	m.redraw()
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
		m.redraw()
	}
}

// Finish ends the file's line: redrawn if its last redraw did not show every byte counted (so a complete file
// shows 100% with its whole-transfer rate and duration, a short one where it stopped), then a newline. Like
// OpenSSH it writes neither in the background.
func (m *barMeter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.active {
		return
	}
	m.end()
	if !m.fg() {
		return
	}
	if m.st.curPos != m.st.size {
		m.redraw()
	}
	_, _ = progressbar.Bprintf(m.bar, "\n")
}

// end marks the file finished and stops its resize watcher; mu is held.
func (m *barMeter) end() {
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
		m.redraw()
		m.mu.Unlock()
	}
}

// redraw is refresh_progress_meter: nothing, not even bookkeeping, outside the foreground process group;
// otherwise it updates the rate and stall time and writes the line. mu is held.
func (m *barMeter) redraw() {
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
	line := formatLine(m.name, m.width, percentDone(m.st.curPos, m.st.size), m.st.curPos, m.st.rate, eta)
	_, _ = progressbar.Bprintf(m.bar, "%s", line) // a meter never fails a copy
}
