// Package version is the version of goscp, stamped at build time.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version is set by the Makefile with
// -ldflags "-X github.com/goscp/goscp/internal/version.Version=$(git describe --tags --always --dirty)".
var Version string

// String is Version, or else the module version go install recorded
// (v1.2.3 for @v1.2.3), or else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// Line is the line ssh -v starts its log with, for goscp: our version, and
// the Go release and golang.org/x/crypto version that make its SSH and
// cryptography, as OpenSSH names its OpenSSL.
func Line() string {
	line := "goscp_" + String() + ", " + runtime.Version()
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "golang.org/x/crypto" {
				line += ", golang.org/x/crypto " + dep.Version
			}
		}
	}
	return line
}
