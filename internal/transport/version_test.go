package transport

import (
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
	"github.com/goscp/goscp/internal/version"
)

// TestVersionLine checks that our log starts with our version line exactly
// when ssh's starts with its own ("OpenSSH_9.2p1 ..."): with a -v that no
// later -q silenced, not for a LogLevel set by -o.
func TestVersionLine(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	tests := []struct {
		flags   string
		options []string
		want    bool
	}{
		{"v", nil, true},
		{"vvv", nil, true},
		{"qv", nil, true},
		{"vq", nil, false},
		{"vqv", nil, false},
		{"v", []string{"LogLevel=ERROR"}, true},
		{"", []string{"LogLevel=DEBUG"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.flags+strings.Join(tt.options, ","), func(t *testing.T) {
			_, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, tt.flags, tt.options...)
			ours := d.lines()[0] == version.Line()
			args := []string{"-F", srv.ConfigFile}
			for _, f := range tt.flags {
				args = append(args, "-"+string(f))
			}
			for _, o := range tt.options {
				args = append(args, "-o", o)
			}
			theirs := strings.HasPrefix(opensshLog(t, append(args, sshdtest.HostAlias, "true")...)[0], "OpenSSH_")
			if ours != tt.want || theirs != tt.want {
				t.Errorf("version line first: ours %v, OpenSSH %v, want %v\n%s", ours, theirs, tt.want, d.String())
			}
		})
	}
}
