//go:build !unix

package sftpcli

// stopSelf does nothing where programs are not stopped by a signal.
func stopSelf() {}
