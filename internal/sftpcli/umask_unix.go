//go:build unix

package sftpcli

import "syscall"

// setUmask is lumask's: the umask of this process and the files it makes.
func setUmask(mask uint32) { syscall.Umask(int(mask & 0o777)) }
