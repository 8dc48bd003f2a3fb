package progress

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// redrawEvery spaces the redraws between a file's forced first and last ones, as OpenSSH's 1-second alarm does.
const redrawEvery = time.Second

// barMeter draws one progressbar line per file. It throttles by itself rather than with OptionThrottle because
// progressbar cannot be made to redraw below 100% on demand, and a file that stops short must still end showing
// where it stopped.
type barMeter struct {
	w    io.Writer  // the terminal, muted outside its foreground process group
	cols func() int // terminal width, measured at each Start

	mu      sync.Mutex               // Add runs on the data goroutine, Start and Finish maybe not
	bar     *progressbar.ProgressBar // nil outside Start…Finish
	size    int64                    // the file's size, never negative
	done    int64                    // bytes counted, at most size
	pending int64                    // counted bytes not yet given to bar
	drawn   time.Time                // last redraw
}

// Start draws the file's 0% line at once; a zero-size file waits for Finish to draw a single 100% line.
func (m *barMeter) Start(name string, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.size, m.done, m.pending = max(size, 0), 0, 0
	// progressbar refuses a zero max, so an empty file counts to 1 with its byte counts hidden (see options).
	m.bar = progressbar.NewOptions64(max(m.size, 1), m.options(name)...)
	m.drawn = time.Now()
}

// options lays the line out like OpenSSH's: name column, percent, bytes so far, rate, then elapsed and ETA.
func (m *barMeter) options(name string) []progressbar.Option {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(m.w),
		progressbar.OptionSetDescription(describe(name, m.cols())),
		progressbar.OptionSetTheme(progressbar.Theme{}), // no bar graphic: OpenSSH's line has none
		progressbar.OptionUseIECUnits(true),             // 1024-based like OpenSSH (labelled KiB, MiB, …)
		progressbar.OptionShowElapsedTimeOnFinish(),     // the final line keeps the elapsed time
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(m.w, "\n") }),
	}
	if m.size == 0 {
		return opts
	}
	return append(opts,
		progressbar.OptionShowCount(),               // bytes so far (in units, given ShowBytes)…
		progressbar.OptionShowTotalBytes(false),     // …without "/total", as OpenSSH shows none
		progressbar.OptionShowBytes(true),           // the rate
		progressbar.OptionSetRenderBlankState(true), // the forced first draw
	)
}

// Add counts n bytes and redraws when a second has passed or the file is complete.
func (m *barMeter) Add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar == nil {
		return
	}
	n = min(n, m.size-m.done) // bytes beyond the size are the engine's error to report; the meter stops at 100%
	if n <= 0 {
		return
	}
	m.done += n
	m.pending += n
	if m.done == m.size || time.Since(m.drawn) >= redrawEvery {
		m.flush()
	}
}

// flush gives the counted bytes to the bar, which redraws (it has no throttle of its own) and, on reaching the
// size, draws the final line with the whole-transfer rate and ends it with the OnCompletion newline.
func (m *barMeter) flush() {
	_ = m.bar.Add64(m.pending) // its errors are misuse that Add's clamp rules out; a meter never fails a copy
	m.pending = 0
	m.drawn = time.Now()
}

// Finish ends the file's line: a complete file's is already drawn; a short one is redrawn where it stopped.
func (m *barMeter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar == nil {
		return
	}
	switch {
	case m.size == 0:
		_ = m.bar.Finish()
	case m.done < m.size:
		m.flush()
		_ = m.bar.Exit() // keeps the line and writes the newline
	}
	m.bar = nil
}
