package cli

import (
	"context"
	"io/fs"
	"os"
)

// uploadCount returns, for a recursive copy of local sources only, what
// counts the regular files and bytes it will send: the totals its
// whole-transfer progress shows. It returns nil when a source is remote,
// whose tree we do not see before it arrives.
func (r *run) uploadCount(sources []string, tgt Operand) func() (int, int64) {
	if !tgt.Remote {
		return nil
	}
	for _, s := range sources {
		if op, err := ParseOperand(s); err != nil || op.Remote {
			return nil
		}
	}
	return func() (int, int64) {
		c := counter{ctx: r.ctx}
		for _, s := range sources {
			c.add(s, nil)
		}
		if c.loop || r.ctx.Err() != nil {
			return 0, 0 // not known
		}
		return c.files, c.bytes
	}
}

// counter adds up a tree the way scp.Send walks it: symlinks followed,
// directories entered, regular files counted, anything unreadable skipped.
type counter struct {
	ctx   context.Context
	files int
	bytes int64
	// loop is set when a directory contains itself through a symlink: Send
	// would go round until the path grows too long, so there is no total.
	loop bool
}

// add counts path, inside the directories parents.
func (c *counter) add(path string, parents []fs.FileInfo) {
	if c.loop || c.ctx.Err() != nil {
		return
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
	case fi.Mode().IsRegular():
		c.files++
		c.bytes += fi.Size()
	case fi.IsDir():
		for _, p := range parents {
			if os.SameFile(p, fi) {
				c.loop = true
				return
			}
		}
		entries, _ := os.ReadDir(path)
		for _, e := range entries {
			c.add(path+"/"+e.Name(), append(parents, fi)) // named as Send names it
		}
	}
}
