//go:build unix && !linux

package sftpcli

import "golang.org/x/sys/unix"

// stopSelf stops the program with SIGTSTP, as ^Z on the terminal would.
func stopSelf() { unix.Kill(unix.Getpid(), unix.SIGTSTP) }
