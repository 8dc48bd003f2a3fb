package scp

import (
	"io"
	"io/fs"
	"os"
	"time"
)

// FS is the file system a side reads from or writes to. OS implements it on
// the local disk; tests use an in-memory one.
type FS interface {
	// Open opens a file or directory for reading, following symlinks, and
	// without blocking on FIFOs.
	Open(name string) (File, error)
	// Stat follows symlinks.
	Stat(name string) (fs.FileInfo, error)
	// OpenWrite opens name for writing, creating it with perm (minus the
	// umask) if needed, and never truncates it: the sink truncates after
	// writing, like OpenSSH.
	OpenWrite(name string, perm fs.FileMode) (WriteFile, error)
	Mkdir(name string, perm fs.FileMode) error
	Chmod(name string, mode fs.FileMode) error
	Chtimes(name string, atime, mtime time.Time) error
	// Umask is the mask new files and directories get without -p.
	Umask() fs.FileMode
}

// File is an open file or directory to read from.
type File interface {
	io.ReadCloser
	Stat() (fs.FileInfo, error)
	ReadDir(n int) ([]fs.DirEntry, error)
}

// WriteFile is an open file to write to.
type WriteFile interface {
	io.WriteCloser
	Truncate(size int64) error
	Chmod(mode fs.FileMode) error
}

// OS is the local file system.
type OS struct{}

// Open implements FS.
func (OS) Open(name string) (File, error) {
	return os.OpenFile(name, os.O_RDONLY|openNonblock, 0)
}

// Stat implements FS.
func (OS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// OpenWrite implements FS.
func (OS) OpenWrite(name string, perm fs.FileMode) (WriteFile, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE, perm)
}

// Mkdir implements FS.
func (OS) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }

// Chmod implements FS.
func (OS) Chmod(name string, mode fs.FileMode) error { return os.Chmod(name, mode) }

// Chtimes implements FS. Unlike os.Chtimes it sets times beyond the year
// 2262 as given (the file system may clamp them), as utimes(2) does for
// OpenSSH.
func (OS) Chtimes(name string, atime, mtime time.Time) error {
	return chtimes(name, atime, mtime)
}

// Umask implements FS.
func (OS) Umask() fs.FileMode { return processUmask }

// unixMode converts Go's mode bits to the protocol's 06777 form.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= 04000
	}
	if m&fs.ModeSetgid != 0 {
		u |= 02000
	}
	return u
}

// goMode converts protocol mode bits to Go's.
func goMode(u uint32) fs.FileMode {
	m := fs.FileMode(u & 0777)
	if u&04000 != 0 {
		m |= fs.ModeSetuid
	}
	if u&02000 != 0 {
		m |= fs.ModeSetgid
	}
	if u&01000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// fileTimes returns a file's access and modification times.
func fileTimes(fi fs.FileInfo) (atime, mtime time.Time) {
	if at, ok := accessTime(fi); ok {
		return at, fi.ModTime()
	}
	return fi.ModTime(), fi.ModTime()
}
