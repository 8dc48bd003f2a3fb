package cmdline

import (
	"strings"
	"testing"
)

func TestStrnvis(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"plain text ~!", 100, "plain text ~!"},
		{"\t\n\r\b\a", 100, "\t\n\r\b\a"},
		{"\x00\x01\x1b\x7f\x80\xff", 100, `\000\001\033\177\200\377`},
		{"é", 100, `\303\251`},
		{`a\b`, 100, `a\\b`},
		{"abc", 2, "ab"},
		{`a\`, 2, "a"},
		{`a\`, 3, `a\\`},
		{"a\x01", 4, "a"},
		{"a\x01", 5, `a\001`},
	}
	for _, tt := range tests {
		if got := strnvis(tt.in, tt.limit, true); got != tt.want {
			t.Errorf("strnvis(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

func TestLogLine(t *testing.T) {
	tests := []struct {
		argv0, msg, want string
	}{
		{"scp", "hello", "scp: hello\r\n"},
		{"", "hello", ": hello\r\n"},
		{"/x/\xc3\xa9", "\xc3\xa9", "/x/\xc3\xa9: \\303\\251\r\n"},
		{"scp", strings.Repeat("m", 1016), "scp: " + strings.Repeat("m", 1016) + "\r\n"},
		{"scp", strings.Repeat("m", 1017), "scp: " + strings.Repeat("m", 1017) + "\r"},
		{"scp", strings.Repeat("m", 2000), "scp: " + strings.Repeat("m", 1018)},
		{strings.Repeat("a", 2000), "m", strings.Repeat("a", 1023)},
	}
	for _, tt := range tests {
		if got := LogLine(tt.argv0, tt.msg); got != tt.want {
			t.Errorf("LogLine(%q, %q) = %q, want %q", tt.argv0, tt.msg, got, tt.want)
		}
	}
}

func TestServerLogLine(t *testing.T) {
	if got, want := ServerLogLine("scp", "a\x01\b\a"), "scp: a\\001\\010\\007\r\n"; got != want {
		t.Errorf("ServerLogLine = %q, want %q", got, want)
	}
	if got := ServerLogLine("scp", strings.Repeat("m", 2000)); got != "scp: "+strings.Repeat("m", 1018) {
		t.Errorf("ServerLogLine of a long message: %q", got)
	}
}

func TestLog(t *testing.T) {
	if got, want := Log("a\x01\b\a"), "a\\001\\010\\007\r\n"; got != want {
		t.Errorf("Log = %q, want %q", got, want)
	}
	if got := Log(strings.Repeat("m", 2000)); got != strings.Repeat("m", 1021)+"\r\n" {
		t.Errorf("Log of a long message: %d bytes", len(got))
	}
}
