//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos

package scp

import (
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
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

// chtimes sets whole timespecs: os.Chtimes goes through UnixNano, which
// overflows after the year 2262.
func chtimes(name string, atime, mtime time.Time) error {
	var ts [2]unix.Timespec
	for i, t := range [2]time.Time{atime, mtime} {
		var err error
		if ts[i], err = unix.TimeToTimespec(t); err != nil {
			return &fs.PathError{Op: "chtimes", Path: name, Err: err}
		}
	}
	if err := unix.UtimesNano(name, ts[:]); err != nil {
		return &fs.PathError{Op: "chtimes", Path: name, Err: err}
	}
	return nil
}
