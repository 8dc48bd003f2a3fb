//go:build unix

package sftpcli

import (
	"os"
	"syscall"
)

// windowChanged is the signal of a terminal's new size.
var windowChanged = []os.Signal{syscall.SIGWINCH}
