package sshconfig

import "testing"

func TestConvtime(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"90", 90, true},
		{"90s", 90, true},
		{"1h30m", 5400, true},
		{"2d", 172800, true},
		{"1W", 604800, true},
		{"0", 0, true},
		{"", 0, false},
		{"x", 0, false},
		{"5x", 0, false},
		{"-1", 0, false},
		{"1m-1", 0, false},
		{"2147483647", 2147483647, true},
		{"2147483648", 0, false},
		{"35792w", 0, false},
	}
	for _, tt := range tests {
		got, ok := convtime(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("convtime(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStrtonum(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		errstr string
	}{
		{"42", 42, ""},
		{"+42", 42, ""},
		{" 42", 42, ""},
		{"42 ", 0, "invalid"},
		{"0x10", 0, "invalid"},
		{"-1", 0, "too small"},
		{"65536", 0, "too large"},
		{"99999999999999999999", 0, "too large"},
		{"", 0, "invalid"},
	}
	for _, tt := range tests {
		got, errstr := strtonum(tt.in, 0, 65535)
		if got != tt.want || errstr != tt.errstr {
			t.Errorf("strtonum(%q) = %d, %q; want %d, %q", tt.in, got, errstr, tt.want, tt.errstr)
		}
	}
	if _, errstr := atoiErr(""); errstr != "missing" {
		t.Errorf("atoiErr(\"\") = %q", errstr)
	}
}

func TestA2port(t *testing.T) {
	tests := map[string]int{"22": 22, "0": 0, "65535": 65535, "65536": -1, "x y": -1, "": -1, "no-such-service-xyz": -1}
	for in, want := range tests {
		if got := a2port(in); got != want {
			t.Errorf("a2port(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestScanScaled(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		errstr string
	}{
		{"16", 16, ""},
		{"1K", 1024, ""},
		{"1.5G", 3 << 29, ""},
		{"2m", 2 << 20, ""},
		{"1Q", 0, "Invalid argument"},
		{"1Gb", 0, "Invalid argument"},
		{"1.2.3", 0, "Invalid argument"},
		{"9E", 0, "Numerical result out of range"},
	}
	for _, tt := range tests {
		got, errstr := scanScaled(tt.in)
		if got != tt.want || errstr != tt.errstr {
			t.Errorf("scanScaled(%q) = %d, %q; want %d, %q", tt.in, got, errstr, tt.want, tt.errstr)
		}
	}
}
