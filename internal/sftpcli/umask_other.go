//go:build !unix

package sftpcli

// setUmask does nothing where there is no umask.
func setUmask(uint32) {}
