package sshconfig

import (
	"os/user"
	"testing"
)

func TestExpand(t *testing.T) {
	t.Setenv("SSHCONFIG_TEST_VAR", "val")
	tk := tokens{'h': "host", 'p': "22"}
	tests := []struct {
		in   string
		env  bool
		want string
		err  string
	}{
		{"%h:%p", false, "host:22", ""},
		{"100%%", false, "100%", ""},
		{"%%h", false, "%h", ""},
		{"${SSHCONFIG_TEST_VAR}/%h", true, "val/host", ""},
		{"${SSHCONFIG_TEST_VAR}", false, "${SSHCONFIG_TEST_VAR}", ""},
		{"$SSHCONFIG_TEST_VAR", true, "$SSHCONFIG_TEST_VAR", ""},
		{"%z", false, "", "vdollar_percent_expand: unknown key %z"},
		{"trailing%", false, "", "vdollar_percent_expand: invalid format"},
		{"${", true, "", "vdollar_percent_expand: environment variable '' missing closing '}'"},
		{"${}", true, "", "vdollar_percent_expand: zero-length environment variable"},
		{"${SSHCONFIG_UNSET_VAR}", true, "", "vdollar_percent_expand: env var ${SSHCONFIG_UNSET_VAR} has no value"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, tk, tt.env)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("expand(%q): error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestTildeExpand(t *testing.T) {
	root, err := user.Lookup("root")
	if err != nil {
		t.Skip("no root user")
	}
	tests := map[string]string{
		"~":             "/home/me/",
		"~/":            "/home/me/",
		"~/.ssh/id":     "/home/me/.ssh/id",
		"~//x":          "/home/me/x",
		"/abs/~":        "/abs/~",
		"rel":           "rel",
		"~root/.ssh/id": root.HomeDir + "/.ssh/id",
	}
	for in, want := range tests {
		if got, err := tildeExpand(in, "/home/me"); err != nil || got != want {
			t.Errorf("tildeExpand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tildeExpand("~no-such-user-xyz/x", "/home/me"); err == nil || err.Error() != "tilde_expand: No such user no-such-user-xyz" {
		t.Errorf("unknown user: %v", err)
	}
}

func TestConnHash(t *testing.T) {
	// Checked against ssh -G's %C for local host "vm", host "h", port 99, user "bob".
	if got := connHash("vm", "h", "99", "bob"); got != "7364830e25baa2167d6fbefeb2cb621775501760" {
		t.Errorf("connHash = %s", got)
	}
}
