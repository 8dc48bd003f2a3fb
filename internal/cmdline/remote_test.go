package cmdline

import "testing"

func TestColon(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"h:p", 1},
		{"[::1]:p", 5},
		{"u@[::1]:p", 7},
		{"[::1]", -1},
		{":x", -1},
		{"a/b:c", -1},
		{"a@[b]c:d", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := colon(tt.in); got != tt.want {
			t.Errorf("colon(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
