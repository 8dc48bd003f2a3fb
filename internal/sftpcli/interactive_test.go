package sftpcli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/goscp/goscp/internal/ptytest"
	"golang.org/x/sys/unix"
)

// screen collects what a pseudo-terminal's master end shows.
type screen struct {
	mu   sync.Mutex
	cond *sync.Cond
	out  []byte
	seen int // how far expect has read
	err  error
}

func newScreen(master *os.File) *screen {
	sc := &screen{}
	sc.cond = sync.NewCond(&sc.mu)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			sc.mu.Lock()
			sc.out = append(sc.out, buf[:n]...)
			if err != nil {
				sc.err = err
			}
			sc.cond.Broadcast()
			sc.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return sc
}

// expect waits until want is shown after what earlier calls saw, and
// returns what came before it. It fails when the terminal closes first;
// the test's own deadline bounds the wait.
func (sc *screen) expect(t *testing.T, want string) string {
	t.Helper()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for {
		if i := bytes.Index(sc.out[sc.seen:], []byte(want)); i >= 0 {
			before := string(sc.out[sc.seen : sc.seen+i])
			sc.seen += i + len(want)
			return before
		}
		if sc.err != nil {
			t.Fatalf("terminal closed (%v) before %q; it showed %q", sc.err, want, sc.out[sc.seen:])
		}
		sc.cond.Wait()
	}
}

type readResult struct {
	line string
	err  error
}

// TestTerminalReader types at the reader through a pseudo-terminal:
// editing, ^C at the prompt, history, completion of a command and of
// local paths, and ^D, checking the terminal is back in its normal mode
// whenever a line has been returned.
func TestTerminalReader(t *testing.T) {
	master, slave, err := ptytest.Open()
	if errors.Is(err, ptytest.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	local := t.TempDir()
	makeTree(t, local, "lfile", "l x", "ldir/")
	t.Chdir(local)

	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{stderr: io.Discard}
	r, restore, err := newTerminalReader(slave, slave, s.complete)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	s.stdout = r
	sc := newScreen(master)

	// type waits for the prompt, types keys and returns what readLine
	// gave.
	lines := make(chan readResult)
	typeLine := func(keys string) readResult {
		t.Helper()
		go func() {
			line, err := r.readLine()
			lines <- readResult{line, err}
		}()
		sc.expect(t, prompt)
		// The prompt is drawn once the terminal is raw. A prompt that is
		// not this line's (a test that did not expect a redraw) would
		// have keys typed in the normal mode.
		if st, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS); err != nil || st.Lflag&unix.ICANON != 0 {
			t.Fatalf("typing %q at a terminal not raw (%v): the prompt seen was an earlier one", keys, err)
		}
		if _, err := master.Write([]byte(keys)); err != nil {
			t.Fatal(err)
		}
		res := <-lines
		st, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if *st != *before {
			t.Errorf("after %q the terminal is not restored: lflag %#x, want %#x", keys, st.Lflag, before.Lflag)
		}
		return res
	}
	check := func(keys, want string) {
		t.Helper()
		if res := typeLine(keys); res.line != want || res.err != nil {
			t.Errorf("typed %q: read %q, %v; want %q", keys, res.line, res.err, want)
		}
	}

	check("pwd\r", "pwd")
	sc.expect(t, "pwd\r\n")
	// Left arrow, ^A, ^E, backspace.
	check("lx\x1b[Dp\x01\x05\x7fwd\r", "lpwd")

	// ^C drops the line for a fresh prompt; the next line is read.
	go func() {
		line, err := r.readLine()
		lines <- readResult{line, err}
	}()
	sc.expect(t, prompt)
	master.Write([]byte("ls\x03"))
	sc.expect(t, "ls\r\n"+prompt)
	master.Write([]byte("version\r"))
	if res := <-lines; res.line != "version" || res.err != nil {
		t.Errorf("after ^C: read %q, %v; want %q", res.line, res.err, "version")
	}

	// History: version, lpwd, pwd; the ^C line is not in it.
	check("\x1b[A\r", "version")
	check("\x1b[A\x1b[A\x1b[A\x1b[A\r", "pwd")
	check("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[B\r", "lpwd")

	// libedit's keys: ^U kills the whole line, words left (Esc b, Ctrl
	// with the left arrow), Esc Backspace deletes the word before.
	check("pwd xyz\x1b[D\x1b[D\x1b[D\x1b[D\x15lpwd\r", "lpwd")
	check("lpwd xyz\x1bb\x1bbX\r", "Xlpwd xyz")
	check("lpwd xyz\x1b[1;5DX\r", "lpwd Xxyz")
	check("lpwd abc xyz\x1b\x7f\r", "lpwd abc ")

	// ^Z gives the terminal back in its normal mode while stopped, then
	// draws the line again.
	stops := 0
	r.stop = func() {
		stops++
		st, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err != nil || *st != *before {
			t.Errorf("stopped with the terminal not restored (%v)", err)
		}
	}
	check("lpw\x1ad\r", "lpwd")
	sc.expect(t, prompt+"lpw")
	if stops != 1 {
		t.Errorf("^Z stopped %d times; want 1", stops)
	}

	// Completion: a command, a unique local path, and a listing drawn
	// under the line, which is drawn again.
	check("pw\t\r", "pwd ")
	check("lcd ld\t\r", "lcd ldir/")
	check("put l\t\r", "put l")
	listing := strings.ReplaceAll(columns([]string{"l x", "ldir/", "lfile"}, 0, stdinWidth()), "\n", "\r\n")
	sc.expect(t, prompt+"put l"+listing+prompt+"put l")
	// Nothing to complete rings the bell.
	check("help \t\r", "help ")
	sc.expect(t, "\a")

	// ^C with more typed after it in one go; the dropped line is not in
	// the history.
	check("ls\x03help\r", "help")
	sc.expect(t, "ls\r\n"+prompt)
	check("\x1b[A\x1b[A\r", "help ")

	// ^D on an empty line ends the input, as libedit shows it.
	res := typeLine("\x04")
	if res.err != io.EOF {
		t.Errorf("^D: read %q, %v; want io.EOF", res.line, res.err)
	}
	sc.expect(t, "^D\r\n")
}

// TestInterrupts sends SIGINT during a command: its context ends, sftp's
// message is printed, and the process lives on; the next command starts
// afresh.
func TestInterrupts(t *testing.T) {
	var stderr bytes.Buffer
	in := newInterrupts(&stderr, false)
	defer in.stop()

	ctx, end := in.command(t.Context())
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	end()
	// The message was written before the context ended.
	if got := stderr.String(); got != "\rInterrupt  \n" {
		t.Errorf("stderr %q; want %q", got, "\rInterrupt  \n")
	}
	ctx, end = in.command(t.Context())
	defer end()
	if ctx.Err() != nil {
		t.Errorf("the next command's context ended: %v", ctx.Err())
	}
}

// TestCollect keeps what stdout and stderr get during a completion, in
// order, and lets stderr through at other times.
func TestCollect(t *testing.T) {
	var stderr bytes.Buffer
	r := &terminalReader{}
	errw := r.errors(&stderr)
	got := r.collect(func() {
		io.WriteString(errw, "error\r\n")
		io.WriteString(r, "listing\n")
	})
	if string(got) != "error\r\nlisting\n" || stderr.Len() != 0 {
		t.Errorf("collected %q, stderr %q; want everything collected", got, stderr.String())
	}
	io.WriteString(errw, "later")
	if stderr.String() != "later" {
		t.Errorf("stderr %q after the completion; want %q", stderr.String(), "later")
	}
}

func TestTerminalReaderNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := newTerminalReader(f, f, nil); err == nil {
		t.Error("newTerminalReader accepted /dev/null")
	}
}
