package engine

import "io/fs"

// A View is what one session of a parallel copy is shown of a plan: the
// entries it is to send, and nothing else, so that a sender walking the
// operands sends exactly those (and the directories around them). Each
// view belongs to one session, and so to one goroutine.
type View struct {
	plan  *Plan
	shown []bool
	// Opened is the entry last opened: what a message is about.
	Opened int
	// Listed, if not nil, is called for each directory listed, which a
	// sender does once the sink has accepted the directory.
	Listed func(i int)
	// Book, if not nil, is moved to each entry opened.
	Book *Book
}

// NewView returns a view of p that shows nothing.
func (p *Plan) NewView() *View {
	return &View{plan: p, shown: make([]bool, len(p.Entries))}
}

// ShowDirs shows every directory for which keep is true, and no file.
func (v *View) ShowDirs(keep func(i int) bool) {
	for i, e := range v.plan.Entries {
		v.shown[i] = e.Info.IsDir() && keep(i)
	}
}

// ShowFiles shows only files and the directories around them.
func (v *View) ShowFiles(files []int) {
	clear(v.shown)
	for _, i := range files {
		for j := i; j >= 0 && !v.shown[j]; j = v.plan.Entries[j].Parent {
			v.shown[j] = true
		}
	}
}

// Shown reports whether entry i is shown.
func (v *View) Shown(i int) bool { return v.shown[i] }

// Info is entry i's.
func (v *View) Info(i int) fs.FileInfo { return v.plan.Entries[i].Info }

// Open finds a shown entry by path and makes it the one opened.
func (v *View) Open(path string) (i int, ok bool) {
	i, ok = v.plan.index[path]
	if !ok || !v.shown[i] {
		return -1, false
	}
	v.Opened = i
	if v.Book != nil {
		v.Book.Move(i)
	}
	return i, true
}

// Dir lists directory i's shown entries, in the plan's order, for a
// sender's ReadDir.
func (v *View) Dir(i int) *Dir {
	return &Dir{v: v, i: i, next: i + 1}
}

// Dir is a directory of a view being listed.
type Dir struct {
	v      *View
	i      int
	next   int // the plan index to look at next
	listed bool
}

// Info is the directory's own.
func (d *Dir) Info() fs.FileInfo { return d.v.Info(d.i) }

// ReadDir returns up to n (all if n <= 0) more entries, as fs.ReadDirFile
// does, under the names the directory lists them by; at the end, with
// n > 0, it returns none and ok false.
func (d *Dir) ReadDir(n int) (entries []fs.DirEntry, ok bool) {
	all := d.v.plan.Entries
	if !d.listed && d.v.Listed != nil {
		d.listed = true
		d.v.Listed(d.i)
	}
	for d.next < all[d.i].End && (n <= 0 || len(entries) < n) {
		j := d.next
		d.next = all[j].End // the next child, past j's own entries
		if d.v.shown[j] {
			name := all[j].Path[len(all[d.i].Path)+1:]
			entries = append(entries, fs.FileInfoToDirEntry(namedInfo{all[j].Info, name}))
		}
	}
	return entries, len(entries) > 0 || n <= 0
}

// namedInfo is a FileInfo under the name its directory lists it by.
type namedInfo struct {
	fs.FileInfo
	name string
}

func (n namedInfo) Name() string { return n.name }
