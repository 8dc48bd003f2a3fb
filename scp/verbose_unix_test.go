//go:build unix

package scp

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestServeVerboseVsOpenSSH runs OpenSSH's `scp -v -f/-t` and Serve with
// Debug on the same input and compares the -v lines, OpenSSH's log lines
// ("debug1: fd N clearing O_NONBLOCK") included, in order.
func TestServeVerboseVsOpenSSH(t *testing.T) {
	needOpenSSH(t)
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "t", "sub"), 0o755))
	for name, content := range map[string]string{"f": "file\n", "t/a": "a\n", "t/sub/b": "b\n", "t/sub/empty": ""} {
		must(t, os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
	}
	must(t, syscall.Mkfifo(filepath.Join(root, "t", "fifo"), 0o644))
	acks := strings.Repeat("\x00", 64)
	tests := []struct {
		name  string
		flags []string
		role  Role
		paths []string // relative to root; a sink's target is made fresh
		in    string
	}{
		{"source file", nil, RoleSource, []string{"f"}, acks},
		{"source files and errors", nil, RoleSource, []string{"nope", "f", "t", "t/fifo", "f"}, acks},
		{"source tree", []string{"-r"}, RoleSource, []string{"t", "f"}, acks},
		{"source tree -p", []string{"-r", "-p"}, RoleSource, []string{"t"}, acks},
		{"source refused", nil, RoleSource, []string{"f", "f"}, "\x00\x01scp: no\n\x00\x00\x00"},
		{"sink files", nil, RoleSink, []string{"in"}, "C0644 3 x\nab\n\x00C0644 0 e\n\x00"},
		{"sink tree", []string{"-r"}, RoleSink, []string{"in"}, "D0755 0 dd\nC0644 2 y\nz\n\x00D0700 0 deeper\nC0600 1 w\nw\x00E\nE\nC0644 0 e\n\x00"},
		{"sink cannot create", []string{"-r"}, RoleSink, []string{"in"}, "D0755 0 dd\nE\nC0644 2 dd\nC0644 2 y\nz\n\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs [2][]string
			for i := range logs {
				var paths []string
				for _, p := range tt.paths {
					paths = append(paths, filepath.Join(root, p))
				}
				if tt.role == RoleSink {
					paths = []string{filepath.Join(t.TempDir(), "in")}
					must(t, os.Mkdir(paths[0], 0o755))
				}
				if i == 0 {
					flag := "-f"
					if tt.role == RoleSink {
						flag = "-t"
					}
					cmd := exec.Command(opensshScp, slices.Concat([]string{"-v"}, tt.flags, []string{flag}, paths)...)
					cmd.Args[0] = "scp"
					var stderr bytes.Buffer
					cmd.Stdin, cmd.Stderr = strings.NewReader(tt.in), &stderr
					cmd.Run()
					logs[i] = opensshVerbose(stderr.String())
					continue
				}
				opt := Options{Recursive: slices.Contains(tt.flags, "-r"), Preserve: slices.Contains(tt.flags, "-p"),
					Debug: func(m string) { logs[i] = append(logs[i], m) }}
				Serve(context.Background(), strings.NewReader(tt.in), &bytes.Buffer{}, OS{}, tt.role, paths, opt)
			}
			if !slices.Equal(logs[0], logs[1]) {
				t.Errorf("-v lines\nopenssh\n%s\nours\n%s", strings.Join(logs[0], "\n"), strings.Join(logs[1], "\n"))
			}
			if !slices.ContainsFunc(logs[1], func(l string) bool { return strings.HasPrefix(l, "debug1: fd ") }) {
				t.Errorf("no debug1 line in %q", logs[1])
			}
		})
	}
}

// opensshVerbose splits scp's stderr into lines, its log lines without
// the "scp: " before them and the "\r" after.
func opensshVerbose(stderr string) []string {
	var lines []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "scp: debug1: "); ok {
			l = "debug1: " + strings.TrimSuffix(rest, "\r\n")
		}
		lines = append(lines, strings.TrimSuffix(l, "\n"))
	}
	return lines
}

// Outside Serve, as a client, Send and Receive log no descriptors.
func TestClientLogsNoDescriptors(t *testing.T) {
	var debug []string
	opt := Options{Recursive: true, Debug: func(m string) { debug = append(debug, m) }}
	if _, _, err := runSource(sourceTree(), []string{"/t/d"}, opt, strings.Repeat("\x00", 32)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runSink(newMemFS(), "/", opt, "C0644 1 x\nx\x00"); err != nil {
		t.Fatal(err)
	}
	for _, l := range debug {
		if strings.HasPrefix(l, "debug1: ") {
			t.Errorf("client logged %q", l)
		}
	}
	if len(debug) == 0 {
		t.Error("no -v lines at all")
	}
}
