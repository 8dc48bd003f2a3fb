package sftpcli

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// stopSelf stops the program with SIGTSTP, as ^Z on the terminal would,
// and returns when it is continued. The signal goes to this thread so
// that the stop happens before the kill returns; a program in an orphaned
// process group is not stopped, as the terminal would not stop it.
func stopSelf() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGTSTP)
}
