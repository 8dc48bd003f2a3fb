package transport

import (
	"slices"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/sshdtest"
)

func TestEnvironment(t *testing.T) {
	environ := []string{"LANG=C.UTF-8", "LC_ALL=C", "LC_CTYPE=en", "HOME=/root", "XLANG=x", "EMPTY=", "NOEQUALS",
		"EQ=a=b", "lang=lower"}
	tests := []struct {
		config []string // SendEnv and SetEnv lines, evaluated like ssh_config
		want   []string // NAME=value sent, in order
	}{
		{nil, nil},
		{[]string{"SendEnv LANG LC_*"}, []string{"LANG=C.UTF-8", "LC_ALL=C", "LC_CTYPE=en"}},
		// "-NAME" takes back what an earlier line added, by pattern.
		{[]string{"SendEnv LANG LC_ALL LC_CTYPE", "SendEnv -LC_A*"}, []string{"LANG=C.UTF-8", "LC_CTYPE=en"}},
		{[]string{"SendEnv LC_*", "SendEnv -LC_*"}, nil},
		// Removal matches the patterns listed, not the variables.
		{[]string{"SendEnv LC_*", "SendEnv -LC_ALL"}, []string{"LC_ALL=C", "LC_CTYPE=en"}},
		{[]string{"SendEnv -LANG", "SendEnv LANG"}, []string{"LANG=C.UTF-8"}},
		{[]string{"SendEnv ?ANG"}, []string{"LANG=C.UTF-8"}},
		{[]string{"SendEnv *"}, []string{"LANG=C.UTF-8", "LC_ALL=C", "LC_CTYPE=en", "HOME=/root", "XLANG=x", "EMPTY=",
			"EQ=a=b", "lang=lower"}},
		{[]string{"SendEnv EMPTY EQ NOEQUALS"}, []string{"EMPTY=", "EQ=a=b"}},
		{[]string{"SendEnv NOPE"}, nil},
		// SetEnv's come after the environment's, as given.
		{[]string{"SetEnv B=2 A=\"x y\" E=", "SendEnv HOME"}, []string{"HOME=/root", "B=2", "A=x y", "E="}},
		{[]string{"SetEnv LANG=fr"}, []string{"LANG=fr"}},
	}
	for _, tt := range tests {
		cfg, err := sshconfig.Evaluate(sshconfig.Request{Host: "h", ConfigFile: "none", Options: tt.config})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range environment(environ, cfg.All("SendEnv"), cfg.All("SetEnv")) {
			if v.send {
				got = append(got, v.name+"="+v.value)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: sent %q, want %q", tt.config, got, tt.want)
		}
	}
}

// TestSendEnvReachesServer sends variables to a real sshd: those its
// AcceptEnv allows are in the remote command's environment, the others
// and those SendEnv took back are not, the same as with ssh.
func TestSendEnvReachesServer(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"AcceptEnv GOSCP_OK_* GOSCP_SET"}})
	t.Setenv("GOSCP_OK_ONE", "one 'value'")
	t.Setenv("GOSCP_OK_TAKEN_BACK", "x")
	t.Setenv("GOSCP_REFUSED", "refused by sshd")
	options := []string{"SendEnv GOSCP_OK_ONE GOSCP_OK_TAKEN_BACK GOSCP_REFUSED", "SendEnv -GOSCP_OK_T*",
		`SetEnv GOSCP_SET="set value" GOSCP_SET_REFUSED=no`}
	c, d := dialDebug(t, srv.ConfigFile, sshdtest.HostAlias, "v", options...)
	const command = "env | grep ^GOSCP_ | sort"
	got := run(t, c, command)
	if want := "GOSCP_OK_ONE=one 'value'\nGOSCP_SET=set value\n"; got != want {
		t.Errorf("remote environment %q, want %q", got, want)
	}
	var args []string
	for _, o := range options {
		args = append(args, "-o", o)
	}
	cmd := append(append([]string{"-F", srv.ConfigFile}, args...), sshdtest.HostAlias, command)
	if theirs := opensshOutput(t, cmd...); theirs != got {
		t.Errorf("ssh's remote environment %q, ours %q", theirs, got)
	}
	want := []string{"debug1: Sending environment.",
		`debug1: channel 0: setting env GOSCP_OK_ONE = "one 'value'"`,
		`debug1: channel 0: setting env GOSCP_REFUSED = "refused by sshd"`,
		`debug1: channel 0: setting env GOSCP_SET = "set value"`,
		`debug1: channel 0: setting env GOSCP_SET_REFUSED = "no"`,
		"debug1: Sending command: " + command}
	if got := withPrefix(d.lines(), "debug1: Sending ", "debug1: channel 0: setting env "); !slices.Equal(got, want) {
		t.Errorf("log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
