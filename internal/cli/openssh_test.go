package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// These tests compare the parser with OpenSSH's own scp (the reference is 9.2). scp runs
// /usr/bin/ssh by absolute path, so it is only run on arguments that ParseArgs has refused
// first (scp then stops before copying anything) or with -S naming a recorder; it runs in an
// empty directory with a PATH that holds nothing or a recording cp.

const opensshSCP = "/usr/bin/scp"

// runOpenSSH runs OpenSSH's scp as argv0 with args and returns its stderr and exit status.
func runOpenSSH(t *testing.T, argv0 string, args []string, pathDir string, env ...string) (string, int) {
	t.Helper()
	if _, err := os.Stat(opensshSCP); err != nil {
		t.Skip("no OpenSSH scp at", opensshSCP)
	}
	cmd := exec.Command(opensshSCP, args...)
	cmd.Args[0] = argv0
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"LC_ALL=C", "PATH=" + pathDir}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if stdout.Len() > 0 {
		t.Errorf("scp wrote to stdout: %q", stdout.String())
	}
	return stderr.String(), cmd.ProcessState.ExitCode()
}

func TestParseArgsMatchesOpenSSH(t *testing.T) {
	for _, tt := range badArgs {
		for _, argv0 := range []string{"scp", "/usr/bin/scp"} {
			args := append([]string{"-O"}, tt.args...)
			t.Run(argv0+" "+name(args), func(t *testing.T) {
				code, msg := parseError(t, argv0, args)
				theirs, theirCode := runOpenSSH(t, argv0, args, t.TempDir())
				if code != theirCode || msg != theirs {
					t.Errorf("ours   %d %q\nOpenSSH %d %q", code, msg, theirCode, theirs)
				}
			})
		}
	}
}

func TestParseArgsArgv0MatchesOpenSSH(t *testing.T) {
	for _, argv0 := range []string{"my scp", "/x/\xc3\xa9", "a\\b\x01", strings.Repeat("a", 1100)} {
		for _, args := range [][]string{{"-1"}, {"-Z"}, {"-P", "0"}} {
			code, msg := parseError(t, argv0, args)
			theirs, theirCode := runOpenSSH(t, argv0, args, t.TempDir())
			if code != theirCode || msg != theirs {
				t.Errorf("%q %q: ours %d %q, OpenSSH %d %q", argv0, args, code, msg, theirCode, theirs)
			}
		}
	}
}

// TestAcceptedArgsMatchOpenSSH gives valid options and a single operand: both parsers must
// then accept the options and complain only about the operand count.
func TestAcceptedArgsMatchOpenSSH(t *testing.T) {
	accepted := [][]string{
		{"-2"},
		{"-346ABCOpqRrsTv"},
		{"-c", "x", "-D", "y", "-F", "z", "-i", "k", "-J", "j", "-o", "o", "-S", "s"},
		{"-P", "ssh"},
		{"-P", "www"},
		{"-P", " +022"},
		{"-P", "65535"},
		{"-l", "1"},
		{"-l", "104857600"},
		{"-l", "\t7"},
		{"-X", "buffer=1"},
		{"-X", "buffer=256K"},
		{"-X", "buffer=256k"},
		{"-X", "buffer=262144B"},
		{"-X", "buffer=1.5K"},
		{"-X", "buffer=.5K"},
		{"-X", "buffer=0.25M"},
		{"-X", "buffer=  +2b"},
		{"-X", "buffer=1K!"},
		{"-X", "buffer=7.99999"},
		{"-X", "nrequests=1"},
		{"-X", "nrequests= +262144"},
	}
	for _, opts := range accepted {
		t.Run(name(opts), func(t *testing.T) {
			if _, err := ParseArgs("scp", append(slices.Clone(opts), "x", "y")); err != nil {
				t.Fatalf("refused: %v", err)
			}
			args := append([]string{"-O"}, append(slices.Clone(opts), "x")...)
			code, msg := parseError(t, "scp", args)
			theirs, theirCode := runOpenSSH(t, "scp", args, t.TempDir())
			if code != 1 || msg != Usage || theirCode != 1 || theirs != Usage {
				t.Errorf("ours %d %q\nOpenSSH %d %q", code, msg, theirCode, theirs)
			}
		})
	}
}

// TestParseOperandMatchesOpenSSH copies each operand to "." with a recording ssh (-S) and a
// recording cp on PATH, and reads back how OpenSSH parsed it.
func TestParseOperandMatchesOpenSSH(t *testing.T) {
	bin := t.TempDir()
	recorder := "#!/bin/sh\nfor a in \"$0\" \"$@\"; do printf '%s\\000' \"$a\"; done >\"$RECORD\"\nexit 1\n"
	for _, prog := range []string{"ssh", "cp"} {
		if err := os.WriteFile(filepath.Join(bin, prog), []byte(recorder), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range operandTests {
		t.Run(tt.in, func(t *testing.T) {
			record := filepath.Join(t.TempDir(), "record")
			args := []string{"-O", "-T", "-S", filepath.Join(bin, "ssh"), tt.in, "."}
			stderr, _ := runOpenSSH(t, "scp", args, bin, "RECORD="+record)
			theirs := parseRecord(t, record, stderr)
			got, err := ParseOperand(tt.in)
			ours := describe(got, err)
			if ours != theirs {
				t.Errorf("ours %s\nOpenSSH %s", ours, theirs)
			}
		})
	}
}

// describe summarises an Operand as parseRecord reads OpenSSH's behaviour.
func describe(op Operand, err error) string {
	switch {
	case err != nil:
		return "invalid uri"
	case !op.Remote:
		return "local " + op.Path
	case op.User != "" && !CheckUser(op.User):
		return "invalid user name"
	}
	return "remote user=" + op.User + " host=" + op.Host + " port=" + strconv.Itoa(op.Port) + " path=" + op.Path
}

// parseRecord reads what the recording ssh or cp saw, or scp's complaint.
func parseRecord(t *testing.T, record, stderr string) string {
	t.Helper()
	for _, msg := range []string{"invalid uri", "invalid user name"} {
		if strings.Contains(stderr, ": "+msg+"\n") {
			return msg
		}
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("nothing recorded; stderr %q", stderr)
	}
	argv := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	if filepath.Base(argv[0]) == "cp" {
		return "local " + argv[len(argv)-2] // cp -- SRC .
	}
	return describeSSH(t, argv)
}

// describeSSH reads "... [-p PORT] [-l USER] -- HOST 'scp -f [-- ]PATH'".
func describeSSH(t *testing.T, argv []string) string {
	t.Helper()
	dd := slices.Index(argv, "--")
	if dd < 0 || dd+3 != len(argv) {
		t.Fatalf("unexpected ssh argv %q", argv)
	}
	port, user := "0", ""
	for i := 1; i+1 < dd; i++ {
		switch argv[i] {
		case "-p":
			port = argv[i+1]
		case "-l":
			user = argv[i+1]
		}
	}
	cmd, ok := strings.CutPrefix(argv[dd+2], "scp -f ")
	if !ok {
		t.Fatalf("unexpected remote command %q", argv[dd+2])
	}
	if rest, ok := strings.CutPrefix(cmd, "-- "); ok && strings.HasPrefix(rest, "-") {
		cmd = rest
	}
	return "remote user=" + user + " host=" + argv[dd+1] + " port=" + port + " path=" + cmd
}

func TestUsageMatchesOpenSSH(t *testing.T) {
	theirs, code := runOpenSSH(t, "scp", nil, t.TempDir())
	if theirs != Usage || code != 1 {
		t.Errorf("OpenSSH printed %q, exit %d", theirs, code)
	}
}
