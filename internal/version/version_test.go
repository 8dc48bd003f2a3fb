package version

import (
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	Version = "v1.2.3-4-gabcdef0-dirty"
	if got := String(); got != Version {
		t.Errorf("stamped: got %q, want %q", got, Version)
	}
	Version = ""
	// A test binary records no module version, so the fallback shows.
	if got := String(); got != "dev" {
		t.Errorf("unstamped: got %q, want dev", got)
	}
}

func TestLine(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	Version = "v1.2.3"
	if got, want := Line(), "goscp_v1.2.3, "+runtime.Version(); !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}
