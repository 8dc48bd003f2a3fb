package progress

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

const testCols = 80

// frames runs f on a meter writing to a buffer and returns the lines it drew, in order: the text between
// carriage returns, less progressbar's blank-padding erasures. The final frame keeps its newline.
func frames(t *testing.T, f func(m *barMeter)) []string {
	t.Helper()
	var out strings.Builder
	f(&barMeter{w: &out, cols: func() int { return testCols }})
	var drawn []string
	for _, seg := range strings.Split(out.String(), "\r") {
		if utf8.RuneCountInString(strings.TrimSuffix(seg, "\n")) > testCols-1 {
			t.Errorf("segment %q is wider than %d columns", seg, testCols-1)
		}
		if strings.TrimSpace(seg) != "" {
			drawn = append(drawn, seg)
		}
	}
	if len(drawn) == 0 {
		t.Fatalf("nothing drawn; output %q", out.String())
	}
	if got := strings.Count(out.String(), "\n"); got != 1 || !strings.HasSuffix(out.String(), "\n") {
		t.Errorf("output has %d newlines, want exactly one at the end: %q", got, out.String())
	}
	return drawn
}

func wantIn(t *testing.T, frame string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(frame, s) {
			t.Errorf("frame %q lacks %q", frame, s)
		}
	}
}

func TestMeterCompleteFile(t *testing.T) {
	drawn := frames(t, func(m *barMeter) {
		m.Start("[red]a.bin", 3<<20) // progressbar's colour markup must stay literal
		for range 48 {
			m.Add(64 << 10)
		}
		m.Finish()
	})
	wantIn(t, drawn[0], "[red]a.bin", "  0%")
	last := drawn[len(drawn)-1]
	wantIn(t, last, "[red]a.bin", "100%", "(3.0 MiB, ", "/s) [")
	if strings.Count(strings.Join(drawn, ""), "100%") != 1 {
		t.Errorf("100%% drawn more than once: %q", drawn)
	}
}

func TestMeterShortFileEndsWhereItStopped(t *testing.T) {
	drawn := frames(t, func(m *barMeter) {
		m.Start("short", 100)
		m.Add(40)
		m.Finish()
	})
	last := drawn[len(drawn)-1]
	wantIn(t, last, "short", " 40%", "(40 B")
	if strings.Contains(strings.Join(drawn, ""), "100%") {
		t.Errorf("a file stopped at 40%% was drawn complete: %q", drawn)
	}
}

func TestMeterEmptyFileDrawsOnce(t *testing.T) {
	drawn := frames(t, func(m *barMeter) {
		m.Start("empty", 0)
		m.Add(5) // nothing to count in an empty file
		m.Finish()
	})
	if len(drawn) != 1 {
		t.Fatalf("empty file drawn %d times, want once: %q", len(drawn), drawn)
	}
	wantIn(t, drawn[0], "empty", "100%")
}

func TestMeterStopsAtSize(t *testing.T) {
	drawn := frames(t, func(m *barMeter) {
		m.Start("over", 10)
		m.Add(4)
		m.Add(100)
		m.Add(5)
		m.Finish()
	})
	wantIn(t, drawn[len(drawn)-1], "100%", "(10 B")
}

func TestMeterConcurrentAdds(t *testing.T) {
	drawn := frames(t, func(m *barMeter) {
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
		m.Finish()
	})
	wantIn(t, drawn[len(drawn)-1], "100%", "(7.8 KiB")
}

func TestMeterIgnoresCallsOutsideAFile(t *testing.T) {
	var out strings.Builder
	m := &barMeter{w: &out, cols: func() int { return testCols }}
	m.Add(1)
	m.Finish()
	if out.Len() != 0 {
		t.Errorf("meter drew %q with no file started", out.String())
	}
}
