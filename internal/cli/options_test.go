package cli

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	ab := []string{"a", "b"}
	tests := []struct {
		args []string
		want Options
	}{
		{[]string{"a", "b"}, Options{Operands: ab}},
		{[]string{"a", "b", "c"}, Options{Operands: []string{"a", "b", "c"}}},
		{[]string{"-rpq", "a", "b"}, Options{Recursive: true, Preserve: true, Quiet: true, SSHArgs: []string{"-q"}, Operands: ab}},
		{[]string{"-46ACBTv", "-v", "a", "b"}, Options{
			Batch: true, NoNameCheck: true, Verbose: 2,
			SSHArgs: []string{"-4", "-6", "-A", "-C", "-oBatchmode=yes", "-v", "-v"}, Operands: ab}},
		{[]string{"-3", "a", "b"}, Options{Operands: ab}},
		{[]string{"-3R", "a", "b"}, Options{RemoteDirect: true, Operands: ab}},
		{[]string{"-R", "-3", "a", "b"}, Options{Operands: ab}},
		{[]string{"-sO", "a", "b"}, Options{Operands: ab}},
		{[]string{"-Os", "a", "b"}, Options{SFTP: true, Operands: ab}},
		{[]string{"-2", "a", "b"}, Options{Operands: ab}},
		{[]string{"-oA=1", "-i", "k1", "-c", "aes", "-F", "cfg", "-o", "B=2", "-J", "j1", "-ik2", "-cchacha", "-Jj2", "a", "b"}, Options{
			Cipher: "chacha", ConfigFile: "cfg", Identities: []string{"k1", "k2"},
			SSHArgs:  []string{"-o", "A=1", "-i", "k1", "-c", "aes", "-F", "cfg", "-o", "B=2", "-J", "j1", "-i", "k2", "-c", "chacha", "-J", "j2"},
			Operands: ab}},
		{[]string{"-D", "/usr/lib/sftp-server", "-S", "myssh", "a", "b"}, Options{SFTPServer: "/usr/lib/sftp-server", Program: "myssh", Operands: ab}},
		{[]string{"-P2222", "a", "b"}, Options{Port: "2222", PortNum: 2222, Operands: ab}},
		{[]string{"-P", " +022", "a", "b"}, Options{Port: " +022", PortNum: 22, Operands: ab}},
		{[]string{"-P", "65535", "-P", "1", "a", "b"}, Options{Port: "1", PortNum: 1, Operands: ab}},
		{[]string{"-l", "1", "a", "b"}, Options{LimitKbps: 1, Operands: ab}},
		{[]string{"-l104857600", "a", "b"}, Options{LimitKbps: 104857600, Operands: ab}},
		{[]string{"-X", "buffer=256K", "-Xnrequests=262144", "-X", "buffer=1.5k", "a", "b"}, Options{
			SFTPOpts: []string{"buffer=256K", "nrequests=262144", "buffer=1.5k"}, Operands: ab}},
		{[]string{"-f", "x"}, Options{From: true, Operands: []string{"x"}}},
		{[]string{"-X", "resume", "-s", "a", "b"}, Options{SFTP: true, Resume: true, Operands: ab}},
		{[]string{"-Xatomic", "-s", "a", "b"}, Options{SFTP: true, Atomic: true, Operands: ab}},
		{[]string{"-t"}, Options{To: true}},
		{[]string{"-dt", "-vpr", "--", "-x"}, Options{TargetDir: true, To: true, Verbose: 1, Preserve: true, Recursive: true,
			SSHArgs: []string{"-v"}, Operands: []string{"-x"}}},
		{[]string{"-r", "--", "-a", "-b"}, Options{Recursive: true, Operands: []string{"-a", "-b"}}},
		{[]string{"-r", "a", "-p", "b"}, Options{Recursive: true, Operands: []string{"a", "-p", "b"}}},
		{[]string{"-", "-"}, Options{Operands: []string{"-", "-"}}},
		{[]string{"-r-", "b"}, Options{Recursive: true, Operands: []string{"-r-", "b"}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := ParseArgs("scp", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if got.Operands == nil {
				got.Operands = []string{}
			}
			if tt.want.Operands == nil {
				tt.want.Operands = []string{}
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// badArgs are the argument lists ParseArgs must refuse, with the exact scp 9.2 output for
// argv0 "scp" (TestParseArgsMatchesOpenSSH checks each against /usr/bin/scp).
var badArgs = []struct {
	args []string
	code int
	msg  string
}{
	{nil, 1, Usage},
	{[]string{"a"}, 1, Usage},
	{[]string{"-r", "a"}, 1, Usage},
	{[]string{"--", "a"}, 1, Usage},
	{[]string{"-r-"}, 1, Usage},
	{[]string{"-"}, 1, Usage},
	{[]string{"-2", "a"}, 1, Usage},
	{[]string{"-Z"}, 1, "scp: unknown option -- Z\r\n" + Usage},
	{[]string{"-rZp", "a", "b"}, 1, "scp: unknown option -- Z\r\n" + Usage},
	{[]string{"-r-x"}, 1, "scp: unknown option -- -\r\n" + Usage},
	{[]string{"---"}, 1, "scp: unknown option -- -\r\n" + Usage},
	{[]string{"-:"}, 1, "scp: unknown option -- :\r\n" + Usage},
	{[]string{"-\\"}, 1, "scp: unknown option -- \\\\\r\n" + Usage},
	{[]string{"-\x01"}, 1, "scp: unknown option -- \\001\r\n" + Usage},
	{[]string{"-é"}, 1, "scp: unknown option -- \\303\r\n" + Usage},
	{[]string{"-P"}, 1, "scp: option requires an argument -- P\r\n" + Usage},
	{[]string{"-rv", "-X"}, 1, "scp: option requires an argument -- X\r\n" + Usage},
	{[]string{"-M"}, 1, "scp: option requires an argument -- M\r\n" + Usage},
	{[]string{"-M", "x", "a", "b"}, 1, Usage},
	{[]string{"-1"}, 255, "scp: SSH protocol v.1 is no longer supported\r\n"},
	{[]string{"-r1", "a", "b"}, 255, "scp: SSH protocol v.1 is no longer supported\r\n"},
	{[]string{"-P", "0", "a", "b"}, 255, "scp: bad port \"0\"\n\r\n"},
	{[]string{"-P65536"}, 255, "scp: bad port \"65536\"\n\r\n"},
	{[]string{"-P", "-1"}, 255, "scp: bad port \"-1\"\n\r\n"},
	{[]string{"-P", ""}, 255, "scp: bad port \"\"\n\r\n"},
	{[]string{"-P", "22 "}, 255, "scp: bad port \"22 \"\n\r\n"},
	{[]string{"-P", "0x16"}, 255, "scp: bad port \"0x16\"\n\r\n"},
	{[]string{"-P", "SSH"}, 255, "scp: bad port \"SSH\"\n\r\n"},
	{[]string{"-P", "nosuchservice"}, 255, "scp: bad port \"nosuchservice\"\n\r\n"},
	{[]string{"-P", "a\\b"}, 255, "scp: bad port \"a\\\\b\"\n\r\n"},
	{[]string{"-P", "\x01é\x7f\t\x1b\r\b\a"}, 255, "scp: bad port \"\\001\\303\\251\\177\t\\033\r\b\a\"\n\r\n"},
	{[]string{"-P", strings.Repeat("x", 1100)}, 255, "scp: bad port \"" + strings.Repeat("x", 1023-len("scp: bad port \""))},
	{[]string{"-P", strings.Repeat("x", 1005)}, 255, "scp: bad port \"" + strings.Repeat("x", 1005) + "\"\n\r"},
	{[]string{"-P", strings.Repeat("\x01", 400)}, 255, "scp: bad port \"" + strings.Repeat("\\001", 252)},
	{[]string{"-l", "0", "a", "b"}, 1, Usage},
	{[]string{"-l", "104857601"}, 1, Usage},
	{[]string{"-l", "1k"}, 1, Usage},
	{[]string{"-l", ""}, 1, Usage},
	{[]string{"-l", "-5"}, 1, Usage},
	{[]string{"-X", "buffer=0"}, 255, "scp: Invalid buffer size \"0\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=262145"}, 255, "scp: Invalid buffer size \"262145\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=257K"}, 255, "scp: Invalid buffer size \"257K\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=1G"}, 255, "scp: Invalid buffer size \"1G\": Invalid argument\r\n"},
	{[]string{"-X", "buffer="}, 255, "scp: Invalid buffer size \"\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=1KB"}, 255, "scp: Invalid buffer size \"1KB\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=1x"}, 255, "scp: Invalid buffer size \"1x\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=1.2.3"}, 255, "scp: Invalid buffer size \"1.2.3\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=+-1"}, 255, "scp: Invalid buffer size \"+-1\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=-1K"}, 255, "scp: Invalid buffer size \"-1K\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=.1"}, 255, "scp: Invalid buffer size \".1\": Invalid argument\r\n"},
	{[]string{"-X", "buffer=99999999999999999999"}, 255, "scp: Invalid buffer size \"99999999999999999999\": Numerical result out of range\r\n"},
	{[]string{"-X", "buffer=000000000000000000001"}, 255, "scp: Invalid buffer size \"000000000000000000001\": Numerical result out of range\r\n"},
	{[]string{"-X", "buffer=9999999999E"}, 255, "scp: Invalid buffer size \"9999999999E\": Numerical result out of range\r\n"},
	{[]string{"-X", "buffer=" + strings.Repeat("\\", 600)}, 255, "scp: Invalid buffer size \"" + strings.Repeat("\\\\", 498) + "\\"},
	{[]string{"-X", "nrequests=0"}, 255, "scp: Invalid number of requests \"0\": too small\r\n"},
	{[]string{"-X", "nrequests=262145"}, 255, "scp: Invalid number of requests \"262145\": too large\r\n"},
	{[]string{"-X", "nrequests="}, 255, "scp: Invalid number of requests \"\": invalid\r\n"},
	{[]string{"-X", "nrequests=1 "}, 255, "scp: Invalid number of requests \"1 \": invalid\r\n"},
	{[]string{"-X", "nrequests=-99999999999999999999"}, 255, "scp: Invalid number of requests \"-99999999999999999999\": too small\r\n"},
	{[]string{"-X", "nrequests=99999999999999999999"}, 255, "scp: Invalid number of requests \"99999999999999999999\": too large\r\n"},
	{[]string{"-X", "foo"}, 255, "scp: Invalid -X option\r\n"},
	{[]string{"-X", "Buffer=1"}, 255, "scp: Invalid -X option\r\n"},
	{[]string{"-Xbuffer"}, 255, "scp: Invalid -X option\r\n"},
	// The first bad option decides.
	{[]string{"-l", "0", "-1"}, 1, Usage},
	{[]string{"-1", "-l", "0"}, 255, "scp: SSH protocol v.1 is no longer supported\r\n"},
	{[]string{"-Z", "-1"}, 1, "scp: unknown option -- Z\r\n" + Usage},
	{[]string{"-P", "0", "-Z"}, 255, "scp: bad port \"0\"\n\r\n"},
	{[]string{"-X", "foo", "-P", "0"}, 255, "scp: Invalid -X option\r\n"},
	{[]string{"-M", "x", "-1"}, 1, Usage},
}

func TestParseArgsErrors(t *testing.T) {
	for _, tt := range badArgs {
		t.Run(name(tt.args), func(t *testing.T) {
			code, msg := parseError(t, "scp", tt.args)
			if code != tt.code || msg != tt.msg {
				t.Errorf("got %d %q\nwant %d %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// TestParseArgsOwnXErrors covers the -X keys that are ours: OpenSSH
// knows none of them.
func TestParseArgsOwnXErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-X", "resume", "a", "b"}, 255, "scp: -X resume and -X atomic need SFTP mode (-s)\r\n"},
		{[]string{"-s", "-X", "atomic", "-O", "a", "b"}, 255, "scp: -X resume and -X atomic need SFTP mode (-s)\r\n"},
		{[]string{"-X", "Resume", "-s", "a", "b"}, 255, "scp: Invalid -X option\r\n"},
		{[]string{"-X", "atomic"}, 1, Usage},
		{[]string{"-s", "-X", "atomic", "-X", "resume", "a", "b"}, 255, "scp: -X resume and -X atomic cannot be combined\r\n"},
	} {
		t.Run(name(tt.args), func(t *testing.T) {
			code, msg := parseError(t, "scp", tt.args)
			if code != tt.code || msg != tt.msg {
				t.Errorf("got %d %q\nwant %d %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// parseError returns the status and message of the error ParseArgs must return for args.
func parseError(t *testing.T, argv0 string, args []string) (int, string) {
	t.Helper()
	opts, err := ParseArgs(argv0, args)
	var exit *ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("ParseArgs(%q) = %+v, %v; want an *ExitError", args, opts, err)
	}
	return exit.Code, exit.Message
}

func TestParseArgsArgv0(t *testing.T) {
	for _, argv0 := range []string{"/usr/bin/scp", "my scp", "/x/é", ""} {
		code, msg := parseError(t, argv0, []string{"-1"})
		if want := argv0 + ": SSH protocol v.1 is no longer supported\r\n"; code != 255 || msg != want {
			t.Errorf("argv0 %q: got %d %q, want %q", argv0, code, msg, want)
		}
	}
}

func TestExitErrorText(t *testing.T) {
	e := &ExitError{Code: 255, Message: "scp: bad port \"0\"\n\r\n"}
	if e.Error() != "scp: bad port \"0\"" {
		t.Errorf("Error() = %q", e.Error())
	}
}

// name makes a readable subtest name from an argument list.
func name(args []string) string {
	s := strings.Join(args, " ")
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	if s == "" {
		return "none"
	}
	return s
}

// FuzzParseArgs splits its input on NUL bytes (which no real argument contains) into an
// argument list and checks that ParseArgs never panics and keeps its contract.
func FuzzParseArgs(f *testing.F) {
	f.Add("-rp\x00-P\x002222\x00a\x00b")
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		opts, err := ParseArgs("scp", args)
		if err != nil {
			checkExitError(t, err)
			return
		}
		n := len(opts.Operands)
		if n < 2 && !opts.From && !opts.To {
			t.Fatalf("%q: accepted %d operands", args, n)
		}
		if n > len(args) || strings.Join(opts.Operands, "\x00") != strings.Join(args[len(args)-n:], "\x00") {
			t.Fatalf("%q: operands %q are not the tail of the arguments", args, opts.Operands)
		}
		if opts.Port != "" && (opts.PortNum < 1 || opts.PortNum > 65535) {
			t.Fatalf("%q: port %d", args, opts.PortNum)
		}
		if opts.LimitKbps < 0 || opts.LimitKbps > 100*1024*1024 {
			t.Fatalf("%q: limit %d", args, opts.LimitKbps)
		}
	})
}

func checkExitError(t *testing.T, err error) {
	t.Helper()
	var exit *ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("error %v is not an *ExitError", err)
	}
	switch {
	case exit.Code == 1 && strings.HasSuffix(exit.Message, Usage):
	case exit.Code == 255 && strings.HasPrefix(exit.Message, "scp: ") && !strings.Contains(exit.Message, Usage):
	default:
		t.Fatalf("bad exit error %d %q", exit.Code, exit.Message)
	}
	if len(exit.Message) > 1023+len(Usage) {
		t.Fatalf("message of %d bytes", len(exit.Message))
	}
}
