package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestVerboseLog copies with -v, -vv, -q and both, side by side with
// OpenSSH's scp -O: each shows the same key lines of ssh's debug log (the
// configuration read, the connection, the login, the remote command and
// its exit) and of scp's own, in the same order, and -q none of ssh's.
func TestVerboseLog(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	remote := t.TempDir()
	if err := os.WriteFile(filepath.Join(remote, "src"), []byte("verbose\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(srv.Port)
	config := []string{
		"debug1: Reading configuration data " + srv.ConfigFile,
		"debug1: " + srv.ConfigFile + " line 2: Applying options for sshdtest",
		"debug1: Connecting to 127.0.0.1 [127.0.0.1] port " + port + ".",
		"debug1: Connection established.",
		"debug1: Authenticating to 127.0.0.1:" + port + " as '" + srv.User + "'",
	}
	exit := []string{"debug1: client_input_channel_req: channel 0 rtype exit-status reply 0", "debug1: Exit status 0"}
	upload := []string{"debug1: Sending command: scp -v -t " + remote + "/up", "Sending file modes: C0644 10 src"}
	cases := []struct {
		name     string
		args     []string
		download bool
		want     []string // lines both show, in this order
		none     []string // prefixes of lines neither shows ("": no output at all)
	}{
		{"upload -v", []string{"-v"}, false, slices.Concat(config, upload, exit), []string{"debug2: "}},
		{"download -v", []string{"-v"}, true, slices.Concat(config,
			[]string{"debug1: Sending command: scp -v -f " + remote + "/src", "Sink: C0644 8 src"}, exit), []string{"debug2: "}},
		{"upload -vv", []string{"-vv"}, false, []string{"debug1: Sending command: scp -v -t " + remote + "/up",
			"debug2: exec request accepted on channel 0", "debug1: Exit status 0"}, []string{"debug3: "}},
		{"upload -q -v", []string{"-q", "-v"}, false, slices.Concat(config, upload, exit), nil},
		{"upload -v -q", []string{"-v", "-q"}, false, upload[1:], []string{"debug"}},
		{"upload -q", []string{"-q"}, false, nil, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs [2][]string
			for i, who := range bothClients {
				local := t.TempDir()
				if err := os.WriteFile(filepath.Join(local, "src"), []byte("uploaded\n\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				operands := []string{filepath.Join(local, "src"), sshdtest.HostAlias + ":" + remote + "/up"}
				if c.download {
					operands = []string{sshdtest.HostAlias + ":" + remote + "/src", local + "/"}
				}
				r := client(t, who, srv.ConfigFile, local, clientEnv(local, srv.User), append(c.args, operands...)...).run(t)
				r.wantExit(t, 0)
				logs[i] = strings.Split(strings.ReplaceAll(r.stderr, "\r\n", "\n"), "\n")
				if got := keyLines(logs[i], c.want); !slices.Equal(got, c.want) {
					t.Errorf("%s: key lines\n%s\nwant\n%s", who, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
				for _, l := range logs[i] {
					if slices.ContainsFunc(c.none, func(p string) bool { return l != "" && strings.HasPrefix(l, p) }) {
						t.Errorf("%s: unexpected line %q", who, l)
					}
				}
			}
			// scp's own -v (which -q does not silence) names the program
			// that runs the command.
			if !slices.ContainsFunc(c.args, func(a string) bool { return strings.HasPrefix(a, "-v") }) {
				return
			}
			for i, program := range []string{"/usr/bin/ssh", "built-in ssh"} {
				if !slices.ContainsFunc(logs[i], func(l string) bool {
					return strings.HasPrefix(l, "Executing: program "+program+" host "+sshdtest.HostAlias+", ")
				}) {
					t.Errorf("%s: no Executing line for %s", bothClients[i], program)
				}
			}
		})
	}
}

// keyLines keeps the lines of log that are among want, in log's order.
func keyLines(log, want []string) []string {
	var out []string
	for _, l := range log {
		if slices.Contains(want, l) {
			out = append(out, l)
		}
	}
	return out
}
