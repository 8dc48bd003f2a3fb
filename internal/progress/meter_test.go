package progress

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the meters' clock in tests: it moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// at sets the clock to d after the epoch the test meters start at.
func (c *fakeClock) at(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = epoch.Add(d)
}

var epoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// recorder keeps each write apart (a redraw is one write) and, if told to, announces them.
type recorder struct {
	mu     sync.Mutex
	writes []string
	notify chan string
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, string(p))
	notify := r.notify
	r.mu.Unlock()
	if notify != nil {
		notify <- string(p)
	}
	return len(p), nil
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.writes...)
}

// testMeter is a meter on a recorder, a fake clock and a terminal of settable width, in the foreground
// unless bg is set.
type testMeter struct {
	*barMeter
	out   *recorder
	clock *fakeClock
	mu    sync.Mutex
	width int
	bg    bool
}

func newTestMeter(width int) *testMeter {
	tm := &testMeter{out: &recorder{}, clock: &fakeClock{t: epoch}, width: width}
	tm.barMeter = newMeter(tm.out,
		func() bool { tm.mu.Lock(); defer tm.mu.Unlock(); return !tm.bg },
		func() int { tm.mu.Lock(); defer tm.mu.Unlock(); return tm.width },
		tm.clock.now, nil)
	return tm
}

func (tm *testMeter) set(f func()) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	f()
}

// line is what OpenSSH draws on an 80-column terminal for a name of up to 45 columns.
func line(name, info string) string { return "\r" + name + strings.Repeat(" ", 45-len(name)) + info }

func wantWrites(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d writes, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("write %d\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestMeterCompleteFile(t *testing.T) {
	m := newTestMeter(80)
	m.Start("a.bin", 3<<20)
	for i := range 48 {
		m.clock.at(time.Duration(i+1) * 10 * time.Millisecond) // all within the first second: no redraw
		m.Add(64 << 10)
	}
	m.Finish()
	wantWrites(t, m.out.all(),
		line("a.bin", "   0%    0     0.0KB/s   --:-- ETA"),
		line("a.bin", " 100% 3072KB   6.3MB/s   00:00    "), // 3 MiB in 0.48 s
		"\n")
}

func TestMeterRateETAAndTicks(t *testing.T) {
	m := newTestMeter(80)
	m.Start("r.bin", 10<<20)
	m.clock.at(time.Second)
	m.Add(1 << 20) // first speed taken as it is
	m.clock.at(2 * time.Second)
	m.Add(2 << 20) // 0.9×1 MiB/s + 0.1×2 MiB/s = 1153433 B/s; 7 MiB left
	m.clock.at(2500 * time.Millisecond)
	m.Add(1 << 20) // before the 3 s tick: counted, not drawn
	m.clock.at(3200 * time.Millisecond)
	m.Add(1 << 20) // 2 MiB in 1.2 s: 0.9×1153433 + 0.1×1747626 = 1212852 B/s; 5 MiB left
	m.clock.at(3900 * time.Millisecond)
	m.Add(5 << 20) // complete, but the 4 s tick has not come: Finish draws it
	m.clock.at(4 * time.Second)
	m.Finish()
	wantWrites(t, m.out.all(),
		line("r.bin", "   0%    0     0.0KB/s   --:-- ETA"),
		line("r.bin", "  10% 1024KB   1.0MB/s   00:09 ETA"),
		line("r.bin", "  30% 3072KB   1.1MB/s   00:06 ETA"),
		line("r.bin", "  50% 5120KB   1.2MB/s   00:04 ETA"),
		line("r.bin", " 100%   10MB   2.5MB/s   00:04    "), // whole transfer: 10 MiB in 4 s
		"\n")
}

func TestMeterLongTransfer(t *testing.T) {
	m := newTestMeter(80)
	m.Start("slow", 1<<30)
	m.clock.at(time.Second)
	m.Add(1 << 10)
	m.clock.at(2*time.Hour + 3*time.Minute + 4*time.Second)
	m.Add(1<<30 - 1<<10)
	m.Finish()
	got := m.out.all()
	wantWrites(t, got[1:],
		line("slow", "   0% 1024     1.0KB/s 291:16:15 E"), // 1 GiB at 1 KiB/s: the field outgrows its column
		line("slow", " 100% 1024MB 142.0KB/s 2:03:04    "),
		"\n")
}

func TestMeterShortFileEndsWhereItStopped(t *testing.T) {
	m := newTestMeter(80)
	m.Start("short", 100)
	m.clock.at(time.Second)
	m.Add(40)
	m.clock.at(1500 * time.Millisecond)
	m.Add(2)
	m.clock.at(7 * time.Second)
	m.Finish()
	wantWrites(t, m.out.all(),
		line("short", "   0%    0     0.0KB/s   --:-- ETA"),
		line("short", "  40%   40     0.0KB/s   00:01 ETA"), // 60 bytes at 40 B/s
		line("short", "  42%   42     0.0KB/s   00:01 ETA"), // 0.9×40 + 0.1×(2 B in 6 s) = 36 B/s
		"\n")
}

func TestMeterStallShows(t *testing.T) {
	m := newTestMeter(80)
	m.Start("stall", 100)
	m.clock.at(time.Second)
	m.Add(40)
	m.clock.at(7 * time.Second) // 6 s without a byte
	m.Finish()
	got := m.out.all()
	wantWrites(t, got[2:], line("stall", "  40%   40     0.0KB/s - stalled -"), "\n")
}

func TestMeterEmptyFileDrawsOnce(t *testing.T) {
	m := newTestMeter(80)
	m.Start("empty", 0)
	m.Add(5) // nothing to count in an empty file
	m.clock.at(2 * time.Second)
	m.Finish()
	wantWrites(t, m.out.all(), line("empty", " 100%    0     0.0KB/s   00:00    "), "\n")
}

func TestMeterStopsAtSize(t *testing.T) {
	m := newTestMeter(80)
	m.Start("over", 10)
	m.Add(4)
	m.Add(100)
	m.Add(5)
	m.clock.at(time.Second)
	m.Finish()
	got := m.out.all()
	wantWrites(t, got[1:], line("over", " 100%   10     0.0KB/s   00:01    "), "\n")
}

func TestMeterConcurrentAdds(t *testing.T) {
	m := newTestMeter(80)
	m.Start("par", 8*1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				m.Add(1)
			}
		})
	}
	wg.Wait()
	m.clock.at(time.Second)
	m.Finish()
	got := m.out.all()
	wantWrites(t, got[1:], line("par", " 100% 8000     7.8KB/s   00:01    "), "\n")
}

func TestMeterIgnoresCallsOutsideAFile(t *testing.T) {
	m := newTestMeter(80)
	m.Add(1)
	m.Finish()
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("meter drew %q with no file started", got)
	}
}

func TestMeterInBackground(t *testing.T) {
	m := newTestMeter(80)
	m.set(func() { m.bg = true })
	m.Start("bg", 100)
	m.clock.at(time.Second)
	m.Add(100)
	m.Finish()
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("meter in the background drew %q", got)
	}

	// Back in the foreground at the end: the file's last line is drawn, its rate the whole transfer's.
	m.set(func() { m.bg = false })
	m.Start("fg", 100)
	m.set(func() { m.bg = true })
	m.clock.at(2 * time.Second)
	m.Add(100)
	m.set(func() { m.bg = false })
	m.clock.at(3 * time.Second)
	m.Finish()
	wantWrites(t, m.out.all(),
		line("fg", "   0%    0     0.0KB/s   --:-- ETA"),
		line("fg", " 100%  100     0.1KB/s   00:02    "), // 50 B/s: OpenSSH rounds 0.05 up
		"\n")
}

func TestMeterNarrowTerminal(t *testing.T) {
	m := newTestMeter(20)
	m.Start("a.bin", 3<<20)
	m.Add(3 << 20)
	m.clock.at(time.Second)
	m.Finish()
	wantWrites(t, m.out.all(), "\r   0%    0     0.0K", "\r 100% 3072KB   3.0M", "\n")

	m = newTestMeter(2)
	m.Start("a.bin", 10)
	m.Add(10)
	m.Finish()
	wantWrites(t, m.out.all(), "\n") // no room for a line; the newline still ends it
}

// resize stands for SIGWINCH, which not every system has.
type resize struct{}

func (resize) String() string { return "window resized" }
func (resize) Signal()        {}

// TestMeterRedrawsOnResize resizes the terminal while a file is stuck: each resize redraws at once at the new
// width, and the stall time they add up reaches OpenSSH's 5 seconds.
func TestMeterRedrawsOnResize(t *testing.T) {
	m := newTestMeter(80)
	winch := make(chan os.Signal)
	stopped := make(chan struct{})
	m.resized = func() (<-chan os.Signal, func()) { return winch, func() { close(stopped) } }
	m.Start("w.bin", 100)
	drawn := make(chan string, 8)
	m.out.mu.Lock()
	m.out.notify = drawn
	m.out.mu.Unlock()

	m.clock.at(time.Second)
	m.Add(50)
	if got, want := <-drawn, line("w.bin", "  50%   50     0.1KB/s   00:01 ETA"); got != want {
		t.Errorf("redraw\n got %q\nwant %q", got, want)
	}
	m.set(func() { m.width = 100 })
	m.clock.at(3 * time.Second)
	winch <- resize{}
	if got, want := <-drawn, "\rw.bin"+strings.Repeat(" ", 60)+"  50%   50     0.0KB/s   00:01 ETA"; got != want {
		t.Errorf("redraw on resize\n got %q\nwant %q", got, want)
	}
	m.set(func() { m.width = 60 })
	m.clock.at(6 * time.Second)
	winch <- resize{}
	if got, want := <-drawn, "\rw.bin"+strings.Repeat(" ", 20)+"  50%   50     0.0KB/s - stalled -"; got != want {
		t.Errorf("redraw on resize\n got %q\nwant %q", got, want)
	}

	go func() { // the final line and the newline
		for range drawn {
		}
	}()
	m.Finish()
	<-stopped // Finish stops the file's resize notifications
	close(drawn)
}
