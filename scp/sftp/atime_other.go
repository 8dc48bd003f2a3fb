//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos)

package sftp

import (
	"io/fs"
	"time"
)

// fileTimes returns the modification time for both times: this system's
// file information has no access time we can read.
func fileTimes(fi fs.FileInfo) (atime, mtime time.Time) { return fi.ModTime(), fi.ModTime() }
