//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris || illumos)

package scp

import (
	"io/fs"
	"time"
)

const openNonblock = 0

var processUmask fs.FileMode = 0

func accessTime(fi fs.FileInfo) (time.Time, bool) { return time.Time{}, false }
