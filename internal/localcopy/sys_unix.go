//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package localcopy

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// fileInfo is what cp looks at in a struct stat.
type fileInfo struct {
	kind         kind
	perm         uint32 // permission, setuid, setgid and sticky bits
	dev, ino     uint64
	uid, gid     int
	rdev         uint64
	size, blocks int64
	atime, mtime unix.Timespec
}

func fromStat(st *unix.Stat_t) fileInfo {
	fi := fileInfo{
		perm:   uint32(st.Mode) & 0o7777,
		dev:    uint64(st.Dev),
		ino:    uint64(st.Ino),
		uid:    int(st.Uid),
		gid:    int(st.Gid),
		rdev:   uint64(st.Rdev),
		size:   st.Size,
		blocks: int64(st.Blocks),
		atime:  st.Atim,
		mtime:  st.Mtim,
	}
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
		fi.kind = kindRegular
	case unix.S_IFDIR:
		fi.kind = kindDir
	case unix.S_IFLNK:
		fi.kind = kindSymlink
	case unix.S_IFIFO:
		fi.kind = kindFIFO
	case unix.S_IFCHR:
		fi.kind = kindChar
	case unix.S_IFBLK:
		fi.kind = kindBlock
	case unix.S_IFSOCK:
		fi.kind = kindSocket
	default:
		fi.kind = kindOther
	}
	return fi
}

func sameInode(a, b fileInfo) bool { return a.dev == b.dev && a.ino == b.ino }

func pathErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// retry repeats a system call interrupted by a signal.
func retry(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

func lstat(name string) (fileInfo, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Lstat(name, &st) }); err != nil {
		return fileInfo{}, pathErr("lstat", name, err)
	}
	return fromStat(&st), nil
}

func stat(name string) (fileInfo, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Stat(name, &st) }); err != nil {
		return fileInfo{}, pathErr("stat", name, err)
	}
	return fromStat(&st), nil
}

func fstat(f *os.File) (fileInfo, error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return fileInfo{}, err
	}
	var st unix.Stat_t
	var serr error
	if err := sc.Control(func(fd uintptr) {
		serr = retry(func() error { return unix.Fstat(int(fd), &st) })
	}); err != nil {
		return fileInfo{}, err
	}
	if serr != nil {
		return fileInfo{}, pathErr("fstat", f.Name(), serr)
	}
	return fromStat(&st), nil
}

// openBlocking opens without waiting (a FIFO swapped in for the file
// checked would otherwise block the open), then makes the descriptor
// blocking again, which devices read without -r need.
func openBlocking(name string, flags int, perm uint32) (*os.File, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = unix.Open(name, flags|unix.O_NONBLOCK|unix.O_CLOEXEC, perm)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// openSource opens a file to copy; with -r a symbolic link there now is
// not followed.
func openSource(name string, noFollow bool) (*os.File, error) {
	flags := unix.O_RDONLY
	if noFollow {
		flags |= unix.O_NOFOLLOW
	}
	f, err := openBlocking(name, flags, 0)
	return f, pathErr("open", name, err)
}

// openDest opens dst for writing: truncated if it exists, else created
// with perm (less the umask). A FIFO without a reader fails (ENXIO)
// instead of blocking, as cp would.
func openDest(name string, perm uint32, exists bool) (*os.File, error) {
	flags := unix.O_WRONLY | unix.O_TRUNC
	if !exists {
		flags = unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL
	}
	f, err := openBlocking(name, flags, perm)
	if errors.Is(err, unix.EISDIR) && !exists && len(name) > 0 && name[len(name)-1] == '/' {
		err = unix.ENOTDIR // "x/" that does not exist: not a directory, as cp says
	}
	return f, pathErr("open", name, err)
}

func mkdir(name string, perm uint32) error {
	return pathErr("mkdir", name, retry(func() error { return unix.Mkdir(name, perm) }))
}

func chmod(name string, perm uint32) error {
	return pathErr("chmod", name, retry(func() error { return unix.Chmod(name, perm) }))
}

func mkfifo(name string, perm uint32) error {
	return pathErr("mkfifo", name, retry(func() error { return unix.Mkfifo(name, perm) }))
}

func mknod(name string, fi fileInfo, perm uint32) error {
	var typ uint32
	switch fi.kind {
	case kindChar:
		typ = unix.S_IFCHR
	case kindBlock:
		typ = unix.S_IFBLK
	case kindSocket:
		typ = unix.S_IFSOCK
	}
	return pathErr("mknod", name, retry(func() error { return mknodDev(name, typ|perm, fi.rdev) }))
}

func readlink(name string) (string, error) { return os.Readlink(name) }

func symlink(to, name string) error {
	return pathErr("symlink", name, retry(func() error { return unix.Symlink(to, name) }))
}

func removeFile(name string) error {
	return pathErr("unlink", name, retry(func() error { return unix.Unlink(name) }))
}

func setTimes(name string, fi fileInfo, noFollow bool) error {
	flags := 0
	if noFollow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	ts := []unix.Timespec{fi.atime, fi.mtime}
	return pathErr("utimensat", name, retry(func() error { return unix.UtimesNanoAt(unix.AT_FDCWD, name, ts, flags) }))
}

// setOwner is chown; -1 leaves an id as it is.
func setOwner(name string, uid, gid int, noFollow bool) error {
	f := unix.Chown
	if noFollow {
		f = unix.Lchown
	}
	return pathErr("chown", name, retry(func() error { return f(name, uid, gid) }))
}

func isRoot() bool { return unix.Geteuid() == 0 }
