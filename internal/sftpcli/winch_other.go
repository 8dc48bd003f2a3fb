//go:build !unix

package sftpcli

import "os"

// windowChanged is empty where no signal tells of a terminal's new size.
var windowChanged []os.Signal
