package sftpxfer

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cancelMeter cancels the copy at the first bytes it counts: a ^C in
// the middle of a file.
type cancelMeter struct{ cancel context.CancelFunc }

func (m cancelMeter) Start(string, int64)               {}
func (m cancelMeter) Add(int64)                         { m.cancel() }
func (m cancelMeter) Finish()                           {}
func (m cancelMeter) BeginTransfer(func() (int, int64)) {}
func (m cancelMeter) EndTransfer()                      {}

// tempPattern matches the random part of a temporary name.
var tempPattern = regexp.MustCompile(`\.dst\.[0-9a-f]{16}`)

func TestAtomic(t *testing.T) {
	src := content(3<<20 + 77)
	old := []byte("the old file\n")
	for _, tt := range []struct {
		name     string
		up       bool
		hide     string // an extension the server does not offer
		target   []byte // nil: none
		dir      bool   // the target is a directory
		preserve bool
		cancel   bool // ^C in the middle
		missing  bool // no source
		fails    bool
		log      string
		mode     os.FileMode // the target's afterwards
	}{
		{name: "new", up: true, mode: 0o640},
		{name: "replace keeps the mode", up: true, target: old, mode: 0o600},
		{name: "replace, -p", up: true, target: old, preserve: true, mode: 0o640},
		{name: "no posix-rename, new", up: true, hide: "posix-rename@openssh.com", mode: 0o640},
		{name: "no posix-rename, replace", up: true, hide: "posix-rename@openssh.com", target: old, fails: true,
			log: "replace \"{D}/dst\": the server cannot rename over a file (no posix-rename@openssh.com)"},
		{name: "over a directory", up: true, dir: true, fails: true,
			log: "Couldn't rename file \"{D}/.dst.{R}\" to \"{D}/dst\": Failure"},
		{name: "no source", up: true, target: old, missing: true, fails: true,
			log: "open local \"{D}/src\": No such file or directory"},
		{name: "interrupted", up: true, target: old, cancel: true},
		{name: "new", mode: 0o640},
		{name: "replace keeps the mode", target: old, mode: 0o600},
		{name: "replace, -p", target: old, preserve: true, mode: 0o640},
		{name: "over a directory", dir: true, fails: true,
			log: "rename local \"{D}/.dst.{R}\" to \"{D}/dst\": File exists"},
		{name: "no source", target: old, missing: true, fails: true, log: "stat remote: No such file or directory"},
		{name: "interrupted", target: old, cancel: true, fails: true},
	} {
		name := tt.name + map[bool]string{true: " upload", false: " download"}[tt.up]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			from, to := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
			if !tt.missing {
				if err := os.WriteFile(from, src, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			switch {
			case tt.dir:
				if err := os.Mkdir(to, 0o755); err != nil {
					t.Fatal(err)
				}
			case tt.target != nil:
				if err := os.WriteFile(to, tt.target, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			c, _ := countingServer(t, tt.hide)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var log strings.Builder
			x := &Transfer{Ctx: ctx, Client: c, Stdout: io.Discard, InPlace: true,
				Log: func(msg string) { log.WriteString(msg + "\n") }}
			if tt.cancel {
				x.Meter = cancelMeter{cancel}
			}
			o := Options{Atomic: true, Preserve: tt.preserve}
			var err error
			if tt.up {
				err = x.Upload(from, to, o)
			} else {
				err = x.Download(from, to, nil, o)
			}
			if (err != nil) != tt.fails {
				t.Errorf("copy: %v; want failure %v", err, tt.fails)
			}
			names, _ := filepath.Glob(filepath.Join(dir, ".dst.*"))
			if len(names) > 0 {
				t.Errorf("temporary files left: %q", names)
			}
			want := strings.ReplaceAll(tt.log, "{D}", dir)
			if want != "" {
				want += "\n"
			}
			if got := tempPattern.ReplaceAllString(log.String(), ".dst.{R}"); got != want {
				t.Errorf("log %q; want %q", got, want)
			}
			st, err := os.Stat(to)
			body, _ := os.ReadFile(to)
			switch {
			case tt.dir:
				if err != nil || !st.IsDir() {
					t.Errorf("the directory target is gone: %v", err)
				}
			case tt.fails || tt.cancel:
				if !bytes.Equal(body, tt.target) {
					t.Errorf("target %q; want it untouched, %q", body, tt.target)
				}
			case !bytes.Equal(body, src):
				t.Errorf("target has %d bytes, not the source's %d", len(body), len(src))
			case st.Mode().Perm() != tt.mode:
				t.Errorf("target mode %v; want %v", st.Mode().Perm(), tt.mode)
			}
		})
	}
}
