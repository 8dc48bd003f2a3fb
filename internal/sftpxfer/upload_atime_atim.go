//go:build linux || openbsd || dragonfly || solaris || illumos

package sftpxfer

import (
	"io/fs"
	"syscall"
	"time"
)

// accessTime is a local file's atime, which fs.FileInfo does not carry.
func accessTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Atim.Unix())
	}
	return fi.ModTime()
}
