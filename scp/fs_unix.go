//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos

package scp

import (
	"io/fs"
	"syscall"
	"time"
)

const openNonblock = syscall.O_NONBLOCK

// processUmask is read once: reading it means setting it, which is not safe
// once other goroutines may create files.
var processUmask = func() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m) & 0777
}()

func accessTime(fi fs.FileInfo) (time.Time, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	sec, nsec := statAtime(st)
	return time.Unix(sec, nsec), true
}
