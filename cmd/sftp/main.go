// Command sftp is a drop-in replacement for OpenSSH 9.2's sftp.
package main

import (
	"os"

	"github.com/goscp/goscp/internal/sftpcli"
)

func main() {
	os.Exit(sftpcli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
