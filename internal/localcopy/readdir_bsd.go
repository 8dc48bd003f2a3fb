//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package localcopy

import "os"

// readDirNames lists a directory in the order the system gives.
func readDirNames(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}
