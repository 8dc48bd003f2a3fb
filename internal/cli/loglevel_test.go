package cli

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/dialer"
	"github.com/goscp/goscp/internal/sshconfig"
)

// TestLogLevelMatchesSSH evaluates the LogLevel scp's -v, -q and -o leave,
// in scp's argument order, and compares it with what ssh -G says for the
// ssh arguments OpenSSH's scp passes on.
func TestLogLevelMatchesSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh not on PATH")
	}
	tests := [][]string{
		{},
		{"-v"},
		{"-vv"},
		{"-v", "-v", "-v"},
		{"-vvvv"},
		{"-q"},
		{"-qv"},
		{"-vq"},
		{"-vqv"},
		{"-v", "-q", "-vv"},
		{"-vqvvvvvvv"},
		{"-rvpq", "-v"},
		{"-o", "LogLevel=ERROR"},
		{"-o", "LogLevel=ERROR", "-v"},
		{"-v", "-oLogLevel=ERROR", "-v"},
		{"-q", "-o", "LogLevel=DEBUG3"},
		{"-o", "LogLevel=DEBUG3", "-q"},
		{"-oLogLevel quiet"},
		{"-o", "loglevel=verbose", "-q", "-v"},
		{"-o", "LogLevel=debug1", "-o", "LogLevel=debug3"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			opts, err := ParseArgs("scp", append(slices.Clone(args), "h:a", "b"))
			if err != nil {
				t.Fatal(err)
			}
			options, logFlags := dialer.SSHOptions(opts.SSHArgs)
			cfg, err := sshconfig.Evaluate(sshconfig.Request{Host: "h", ConfigFile: "none", Options: options, LogFlags: logFlags})
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Get("LogLevel")
			if got == "" {
				got = "INFO" // ssh's default, which ssh -G prints
			}
			sshArgs := append([]string{"-G", "-F", "none"}, opts.SSHArgs...)
			out, err := exec.Command("ssh", append(sshArgs, "h")...).Output()
			if err != nil {
				t.Fatalf("ssh %q: %v", sshArgs, err)
			}
			want := ""
			for _, line := range strings.Split(string(out), "\n") {
				if v, ok := strings.CutPrefix(line, "loglevel "); ok {
					want = v
				}
			}
			if got != want {
				t.Errorf("LogLevel %q, ssh -G says %q (ssh arguments %q)", got, want, opts.SSHArgs)
			}
		})
	}
}
