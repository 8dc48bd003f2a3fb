package sftpcli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The messages and statuses are /usr/bin/sftp 9.2's.
func TestParseOptionsErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, 1, usage},
		{[]string{"-h"}, 1, usage},
		{[]string{"a", "b", "c"}, 1, usage},
		{[]string{"-z", "h"}, 1, "unknown option -- z\r\n" + usage},
		{[]string{"-B"}, 1, "option requires an argument -- B\r\n" + usage},
		{[]string{"-B", "0", "h"}, 255, "Invalid buffer size \"0\"\r\n"},
		{[]string{"-B", "12k", "h"}, 255, "Invalid buffer size \"12k\"\r\n"},
		{[]string{"-R", "0", "h"}, 255, "Invalid number of requests \"0\"\r\n"},
		{[]string{"-P", "abc", "h"}, 255, "Bad port \"abc\"\n\r\n"},
		{[]string{"-P", "0", "h"}, 255, "Bad port \"0\"\n\r\n"},
		{[]string{"-l", "abc", "h"}, 1, usage},
		{[]string{"-l", "0", "h"}, 1, usage},
		{[]string{"-1", "h"}, 255, "SSH protocol v.1 is no longer supported\r\n"},
		{[]string{"-b", "-", "-b", "-", "h"}, 255, "Batch file already specified.\r\n"},
		{[]string{"-b", "/nonexistent/x", "h"}, 255, "No such file or directory (/nonexistent/x).\r\n"},
		{[]string{"-X", "foo", "h"}, 255, "Invalid -X option\r\n"},
		{[]string{"-X", "buffer=0", "h"}, 255, "Invalid buffer size \"0\": Invalid argument\r\n"},
		{[]string{"-X", "nrequests=0", "h"}, 255, "Invalid number of requests \"0\": too small\r\n"},
	}
	for _, tt := range tests {
		_, err := parseOptions(tt.args, os.Stdin)
		var ee *exitError
		if !errors.As(err, &ee) {
			t.Errorf("%q: error %v, want exit %d", tt.args, err, tt.code)
			continue
		}
		if ee.code != tt.code || ee.message != tt.msg {
			t.Errorf("%q: exit %d %q, want %d %q", tt.args, ee.code, ee.message, tt.code, tt.msg)
		}
	}
}

func TestParseOptions(t *testing.T) {
	batch := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(batch, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := parseOptions([]string{"-vvvv", "-q", "-N", "-b", batch, "-C", "-o", "Port=2", "-i", "k", "-P", "ssh", "-B", "1000", "-X", "nrequests=5", "-l", "8", "-afpr", "-s", "/srv", "u@h:p", "local"}, os.Stdin)
	if err != nil {
		t.Fatal(err)
	}
	wantSSH := []string{"-v", "-v", "-v", "-q", "-obatchmode yes", "-C", "-o", "Port=2", "-i", "k"}
	if !slices.Equal(o.SSHArgs, wantSSH) {
		t.Errorf("SSHArgs %q, want %q", o.SSHArgs, wantSSH)
	}
	switch {
	case o.Quiet || !o.Batch || o.Input == nil:
		t.Errorf("quiet %v batch %v input %v: -N must undo -b's quiet only", o.Quiet, o.Batch, o.Input)
	case o.Port != 22 || o.BufferSize != 1000 || o.Requests != 5 || o.LimitKbps != 8 || o.Verbose != 4:
		t.Errorf("port %d buffer %d requests %d limit %d verbose %d", o.Port, o.BufferSize, o.Requests, o.LimitKbps, o.Verbose)
	case !o.Resume || !o.Fsync || !o.Preserve || !o.Recursive || o.Subsystem != "/srv":
		t.Errorf("flags %+v", o)
	case !slices.Equal(o.Operands, []string{"u@h:p", "local"}):
		t.Errorf("operands %q", o.Operands)
	}
}

func TestParseDestination(t *testing.T) {
	tests := []struct {
		arg  string
		want destination
		ok   bool
	}{
		{"host", destination{host: "host"}, true},
		{"u@host", destination{host: "host", user: "u"}, true},
		{"u@h@host", destination{host: "host", user: "u@h"}, true},
		{"host:", destination{host: "host", path: ".", hasPath: true}, true},
		{"u@host:/a/b", destination{host: "host", user: "u", path: "/a/b", hasPath: true}, true},
		{"[::1]:x", destination{host: "::1", path: "x", hasPath: true}, true},
		{"sftp://u@host:2222/a%20b", destination{host: "host", user: "u", port: 2222, path: "a b", hasPath: true}, true},
		{"sftp://host", destination{host: "host"}, true},
		{"sftp://host:0", destination{}, false},
		{":x", destination{host: ":x"}, true}, // ssh then fails to resolve it
		{"u@", destination{user: "u"}, false},
	}
	for _, tt := range tests {
		got, ok := parseDestination(tt.arg)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseDestination(%q) = %+v, %v; want %+v, %v", tt.arg, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPlainReader(t *testing.T) {
	long := strings.Repeat("x", maxLine)
	r := newPlainReader(strings.NewReader("a\nb\x00c\n" + long + "\nlast"))
	var got []string
	for {
		line, err := r.readLine()
		if err != nil {
			break
		}
		got = append(got, line)
	}
	want := []string{"a", "b", long, "", "last"}
	if !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
}
