package scp

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memFS is an in-memory FS for tests: a tree of files, directories and
// other nodes with Unix modes and times, a umask, and faults injected per
// operation and path. It is safe for the two sides of copyLocal at once.
type memFS struct {
	mu     sync.Mutex
	nodes  map[string]*memNode // by clean absolute path
	umask  fs.FileMode
	faults map[string]error // "op /path"
	open   int              // handles not yet closed
	// ops logs each change asked for, in order, with names as the caller
	// spelled them: "openwrite NAME 0644", "mkdir NAME 0755", "chmod NAME
	// 0755", "fchmod NAME 0644", "truncate NAME 3", "chtimes NAME ATIME
	// MTIME". Failed calls are logged too.
	ops   []memOp
	clock time.Time
}

type memNode struct {
	mode         fs.FileMode // type, permission and setuid/setgid/sticky bits
	data         []byte
	extra        int64 // bytes Stat reports beyond data: a file that shrank
	atime, mtime time.Time
}

// memEpoch is the time new nodes get, so that tests can tell it apart from
// the times a T record sets.
var memEpoch = time.Unix(1700000000, 0)

func newMemFS() *memFS {
	m := &memFS{
		nodes:  map[string]*memNode{},
		umask:  022,
		faults: map[string]error{},
		clock:  memEpoch,
	}
	m.nodes["/"] = &memNode{mode: fs.ModeDir | 0755, atime: memEpoch, mtime: memEpoch}
	return m
}

// abs cleans name relative to "/", the memFS's working directory.
func abs(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return path.Clean(name)
}

// add creates a node and any missing parent directories, without umask.
// Content is only used for regular files.
func (m *memFS) add(name string, mode fs.FileMode, content string) *memNode {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := abs(name)
	for dir := path.Dir(p); m.nodes[dir] == nil; dir = path.Dir(dir) {
		m.nodes[dir] = &memNode{mode: fs.ModeDir | 0755, atime: m.clock, mtime: m.clock}
	}
	n := &memNode{mode: mode, data: []byte(content), atime: m.clock, mtime: m.clock}
	m.nodes[p] = n
	return n
}

func (m *memFS) file(name, content string) *memNode { return m.add(name, 0644, content) }
func (m *memFS) dir(name string) *memNode           { return m.add(name, fs.ModeDir|0755, "") }

// fail makes op on name return err from now on. Ops: open (Open and
// OpenWrite), read, readdir, write, truncate, chmod (FS and File), close,
// mkdir, chtimes, stat.
func (m *memFS) fail(op, name string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults[op+" "+abs(name)] = err
}

func (m *memFS) fault(op, p string) error {
	if err := m.faults[op+" "+p]; err != nil {
		return &fs.PathError{Op: op, Path: p, Err: err}
	}
	return nil
}

// lookup finds a node; the caller holds mu.
func (m *memFS) lookup(op, name string) (string, *memNode, error) {
	p := abs(name)
	if p != "/" {
		parent := path.Dir(p)
		if _, d, err := m.lookup(op, parent); err != nil {
			return p, nil, &fs.PathError{Op: op, Path: name, Err: err.(*fs.PathError).Err}
		} else if !d.mode.IsDir() {
			return p, nil, &fs.PathError{Op: op, Path: name, Err: syscall.ENOTDIR}
		}
	}
	n := m.nodes[p]
	if n == nil {
		return p, nil, &fs.PathError{Op: op, Path: name, Err: syscall.ENOENT}
	}
	return p, n, nil
}

type memOp struct{ name, text string }

// logf adds to ops; the caller holds mu.
func (m *memFS) logf(name, format string, args ...any) {
	m.ops = append(m.ops, memOp{name, fmt.Sprintf(format, args...)})
}

// opsLog returns the text of ops.
func (m *memFS) opsLog() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var texts []string
	for _, op := range m.ops {
		texts = append(texts, op.text)
	}
	return texts
}

// opNames returns the name each op was asked to change.
func (m *memFS) opNames() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var names []string
	for _, op := range m.ops {
		names = append(names, op.name)
	}
	return names
}

// node returns the node at name, or nil.
func (m *memFS) node(name string) *memNode {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nodes[abs(name)]
}

// openHandles is the number of files opened and not yet closed.
func (m *memFS) openHandles() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.open
}

// dump lists the tree under root, one line per node in path order:
// files as `/p 0644 "data"`, directories as `/p/ d0755`, others with
// their Go mode string.
func (m *memFS) dump(root string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	root = abs(root)
	var lines []string
	for p, n := range m.nodes {
		if p != root && !strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/") {
			continue
		}
		switch {
		case n.mode.IsDir():
			lines = append(lines, fmt.Sprintf("%s/ d%04o", p, unixMode07777(n.mode)))
		case n.mode.IsRegular():
			lines = append(lines, fmt.Sprintf("%s %04o %q", p, unixMode07777(n.mode), n.data))
		default:
			lines = append(lines, fmt.Sprintf("%s %v", p, n.mode))
		}
	}
	slices.Sort(lines)
	return lines
}

// unixMode07777 is unixMode plus the sticky bit.
func unixMode07777(m fs.FileMode) uint32 {
	u := unixMode(m)
	if m&fs.ModeSticky != 0 {
		u |= 01000
	}
	return u
}

// permBits are the mode bits Chmod may change.
const permBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func (m *memFS) Open(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, n, err := m.lookup("open", name)
	if err == nil {
		err = m.fault("open", p)
	}
	if err != nil {
		return nil, err
	}
	m.open++
	return &memFile{m: m, path: p, name: name, n: n}, nil
}

func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, n, err := m.lookup("stat", name)
	if err == nil {
		err = m.fault("stat", p)
	}
	if err != nil {
		return nil, err
	}
	return n.info(path.Base(p)), nil
}

func (m *memFS) OpenWrite(name string, perm fs.FileMode) (WriteFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logf(name, "openwrite %s %04o", name, unixMode07777(perm))
	p, n, err := m.lookup("open", name)
	switch {
	case n == nil && (err.(*fs.PathError).Err != syscall.ENOENT || m.nodes[path.Dir(p)] == nil):
		return nil, err
	case n != nil && n.mode.IsDir():
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	}
	if err := m.fault("open", p); err != nil {
		return nil, err
	}
	if n == nil {
		n = &memNode{mode: perm & permBits &^ m.umask, atime: m.clock, mtime: m.clock}
		m.nodes[p] = n
	}
	m.open++
	return &memFile{m: m, path: p, name: name, n: n}, nil
}

func (m *memFS) Mkdir(name string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logf(name, "mkdir %s %04o", name, unixMode07777(perm))
	p, n, err := m.lookup("mkdir", name)
	switch {
	case n != nil:
		return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.EEXIST}
	case err.(*fs.PathError).Err != syscall.ENOENT || m.nodes[path.Dir(p)] == nil:
		return err
	}
	if err := m.fault("mkdir", p); err != nil {
		return err
	}
	m.nodes[p] = &memNode{mode: fs.ModeDir | perm&permBits&^m.umask, atime: m.clock, mtime: m.clock}
	return nil
}

func (m *memFS) Chmod(name string, mode fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logf(name, "chmod %s %04o", name, unixMode07777(mode))
	p, n, err := m.lookup("chmod", name)
	if err == nil {
		err = m.fault("chmod", p)
	}
	if err != nil {
		return err
	}
	n.mode = n.mode&^permBits | mode&permBits
	return nil
}

func (m *memFS) Chtimes(name string, atime, mtime time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logf(name, "chtimes %s %d %d", name, atime.Unix(), mtime.Unix())
	p, n, err := m.lookup("chtimes", name)
	if err == nil {
		err = m.fault("chtimes", p)
	}
	if err != nil {
		return err
	}
	n.atime, n.mtime = atime, mtime
	return nil
}

func (m *memFS) Umask() fs.FileMode { return m.umask }

func (n *memNode) info(name string) memInfo {
	return memInfo{name: name, size: int64(len(n.data)) + n.extra, mode: n.mode, mtime: n.mtime, atime: n.atime}
}

// memInfo is a snapshot of a node, as a Stat result is.
type memInfo struct {
	name         string
	size         int64
	mode         fs.FileMode
	mtime, atime time.Time
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return i.mtime }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }

// memFile is an open node, for reading or writing.
type memFile struct {
	m      *memFS
	path   string
	name   string
	n      *memNode
	off    int
	dirOff int
	closed bool
}

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.fault("read", f.path); err != nil {
		return 0, err
	}
	if f.n.mode.IsDir() {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: syscall.EISDIR}
	}
	if f.off >= len(f.n.data) {
		return 0, io.EOF
	}
	n := copy(p, f.n.data[f.off:])
	f.off += n
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.fault("write", f.path); err != nil {
		return 0, err
	}
	if end := f.off + len(p); end > len(f.n.data) {
		f.n.data = append(f.n.data, make([]byte, end-len(f.n.data))...)
	}
	copy(f.n.data[f.off:], p)
	f.off += len(p)
	return len(p), nil
}

func (f *memFile) Truncate(size int64) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	f.m.logf(f.name, "truncate %s %d", f.name, size)
	if err := f.m.fault("truncate", f.path); err != nil {
		return err
	}
	if size < int64(len(f.n.data)) {
		f.n.data = f.n.data[:size]
	} else {
		f.n.data = append(f.n.data, make([]byte, size-int64(len(f.n.data)))...)
	}
	return nil
}

func (f *memFile) Chmod(mode fs.FileMode) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	f.m.logf(f.name, "fchmod %s %04o", f.name, unixMode07777(mode))
	if err := f.m.fault("chmod", f.path); err != nil {
		return err
	}
	f.n.mode = f.n.mode&^permBits | mode&permBits
	return nil
}

func (f *memFile) Stat() (fs.FileInfo, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.fault("stat", f.path); err != nil {
		return nil, err
	}
	return f.n.info(path.Base(f.path)), nil
}

// ReadDir lists a directory's entries in name order.
func (f *memFile) ReadDir(count int) ([]fs.DirEntry, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.fault("readdir", f.path); err != nil {
		return nil, err
	}
	if !f.n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdirent", Path: f.name, Err: syscall.ENOTDIR}
	}
	prefix := strings.TrimSuffix(f.path, "/") + "/"
	var names []string
	for p := range f.m.nodes {
		if strings.HasPrefix(p, prefix) && p != prefix && !strings.Contains(p[len(prefix):], "/") {
			names = append(names, p[len(prefix):])
		}
	}
	slices.Sort(names)
	names = names[min(f.dirOff, len(names)):]
	if count > 0 && len(names) > count {
		names = names[:count]
	}
	f.dirOff += len(names)
	var entries []fs.DirEntry
	for _, name := range names {
		entries = append(entries, fs.FileInfoToDirEntry(f.m.nodes[prefix+name].info(name)))
	}
	if count > 0 && len(entries) == 0 {
		return nil, io.EOF
	}
	return entries, nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.name, Err: fs.ErrClosed}
	}
	f.closed = true
	f.m.open--
	return f.m.fault("close", f.path)
}
