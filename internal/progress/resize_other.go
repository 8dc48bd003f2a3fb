//go:build !unix

package progress

import "os"

// watchResize has no resize signal to watch here: the width is read at each file's start only.
func watchResize() (<-chan os.Signal, func()) { return nil, func() {} }
