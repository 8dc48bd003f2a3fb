package progress

import (
	"strings"
	"testing"
	"time"
)

// finishedLines are the lines a Board printed for files and its summary, in order, without the live line.
func finishedLines(writes []string) []string {
	var out []string
	for _, w := range strings.Split(strings.Join(writes, ""), "\n") {
		if i := strings.LastIndexByte(w, '\r'); i >= 0 {
			w = w[i+1:]
		}
		if w = strings.TrimRight(w, " "); w != "" && !strings.Contains(w, "files") || strings.Contains(w, " of ") {
			out = append(out, w)
		}
	}
	return out
}

func TestBoardPrintsFinishedLinesInPlanOrder(t *testing.T) {
	m := newTestMeter(80)
	b := NewBoard(m.barMeter, []int{1, 3, 4, 7}, 4096*3)
	current := map[string]int{"one": 1, "three": 3, "seven": 7}
	var name string
	w1 := b.Meter(func() int { return current[name] })
	w2 := b.Meter(func() int { return current[name] })

	name = "three"
	w2.Start("three", 4096)
	m.clock.at(time.Second)
	w2.Add(4096)
	w2.Finish() // held: one is still moving
	name = "one"
	w1.Start("one", 4096)
	w1.Add(4096)
	m.clock.at(2 * time.Second)
	if got := finishedLines(m.out.all()); len(got) != 0 {
		t.Fatalf("printed before the first file ended: %q", got)
	}
	w1.Finish()
	b.Settle([]int{4}) // refused by the sink: no line
	name = "seven"
	w1.Start("seven", 4096)
	w1.Add(1000) // ends short
	w1.Finish()
	b.Close()

	want := []string{
		"one" + strings.Repeat(" ", 42) + " 100% 4096     4.0KB/s   00:01",
		"three" + strings.Repeat(" ", 40) + " 100% 4096     4.0KB/s   00:01",
		"seven" + strings.Repeat(" ", 40) + "  24% 1000     1.0KB/s   00:03 ETA",
		"2 of 4 files, 9192B in 00:02, 4.5KB/s",
	}
	got := finishedLines(m.out.all())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines\n got %q\nwant %q", got, want)
	}
}

func TestBoardSilentMeter(t *testing.T) {
	if b := NewBoard(nop{}, []int{0}, 1); b != nil {
		t.Errorf("a silent meter gave a Board")
	}
}

func TestBoardBackground(t *testing.T) {
	m := newTestMeter(80)
	m.set(func() { m.bg = true })
	b := NewBoard(m.barMeter, []int{0}, 10)
	f := b.Meter(func() int { return 0 })
	f.Start("x", 10)
	f.Add(10)
	f.Finish()
	b.Close()
	if got := m.out.all(); len(got) != 0 {
		t.Errorf("wrote %q in the background", got)
	}
}
