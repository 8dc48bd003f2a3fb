package cmdline

import (
	"math"
	"testing"
)

func TestStrtoll(t *testing.T) {
	// Expectations taken from glibc strtoll.
	tests := []struct {
		in       string
		v        int64
		n        int
		overflow bool
	}{
		{"9223372036854775808", math.MaxInt64, 19, true},
		{"-9223372036854775809", math.MinInt64, 20, true},
		{"-9223372036854775808", math.MinInt64, 20, false},
		{"9223372036854775807", math.MaxInt64, 19, false},
		{" +5x", 5, 3, false},
		{"\t\n\v\f\r 7", 7, 7, false},
		{"+", 0, 0, false},
		{" -", 0, 0, false},
		{"", 0, 0, false},
		{"99999999999999999999999", math.MaxInt64, 23, true},
		{"0x10", 0, 1, false},
	}
	for _, tt := range tests {
		v, n, overflow := Strtoll(tt.in)
		if v != tt.v || n != tt.n || overflow != tt.overflow {
			t.Errorf("Strtoll(%q) = %d, %d, %v; want %d, %d, %v", tt.in, v, n, overflow, tt.v, tt.n, tt.overflow)
		}
	}
}

func TestStrtonum(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int64
		v      int64
		errstr string
	}{
		{"5", 1, 10, 5, ""},
		{" +05", 1, 10, 5, ""},
		{"0", 1, 10, 0, "too small"},
		{"11", 1, 10, 0, "too large"},
		{"-0", 0, 10, 0, ""},
		{"5 ", 1, 10, 0, "invalid"},
		{"", 1, 10, 0, "invalid"},
		{"x", 1, 10, 0, "invalid"},
		{"-99999999999999999999", math.MinInt64, 0, 0, "too small"},
		{"99999999999999999999", 0, math.MaxInt64, 0, "too large"},
		{"9223372036854775807", 0, math.MaxInt64, math.MaxInt64, ""},
	}
	for _, tt := range tests {
		v, errstr := Strtonum(tt.in, tt.lo, tt.hi)
		if v != tt.v || errstr != tt.errstr {
			t.Errorf("Strtonum(%q, %d, %d) = %d, %q; want %d, %q", tt.in, tt.lo, tt.hi, v, errstr, tt.v, tt.errstr)
		}
	}
}

func TestScanScaled(t *testing.T) {
	// Expectations taken from OpenSSH's bundled scan_scaled, compiled.
	tests := []struct {
		in  string
		v   int64
		err error
	}{
		{"0", 0, nil},
		{"1", 1, nil},
		{"  +12", 12, nil},
		{"-12", -12, nil},
		{"1.9", 1, nil},
		{"1.", 1, nil},
		{"", 0, nil},
		{"1b", 1, nil},
		{"1K", 1024, nil},
		{"1k", 1024, nil},
		{"1.5K", 1536, nil},
		{".5K", 512, nil},
		{"-1.5K", -1536, nil},
		{"0.25M", 262144, nil},
		{"256K", 262144, nil},
		{"2G", 2 << 30, nil},
		{"1T", 1 << 40, nil},
		{"1P", 1 << 50, nil},
		{"7E", 7 << 60, nil},
		{"8E", 0, errRange},
		{"1K!", 1024, nil},
		{"1K ", 1024, nil},
		{"1.000000000000000000001K", 1024, nil},
		{"1KB", 0, ErrInvalid},
		{"1K1", 0, ErrInvalid},
		{"1x", 0, ErrInvalid},
		{"1 K", 0, ErrInvalid},
		{"1.2.3", 0, ErrInvalid},
		{"+-1", 0, ErrInvalid},
		{"--1", 0, ErrInvalid},
		{"9223372036854775807", math.MaxInt64, nil},
		{"9223372036854775808", 0, errRange},
		{"00000000000000000001", 1, nil},
		{"000000000000000000001", 0, errRange},
		{"0.99999999999999999999K", 0, errRange},
		{"7.9999E", 7 << 60, nil},
		{"0.12345678901234567891E", 115292150460684697, nil},
		{"3.99999999999999999P", 4502473727463653, nil},
	}
	for _, tt := range tests {
		v, err := ScanScaled(tt.in)
		if v != tt.v || err != tt.err {
			t.Errorf("ScanScaled(%q) = %d, %v; want %d, %v", tt.in, v, err, tt.v, tt.err)
		}
	}
}
