package sshconfig

import (
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// logConfig exercises every line ssh logs while reading: files, Host
// blocks (applied, skipped by negation), Include (matched, parse only,
// matching nothing), deprecated and unsupported keywords, and Match with
// each criterion, an exec run and skipped, and a final pass.
const logConfig = `
Host a* *b
  Port 1
Host !ab a*
  Port 2
Host zz
  Include @T@/inc.d/*.conf
  Include @T@/nothing*
Host ab
  UseRoaming no
  CompressionLevel 3
  Include @T@/inc.d/a.conf
Match host ab user @U@
  User matched
Match Host xx exec "echo %h"
  Port 4
Match originalhost ab exec "exit 3"
  Port 5
Match !host foo localuser @U@ canonical
  Port 6
Match !exec false
  Port 7
Match all
  Port 8
Match final
  Port 9
`

// TestLogMatchesSSH compares what we log while reading with what ssh -G
// logs at each debug level (ssh's lines about what it does after reading
// aside), and checks that a LogLevel from the file does not show them.
func TestLogMatchesSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh not on PATH")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	config := strings.NewReplacer("@T@", dir, "@U@", me.Username).Replace(logConfig)
	writeOracleFiles(t, dir, config)
	// ssh shows warnings it meets while reading at the command line's
	// level, later ones at the configured level.
	quiet := filepath.Join(dir, "quiet.conf")
	writeFile(t, quiet, "LogLevel QUIET\nCompressionLevel 3\nForwardAgent "+dir+"/nosocket\nInclude "+dir+"/none*\n")
	for _, tc := range []struct{ config, flags string }{
		{"config", ""}, {"config", "v"}, {"config", "vv"}, {"config", "vvv"}, {"config", "vvvq"}, {"config", "qv"},
		{"config", "vqv"}, {"quiet.conf", ""}, {"quiet.conf", "v"},
	} {
		flags := tc.flags
		t.Run(tc.config+" -"+flags, func(t *testing.T) {
			req := Request{Host: "ab", ConfigFile: filepath.Join(dir, tc.config), LogFlags: flags,
				Home: me.HomeDir, LocalUser: me.Username}
			args := []string{"-G", "-F", req.ConfigFile}
			for _, f := range flags {
				args = append(args, "-"+string(f))
			}
			_, stderr, err := runSSH(t, dir, append(args, "ab")...)
			if err != nil {
				t.Fatalf("ssh -G: %v\n%s", err, stderr)
			}
			cfg, err := Evaluate(req)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := formatLog(cfg.Log), sshReadingLog(stderr); got != want {
				t.Errorf("log mismatch\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	t.Run("LogLevel in the file", func(t *testing.T) {
		path := filepath.Join(dir, "debug.conf")
		writeFile(t, path, "LogLevel DEBUG3\n"+config)
		cfg, err := Evaluate(Request{Host: "ab", ConfigFile: path, Home: me.HomeDir, LocalUser: me.Username})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Get("LogLevel") != "DEBUG3" {
			t.Errorf("LogLevel %q", cfg.Get("LogLevel"))
		}
		for _, l := range cfg.Log {
			if l.Level > 0 {
				t.Errorf("debug line logged before LogLevel was known: %q", l.Msg)
			}
		}
	})
}

// formatLog writes log lines the way ssh prints them.
func formatLog(log []LogLine) string {
	var b strings.Builder
	for _, l := range log {
		if l.Level > 0 {
			b.WriteString("debug" + strconv.Itoa(l.Level) + ": ")
		}
		b.WriteString(l.Msg + "\n")
	}
	return b.String()
}

// sshReadingLog keeps the lines of ssh's stderr that come from reading its
// configuration: not the version banner, nor what ssh logs about resolving
// the host name and expanding paths afterwards.
func sshReadingLog(stderr string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		switch {
		case l == "", strings.HasPrefix(l, "OpenSSH_"),
			strings.Contains(l, "resolve_canonicalize: "), strings.Contains(l, ": expanded "):
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}

func TestLogFlags(t *testing.T) {
	tests := []struct {
		flags   string
		options []string
		level   string
		verbose int
	}{
		{"", nil, "", 0},
		{"", []string{"LogLevel=ERROR"}, "ERROR", 0},
		{"q", []string{"LogLevel=DEBUG3"}, "SILENT", 0},
		{"v", []string{"LogLevel=ERROR"}, "DEBUG", 1},
		{"vv", nil, "DEBUG2", 2},
		{"vvvvv", nil, "DEBUG3", 3},
		{"vq", nil, "SILENT", 1},
		{"qv", nil, "DEBUG", 1},
		{"vqv", nil, "FATAL", 2},
		{"vqvvvvvv", nil, "DEBUG2", 3},
		{"vqvvvvvvvv", nil, "DEBUG3", 3},
	}
	for _, tt := range tests {
		c := evaluate(t, Request{Host: "h", ConfigFile: "none", Home: "/home/me", LogFlags: tt.flags, Options: tt.options})
		if got := c.Get("LogLevel"); got != tt.level || c.Verbose != tt.verbose {
			t.Errorf("%q %q: LogLevel %q, -v count %d; want %q, %d", tt.flags, tt.options, got, c.Verbose, tt.level, tt.verbose)
		}
	}
}
