//go:build unix

package auth

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByCurrentUser tells whether ssh's key-permission check applies: it
// only refuses keys of the user running it.
func ownedByCurrentUser(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
