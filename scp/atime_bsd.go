//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package scp

import "syscall"

func statAtime(st *syscall.Stat_t) (sec, nsec int64) {
	return st.Atimespec.Sec, st.Atimespec.Nsec
}
