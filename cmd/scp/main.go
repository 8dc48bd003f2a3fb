// Command scp copies files between hosts over SSH, as a drop-in replacement
// for OpenSSH's scp speaking the legacy SCP protocol.
package main

import (
	"os"

	"github.com/goscp/goscp/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
