package scp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// runSink feeds in to Receive into target on fsys and returns the replies,
// the reported messages and the result.
func runSink(fsys FS, target string, opt Options, in string) (out string, msgs []string, err error) {
	var w bytes.Buffer
	opt.Report = func(m string) { msgs = append(msgs, m) }
	err = Receive(context.Background(), strings.NewReader(in), &w, fsys, target, opt)
	return w.String(), msgs, err
}

// sameErr reports whether got is want, or an error of the same type and
// text.
func sameErr(got, want error) bool {
	if want == nil || got == nil {
		return got == want
	}
	return errors.Is(got, want) ||
		reflect.TypeOf(got) == reflect.TypeOf(want) && got.Error() == want.Error()
}

func errProto(reason string) error { return &ProtocolError{Reason: reason} }
func errFatal(msg string) error    { return &RemoteError{Fatal: true, Msg: msg} }

type sinkTest struct {
	name   string
	opt    Options
	target string // "/t" if empty
	setup  func(m *memFS)
	in     string
	out    string
	err    error
	msgs   []string
	tree   []string // memFS.dump("/t") afterwards
	check  func(t *testing.T, m *memFS)
}

func TestReceive(t *testing.T) {
	r := Options{Recursive: true}
	p := Options{Preserve: true}
	rp := Options{Recursive: true, Preserve: true}
	big := strings.Repeat("0123456789abcdef", 40000) // 640000 bytes: three buffers
	tests := []sinkTest{
		{name: "initial ack then clean end", in: "", out: "\x00", tree: []string{"/t/ d0755"}},
		{
			name: "one file",
			in:   "C0644 3 a\nabc\x00",
			out:  "\x00\x00\x00",
			tree: []string{"/t/ d0755", `/t/a 0644 "abc"`},
		},
		{
			name: "files with spaces, empty and big",
			in:   "C0600 0 e\n\x00C0644 2 a  b \nhi\x00C0644 640000 big\n" + big + "\x00",
			out:  "\x00" + strings.Repeat("\x00\x00", 3),
			tree: []string{"/t/ d0755", `/t/a  b  0644 "hi"`, `/t/big 0644 "` + big + `"`, `/t/e 0600 ""`},
		},
		{
			name:   "target is a new file",
			target: "/t/new",
			in:     "C0644 3 a\nabc\x00",
			out:    "\x00\x00\x00",
			tree:   []string{"/t/ d0755", `/t/new 0644 "abc"`},
		},
		{
			name:   "several files to a new target: the last wins, truncated",
			target: "/t/new",
			in:     "C0644 5 a\nabcde\x00C0600 2 b\nxy\x00",
			out:    "\x00\x00\x00\x00\x00",
			tree:   []string{"/t/ d0755", `/t/new 0644 "xy"`},
		},
		{
			name:  "an existing longer file is truncated after writing",
			setup: func(m *memFS) { m.file("/t/a", "0123456789") },
			in:    "C0644 3 a\nabc\x00",
			out:   "\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0644 "abc"`},
			check: wantOps("openwrite /t/a 0644", "truncate /t/a 3"),
		},
		{
			name:  "an existing file keeps its mode without -p",
			setup: func(m *memFS) { m.add("/t/a", 0600, "old") },
			in:    "C0755 3 a\nnew\x00",
			out:   "\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0600 "new"`},
		},
		{
			name:  "an existing file gets the mode with -p",
			opt:   p,
			setup: func(m *memFS) { m.add("/t/a", 0600, "old") },
			in:    "C4755 3 a\nnew\x00",
			out:   "\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 4755 "new"`},
		},
		{
			name: "umask and setuid, setgid, sticky stripped without -p",
			in:   "C0777 0 a\n\x00C0666 0 b\n\x00C4755 0 c\n\x00C2755 0 d\n\x00C1777 0 e\n\x00C7000 0 f\n\x00",
			out:  "\x00" + strings.Repeat("\x00\x00", 6),
			tree: []string{"/t/ d0755", `/t/a 0755 ""`, `/t/b 0644 ""`, `/t/c 0755 ""`, `/t/d 0755 ""`, `/t/e 0755 ""`, `/t/f 0000 ""`},
		},
		{
			name: "modes kept exactly with -p",
			opt:  p,
			in:   "C0777 0 a\n\x00C0666 0 b\n\x00C4755 0 c\n\x00C2755 0 d\n\x00C1777 0 e\n\x00C7000 0 f\n\x00",
			out:  "\x00" + strings.Repeat("\x00\x00", 6),
			tree: []string{"/t/ d0755", `/t/a 0777 ""`, `/t/b 0666 ""`, `/t/c 4755 ""`, `/t/d 2755 ""`, `/t/e 1777 ""`, `/t/f 7000 ""`},
		},
		{
			name:  "a new read-only file is created writable, then given its mode",
			in:    "C0444 1 a\nx\x00",
			out:   "\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0444 "x"`},
			check: wantOps("openwrite /t/a 0644", "truncate /t/a 1", "fchmod /t/a 0444"),
		},
		{
			name:  "umask 077",
			setup: func(m *memFS) { m.umask = 077 },
			in:    "C0666 1 a\nx\x00C0555 1 b\ny\x00",
			out:   "\x00\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0600 "x"`, `/t/b 0500 "y"`},
		},
		{
			name:  "T applied even without -p, mode then times",
			in:    "T1000000000 0 1000000001 0\nC0644 1 a\nx\x00C0644 1 b\ny\x00",
			out:   "\x00\x00\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0644 "x"`, `/t/b 0644 "y"`},
			check: all(wantTimes("/t/a", 1000000001, 1000000000), wantTimes("/t/b", memEpoch.Unix(), memEpoch.Unix())),
		},
		{
			name:  "T with -p: mode, then times",
			opt:   p,
			in:    "T1000000000 0 1000000001 0\nC0640 1 a\nx\x00",
			out:   "\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0640 "x"`},
			check: wantOps("openwrite /t/a 0640", "truncate /t/a 1", "fchmod /t/a 0640", "chtimes /t/a 1000000001 1000000000"),
		},
		{
			name:  "T out of range ignored",
			in:    "T99999999999999999999 0 1 0\nC0644 1 a\nx\x00",
			out:   "\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", `/t/a 0644 "x"`},
			check: wantTimes("/t/a", memEpoch.Unix(), memEpoch.Unix()),
		},
		{
			name: "T then E: dropped",
			opt:  r,
			in:   "D0755 0 d\nT1 0 1 0\nE\nC0644 1 a\nx\x00",
			out:  "\x00\x00\x00\x00\x00\x00",
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`, "/t/d/ d0755"},
			check: all(wantTimes("/t/a", memEpoch.Unix(), memEpoch.Unix()),
				wantTimes("/t/d", memEpoch.Unix(), memEpoch.Unix())),
		},

		// Names.
		{name: `empty name`, in: "C0644 1 \nx\x00", out: "\x00\x01scp: error: unexpected filename: \n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: "}, tree: []string{"/t/ d0755"}},
		{name: `name "."`, in: "C0644 1 .\nx\x00", out: "\x00\x01scp: error: unexpected filename: .\n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: ."}, tree: []string{"/t/ d0755"}},
		{name: `name ".."`, in: "C0644 1 ..\nx\x00", out: "\x00\x01scp: error: unexpected filename: ..\n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: .."}, tree: []string{"/t/ d0755"}},
		{
			name:  `name "a/b" into an existing a`,
			setup: func(m *memFS) { m.dir("/t/a") },
			in:    "C0644 1 a/b\nx\x00C0644 1 c\ny\x00",
			out:   "\x00\x01scp: error: unexpected filename: a/b\n",
			err:   ErrIncomplete,
			msgs:  []string{"error: unexpected filename: a/b"},
			tree:  []string{"/t/ d0755", "/t/a/ d0755"},
			check: wantOps(),
		},
		{name: `name "/etc/passwd"`, in: "C0644 1 /etc/passwd\nx\x00", out: "\x00\x01scp: error: unexpected filename: /etc/passwd\n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: /etc/passwd"}, tree: []string{"/t/ d0755"}},
		{name: `D named ".."`, opt: r, in: "D0755 0 ..\nC0644 1 x\nx\x00E\n", out: "\x00\x01scp: error: unexpected filename: ..\n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: .."}, tree: []string{"/t/ d0755"}, check: wantOps()},
		{name: `D named "."`, opt: rp, in: "T1 0 1 0\nD0777 0 .\nE\n", out: "\x00\x00\x01scp: error: unexpected filename: .\n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: ."}, tree: []string{"/t/ d0755"}, check: wantOps()},
		{name: `D named ""`, opt: r, in: "D0755 0 \nE\n", out: "\x00\x01scp: error: unexpected filename: \n", err: ErrIncomplete, msgs: []string{"error: unexpected filename: "}, tree: []string{"/t/ d0755"}},
		{
			name: "a name with a NUL is cut there, as by OpenSSH",
			in:   "C0644 1 a\x00/../../etc\nx\x00",
			out:  "\x00\x00\x00",
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`},
		},

		// Local failures: one reply per file, and the stream stays in sync.
		{
			name:  "open failure, next file received",
			setup: func(m *memFS) { m.fail("open", "/t/a", syscall.EACCES) },
			in:    "C0644 3 a\nC0644 2 b\nxy\x00",
			out:   "\x00\x01scp: /t/a: Permission denied\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: Permission denied"},
			tree:  []string{"/t/ d0755", `/t/b 0644 "xy"`},
		},
		{
			name:   "target with a trailing slash",
			target: "/t/",
			setup:  func(m *memFS) { m.fail("open", "/t/a", syscall.EACCES) },
			in:     "C0644 3 a\n",
			out:    "\x00\x01scp: /t//a: Permission denied\n",
			err:    ErrIncomplete,
			msgs:   []string{"/t//a: Permission denied"},
			tree:   []string{"/t/ d0755"},
		},
		{
			name:  "C over a directory",
			setup: func(m *memFS) { m.dir("/t/a") },
			in:    "C0644 3 a\nC0644 2 b\nxy\x00",
			out:   "\x00\x01scp: /t/a: Is a directory\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: Is a directory"},
			tree:  []string{"/t/ d0755", "/t/a/ d0755", `/t/b 0644 "xy"`},
		},
		{
			name:  "write failure drains the data, reports once, skips truncate and times",
			setup: func(m *memFS) { m.file("/t/a", "old contents"); m.fail("write", "/t/a", syscall.ENOSPC) },
			in:    "T1 0 1 0\nC0644 640000 a\n" + big + "\x00C0644 2 b\nxy\x00",
			out:   "\x00\x00\x00\x01scp: /t/a: No space left on device\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: No space left on device"},
			tree:  []string{"/t/ d0755", `/t/a 0644 "old contents"`, `/t/b 0644 "xy"`},
			check: all(wantOps("openwrite /t/a 0644", "openwrite /t/b 0644", "truncate /t/b 2"), wantTimes("/t/a", memEpoch.Unix(), memEpoch.Unix())),
		},
		{
			name:  "truncate failure",
			setup: func(m *memFS) { m.fail("truncate", "/t/a", syscall.EIO) },
			in:    "C0644 1 a\nx\x00",
			out:   "\x00\x00\x01scp: /t/a: truncate: Input/output error\n",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: truncate: Input/output error"},
			tree:  []string{"/t/ d0755", `/t/a 0644 "x"`},
		},
		{
			name:  "set mode failure with -p",
			opt:   p,
			setup: func(m *memFS) { m.fail("chmod", "/t/a", syscall.EPERM) },
			in:    "C0600 1 a\nx\x00",
			out:   "\x00\x00\x01scp: /t/a: set mode: Operation not permitted\n",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: set mode: Operation not permitted"},
			tree:  []string{"/t/ d0755", `/t/a 0600 "x"`},
		},
		{
			name:  "close failure",
			setup: func(m *memFS) { m.fail("close", "/t/a", syscall.EIO) },
			in:    "C0644 1 a\nx\x00",
			out:   "\x00\x00\x01scp: /t/a: close: Input/output error\n",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: close: Input/output error"},
			tree:  []string{"/t/ d0755", `/t/a 0644 "x"`},
		},
		{
			name:  "set times failure",
			setup: func(m *memFS) { m.fail("chtimes", "/t/a", syscall.EPERM) },
			in:    "T1 0 1 0\nC0644 1 a\nx\x00C0644 1 b\ny\x00",
			out:   "\x00\x00\x00\x01scp: /t/a: set times: Operation not permitted\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/a: set times: Operation not permitted"},
			tree:  []string{"/t/ d0755", `/t/a 0644 "x"`, `/t/b 0644 "y"`},
		},
		{
			name: "only the first of several failures is sent",
			opt:  p,
			setup: func(m *memFS) {
				m.fail("truncate", "/t/a", syscall.EIO)
				m.fail("chmod", "/t/a", syscall.EPERM)
				m.fail("close", "/t/a", syscall.EIO)
				m.fail("chtimes", "/t/a", syscall.EPERM)
			},
			in:   "T1 0 1 0\nC0644 1 a\nx\x00",
			out:  "\x00\x00\x00\x01scp: /t/a: truncate: Input/output error\n",
			err:  ErrIncomplete,
			msgs: []string{"/t/a: truncate: Input/output error"},
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`},
		},

		// Directories.
		{
			name: "D without -r",
			in:   "D0755 0 d\nE\n",
			out:  "\x00\x01scp: protocol error: received directory without -r\n",
			err:  errProto("received directory without -r"),
			msgs: []string{"protocol error: received directory without -r"},
			tree: []string{"/t/ d0755"},
		},
		{
			name: "D with -r",
			opt:  r,
			in:   "D0755 0 d\nC0644 1 f\nx\x00D0700 0 e\nE\nE\nC0644 1 g\ny\x00",
			out:  "\x00" + "\x00" + "\x00\x00" + "\x00\x00" + "\x00" + "\x00\x00",
			tree: []string{"/t/ d0755", "/t/d/ d0755", "/t/d/e/ d0700", `/t/d/f 0644 "x"`, `/t/g 0644 "y"`},
		},
		{
			name:  "new directory created with mode|0700, mode set at E",
			opt:   r,
			in:    "D0555 0 d\nC0444 1 f\nx\x00E\n",
			out:   "\x00\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", "/t/d/ d0555", `/t/d/f 0444 "x"`},
			check: wantOps("mkdir /t/d 0755", "openwrite /t/d/f 0644", "truncate /t/d/f 1", "fchmod /t/d/f 0444", "chmod /t/d 0555"),
		},
		{
			name: "directory modes without -p: umask, no sticky or setgid",
			opt:  r,
			in:   "D1777 0 a\nE\nD2775 0 b\nE\n",
			out:  "\x00\x00\x00\x00\x00",
			tree: []string{"/t/ d0755", "/t/a/ d0755", "/t/b/ d0755"},
		},
		{
			name: "directory modes with -p",
			opt:  rp,
			in:   "D1777 0 a\nE\nD2775 0 b\nE\n",
			out:  "\x00\x00\x00\x00\x00",
			tree: []string{"/t/ d0755", "/t/a/ d1777", "/t/b/ d2775"},
		},
		{
			name:  "existing directory keeps its mode without -p",
			opt:   r,
			setup: func(m *memFS) { m.add("/t/d", fs.ModeDir|0700, "") },
			in:    "D0755 0 d\nE\n",
			out:   "\x00\x00\x00",
			tree:  []string{"/t/ d0755", "/t/d/ d0700"},
			check: wantOps(),
		},
		{
			name:  "existing directory with -p: mode set at once",
			opt:   rp,
			setup: func(m *memFS) { m.add("/t/d", fs.ModeDir|0700, "") },
			in:    "T1000000000 0 1000000001 0\nD0750 0 d\nC0644 1 f\nx\x00E\n",
			out:   "\x00\x00\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", "/t/d/ d0750", `/t/d/f 0644 "x"`},
			check: all(wantOps("chmod /t/d 0750", "openwrite /t/d/f 0644", "truncate /t/d/f 1", "fchmod /t/d/f 0644", "chtimes /t/d 1000000001 1000000000", "chmod /t/d 0750"), wantTimes("/t/d", 1000000001, 1000000000)),
		},
		{
			name:  "T before D applied at E without -p, then the mode of a new directory",
			opt:   r,
			in:    "T1000000000 0 1000000001 0\nD0755 0 d\nE\n",
			out:   "\x00\x00\x00\x00",
			tree:  []string{"/t/ d0755", "/t/d/ d0755"},
			check: all(wantOps("mkdir /t/d 0755", "chtimes /t/d 1000000001 1000000000", "chmod /t/d 0755"), wantTimes("/t/d", 1000000001, 1000000000)),
		},
		{
			name:  "D over an existing regular file",
			opt:   r,
			setup: func(m *memFS) { m.file("/t/d", "file") },
			in:    "D0755 0 d\nC0644 1 g\nx\x00",
			out:   "\x00\x01scp: /t/d: Not a directory\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/d: Not a directory"},
			tree:  []string{"/t/ d0755", `/t/d 0644 "file"`, `/t/g 0644 "x"`},
		},
		{
			name:  "mkdir failure",
			opt:   r,
			setup: func(m *memFS) { m.fail("mkdir", "/t/d", syscall.EACCES) },
			in:    "D0755 0 d\nC0644 1 g\nx\x00",
			out:   "\x00\x01scp: /t/d: Permission denied\n\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/d: Permission denied"},
			tree:  []string{"/t/ d0755", `/t/g 0644 "x"`},
		},
		{
			name: "E at the top level ends the copy",
			in:   "E\nC0644 1 a\nx\x00",
			out:  "\x00\x00",
			tree: []string{"/t/ d0755"},
		},

		// -d.
		{
			name:   "-d on a missing target",
			opt:    Options{TargetIsDir: true},
			target: "/nope",
			in:     "C0644 1 a\nx\x00",
			out:    "\x01scp: /nope: No such file or directory\n",
			err:    ErrIncomplete,
			msgs:   []string{"/nope: No such file or directory"},
			tree:   []string{"/t/ d0755"},
		},
		{
			name:   "-d on a file",
			opt:    Options{TargetIsDir: true},
			target: "/t/f",
			setup:  func(m *memFS) { m.file("/t/f", "") },
			in:     "C0644 1 a\nx\x00",
			out:    "\x01scp: /t/f: Not a directory\n",
			err:    ErrIncomplete,
			msgs:   []string{"/t/f: Not a directory"},
			tree:   []string{"/t/ d0755", `/t/f 0644 ""`},
		},
		{
			name: "-d on a directory",
			opt:  Options{TargetIsDir: true, Recursive: true},
			in:   "D0755 0 d\nC0644 1 a\nx\x00E\n",
			out:  "\x00\x00\x00\x00\x00",
			tree: []string{"/t/ d0755", "/t/d/ d0755", `/t/d/a 0644 "x"`},
		},

		// Garbage and protocol errors.
		{
			name: "first record garbage is reported as the raw line",
			in:   "No match.\n",
			out:  "\x00\x01scp: No match.\n",
			err:  ErrIncomplete,
			msgs: []string{"No match."},
			tree: []string{"/t/ d0755"},
		},
		{
			name: "first record garbage in a directory too",
			opt:  r,
			in:   "D0755 0 d\nWelcome!\n",
			out:  "\x00\x00\x01scp: Welcome!\n",
			err:  ErrIncomplete,
			msgs: []string{"Welcome!"},
			tree: []string{"/t/ d0755", "/t/d/ d0755"},
		},
		{
			name: "garbage after a T",
			in:   "T1 0 1 0\nNo match.\n",
			out:  "\x00\x00\x01scp: protocol error: expected control record\n",
			err:  errProto("expected control record"),
			msgs: []string{"protocol error: expected control record"},
			tree: []string{"/t/ d0755"},
		},
		{
			name: "later garbage",
			in:   "C0644 1 a\nx\x00garbage\n",
			out:  "\x00\x00\x00\x01scp: protocol error: expected control record\n",
			err:  errProto("expected control record"),
			msgs: []string{"protocol error: expected control record"},
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`},
		},
		{name: "newline", in: "\n", out: "\x00\x01scp: protocol error: unexpected <newline>\n", err: errProto("unexpected <newline>"), msgs: []string{"protocol error: unexpected <newline>"}, tree: []string{"/t/ d0755"}},
		{name: "bad mode", in: "C0944 1 a\nx\x00", out: "\x00\x01scp: protocol error: bad mode\n", err: errProto("bad mode"), msgs: []string{"protocol error: bad mode"}, tree: []string{"/t/ d0755"}},
		{name: "size out of range", in: "C0644 9223372036854775808 a\n", out: "\x00\x01scp: protocol error: size out of range\n", err: errProto("size out of range"), msgs: []string{"protocol error: size out of range"}, tree: []string{"/t/ d0755"}},
		{name: "bad T", in: "T1 0 1\n", out: "\x00\x01scp: protocol error: atime.sec not delimited\n", err: errProto("atime.sec not delimited"), msgs: []string{"protocol error: atime.sec not delimited"}, tree: []string{"/t/ d0755"}},
		{
			name: "a record of MaxLine bytes",
			in:   "C0644 1 " + strings.Repeat("n", MaxLine-8) + "\nx\x00",
			out:  "\x00\x00\x00",
			tree: []string{"/t/ d0755", "/t/" + strings.Repeat("n", MaxLine-8) + ` 0644 "x"`},
		},
		{
			name: "a record longer than MaxLine",
			in:   "C0644 1 " + strings.Repeat("n", MaxLine-7) + "\nx\x00",
			out:  "\x00\x01scp: protocol error: control record longer than 8192 bytes\n",
			err:  errProto("control record longer than 8192 bytes"),
			msgs: []string{"protocol error: control record longer than 8192 bytes"},
			tree: []string{"/t/ d0755"},
		},
		{
			name: "a status line longer than MaxLine",
			in:   "C0644 1 a\nx\x01" + strings.Repeat("n", MaxLine+1) + "\n",
			out:  "\x00\x00",
			err:  errProto("control record longer than 8192 bytes"),
			msgs: []string{"protocol error: control record longer than 8192 bytes"},
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`},
		},

		// Messages from the source.
		{
			name: "\\1 records are reported and counted, not answered",
			in:   "\x01scp: x: No such file or directory\nC0644 1 a\nx\x00\x01scp: y: not a regular file\n",
			out:  "\x00\x00\x00",
			err:  ErrIncomplete,
			msgs: []string{"scp: x: No such file or directory", "scp: y: not a regular file"},
			tree: []string{"/t/ d0755", `/t/a 0644 "x"`},
		},
		{
			name: "\\2 ends the copy",
			in:   "\x02scp: fatal\nC0644 1 a\nx\x00",
			out:  "\x00",
			err:  errFatal("scp: fatal"),
			msgs: []string{"scp: fatal"},
			tree: []string{"/t/ d0755"},
		},
		{
			name:  "the source's warning after the data: file kept, times applied",
			in:    "T1 0 2 0\nC0644 3 a\nab\x00\x01scp: a: Broken pipe\n",
			out:   "\x00\x00\x00\x00",
			err:   ErrIncomplete,
			msgs:  []string{"scp: a: Broken pipe"},
			tree:  []string{"/t/ d0755", `/t/a 0644 "ab\x00"`},
			check: wantTimes("/t/a", 2, 1),
		},
		{
			name: "garbage status after the data ends at once",
			in:   "C0644 3 a\nabcXYZ",
			out:  "\x00\x00",
			err:  errFatal("XYZ"),
			msgs: []string{"XYZ"},
			tree: []string{"/t/ d0755", `/t/a 0644 "abc"`},
		},

		// The end of the stream.
		{
			name: "EOF inside a record",
			in:   "C0644 3 a",
			out:  "\x00\x01scp: protocol error: lost connection\n",
			err:  ErrLostConnection,
			msgs: []string{"protocol error: lost connection"},
			tree: []string{"/t/ d0755"},
		},
		{
			name: "EOF in the data",
			in:   "C0644 10 a\nabc",
			out:  "\x00\x00",
			err:  ErrLostConnection,
			msgs: []string{"lost connection"},
			tree: []string{"/t/ d0755", `/t/a 0644 "abc"`},
		},
		{
			name: "EOF before the source's status",
			in:   "C0644 3 a\nabc",
			out:  "\x00\x00",
			err:  ErrLostConnection,
			msgs: []string{"lost connection"},
			tree: []string{"/t/ d0755", `/t/a 0644 "abc"`},
		},
		{
			name: "EOF inside a directory",
			opt:  r,
			in:   "D0555 0 d\nC0644 1 f\nx\x00",
			out:  "\x00\x00\x00\x00",
			err:  ErrLostConnection,
			msgs: []string{"lost connection"},
			tree: []string{"/t/ d0755", "/t/d/ d0755", `/t/d/f 0644 "x"`},
		},
		{
			name: "EOF at the top level after a directory",
			opt:  r,
			in:   "D0755 0 d\nE\n",
			out:  "\x00\x00\x00",
			tree: []string{"/t/ d0755", "/t/d/ d0755"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemFS()
			m.dir("/t")
			if tt.setup != nil {
				tt.setup(m)
			}
			m.ops = nil
			target := tt.target
			if target == "" {
				target = "/t"
			}
			out, msgs, err := runSink(m, target, tt.opt, tt.in)
			if out != tt.out {
				t.Errorf("replies\n%q\nwant\n%q", out, tt.out)
			}
			if !sameErr(err, tt.err) {
				t.Errorf("error %#v (%v); want %v", err, err, tt.err)
			}
			if !slices.Equal(msgs, tt.msgs) {
				t.Errorf("messages %q; want %q", msgs, tt.msgs)
			}
			if got := m.dump("/t"); !slices.Equal(got, tt.tree) {
				t.Errorf("tree\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.tree, "\n"))
			}
			if n := m.openHandles(); n != 0 {
				t.Errorf("%d files left open", n)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// wantOps checks the memFS's log of changes.
func wantOps(ops ...string) func(*testing.T, *memFS) {
	return func(t *testing.T, m *memFS) {
		t.Helper()
		if got := m.opsLog(); !slices.Equal(got, ops) {
			t.Errorf("ops\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(ops, "\n"))
		}
	}
}

// wantTimes checks a node's atime and mtime.
func wantTimes(name string, atime, mtime int64) func(*testing.T, *memFS) {
	return func(t *testing.T, m *memFS) {
		t.Helper()
		n := m.node(name)
		if n == nil {
			t.Errorf("%s missing", name)
			return
		}
		if n.atime.Unix() != atime || n.mtime.Unix() != mtime {
			t.Errorf("%s: atime %d mtime %d; want %d %d", name, n.atime.Unix(), n.mtime.Unix(), atime, mtime)
		}
	}
}

func all(checks ...func(*testing.T, *memFS)) func(*testing.T, *memFS) {
	return func(t *testing.T, m *memFS) {
		for _, c := range checks {
			c(t, m)
		}
	}
}

func TestServe(t *testing.T) {
	tests := []struct {
		name  string
		role  Role
		paths []string
		in    string
		out   string
		err   error
	}{
		{name: "ambiguous target", role: RoleSink, paths: []string{"/t/a", "/t/b"}, in: "C0644 1 a\nx\x00", out: "\x01scp: ambiguous target\n", err: ErrIncomplete},
		{name: "no target", role: RoleSink, in: "", out: "\x01scp: ambiguous target\n", err: ErrIncomplete},
		{name: "sink", role: RoleSink, paths: []string{"/t"}, in: "C0644 1 a\nx\x00", out: "\x00\x00\x00"},
		{name: "source", role: RoleSource, paths: []string{"/t/f"}, in: "\x00\x00\x00", out: "C0644 2 f\nhi\x00"},
		{name: "source of nothing", role: RoleSource, in: "\x00", out: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemFS()
			m.file("/t/f", "hi")
			var w bytes.Buffer
			err := Serve(context.Background(), strings.NewReader(tt.in), &w, m, tt.role, tt.paths, Options{})
			if w.String() != tt.out {
				t.Errorf("wrote %q; want %q", w.String(), tt.out)
			}
			if !sameErr(err, tt.err) {
				t.Errorf("error %v; want %v", err, tt.err)
			}
		})
	}
}

func TestReceiveCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := newMemFS()
	m.dir("/t")
	var w bytes.Buffer
	err := Receive(ctx, strings.NewReader("C0644 1 a\nx\x00"), &w, m, "/t", Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
	if m.node("/t/a") != nil {
		t.Error("a file was written after the context was canceled")
	}
}

// recordingProgress logs Progress calls.
type recordingProgress struct{ calls []string }

func (p *recordingProgress) Start(name string, size int64) {
	p.calls = append(p.calls, "start "+name+" "+itoa(size))
}
func (p *recordingProgress) Add(n int64) { p.calls = append(p.calls, "add "+itoa(n)) }
func (p *recordingProgress) Finish()     { p.calls = append(p.calls, "finish") }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReceiveProgress(t *testing.T) {
	m := newMemFS()
	m.dir("/t")
	var prog recordingProgress
	big := strings.Repeat("x", dataBufSize+1)
	_, _, err := runSink(m, "/t/new", Options{Progress: &prog}, "C0644 3 a\nabc\x00C0644 "+itoa(int64(len(big)))+" b\n"+big+"\x00")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"start a 3", "add 3", "finish", "start b 262145", "add 262144", "add 1", "finish"}
	if !slices.Equal(prog.calls, want) {
		t.Errorf("progress calls %q; want %q", prog.calls, want)
	}
}

// TestReceiveFlushes checks that the sink's replies reach a peer that waits
// for each one before it writes more, as OpenSSH's source does.
func TestReceiveFlushes(t *testing.T) {
	m := newMemFS()
	m.dir("/t")
	toSink, fromPeer := io.Pipe()
	fromSink, toPeer := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Receive(context.Background(), toSink, toPeer, m, "/t", Options{})
		toPeer.Close()
	}()
	replies := make([]byte, 1)
	for _, step := range []string{"", "T1 0 1 0\n", "C0644 1 a\n", "x\x00"} {
		if step != "" {
			if _, err := fromPeer.Write([]byte(step)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := io.ReadFull(fromSink, replies); err != nil || replies[0] != 0 {
			t.Fatalf("after %q: reply %q, %v", step, replies, err)
		}
	}
	fromPeer.Close()
	if err := <-done; err != nil {
		t.Errorf("Receive: %v", err)
	}
	if rest, _ := io.ReadAll(fromSink); len(rest) != 0 {
		t.Errorf("extra replies %q", rest)
	}
	if n := m.node("/t/a"); n == nil || n.mtime.Unix() != 1 {
		t.Errorf("file a: %+v", n)
	}
}

// failWriter is a peer that has stopped reading.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestReceivePeerGone: once replies cannot be sent, nothing more is written
// to disk.
func TestReceivePeerGone(t *testing.T) {
	m := newMemFS()
	m.dir("/t")
	var msgs []string
	opt := Options{Report: func(s string) { msgs = append(msgs, s) }}
	err := Receive(context.Background(), strings.NewReader("C0644 1 a\nx\x00C0644 1 b\ny\x00"), failWriter{}, m, "/t", opt)
	if !errors.Is(err, ErrLostConnection) {
		t.Errorf("error %v; want lost connection", err)
	}
	if got := m.dump("/t"); !slices.Equal(got, []string{"/t/ d0755"}) {
		t.Errorf("tree %q", got)
	}
	if !slices.Equal(msgs, []string{"lost connection"}) {
		t.Errorf("messages %q", msgs)
	}
}

// TestReceiveSourceGoneAtStart: a source that failed at its start (a
// remote scp that refused its options) may be gone before the first reply
// reaches it. As OpenSSH's sink, a lockstep one then says nothing: the
// remote's exit status tells.
func TestReceiveSourceGoneAtStart(t *testing.T) {
	m := newMemFS()
	m.dir("/t")
	var msgs []string
	opt := Options{Report: func(s string) { msgs = append(msgs, s) }}
	if err := Receive(context.Background(), strings.NewReader(""), failWriter{}, m, "/t", opt); err != nil {
		t.Errorf("error %v", err)
	}
	if len(msgs) != 0 {
		t.Errorf("messages %q", msgs)
	}
}

func TestSendPeerGone(t *testing.T) {
	m := sourceTree()
	var msgs []string
	opt := Options{Report: func(s string) { msgs = append(msgs, s) }}
	err := Send(context.Background(), strings.NewReader("\x00\x00\x00\x00\x00"), failWriter{}, m, []string{"/t/f", "/t/g"}, opt)
	if !errors.Is(err, ErrLostConnection) || !slices.Equal(msgs, []string{"lost connection"}) {
		t.Errorf("error %v, messages %q; want lost connection once", err, msgs)
	}
	if n := m.openHandles(); n != 0 {
		t.Errorf("%d files left open", n)
	}
}
