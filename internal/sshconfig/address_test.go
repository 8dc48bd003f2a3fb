package sshconfig

import "testing"

func TestNumericAddress(t *testing.T) {
	tests := []struct {
		in, family, want string
		ok               bool
	}{
		{"127.0.0.1", "", "127.0.0.1", true},
		{"127.1", "", "127.0.0.1", true},
		{"0x7f.1", "", "127.0.0.1", true},
		{"010.0.0.1", "", "8.0.0.1", true},
		{"1.2.3", "", "1.2.0.3", true},
		{"4294967295", "", "255.255.255.255", true},
		{"4294967296", "", "", false},
		{"1.2.3.4.5", "", "", false},
		{"1..2", "", "", false},
		{"08.1.1.1", "", "", false},
		{"0:0::1", "", "::1", true},
		{"::FFFF:1.2.3.4", "", "::ffff:1.2.3.4", true},
		{"fe80::1%eth0", "", "", false},
		{"127.1", "inet6", "", false},
		{"::1", "inet", "", false},
		{"example.com", "", "", false},
	}
	for _, tt := range tests {
		got, ok := numericAddress(tt.in, tt.family)
		if ok != tt.ok || got != tt.want {
			t.Errorf("numericAddress(%q, %q) = %q, %v; want %q, %v", tt.in, tt.family, got, ok, tt.want, tt.ok)
		}
	}
}
