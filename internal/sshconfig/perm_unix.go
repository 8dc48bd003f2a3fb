//go:build unix

package sshconfig

import (
	"io/fs"
	"os"
	"syscall"
)

// safeOwner applies ssh's rule for ~/.ssh/config and included files: owned
// by root or the user, and not writable by group or others.
func safeOwner(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	if st.Uid != 0 && int(st.Uid) != os.Getuid() {
		return false
	}
	return fi.Mode().Perm()&0o022 == 0
}
