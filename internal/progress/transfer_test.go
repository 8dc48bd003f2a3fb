package progress

import (
	"strings"
	"testing"
	"time"
)

// tagged is line with the name column ending in a whole-transfer tag.
func tagged(name, tag, info string) string {
	return "\r" + name + strings.Repeat(" ", 45-len(name)-len(tag)) + tag + info
}

func TestTransferKnownTotals(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(func() (int, int64) { return 2, 300 })
	m.Start("a", 100)
	m.clock.at(time.Second)
	m.Add(100)
	m.Finish()
	m.Start("b", 200)
	m.clock.at(2 * time.Second)
	m.Add(200)
	m.Finish()
	m.EndTransfer()
	wantWrites(t, m.out.all(),
		tagged("a", "[1/2 0%]", "   0%    0     0.0KB/s   --:-- ETA"),
		tagged("a", "[1/2 33%]", " 100%  100     0.1KB/s   00:01    "),
		line("a", " 100%  100     0.1KB/s   00:01    "), // what stays on screen is OpenSSH's line
		"\n",
		tagged("b", "[2/2 33%]", "   0%    0     0.0KB/s   --:-- ETA"),
		tagged("b", "[2/2 100%]", " 100%  200     0.2KB/s   00:01    "),
		line("b", " 100%  200     0.2KB/s   00:01    "),
		"\n",
		"2 of 2 files, 300B in 00:02, 0.2KB/s\n") // 150 B/s, rounded as OpenSSH rounds rates
}

func TestTransferUnknownTotals(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(nil)
	m.Start("only", 3<<20)
	m.Add(1 << 20)
	m.clock.at(time.Hour + 2*time.Second)
	m.Finish() // cut short: 1 MiB of 3
	m.EndTransfer()
	wantWrites(t, m.out.all(),
		tagged("only", "[1/?]", "   0%    0     0.0KB/s   --:-- ETA"),
		line("only", "  33% 1024KB   0.3KB/s 2:00:06 ETA"),
		"\n",
		"0 files, 1024KB in 1:00:02, 0.3KB/s\n")
}

// TestTransferTotalsThatDoNotHold: the tree grew after it was counted, so the count stops being shown.
func TestTransferTotalsThatDoNotHold(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(func() (int, int64) { return 1, 10 })
	m.Start("a", 10)
	m.Add(10)
	m.Finish()
	m.Start("new", 0)
	m.Finish()
	m.EndTransfer()
	got := m.out.all()
	wantWrites(t, got,
		tagged("a", "[1/1 0%]", "   0%    0     0.0KB/s   --:-- ETA"),
		line("a", " 100%   10     0.0KB/s   00:00    "),
		"\n",
		tagged("new", "[2/?]", " 100%    0     0.0KB/s   00:00    "),
		line("new", " 100%    0     0.0KB/s   00:00    "),
		"\n",
		"2 files, 10B in 00:00, 0.0KB/s\n")
}

func TestTransferNoRoomForTag(t *testing.T) {
	m := newTestMeter(50) // a 15-column name field: the tag would leave 5 for the name
	m.BeginTransfer(func() (int, int64) { return 10, 1000 })
	m.Start("a.bin", 100)
	m.Add(100)
	m.Finish()
	m.EndTransfer()
	wantWrites(t, m.out.all(),
		"\ra.bin             0%    0     0.0KB/s   --:-- ETA",
		"\ra.bin           100%  100     0.1KB/s   00:00    ", // no time passed: the rate is the bytes
		"\n",
		"1 of 10 files, 100B in 00:00, 0.1KB/s\n")
}

func TestTransferEndsAnUnfinishedFile(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(nil)
	m.Start("a", 0)
	m.EndTransfer()
	wantWrites(t, m.out.all(),
		tagged("a", "[1/?]", " 100%    0     0.0KB/s   00:00    "),
		line("a", " 100%    0     0.0KB/s   00:00    "),
		"\n",
		"1 file, 0B in 00:00, 0.0KB/s\n")
}

func TestTransferQuietCases(t *testing.T) {
	// No file started: no summary.
	m := newTestMeter(80)
	m.BeginTransfer(func() (int, int64) { return 3, 30 })
	m.EndTransfer()
	m.EndTransfer() // a second end is a no-op
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("empty transfer drew %q", got)
	}

	// In the background: nothing at all.
	m = newTestMeter(80)
	m.set(func() { m.bg = true })
	m.BeginTransfer(nil)
	m.Start("bg", 10)
	m.Add(10)
	m.Finish()
	m.EndTransfer()
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("background transfer drew %q", got)
	}

	// Without a meter, nothing is counted.
	called := false
	var n Meter = nop{}
	n.BeginTransfer(func() (int, int64) { called = true; return 0, 0 })
	n.EndTransfer()
	if called {
		t.Error("the no-op meter counted the transfer")
	}
}

func TestClock(t *testing.T) {
	for _, tt := range []struct {
		s    int64
		want string
	}{{0, "00:00"}, {59, "00:59"}, {3599, "59:59"}, {3600, "1:00:00"}, {36000 + 62, "10:01:02"}} {
		if got := clock(tt.s); got != tt.want {
			t.Errorf("clock(%d) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestFormatLineTag(t *testing.T) {
	for _, tt := range []struct {
		name, tag string
		cols      int
		want      string
		tagged    bool
	}{
		{"a-very-long-file-name-that-goes-on-and-on-and-on.tar.gz", "[12/345 6%]", 80,
			"\ra-very-long-file-name-that-goes-o [12/345 6%]   7%    0     0.0KB/s   --:-- ETA", true},
		{"日本語ファイル名.txt", "[1/?]", 60, // 25 name columns: 19 for the name, of which 14 are wide runes
			"\r日本語ファイル名.tx [1/?]   7%    0     0.0KB/s   --:-- ETA", true},
		{"a.bin", "[1/?]", 51, "\ra.bin      [1/?]   7%    0     0.0KB/s   --:-- ETA", true},
		{"a.bin", "[1/?]", 50, "\ra.bin             7%    0     0.0KB/s   --:-- ETA", false}, // 9 name columns would be left
	} {
		got, tagged := formatLine(tt.name, tt.tag, tt.cols, 7, 0, 0, "  --:-- ETA")
		if got != tt.want || tagged != tt.tagged {
			t.Errorf("formatLine(%q, %q, %d, …)\n got %q, %v\nwant %q, %v", tt.name, tt.tag, tt.cols, got, tagged, tt.want, tt.tagged)
		}
		if cols(got) != tt.cols-1 {
			t.Errorf("formatLine(%q, %q, %d, …) is %d columns, want %d", tt.name, tt.tag, tt.cols, cols(got), tt.cols-1)
		}
	}
}

// TestTransferTimedFromTheFirstFile: connecting before the first file is not part of the transfer's time.
func TestTransferTimedFromTheFirstFile(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(func() (int, int64) { return 1, 100 })
	m.clock.at(10 * time.Second)
	m.Start("a", 100)
	m.clock.at(12 * time.Second)
	m.Add(100)
	m.Finish()
	m.EndTransfer()
	got := m.out.all()
	if want := "1 of 1 file, 100B in 00:02, 0.1KB/s\n"; got[len(got)-1] != want {
		t.Errorf("summary %q, want %q", got[len(got)-1], want)
	}
}
