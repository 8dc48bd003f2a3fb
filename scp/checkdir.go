package scp

import (
	"errors"

	"github.com/goscp/goscp/internal/strerror"
)

// CheckDir reports, in OpenSSH's words, why dir cannot receive several
// files: "dir: Not a directory" or "dir: No such file or directory".
func CheckDir(fsys FS, dir string) error {
	fi, err := fsys.Stat(dir)
	if err != nil {
		return errors.New(dir + ": " + strerror.Text(err))
	}
	if !fi.IsDir() {
		return errors.New(dir + ": Not a directory")
	}
	return nil
}
