package progress

import "golang.org/x/sys/unix"

// foreground reports whether our process group is the foreground group of the terminal fd (tcgetpgrp ==
// getpgrp). Any error, such as fd not being our controlling terminal, counts as background.
func foreground(fd int) bool {
	pgrp, err := unix.IoctlGetUint32(fd, unix.TIOCGPGRP) // pid_t is 32 bits; IoctlGetInt would misread it on big-endian
	return err == nil && int(pgrp) == unix.Getpgrp()
}
