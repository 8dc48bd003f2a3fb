//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package localcopy

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// fileInfo is what cp looks at in a struct stat, here from os.FileInfo.
type fileInfo struct {
	kind         kind
	perm         uint32
	size, blocks int64
	mtime        time.Time
	uid, gid     int // unknown here: -1
	fi           fs.FileInfo
}

func fromFileInfo(fi fs.FileInfo) fileInfo {
	m := fi.Mode()
	out := fileInfo{perm: uint32(m.Perm()), size: fi.Size(), blocks: (fi.Size() + 511) / 512, mtime: fi.ModTime(), uid: -1, gid: -1, fi: fi}
	if m&fs.ModeSetuid != 0 {
		out.perm |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		out.perm |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		out.perm |= 0o1000
	}
	switch {
	case m.IsRegular():
		out.kind = kindRegular
	case m.IsDir():
		out.kind = kindDir
	case m&fs.ModeSymlink != 0:
		out.kind = kindSymlink
	case m&fs.ModeNamedPipe != 0:
		out.kind = kindFIFO
	case m&fs.ModeCharDevice != 0:
		out.kind = kindChar
	case m&fs.ModeDevice != 0:
		out.kind = kindBlock
	case m&fs.ModeSocket != 0:
		out.kind = kindSocket
	default:
		out.kind = kindOther
	}
	return out
}

func sameInode(a, b fileInfo) bool { return a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi) }

func lstat(name string) (fileInfo, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return fileInfo{}, err
	}
	return fromFileInfo(fi), nil
}

func stat(name string) (fileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return fileInfo{}, err
	}
	return fromFileInfo(fi), nil
}

func fstat(f *os.File) (fileInfo, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileInfo{}, err
	}
	return fromFileInfo(fi), nil
}

func openSource(name string, noFollow bool) (*os.File, error) { return os.Open(name) }

func openDest(name string, perm uint32, exists bool) (*os.File, error) {
	if exists {
		return os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
	}
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fs.FileMode(perm&0o777))
}

func mkdir(name string, perm uint32) error { return os.Mkdir(name, fs.FileMode(perm&0o777)) }

func chmod(name string, perm uint32) error { return os.Chmod(name, fs.FileMode(perm&0o777)) }

func mkfifo(name string, perm uint32) error {
	return &fs.PathError{Op: "mkfifo", Path: name, Err: errors.ErrUnsupported}
}

func mknod(name string, fi fileInfo, perm uint32) error {
	return &fs.PathError{Op: "mknod", Path: name, Err: errors.ErrUnsupported}
}

func readlink(name string) (string, error) { return os.Readlink(name) }

func symlink(to, name string) error { return os.Symlink(to, name) }

func removeFile(name string) error { return os.Remove(name) }

func setTimes(name string, fi fileInfo, noFollow bool) error {
	if noFollow {
		return &fs.PathError{Op: "chtimes", Path: name, Err: errors.ErrUnsupported}
	}
	return os.Chtimes(name, time.Time{}, fi.mtime)
}

func setOwner(name string, uid, gid int, noFollow bool) error {
	return &fs.PathError{Op: "chown", Path: name, Err: errors.ErrUnsupported}
}

func isRoot() bool { return os.Geteuid() == 0 }

// readDirNames lists a directory in the order the system gives.
func readDirNames(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}
