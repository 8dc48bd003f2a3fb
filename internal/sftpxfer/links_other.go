//go:build !unix

package sftpxfer

import "io/fs"

// hardLinked reports whether fi's file has more than one name: unknown
// here, so no.
func hardLinked(fs.FileInfo) bool { return false }
