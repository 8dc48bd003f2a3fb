//go:build bench

package bench

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// file is one regular file of an input, by its path relative to the work
// directory's "in".
type file struct {
	path string
	size int64
}

// tree is an input: the files to generate; their directories follow.
type tree []file

func (t tree) size() int64 {
	var n int64
	for _, f := range t {
		n += f.size
	}
	return n
}

// smallFiles is dir holding n files of 4 KiB spread over dirs
// subdirectories (1: all in dir itself).
func smallFiles(dir string, n, dirs int) tree {
	var t tree
	for i := range n {
		sub := dir
		if dirs > 1 {
			sub = fmt.Sprintf("%s/d%02d", dir, i%dirs)
		}
		t = append(t, file{fmt.Sprintf("%s/f%05d", sub, i), 4 * KiB})
	}
	return t
}

// mixed is dir holding big files of bigSize among small files of 4 KiB,
// both spread over dirs subdirectories.
func mixed(dir string, big int, bigSize int64, small, dirs int) tree {
	t := smallFiles(dir, small, dirs)
	for i := range big {
		t = append(t, file{fmt.Sprintf("%s/d%02d/big%d", dir, i*dirs/big, i), bigSize})
	}
	return t
}

// generate writes t under root with random content, the same on every run.
func (t tree) generate(root string) error {
	rng := rand.NewChaCha8([32]byte{'g', 'o', 's', 'c', 'p'})
	for _, f := range t {
		p := filepath.Join(root, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeRandom(p, f.size, rng); err != nil {
			return err
		}
	}
	return nil
}

func writeRandom(path string, size int64, rng io.Reader) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, MiB)
	_, err = io.CopyN(w, rng, size)
	if err == nil {
		err = w.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("generate %s: %w", path, err)
	}
	return nil
}

// entry is what a copy must preserve of one name: its type, size and
// content hash (regular files only).
type entry struct {
	dir  bool
	size int64
	sum  [sha256.Size]byte
}

// listing is a tree by path from its root's parent: the root is its base
// name, as in the inputs.
type listing map[string]entry

// list walks root (a file or a directory).
func list(root string) (listing, error) {
	l := listing{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(root), p)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			l[rel] = entry{dir: true}
		case d.Type().IsRegular():
			e, err := hashFile(p)
			if err != nil {
				return err
			}
			l[rel] = e
		default:
			return fmt.Errorf("%s: unexpected file type %v", p, d.Type())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	return l, nil
}

func hashFile(p string) (entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return entry{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, MiB))
	if err != nil {
		return entry{}, err
	}
	e := entry{size: n}
	h.Sum(e.sum[:0])
	return e, nil
}

// diff describes how got differs from want (at most a few names), or is
// empty if they are identical.
func diff(want, got listing) string {
	var d []string
	for _, name := range sortedKeys(want) {
		g, ok := got[name]
		switch w := want[name]; {
		case !ok:
			d = append(d, name+": missing")
		case g.dir != w.dir:
			d = append(d, name+": wrong type")
		case g.size != w.size:
			d = append(d, fmt.Sprintf("%s: %d bytes, want %d", name, g.size, w.size))
		case g.sum != w.sum:
			d = append(d, name+": content differs")
		}
	}
	for _, name := range sortedKeys(got) {
		if _, ok := want[name]; !ok {
			d = append(d, name+": not in the source")
		}
	}
	if len(d) > 5 {
		d = append(d[:5], fmt.Sprintf("and %d more", len(d)-5))
	}
	return strings.Join(d, "; ")
}

func sortedKeys(l listing) []string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
