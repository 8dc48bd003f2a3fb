//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos

package sftp

import (
	"io/fs"
	"syscall"
	"time"
)

// fileTimes returns a local file's access and modification times.
func fileTimes(fi fs.FileInfo) (atime, mtime time.Time) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fi.ModTime(), fi.ModTime()
	}
	sec, nsec := statAtime(st)
	return time.Unix(sec, nsec), fi.ModTime()
}
