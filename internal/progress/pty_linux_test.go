//go:build linux

package progress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/goscp/goscp/internal/ptytest"
)

// helperEnv makes the test binary a helper process instead of running tests; its value picks the helper.
const helperEnv = "GOSCP_PROGRESS_HELPER"

// doneMark is what the quiet helpers write straight to the terminal after driving their meter, to show that
// their silence is the meter's and not a broken terminal.
const doneMark = "helper-done"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := helper(mode); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helper runs in a child whose stdout is a pseudo-terminal it controls (see runOnPTY).
func helper(mode string) error {
	switch mode {
	case "foreground":
		if !foreground(1) {
			return fmt.Errorf("not in the terminal's foreground group")
		}
		drive(New(os.Stdout, false))
		return nil
	case "transfer": // the files of drive as one whole transfer (-r)
		m := New(os.Stdout, false)
		m.BeginTransfer(func() (int, int64) { return 3, 3<<20 + 1234 })
		drive(m)
		m.EndTransfer()
		return nil
	case "resize": // one file, held open until stdin says go (see TestTerminalResize)
		m := New(os.Stdout, false)
		m.Start("w.bin", 100)
		m.Add(50) // counted, not drawn: the second has not passed
		if _, err := io.ReadFull(os.Stdin, make([]byte, 2)); err != nil {
			return err
		}
		m.Add(50)
		m.Finish()
		return nil
	case "board": // two files at once on a Board, in a whole transfer
		m := New(os.Stdout, false)
		m.BeginTransfer(func() (int, int64) { return 2, 3<<20 + 1234 })
		driveBoard(m)
		m.EndTransfer()
		return nil
	case "quiet":
		drive(New(os.Stdout, true))
	case "background":
		if err := inBackground(drive); err != nil {
			return err
		}
	case "board-background":
		if err := inBackground(driveBoard); err != nil {
			return err
		}
	case "hold": // the foreground group while "background" runs: waits for its stdin to close
		_, err := io.Copy(io.Discard, os.Stdin)
		return err
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	_, err := fmt.Println(doneMark)
	return err
}

// inBackground runs f while another process group holds the terminal's foreground, as after `scp ... &`.
func inBackground(f func(Meter)) error {
	hold := exec.Command(os.Args[0])
	hold.Env = append(os.Environ(), helperEnv+"=hold")
	hold.SysProcAttr = &syscall.SysProcAttr{Foreground: true, Ctty: 1}
	release, err := hold.StdinPipe()
	if err != nil {
		return err
	}
	if err := hold.Start(); err != nil {
		return err
	}
	if foreground(1) {
		return fmt.Errorf("still in the foreground group")
	}
	f(New(os.Stdout, false))
	release.Close()
	return hold.Wait()
}

// drive copies three files through m: a 3 MiB one in chunks, one with a hostile name, an empty one.
func drive(m Meter) {
	m.Start("a.bin", 3<<20)
	for range 48 {
		m.Add(64 << 10)
	}
	m.Finish()
	m.Start("evil\x1b[31mred", 1234)
	m.Add(1234)
	m.Finish()
	m.Start("empty", 0)
	m.Finish()
}

// driveBoard moves two files at once through a Board on m, the second ending first, and shows their lines in
// order.
func driveBoard(m Meter) {
	b := NewBoard(m, 2, 3<<20+1234)
	big, small := b.Session(), b.Session()
	big.Start("a.bin", 3<<20)
	small.Start("b.txt", 1234)
	small.Add(1234)
	second := small.Finish()
	for range 48 {
		big.Add(64 << 10)
	}
	first := big.Finish()
	for _, show := range []func(){first, second} {
		if show != nil {
			show()
		}
	}
	b.Close()
}

// ptySession is a helper running in a new session whose controlling terminal is a fresh pseudo-terminal.
type ptySession struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	stdin  io.WriteCloser // the helper's stdin, if asked for
	stderr bytes.Buffer
	chunks chan []byte // what the helper writes to the terminal, closed when no one has it open
	out    []byte      // chunks received so far
}

// startOnPTY starts the helper mode on a terminal of the given width, with a stdin pipe if stdin is set.
func startOnPTY(t *testing.T, mode string, cols uint16, stdin bool) *ptySession {
	t.Helper()
	master, slave := openPTY(t, cols)
	s := &ptySession{t: t, master: master, chunks: make(chan []byte)}
	t.Cleanup(func() { master.Close() })
	s.cmd = exec.Command(os.Args[0])
	s.cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	s.cmd.Stdout = slave
	s.cmd.Stderr = &s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	if stdin {
		var err error
		if s.stdin, err = s.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the master reads EIO once the helper's copy closes too
	go func() {
		defer close(s.chunks)
		for {
			b := make([]byte, 4096)
			n, err := master.Read(b)
			if n > 0 {
				s.chunks <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// waitFor reads the terminal until ok holds for all it has shown. It fails the test if the terminal closes
// first or nothing suitable comes for a long while (a hung helper, not a timing assertion).
func (s *ptySession) waitFor(what string, ok func(out string) bool) {
	s.t.Helper()
	deadline := time.After(time.Minute)
	for !ok(string(s.out)) {
		select {
		case b, open := <-s.chunks:
			if !open {
				s.t.Fatalf("terminal closed before %s: %q\n%s", what, s.out, s.stderr.Bytes())
			}
			s.out = append(s.out, b...)
		case <-deadline:
			s.t.Fatalf("no %s on the terminal: %q", what, s.out)
		}
	}
}

// wait reads the terminal to its end, waits for the helper, and returns all the terminal showed.
func (s *ptySession) wait() string {
	s.t.Helper()
	for b := range s.chunks {
		s.out = append(s.out, b...)
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("helper: %v\n%s", err, s.stderr.Bytes())
	}
	return string(s.out)
}

// runOnPTY runs the helper mode on a terminal of the given width and returns everything it wrote there.
func runOnPTY(t *testing.T, mode string, cols uint16) string {
	t.Helper()
	return startOnPTY(t, mode, cols, false).wait()
}

// openPTY opens a pseudo-terminal pair (see ptytest.Open) of the given width.
func openPTY(t *testing.T, cols uint16) (master, slave *os.File) {
	t.Helper()
	master, slave, err := ptytest.Open()
	if errors.Is(err, ptytest.ErrUnavailable) {
		t.Skip(err)
	}
	if err == nil {
		err = ptytest.SetSize(master, 24, cols)
	}
	if err != nil {
		t.Fatal(err)
	}
	return master, slave
}

// rateRE matches any rate field: "%3d.%1d", a unit of at least K, "B/s".
const rateRE = `[ \d]{2}\d\.\d[KMGT]B/s`

// redraws splits what the terminal showed into lines (the pty turns \n into \r\n) and each line into its
// redraws, checking that every redraw is a \r and exactly cols−1 columns.
func redraws(t *testing.T, out string, cols int) [][]string {
	t.Helper()
	if !strings.HasSuffix(out, "\r\n") {
		t.Errorf("output does not end its last line: %q", out)
	}
	var lines [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		segs := strings.Split(line, "\r")
		if segs[0] != "" {
			t.Errorf("line does not start with \\r: %q", line)
		}
		for _, seg := range segs[1:] {
			if n := utf8.RuneCountInString(seg); n != cols-1 {
				t.Errorf("redraw of %d columns on a %d-column terminal, want %d: %q", n, cols, cols-1, seg)
			}
		}
		lines = append(lines, segs[1:])
	}
	return lines
}

func wantMatch(t *testing.T, what, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile("^" + pattern + "$").MatchString(got) {
		t.Errorf("%s %q does not match %q", what, got, pattern)
	}
}

func TestTerminalShowsEachFile(t *testing.T) {
	const cols = 80
	out := runOnPTY(t, "foreground", cols)
	if strings.IndexByte(out, 0x1b) >= 0 {
		t.Errorf("raw ESC reached the terminal: %q", out)
	}
	lines := redraws(t, out, cols)
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want one per file: %q", len(lines), out)
	}
	evil := regexp.QuoteMeta(`evil\033[31mred`)
	want := []struct{ first, final string }{
		{`a\.bin {40}   0%    0     0\.0KB/s   --:-- ETA`, `a\.bin {40} 100% 3072KB ` + rateRE + `   00:00    `},
		{evil + ` {30}   0%    0     0\.0KB/s   --:-- ETA`, evil + ` {30} 100% 1234   ` + rateRE + `   00:00    `},
		{`empty {40} 100%    0     0\.0KB/s   00:00    `, `empty {40} 100%    0     0\.0KB/s   00:00    `},
	}
	for i, segs := range lines {
		if len(segs) == 0 {
			t.Errorf("line %d has no redraw", i)
			continue
		}
		first, final := segs[0], segs[len(segs)-1]
		t.Logf("final line: %q", final)
		wantMatch(t, "first redraw", first, want[i].first)
		wantMatch(t, "final redraw", final, want[i].final)
	}
	if n := len(lines[2]); n != 1 {
		t.Errorf("empty file drawn %d times, want once", n)
	}
}

// TestTerminalShowsTransfer: in a whole transfer each line's redraws carry its tag, but the line left on screen
// is the same as without one, and a summary line follows.
func TestTerminalShowsTransfer(t *testing.T) {
	const cols = 80
	out := runOnPTY(t, "transfer", cols)
	cut := strings.LastIndex(strings.TrimSuffix(out, "\r\n"), "\r\n") + 2
	files, summary := out[:cut], strings.TrimSuffix(out[cut:], "\r\n")
	lines := redraws(t, files, cols)
	if len(lines) != 3 {
		t.Fatalf("got %d lines before the summary, want one per file: %q", len(lines), out)
	}
	evil := regexp.QuoteMeta(`evil\033[31mred`)
	want := []struct{ first, final string }{
		{`a\.bin +\[1/3 0%\]   0%    0     0\.0KB/s   --:-- ETA`, `a\.bin {40} 100% 3072KB ` + rateRE + `   00:00    `},
		{evil + ` +\[2/3 99%\]   0%    0     0\.0KB/s   --:-- ETA`, evil + ` {30} 100% 1234   ` + rateRE + `   00:00    `},
		{`empty +\[3/3 100%\] 100%    0     0\.0KB/s   00:00    `, `empty {40} 100%    0     0\.0KB/s   00:00    `},
	}
	for i, w := range want {
		segs := lines[i]
		if len(segs) < 2 {
			t.Errorf("line %d has %d redraws, want the tagged ones and the final one: %q", i, len(segs), segs)
			continue
		}
		wantMatch(t, "first redraw", segs[0], w.first)
		wantMatch(t, "final redraw", segs[len(segs)-1], w.final)
	}
	wantMatch(t, "summary", summary, `3 of 3 files, 3073KB in \d\d:\d\d, \d+\.\d[KMGT]B/s`)
}

// TestTerminalResize resizes the terminal while a file is under way: SIGWINCH redraws it at the new width.
func TestTerminalResize(t *testing.T) {
	s := startOnPTY(t, "resize", 80, true)
	s.waitFor("the first line", func(out string) bool { return strings.Contains(out, "ETA") })
	if err := ptytest.SetSize(s.master, 24, 100); err != nil {
		t.Fatal(err)
	}
	s.waitFor("a redraw at 100 columns", func(out string) bool {
		segs := strings.Split(out, "\r")
		return len(segs) > 2 && len(segs[len(segs)-1]) == 99
	})
	if _, err := s.stdin.Write([]byte("go")); err != nil {
		t.Fatal(err)
	}
	s.stdin.Close()
	out := s.wait()
	segs := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r")[1:]
	if len(segs) != 3 || strings.Count(out, "\n") != 1 {
		t.Fatalf("want the first line, the redraw on resize and the final line: %q", out)
	}
	wantMatch(t, "first line", segs[0], `w\.bin {40}   0%    0     0\.0KB/s   --:-- ETA`)
	wantMatch(t, "line redrawn on resize", segs[1], `w\.bin {60}  (?: 0|50)% +\d+ +`+rateRE+` +\S+ ETA`)
	wantMatch(t, "final line", segs[2], `w\.bin {60} 100%  100   `+rateRE+`   00:00    `)
}

// TestTerminalBoard: a Board's live line is gone once it is closed, leaving the files' lines in order and the
// whole transfer's summary.
func TestTerminalBoard(t *testing.T) {
	out := runOnPTY(t, "board", 80)
	if !strings.Contains(out, "\r0/2 files ") {
		t.Errorf("no live line: %q", out)
	}
	got := screen([]string{out})
	if len(got) != 3 {
		t.Fatalf("screen %q, want two files' lines and the summary", got)
	}
	wantMatch(t, "first line", got[0], `a\.bin {40} 100% 3072KB `+rateRE+`   00:00`)
	wantMatch(t, "second line", got[1], `b\.txt {40} 100% 1234   `+rateRE+`   00:00`)
	wantMatch(t, "summary", got[2], `2 of 2 files, 3073KB in \d\d:\d\d, \d+\.\d[KMGT]B/s`)
}

func TestBackgroundBoardWritesNothing(t *testing.T) {
	if out := runOnPTY(t, "board-background", 80); out != doneMark+"\r\n" {
		t.Errorf("board in a background process group wrote %q", out)
	}
}

func TestQuietTerminalWritesNothing(t *testing.T) {
	if out := runOnPTY(t, "quiet", 80); out != doneMark+"\r\n" {
		t.Errorf("quiet meter wrote %q", out)
	}
}

func TestBackgroundWritesNothing(t *testing.T) {
	if out := runOnPTY(t, "background", 80); out != doneMark+"\r\n" {
		t.Errorf("meter in a background process group wrote %q", out)
	}
}

func TestForegroundNeedsOurControllingTerminal(t *testing.T) {
	master, slave := openPTY(t, 80)
	defer master.Close()
	defer slave.Close()
	// The test process has another terminal (or none), so this one cannot have our group in its foreground.
	if foreground(int(slave.Fd())) {
		t.Error("foreground on a terminal that is not ours")
	}
}
