//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos)

package scp

import (
	"io/fs"
	"os"
	"time"
)

const openNonblock = 0

var processUmask fs.FileMode = 0

func accessTime(fi fs.FileInfo) (time.Time, bool) { return time.Time{}, false }

func chtimes(name string, atime, mtime time.Time) error { return os.Chtimes(name, atime, mtime) }
