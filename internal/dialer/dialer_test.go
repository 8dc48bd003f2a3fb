package dialer

import "testing"

func TestSSHOptionsLogFlags(t *testing.T) {
	tests := []struct {
		args  []string
		flags string
	}{
		{nil, ""},
		{[]string{"-v", "-4", "-q", "-v"}, "vqv"},
		{[]string{"-o", "-v", "-J", "-q", "-c", "-v", "-F", "-q", "-i", "-v"}, ""}, // values, not flags
	}
	for _, tt := range tests {
		if _, flags := SSHOptions(tt.args); flags != tt.flags {
			t.Errorf("%q: flags %q, want %q", tt.args, flags, tt.flags)
		}
	}
}
