//go:build linux

package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
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
	case "quiet":
		drive(New(os.Stdout, true))
	case "background":
		if err := inBackground(drive); err != nil {
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

// runOnPTY runs the helper mode in a new session whose controlling terminal is a fresh pseudo-terminal of
// the given width, and returns everything it wrote there.
func runOnPTY(t *testing.T, mode string, cols uint16) string {
	t.Helper()
	master, slave := openPTY(t, cols)
	defer master.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Stdout = slave
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the master reads EIO once the helper's copy closes too
	read := make(chan []byte)
	go func() {
		out, _ := io.ReadAll(master)
		read <- out
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper %s: %v\n%s", mode, err, stderr.Bytes())
	}
	return string(<-read)
}

// openPTY opens a pseudo-terminal pair by hand: /dev/ptmx, unlock, then the numbered slave.
func openPTY(t *testing.T, cols uint16) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var n uint32
	err = control(master, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return err
		}
		if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: cols}); err != nil {
			return err
		}
		n, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN)
		return err
	})
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	return master, slave
}

// control runs f on f's descriptor without taking it out of the runtime poller, as Fd would.
func control(file *os.File, f func(fd int) error) error {
	raw, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := raw.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

func TestTerminalShowsEachFile(t *testing.T) {
	const cols = 80
	out := runOnPTY(t, "foreground", cols)
	if strings.IndexByte(out, 0x1b) >= 0 {
		t.Errorf("raw ESC reached the terminal: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") // the pty turns \n into \r\n
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want one per file: %q", len(lines), out)
	}
	want := [][]string{
		{"a.bin", "100%", "(3.0 MiB, "},
		{`evil\033[31mred`, "100%", "(1.2 KiB, "},
		{"empty", "100%", "[0s]"},
	}
	for i, line := range lines {
		final := line[strings.LastIndexByte(line, '\r')+1:]
		t.Logf("final line: %q", final)
		wantIn(t, final, want[i]...)
		for _, seg := range strings.Split(line, "\r") {
			if n := len([]rune(seg)); n > cols-1 {
				t.Errorf("%d columns drawn on a %d-column terminal: %q", n, cols, seg)
			}
		}
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
