package localcopy

import "golang.org/x/sys/unix"

func mknodDev(name string, mode uint32, rdev uint64) error { return unix.Mknod(name, mode, rdev) }
