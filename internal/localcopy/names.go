package localcopy

import (
	"os"
	"strings"
)

// trimSlashes drops trailing separators, keeping a lone root.
func trimSlashes(p string) string {
	i := len(p)
	for i > 1 && os.IsPathSeparator(p[i-1]) {
		i--
	}
	return p[:i]
}

// joinName is dir/name with one separator, however many dir ends with;
// names are never cleaned, so messages show what the user typed.
func joinName(dir, name string) string {
	dir = trimSlashes(dir)
	if dir != "" && os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + "/" + name
}

// operandBase is the name a source operand gets inside a target directory:
// its last component, with ".." meaning the directory itself (cp copies
// "d/.." into "t/.", not "t/..").
func operandBase(p string) string {
	p = trimSlashes(p)
	if p != "" && os.IsPathSeparator(p[len(p)-1]) {
		return "" // the root: its contents merge into the target
	}
	if i := lastSeparator(p); i >= 0 {
		p = p[i+1:]
	}
	if p == ".." {
		return "."
	}
	return p
}

func lastSeparator(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if os.IsPathSeparator(p[i]) {
			return i
		}
	}
	return -1
}

// splitName is p's parent directory and last component.
func splitName(p string) (dir, base string) {
	p = trimSlashes(p)
	i := lastSeparator(p)
	switch {
	case i < 0:
		return ".", p
	case i == 0:
		return p[:1], p[1:]
	}
	return p[:i], p[i+1:]
}

// sameEntry reports whether a and b name the same directory entry: the
// same last component in the same directory.
func sameEntry(a, b string) bool {
	da, ba := splitName(a)
	db, bb := splitName(b)
	if ba != bb && !(ba == "" && bb == "") {
		return false
	}
	if strings.TrimRight(da, "/") == strings.TrimRight(db, "/") {
		return true
	}
	sa, err := stat(da)
	if err != nil {
		return false
	}
	sb, err := stat(db)
	return err == nil && sameInode(sa, sb)
}
