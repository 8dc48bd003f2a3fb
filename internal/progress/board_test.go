package progress

import (
	"os"
	"strings"
	"testing"
	"time"
)

// screen is what a terminal shows after writes: \r goes back to the line's start, \n to the next line,
// other bytes overwrite; trailing blanks are dropped.
func screen(writes []string) []string {
	var lines []string
	var cur []byte
	col := 0
	for _, c := range []byte(strings.Join(writes, "")) {
		switch c {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, strings.TrimRight(string(cur), " "))
			cur, col = nil, 0
		default:
			if col < len(cur) {
				cur[col] = c
			} else {
				cur = append(cur, c)
			}
			col++
		}
	}
	if s := strings.TrimRight(string(cur), " "); s != "" {
		lines = append(lines, s)
	}
	return lines
}

// TestBoardLines runs two sessions whose files end out of order, shows their lines and messages in
// the order the copy gives (a serial copy's), and checks the screen: exactly the serial copy's lines,
// with no trace of the live line once the board is closed, and the summary counting the board's files.
func TestBoardLines(t *testing.T) {
	m := newTestMeter(80)
	m.BeginTransfer(func() (int, int64) { return 4, 4096 * 4 })
	b := newBoard(m.barMeter, 4, 4096*4, nil)
	s1, s2 := b.Session(), b.Session()

	s2.Start("three", 4096)
	m.clock.at(time.Second)
	s2.Add(4096)
	b.tick()
	three := s2.Finish()
	s1.Start("one", 4096)
	s1.Add(4096)
	m.clock.at(2 * time.Second)
	one := s1.Finish()
	b.tick()
	s2.Start("four", 4096)
	s2.Add(1000) // ends short
	m.clock.at(3 * time.Second)
	four := s2.Finish()
	if got := strings.Join(m.out.all(), ""); strings.Contains(got, "\n") {
		t.Fatalf("lines before the copy showed any: %q", got)
	}
	one()
	b.tick()
	b.Above(func() { m.out.Write([]byte("scp: two: Permission denied\n")) })
	three()
	b.tick()
	b.Close()
	b.tick() // closed: draws nothing
	four()
	m.EndTransfer()

	want := []string{
		"one" + strings.Repeat(" ", 42) + " 100% 4096     4.0KB/s   00:01",
		"scp: two: Permission denied",
		"three" + strings.Repeat(" ", 40) + " 100% 4096     4.0KB/s   00:01",
		"four" + strings.Repeat(" ", 41) + "  24% 1000     1.0KB/s   00:03 ETA",
		"2 of 4 files, 9192B in 00:03, 3.0KB/s",
	}
	if got := screen(m.out.all()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen\n got %q\nwant %q", got, want)
	}
	for _, live := range []string{"\r0/4 files  25% ", "\r2/4 files  50% "} {
		if !strings.Contains(strings.Join(m.out.all(), ""), live) {
			t.Errorf("the live line never showed %q: %q", live, m.out.all())
		}
	}
}

// TestBoardNarrow checks that the live line never reaches the terminal's last column, whatever its width.
func TestBoardNarrow(t *testing.T) {
	for _, width := range []int{20, 40, 80} {
		m := newTestMeter(width)
		b := newBoard(m.barMeter, 1, 1<<20, nil)
		f := b.Session()
		f.Start("x", 1<<20)
		f.Add(1 << 19)
		b.tick()
		b.Close()
		for _, w := range m.out.all() {
			for _, piece := range strings.Split(w, "\r") {
				if len(piece) > width-1 {
					t.Errorf("width %d: wrote %q, %d columns", width, piece, len(piece))
				}
			}
		}
		if got := screen(m.out.all()); len(got) > 0 {
			t.Errorf("width %d: left %q", width, got)
		}
	}
}

func TestBoardSilentMeter(t *testing.T) {
	if b := NewBoard(nop{}, 1, 1); b != nil {
		t.Errorf("a silent meter gave a Board")
	}
}

func TestBoardBackground(t *testing.T) {
	m := newTestMeter(80)
	m.set(func() { m.bg = true })
	b := newBoard(m.barMeter, 1, 10, nil)
	f := b.Session()
	f.Start("x", 10)
	f.Add(10)
	b.tick()
	if show := f.Finish(); show != nil {
		t.Errorf("a file's line in the background")
	}
	b.Above(func() {})
	b.Close()
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("wrote %q in the background", got)
	}
}

// TestBoardUnknownTotal checks the live line of a copy whose files are not counted ahead (a remote tree):
// files done without a total, within the terminal's width, and gone at Close.
func TestBoardUnknownTotal(t *testing.T) {
	m := newTestMeter(60)
	b := newBoard(m.barMeter, 0, 0, nil)
	f := b.Session()
	f.Start("x", 100)
	f.Add(100)
	show := f.Finish()
	b.tick()
	show()
	f.Start("y", 100)
	f.Add(10)
	b.tick()
	all := strings.Join(m.out.all(), "")
	t.Logf("%q", all)
	if !strings.Contains(all, " 1 file ") {
		t.Errorf("live line without the files done: %q", all)
	}
	b.Close()
	for _, piece := range strings.Split(strings.Join(m.out.all(), ""), "\r") {
		if len(strings.TrimSuffix(piece, "\n")) > 59 {
			t.Errorf("wrote %q, %d columns", piece, len(piece))
		}
	}
	if got := screen(m.out.all()); len(got) != 1 || !strings.HasPrefix(got[0], "x ") {
		t.Errorf("screen %q, want x's line alone", got)
	}
}

// TestBoardResize narrows the terminal under the live line: a resize takes the line away and draws it again
// within the new width at once.
func TestBoardResize(t *testing.T) {
	m := newTestMeter(80)
	winch := make(chan os.Signal)
	m.resized = func() (<-chan os.Signal, func()) { return winch, func() {} }
	b := newBoard(m.barMeter, 3, 3<<20, nil)
	f := b.Session()
	f.Start("x", 1<<20) // drawn at once
	drawn := make(chan string, 8)
	m.out.mu.Lock()
	m.out.notify = drawn
	m.out.mu.Unlock()
	m.set(func() { m.width = 30 })
	winch <- resize{}
	clear, line := <-drawn, <-drawn
	for line == "\r"+strings.Repeat(" ", 29)+"\r" { // progressbar's own clear, before its line
		line = <-drawn
	}
	if strings.Trim(clear, "\r ") != "" || len(clear) != 31 {
		t.Errorf("clear %q, want the width's blanks", clear)
	}
	if want := "\r0/3 files   0% [" + strings.Repeat(".", 13); line != want { // cut at 29 columns
		t.Errorf("line %q, want %q", line, want)
	}
	go func() {
		for range drawn {
		}
	}()
	b.Close()
	close(drawn)
}
