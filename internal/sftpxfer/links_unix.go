//go:build unix

package sftpxfer

import (
	"io/fs"
	"syscall"
)

// hardLinked reports whether fi's file has more than one name.
func hardLinked(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink > 1
}
