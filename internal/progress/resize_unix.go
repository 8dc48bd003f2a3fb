//go:build unix

package progress

import (
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// watchResize delivers SIGWINCH, the terminal's resize signal, until stop is called.
func watchResize() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, unix.SIGWINCH)
	return c, func() { signal.Stop(c) }
}
