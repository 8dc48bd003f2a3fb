//go:build linux || openbsd || dragonfly || solaris || illumos

package sftp

import "syscall"

func statAtime(st *syscall.Stat_t) (sec, nsec int64) { return st.Atim.Unix() }
