package cli

import (
	"io"
	"io/fs"
	"syscall"
	"time"

	"github.com/goscp/goscp/scp"
)

// planView is the file system one session of a parallel upload reads
// through: the plan's entries it is shown, as they are on disk, and nothing
// else, so that scp.Send sends exactly those (and the directories around
// them). Each view belongs to one session, and so to one goroutine.
type planView struct {
	plan  *upPlan
	index map[string]int // by path; shared by all views, never written
	shown []bool
	// opened is the entry last opened: what a message is about.
	opened int
	// listed, if not nil, is called for each directory Send lists, which it
	// does once the sink has accepted the directory.
	listed func(i int)
}

func newPlanView(p *upPlan, index map[string]int) *planView {
	return &planView{plan: p, index: index, shown: make([]bool, len(p.entries))}
}

// showDirs shows every directory for which keep is true.
func (v *planView) showDirs(keep func(i int) bool) {
	for i, e := range v.plan.entries {
		v.shown[i] = e.info.IsDir() && keep(i)
	}
}

// showFiles shows only files and the directories around them.
func (v *planView) showFiles(files []int) {
	clear(v.shown)
	for _, i := range files {
		for j := i; j >= 0 && !v.shown[j]; j = v.plan.entries[j].parent {
			v.shown[j] = true
		}
	}
}

// Open implements scp.FS.
func (v *planView) Open(name string) (scp.File, error) {
	i, ok := v.index[name]
	if !ok || !v.shown[i] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	v.opened = i
	if !v.plan.entries[i].info.IsDir() {
		return scp.OS{}.Open(name)
	}
	return &planDir{v: v, i: i, next: i + 1}, nil
}

// A source only reads: the rest of scp.FS is never called.

// Stat implements scp.FS.
func (v *planView) Stat(name string) (fs.FileInfo, error) { return nil, errReadOnly(name) }

// OpenWrite implements scp.FS.
func (v *planView) OpenWrite(name string, _ fs.FileMode) (scp.WriteFile, error) {
	return nil, errReadOnly(name)
}

// Mkdir implements scp.FS.
func (v *planView) Mkdir(name string, _ fs.FileMode) error { return errReadOnly(name) }

// Chmod implements scp.FS.
func (v *planView) Chmod(name string, _ fs.FileMode) error { return errReadOnly(name) }

// Chtimes implements scp.FS.
func (v *planView) Chtimes(name string, _, _ time.Time) error { return errReadOnly(name) }

// Umask implements scp.FS.
func (v *planView) Umask() fs.FileMode { return 0 }

func errReadOnly(name string) error {
	return &fs.PathError{Op: "write", Path: name, Err: syscall.EROFS}
}

// planDir is a directory of a view: its shown entries, in the plan's order.
type planDir struct {
	v      *planView
	i      int
	next   int // the plan index to look at next
	listed bool
}

func (d *planDir) Read([]byte) (int, error)   { return 0, syscall.EISDIR }
func (d *planDir) Close() error               { return nil }
func (d *planDir) Stat() (fs.FileInfo, error) { return d.v.plan.entries[d.i].info, nil }

func (d *planDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries := d.v.plan.entries
	if !d.listed && d.v.listed != nil {
		d.listed = true
		d.v.listed(d.i)
	}
	var out []fs.DirEntry
	for d.next < entries[d.i].end && (n <= 0 || len(out) < n) {
		j := d.next
		d.next = entries[j].end // the next child, past j's own entries
		if d.v.shown[j] {
			name := entries[j].path[len(entries[d.i].path)+1:]
			out = append(out, fs.FileInfoToDirEntry(namedInfo{entries[j].info, name}))
		}
	}
	if len(out) == 0 && n > 0 {
		return nil, io.EOF
	}
	return out, nil
}

// namedInfo is a FileInfo under the name its directory lists it by.
type namedInfo struct {
	fs.FileInfo
	name string
}

func (n namedInfo) Name() string { return n.name }
