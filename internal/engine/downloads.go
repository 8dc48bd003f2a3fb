package engine

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxDownloads is how many remote sources are downloaded at once, each on
// a session of its own: sshd's default MaxSessions.
const MaxDownloads = 10

// SeparateNames reports whether remote paths copied into the local
// directory target land on distinct names, none of them a symlink there
// (which could lead two copies to one file): only then may they be copied
// at once and leave what a serial copy leaves.
func SeparateNames(target string, remotePaths []string) bool {
	names := map[string]bool{}
	for _, p := range remotePaths {
		name := path.Base(strings.TrimRight(p, "/"))
		if name == "/" || name == "." || name == ".." || names[name] {
			return false
		}
		names[name] = true
		if fi, err := os.Lstat(filepath.Join(target, name)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return false
		}
	}
	return true
}
