//go:build darwin || freebsd || netbsd

package sftp

import "syscall"

func statAtime(st *syscall.Stat_t) (sec, nsec int64) { return st.Atimespec.Unix() }
