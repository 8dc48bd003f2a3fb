package engine

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
)

// A Plan lists the local trees of an upload in the order a serial copy
// sends them: each operand, then, for a directory, its entries in the order
// the directory lists them, depth first. It is made only for trees whose
// serial copy cannot go wrong on our side (every entry a regular file or a
// directory we can read, no symlink, no name the protocol must encode): what
// a parallel copy does differently from a serial one is then only when it
// sends what, never what is sent.
type Plan struct {
	Entries []Entry
	Files   int
	Bytes   int64          // the files' sizes added up
	index   map[string]int // of entries, by path
}

// Entry is one file or directory of a plan.
type Entry struct {
	Path   string // as the sender names it: the operand, then "/"-joined names
	Info   fs.FileInfo
	Parent int // index of the directory entry holding it; -1 for an operand
	// End, for a directory, is the index after its last descendant.
	End int
}

// A Tree is what a plan is made from: the local disk (OS) or another file
// system, named as a serial copy names its files.
type Tree interface {
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory's names in the order a serial copy sends
	// them.
	ReadDir(name string) ([]string, error)
}

// maxPlanEntries bounds the plan, which is held in memory: a larger tree is
// copied serially, in constant memory.
const maxPlanEntries = 20000

// ErrNotPlanned says a tree is not one a plan is made for.
var ErrNotPlanned = errors.New("engine: not planned")

// PlanUpload walks the sources the way a serial copy sends them.
// Directories need recursive, and must be writable and searchable by their
// owner: the sink gives a directory its mode once its records end, and with
// -p at once when it exists already, while files may still be on their way
// into it on other sessions.
func PlanUpload(tree Tree, sources []string, recursive bool) (*Plan, error) {
	p := &Plan{index: map[string]int{}}
	for _, s := range sources {
		for len(s) > 1 && strings.HasSuffix(s, "/") {
			s = s[:len(s)-1]
		}
		if err := p.add(tree, s, -1, recursive); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Plan) add(tree Tree, path string, parent int, recursive bool) error {
	name := path[strings.LastIndexByte(path, '/')+1:]
	if _, twice := p.index[path]; twice || name == "" || name == "." || name == ".." || strings.Contains(name, "\n") || len(p.Entries) >= maxPlanEntries {
		return ErrNotPlanned
	}
	lfi, err := tree.Lstat(path)
	if err != nil || lfi.Mode()&fs.ModeSymlink != 0 && parent >= 0 {
		return ErrNotPlanned
	}
	fi, err := tree.Stat(path)
	if err != nil {
		return ErrNotPlanned
	}
	i := len(p.Entries)
	p.index[path] = i
	p.Entries = append(p.Entries, Entry{Path: path, Info: fi, Parent: parent, End: i + 1})
	switch {
	case fi.Mode().IsRegular():
		p.Files++
		p.Bytes += fi.Size()
		return nil
	case !fi.IsDir() || !recursive || len(name) > 1024 || fi.Mode().Perm()&0o700 != 0o700:
		return ErrNotPlanned
	}
	names, err := tree.ReadDir(path)
	if err != nil {
		return ErrNotPlanned
	}
	for _, n := range names {
		if err := p.add(tree, path+"/"+n, i, recursive); err != nil {
			return err
		}
	}
	p.Entries[i].End = len(p.Entries)
	return nil
}

// DistinctTargets reports whether no two operands land on the same name,
// whose order would then matter.
func (p *Plan) DistinctTargets() bool {
	seen := map[string]bool{}
	for _, e := range p.Entries {
		if e.Parent >= 0 {
			continue
		}
		name := e.Path[strings.LastIndexByte(e.Path, '/')+1:]
		if seen[name] {
			return false
		}
		seen[name] = true
	}
	return true
}

// OS is the local disk as a Tree.
type OS struct{}

// Stat implements Tree.
func (OS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Lstat implements Tree.
func (OS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

// ReadDir implements Tree: the names in the order the directory lists
// them, which is the order a serial copy sends them in.
func (OS) ReadDir(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	for {
		entries, err := f.ReadDir(256)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
