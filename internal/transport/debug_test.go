package transport

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/sshdtest"
)

// debugLines collects what Options.Debug receives.
type debugLines struct{ syncBuffer }

func (d *debugLines) print(line string) { d.Write([]byte(line + "\n")) }

func (d *debugLines) lines() []string {
	return strings.Split(strings.TrimSuffix(d.String(), "\n"), "\n")
}

// dialDebug evaluates host from configFile with ssh's log flags and
// options, and dials it, collecting the debug log.
func dialDebug(t *testing.T, configFile, host, logFlags string, options ...string) (*Client, *debugLines) {
	t.Helper()
	cfg, err := sshconfig.Evaluate(sshconfig.Request{Host: host, ConfigFile: configFile, Options: options, LogFlags: logFlags})
	if err != nil {
		t.Fatal(err)
	}
	d := &debugLines{}
	c, err := Dial(testCtx(t), cfg, Options{Stderr: &d.syncBuffer, ConfigFile: configFile, Debug: d.print})
	if err != nil {
		t.Fatalf("%v\n%s", err, d.String())
	}
	t.Cleanup(func() { c.Close() })
	return c, d
}

// runOpenSSH runs the reference ssh with args and returns its output.
func runOpenSSH(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(testCtx(t), "/usr/bin/ssh", args...)
	cmd.Args[0] = "ssh" // the name ssh gives the ssh it runs for a jump host
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh %q: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// opensshLog runs the reference ssh with args and returns its stderr lines.
func opensshLog(t *testing.T, args ...string) []string {
	t.Helper()
	_, stderr := runOpenSSH(t, args...)
	return strings.Split(strings.ReplaceAll(stderr, "\r\n", "\n"), "\n")
}

// opensshOutput runs the reference ssh with args and returns its stdout.
func opensshOutput(t *testing.T, args ...string) string {
	t.Helper()
	stdout, _ := runOpenSSH(t, args...)
	return stdout
}

// withPrefix keeps the lines that start with one of prefixes, in order.
func withPrefix(lines []string, prefixes ...string) []string {
	var out []string
	for _, l := range lines {
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(l, p) }) {
			out = append(out, l)
		}
	}
	return out
}

// compareLog checks that our log and ssh's have the same lines with
// prefixes, in the same order, and that there are some.
func compareLog(t *testing.T, ours, theirs []string, prefixes ...string) {
	t.Helper()
	got, want := withPrefix(ours, prefixes...), withPrefix(theirs, prefixes...)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("log lines differ\n ours:\n%s\nOpenSSH:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDebugLogMatchesSSH connects and runs a command at -vv and compares
// the lines of the log about the configuration, the connection and the
// command with ssh -vv's for the same.
func TestDebugLogMatchesSSH(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, "vv")
	if got := run(t, c, "echo hi"); got != "hi\n" {
		t.Fatalf("got %q", got)
	}
	theirs := opensshLog(t, "-vv", "-F", srv.ConfigFile, sshdtest.HostAlias, "echo hi")
	ours := d.lines()
	// ssh logs sshd's eow@openssh.com only when it arrives before the
	// channel closes, which is a matter of timing (and x/crypto drops it).
	compareLog(t, ours, theirs, "debug1: Reading configuration data", "debug1: "+srv.ConfigFile+" line ",
		"debug1: Connecting to ", "debug1: Connection established.", "debug1: Remote protocol version ",
		"debug1: Authenticating to ", "debug1: channel 0: new session", "debug1: Sending command: ",
		"debug2: exec request accepted", "debug1: client_input_channel_req: channel 0 rtype exit-", "debug1: Exit status ")
	if i, j := slices.Index(ours, "debug1: Connection established."), slices.IndexFunc(ours, func(l string) bool {
		return strings.HasPrefix(l, "debug1: Local version string SSH-2.0-")
	}); i < 0 || j < i {
		t.Errorf("no local version string after the connection:\n%s", d.String())
	}

	s, err := c.Start("exit 3")
	if err != nil {
		t.Fatal(err)
	}
	s.Stdin.Close()
	if err := s.Wait(); err == nil {
		t.Fatal("exit 3 succeeded")
	}
	want := []string{"debug1: channel 1: new session [client-session] (inactive timeout: 0)", "debug1: Sending command: exit 3",
		"debug2: exec request accepted on channel 1", "debug1: client_input_channel_req: channel 1 rtype exit-status reply 0",
		"debug1: Exit status 3"}
	if got := d.lines()[len(ours):]; !slices.Equal(got, want) {
		t.Errorf("second session logged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDebugLogLevels checks that -v shows no debug2 or debug3 lines, that
// nothing is logged without -v or with -q after it, and that LogLevel
// DEBUG3 shows the lines of reading the files only when given with -o.
func TestDebugLogLevels(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	for _, tt := range []struct {
		flags   string
		options []string
		check   func([]string) bool
	}{
		{"v", nil, func(l []string) bool {
			return len(l) > 5 && len(withPrefix(l, "debug2: ", "debug3: ")) == 0
		}},
		{"", nil, func(l []string) bool { return slices.Equal(l, []string{""}) }},
		{"vvvq", nil, func(l []string) bool { return slices.Equal(l, []string{""}) }},
		{"", []string{"LogLevel=DEBUG3"}, func(l []string) bool {
			return slices.Contains(l, "debug1: Reading configuration data "+srv.ConfigFile) &&
				slices.Contains(l, "debug1: Sending command: true")
		}},
	} {
		t.Run(tt.flags+strings.Join(tt.options, " "), func(t *testing.T) {
			c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, tt.flags, tt.options...)
			run(t, c, "true")
			if !tt.check(d.lines()) {
				t.Errorf("log:\n%s", d.String())
			}
		})
	}
	t.Run("LogLevel in the file", func(t *testing.T) {
		config := filepath.Join(t.TempDir(), "config")
		writeConfig(t, config, "LogLevel DEBUG3\nInclude "+srv.ConfigFile+"\n")
		c, d := dialDebug(t, config, sshdtest.HostAlias, "")
		run(t, c, "true")
		l := d.lines()
		if slices.ContainsFunc(l, func(s string) bool { return strings.Contains(s, "Reading configuration data") }) ||
			!slices.Contains(l, "debug1: Connection established.") {
			t.Errorf("log:\n%s", d.String())
		}
	})
}

// TestProxyDebugLog compares what is logged about ProxyJump and
// ProxyCommand with ssh -v's lines for the same.
func TestProxyDebugLog(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	t.Run("ProxyJump", func(t *testing.T) {
		// One server is both the jump host and the destination.
		c, d := dialDebug(t, srv.ConfigFile, "localhost", "v", "ProxyJump="+sshdtest.HostAlias)
		run(t, c, "true")
		theirs := opensshLog(t, "-v", "-F", srv.ConfigFile, "-J", sshdtest.HostAlias, "localhost", "true")
		compareLog(t, d.lines(), theirs, "debug1: Setting implicit ProxyCommand from ProxyJump: ",
			"debug1: channel_connect_stdio_fwd: ", "debug1: Connecting to ", "debug1: Authenticating to ")
	})
	t.Run("ProxyCommand", func(t *testing.T) {
		proxy := fmt.Sprintf("ProxyCommand=%s -i -f %s", sshdtest.SSHD, filepath.Join(srv.Dir, "sshd_config"))
		c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, "v", proxy)
		run(t, c, "true")
		theirs := opensshLog(t, "-v", "-F", srv.ConfigFile, "-o", proxy, sshdtest.HostAlias, "true")
		compareLog(t, d.lines(), theirs, "debug1: Executing proxy command: ", "debug1: Connecting to ",
			"debug1: Connection established.", "debug1: Authenticating to ")
	})
}

// TestIgnoredSettingsLogged checks the one debug line each for Compression
// and connection sharing, which are accepted but not acted on.
func TestIgnoredSettingsLogged(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	const compression = "debug1: Compression is not supported: the connection is uncompressed"
	const sharing = "debug1: ControlMaster, ControlPath and ControlPersist are not supported: the connection is not shared"
	for _, tt := range []struct {
		options []string
		want    []string
	}{
		{nil, nil},
		{[]string{"Compression=no", "ControlMaster=no", "ControlPath=none", "ControlPersist=no"}, nil},
		{[]string{"Compression=yes"}, []string{compression}},
		{[]string{"ControlMaster=auto"}, []string{sharing}},
		{[]string{"ControlPath=/tmp/%C"}, []string{sharing}},
		{[]string{"ControlPersist=10m"}, []string{sharing}},
		{[]string{"Compression=yes", "ControlMaster=yes", "ControlPath=/tmp/%C"}, []string{compression, sharing}},
	} {
		t.Run(strings.Join(tt.options, " "), func(t *testing.T) {
			c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, "v", tt.options...)
			run(t, c, "true")
			if got := withPrefix(d.lines(), compression, sharing); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKeepaliveLogged sends one keepalive: ssh's log shows its packets.
func TestKeepaliveLogged(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{})
	c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, "vvv")
	n := len(d.lines())
	c.sendKeepalive()
	// sshd answers a request it does not know with a failure.
	want := []string{"debug3: send packet: type 80", "debug3: receive packet: type 82"}
	if got := d.lines()[n:]; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func writeConfig(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
