package cli

import (
	"strings"
	"testing"
)

func TestUsageShape(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(Usage, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "usage: scp ") || !strings.HasSuffix(Usage, "source ... target\n") {
		t.Errorf("usage %q", Usage)
	}
}
