package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
)

// An upload plan lists the local trees of an upload in the order scp.Send
// sends them: each operand, then, for a directory, its entries in the order
// the directory lists them, depth first. It is made only for trees whose
// serial copy cannot go wrong on our side (every entry a regular file or a
// directory we can read, no symlink, no name the protocol must encode): what
// a parallel copy does differently from a serial one is then only when it
// sends what, never what is sent.
type upPlan struct {
	entries []planEntry
	files   int
	paths   map[string]bool // of entries: a path twice (an operand inside another) is declined
}

// planEntry is one file or directory of the plan.
type planEntry struct {
	path   string // as Send names it: the operand, then "/"-joined names
	info   fs.FileInfo
	parent int // index of the directory entry holding it; -1 for an operand
	// end, for a directory, is the index after its last descendant.
	end int
}

// maxPlanEntries bounds the plan, which is held in memory: a larger tree is
// copied serially, in constant memory.
const maxPlanEntries = 20000

// errNotPlanned says a tree is not one a plan is made for.
var errNotPlanned = errors.New("not planned")

// planUpload walks the sources (local paths, as typed) the way Send would.
// Directories need recursive, and must be writable and searchable by their
// owner: the sink gives a directory its mode once its records end, and with
// -p at once when it exists already, while files may still be on their way
// into it on other sessions.
func planUpload(sources []string, recursive bool) (*upPlan, error) {
	p := &upPlan{paths: map[string]bool{}}
	for _, s := range sources {
		for len(s) > 1 && strings.HasSuffix(s, "/") {
			s = s[:len(s)-1]
		}
		if err := p.add(s, -1, recursive); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *upPlan) add(path string, parent int, recursive bool) error {
	name := path[strings.LastIndexByte(path, '/')+1:]
	if name == "" || name == "." || name == ".." || strings.Contains(name, "\n") || len(p.entries) >= maxPlanEntries || p.paths[path] {
		return errNotPlanned
	}
	p.paths[path] = true
	lfi, err := os.Lstat(path)
	if err != nil || lfi.Mode()&fs.ModeSymlink != 0 && parent >= 0 {
		return errNotPlanned
	}
	fi, err := os.Stat(path)
	if err != nil {
		return errNotPlanned
	}
	i := len(p.entries)
	p.entries = append(p.entries, planEntry{path: path, info: fi, parent: parent, end: i + 1})
	switch {
	case fi.Mode().IsRegular():
		p.files++
		return nil
	case !fi.IsDir() || !recursive || len(name) > 1024 || fi.Mode().Perm()&0o700 != 0o700:
		return errNotPlanned
	}
	names, err := listDir(path)
	if err != nil {
		return errNotPlanned
	}
	for _, n := range names {
		if err := p.add(path+"/"+n, i, recursive); err != nil {
			return err
		}
	}
	p.entries[i].end = len(p.entries)
	return nil
}

// listDir returns a directory's names in the order the directory lists
// them, which is the order Send sends them in.
func listDir(path string) ([]string, error) {
	f, err := os.Open(path)
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
