package scp

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"time"
)

// remoteCommand is the scp command line a Client runs on the server. The
// path is quoted for the remote shell unless expand is set, and follows
// "--" if it could pass for an option.
func remoteCommand(flags, role, p string, expand bool) string {
	if p == "" {
		p = "." // the login directory, as in "host:"
	}
	dashes := ""
	if strings.HasPrefix(p, "-") {
		dashes = "-- "
	}
	if !expand {
		p = shellQuote(p)
	}
	return "scp" + flags + " " + role + " " + dashes + p
}

// shellQuote makes s one literal word for a POSIX shell. Words of plain
// characters are left as they are, for readable command lines.
func shellQuote(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// escapePattern makes a literal path match only itself in a NameCheck.
func escapePattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\*?[]{}`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errReadOnly refuses writes to a file system that is only read from.
var errReadOnly = errors.ErrUnsupported

// readOnly is the writing half of an FS a Client only sends from.
type readOnly struct{}

func (readOnly) OpenWrite(name string, _ fs.FileMode) (WriteFile, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: errReadOnly}
}
func (readOnly) Mkdir(name string, _ fs.FileMode) error {
	return &fs.PathError{Op: "mkdir", Path: name, Err: errReadOnly}
}
func (readOnly) Chmod(name string, _ fs.FileMode) error {
	return &fs.PathError{Op: "chmod", Path: name, Err: errReadOnly}
}
func (readOnly) Chtimes(name string, _, _ time.Time) error {
	return &fs.PathError{Op: "chtimes", Path: name, Err: errReadOnly}
}
func (readOnly) Umask() fs.FileMode { return 0 }

// ioFS sends from an fs.FS.
type ioFS struct {
	fsys fs.FS
	readOnly
}

// name turns the source's names ("dir/./x" below ".") into fs.FS ones.
func (f ioFS) name(name string) string { return path.Clean(name) }

func (f ioFS) Open(name string) (File, error) {
	file, err := f.fsys.Open(f.name(name))
	if err != nil {
		return nil, errnoFor(name, err)
	}
	return ioFile{file, name}, nil
}

func (f ioFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(f.fsys, f.name(name))
	return fi, errnoFor(name, err)
}

// errnoFor gives the errors of an fs.FS that carry no system error one, so
// that messages read as scp's: "x: No such file or directory", not "x: File
// does not exist".
func errnoFor(name string, err error) error {
	var errno syscall.Errno
	switch {
	case err == nil || errors.As(err, &errno):
		return err
	case errors.Is(err, fs.ErrNotExist):
		return &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	case errors.Is(err, fs.ErrPermission):
		return &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	return err
}

// ioFile is an fs.File, which need not list a directory.
type ioFile struct {
	fs.File
	name string
}

func (f ioFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d, ok := f.File.(fs.ReadDirFile); ok {
		return d.ReadDir(n)
	}
	return nil, &fs.PathError{Op: "readdir", Path: f.name, Err: errReadOnly}
}

// readerFS holds one file, whose content is read from r (Client.Put).
type readerFS struct {
	name string
	r    io.Reader
	size int64
	mode fs.FileMode
	readOnly
}

func (f *readerFS) Open(name string) (File, error) {
	fi, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	return readerFile{f.r, fi}, nil
}

func (f *readerFS) Stat(name string) (fs.FileInfo, error) {
	if name != f.name {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return readerInfo{f, time.Now()}, nil
}

type readerFile struct {
	io.Reader
	fi fs.FileInfo
}

func (f readerFile) Stat() (fs.FileInfo, error)       { return f.fi, nil }
func (readerFile) ReadDir(int) ([]fs.DirEntry, error) { return nil, errReadOnly }
func (readerFile) Close() error                       { return nil }

// readerInfo describes a readerFS's file, modified now.
type readerInfo struct {
	f   *readerFS
	now time.Time
}

func (i readerInfo) Name() string       { return i.f.name }
func (i readerInfo) Size() int64        { return i.f.size }
func (i readerInfo) Mode() fs.FileMode  { return i.f.mode &^ fs.ModeType }
func (i readerInfo) ModTime() time.Time { return i.now }
func (i readerInfo) IsDir() bool        { return false }
func (i readerInfo) Sys() any           { return nil }

// writerFS receives one file into w (Client.Get): nothing exists on it,
// and the first file opened for writing is w.
type writerFS struct {
	w      io.Writer
	opened bool
}

func (f *writerFS) Stat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (f *writerFS) Open(name string) (File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (f *writerFS) OpenWrite(name string, _ fs.FileMode) (WriteFile, error) {
	if f.opened {
		// The server sent a second file.
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrExist}
	}
	f.opened = true
	return writerFile{f.w}, nil
}

func (f *writerFS) Mkdir(name string, _ fs.FileMode) error {
	return &fs.PathError{Op: "mkdir", Path: name, Err: errReadOnly}
}
func (f *writerFS) Chmod(string, fs.FileMode) error            { return nil }
func (f *writerFS) Chtimes(string, time.Time, time.Time) error { return nil }
func (f *writerFS) Umask() fs.FileMode                         { return 0 }

// writerFile has no mode or size of its own to set.
type writerFile struct{ io.Writer }

func (writerFile) Truncate(int64) error    { return nil }
func (writerFile) Chmod(fs.FileMode) error { return nil }
func (writerFile) Close() error            { return nil }

// fsTree is an fs.FS as the plan of a parallel upload reads it.
type fsTree struct{ fsys fs.FS }

func (t fsTree) Stat(name string) (fs.FileInfo, error) { return fs.Stat(t.fsys, path.Clean(name)) }

func (t fsTree) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(t.fsys, path.Clean(name)) }

func (t fsTree) ReadDir(name string) ([]string, error) {
	entries, err := fs.ReadDir(t.fsys, path.Clean(name))
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, err
}
