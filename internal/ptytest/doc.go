// Package ptytest opens pseudo-terminals for tests. It is for _test.go
// files only: nothing outside tests may import it.
package ptytest
