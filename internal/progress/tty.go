package progress

import (
	"os"

	"golang.org/x/term"
)

// termWriter writes to the terminal only while this process is in its foreground process group. The check
// runs at every write, so at every redraw as OpenSSH does: a copy put in the background with `&` or ^Z + bg
// stays silent (and never meets SIGTTOU), and one brought back with fg shows its meter again.
type termWriter struct {
	f  *os.File
	fd int
}

func (t termWriter) Write(p []byte) (int, error) {
	if !foreground(t.fd) {
		return len(p), nil
	}
	return t.f.Write(p)
}

// termCols returns the terminal's width bounded as OpenSSH bounds it: 80 when unknown, at most 512.
func termCols(fd int) int {
	cols, _, err := term.GetSize(fd)
	if err != nil || cols <= 0 {
		return 80
	}
	return min(cols, 512)
}
