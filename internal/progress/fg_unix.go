//go:build unix && !linux

package progress

import "golang.org/x/sys/unix"

// foreground reports whether our process group is the foreground group of the terminal fd (tcgetpgrp ==
// getpgrp). Any error, such as fd not being our controlling terminal, counts as background.
func foreground(fd int) bool {
	fg, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	own, err2 := unix.Getpgid(0) // Getpgrp has no common signature across these systems; Getpgid(0) has
	return err == nil && err2 == nil && fg == own
}
