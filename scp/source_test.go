package scp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runSource runs Send of paths on fsys against scripted replies and returns
// what it wrote, the reported messages and the result.
func runSource(fsys FS, paths []string, opt Options, acks string) (out string, msgs []string, err error) {
	var w bytes.Buffer
	opt.Report = func(m string) { msgs = append(msgs, m) }
	err = Send(context.Background(), strings.NewReader(acks), &w, fsys, paths, opt)
	return w.String(), msgs, err
}

// sourceTree is the memFS the Send tests read from.
func sourceTree() *memFS {
	m := newMemFS()
	m.clock = time.Unix(1000000000, 0)
	m.file("/t/f", "hi")
	m.file("/t/g", "x")
	m.dir("/t/d")
	m.file("/t/d/a", "aa")
	m.add("/t/d/sub", fs.ModeDir|0700, "")
	m.add("/t/d/sub/c", 0600, "c")
	m.dir("/t/d/empty")
	m.add("/t/suid", 0755|fs.ModeSetuid, "s")
	m.add("/t/sticky", 0755|fs.ModeSticky|fs.ModeSetgid, "s")
	m.add("/t/stickydir", fs.ModeDir|0777|fs.ModeSticky, "")
	m.add("/t/fifo", fs.ModeNamedPipe|0644, "")
	m.add("/t/dev", fs.ModeDevice|fs.ModeCharDevice|0666, "")
	m.add("/t/sock", fs.ModeSocket|0755, "")
	m.file("/t/a\nb", "n")
	m.dir("/t/" + strings.Repeat("L", 1500))
	return m
}

func TestSend(t *testing.T) {
	r := Options{Recursive: true}
	p := Options{Preserve: true}
	tests := []struct {
		name  string
		opt   Options
		setup func(m *memFS)
		paths []string
		acks  string
		out   string
		err   error
		msgs  []string
	}{
		{name: "no first ack", paths: []string{"/t/f"}, acks: "", out: "", err: ErrLostConnection, msgs: []string{"lost connection"}},
		{name: "\\1 as the first ack", paths: []string{"/t/f"}, acks: "\x01scp: ambiguous target\n", out: "", err: ErrIncomplete, msgs: []string{"scp: ambiguous target"}},
		{name: "one file", paths: []string{"/t/f"}, acks: "\x00\x00\x00", out: "C0644 2 f\nhi\x00"},
		{name: "several files", paths: []string{"/t/f", "/t/g"}, acks: "\x00\x00\x00\x00\x00", out: "C0644 2 f\nhi\x00C0644 1 g\nx\x00"},
		{name: "EOF before the final reply", paths: []string{"/t/f", "/t/g"}, acks: "\x00\x00", out: "C0644 2 f\nhi\x00", err: ErrLostConnection, msgs: []string{"lost connection"}},
		{
			name:  "-p sends T before C",
			opt:   p,
			paths: []string{"/t/f"},
			acks:  "\x00\x00\x00\x00",
			out:   "T1000000000 0 1000000000 0\nC0644 2 f\nhi\x00",
		},
		{
			name:  "\\1 reply to C skips the data",
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x01scp: /x/f: Permission denied\n\x00\x00",
			out:   "C0644 2 f\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"scp: /x/f: Permission denied"},
		},
		{
			name:  "\\1 reply to T skips the file",
			opt:   p,
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x01no\n\x00\x00\x00",
			out:   "T1000000000 0 1000000000 0\nT1000000000 0 1000000000 0\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"no"},
		},
		{
			name:  "\\1 as the final reply is counted",
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x00\x01scp: /x/f: No space left on device\n\x00\x00",
			out:   "C0644 2 f\nhi\x00C0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"scp: /x/f: No space left on device"},
		},
		{
			name:  "\\2 ends the copy",
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x02scp: fatal\n\x00\x00",
			out:   "C0644 2 f\n",
			err:   errFatal("scp: fatal"),
			msgs:  []string{"scp: fatal"},
		},
		{
			name:  "a status byte other than 0, 1 or 2 ends the copy",
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00Welcome to host\n\x00\x00",
			out:   "C0644 2 f\n",
			err:   errFatal("Welcome to host"),
			msgs:  []string{"Welcome to host"},
		},
		{
			name:  "a file that shrank is padded and reported",
			setup: func(m *memFS) { m.node("/t/f").extra = 5 },
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x00\x00\x00\x00",
			out:   "C0644 7 f\nhi\x00\x00\x00\x00\x00\x01scp: /t/f: Broken pipe\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/f: Broken pipe"},
		},
		{
			name:  "a read error is padded and reported",
			setup: func(m *memFS) { m.fail("read", "/t/f", syscall.EIO) },
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x00\x00\x00\x00",
			out:   "C0644 2 f\n\x00\x00\x01scp: /t/f: Input/output error\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/f: Input/output error"},
		},
		{
			name:  "missing file: reported, no reply awaited",
			paths: []string{"/t/nope", "/t/f"},
			acks:  "\x00\x00\x00",
			out:   "\x01scp: /t/nope: No such file or directory\nC0644 2 f\nhi\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/nope: No such file or directory"},
		},
		{
			name:  "open failure",
			setup: func(m *memFS) { m.fail("open", "/t/f", syscall.EACCES) },
			paths: []string{"/t/f", "/t/g"},
			acks:  "\x00\x00\x00",
			out:   "\x01scp: /t/f: Permission denied\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"/t/f: Permission denied"},
		},
		{
			name:  "not regular files",
			paths: []string{"/t/fifo", "/t/dev", "/t/sock", "/t/d", "/t/g"},
			acks:  "\x00\x00\x00",
			out: "\x01scp: /t/fifo: not a regular file\n\x01scp: /t/dev: not a regular file\n" +
				"\x01scp: /t/sock: not a regular file\n\x01scp: /t/d: not a regular file\nC0644 1 g\nx\x00",
			err:  ErrIncomplete,
			msgs: []string{"/t/fifo: not a regular file", "/t/dev: not a regular file", "/t/sock: not a regular file", "/t/d: not a regular file"},
		},
		{
			name:  "-r",
			opt:   r,
			paths: []string{"/t/d"},
			acks:  strings.Repeat("\x00", 12),
			out:   "D0755 0 d\nC0644 2 a\naa\x00D0755 0 empty\nE\nD0700 0 sub\nC0600 1 c\nc\x00E\nE\n",
		},
		{
			name:  "-r -p",
			opt:   Options{Recursive: true, Preserve: true},
			paths: []string{"/t/d/sub"},
			acks:  strings.Repeat("\x00", 7),
			out:   "T1000000000 0 1000000000 0\nD0700 0 sub\nT1000000000 0 1000000000 0\nC0600 1 c\nc\x00E\n",
		},
		{
			name:  "\\1 reply to D skips the tree",
			opt:   r,
			paths: []string{"/t/d", "/t/g"},
			acks:  "\x00\x01scp: /x/d: Not a directory\n\x00\x00",
			out:   "D0755 0 d\nC0644 1 g\nx\x00",
			err:   ErrIncomplete,
			msgs:  []string{"scp: /x/d: Not a directory"},
		},
		{
			name:  "\\1 reply inside a tree: the rest of it is sent",
			opt:   r,
			paths: []string{"/t/d"},
			acks:  "\x00\x00\x01scp: a: nope\n" + strings.Repeat("\x00", 9),
			out:   "D0755 0 d\nC0644 2 a\nD0755 0 empty\nE\nD0700 0 sub\nC0600 1 c\nc\x00E\nE\n",
			err:   ErrIncomplete,
			msgs:  []string{"scp: a: nope"},
		},
		{
			name:  "readdir failure ends the directory",
			opt:   r,
			setup: func(m *memFS) { m.fail("readdir", "/t/d/sub", syscall.EIO) },
			paths: []string{"/t/d/sub"},
			acks:  "\x00\x00\x00",
			out:   "D0700 0 sub\n\x01scp: /t/d/sub: Input/output error\nE\n",
			err:   ErrIncomplete,
			msgs:  []string{"/t/d/sub: Input/output error"},
		},
		{
			name:  "trailing slashes stripped",
			opt:   r,
			paths: []string{"/t/d/empty///", "/t/f/"},
			acks:  "\x00\x00\x00\x00\x00",
			out:   "D0755 0 empty\nE\nC0644 2 f\nhi\x00",
		},
		{
			name:  "modes: setuid and setgid sent, sticky dropped",
			opt:   r,
			paths: []string{"/t/suid", "/t/sticky", "/t/stickydir"},
			acks:  strings.Repeat("\x00", 7),
			out:   "C4755 1 suid\ns\x00C2755 1 sticky\ns\x00D0777 0 stickydir\nE\n",
		},
		{
			name:  "a name with a newline is vis-encoded",
			paths: []string{"/t/a\nb", "/t/x\ny"},
			acks:  "\x00\x00\x00",
			out:   "C0644 1 a\\^Jb\nn\x00\x01scp: /t/x\\^Jy: No such file or directory\n",
			err:   ErrIncomplete,
			msgs:  []string{`/t/x\^Jy: No such file or directory`},
		},
		{
			name:  "a long directory name is cut at 1024 bytes",
			opt:   r,
			paths: []string{"/t/" + strings.Repeat("L", 1500)},
			acks:  "\x00\x00\x00",
			out:   "D0755 0 " + strings.Repeat("L", 1024) + "\nE\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sourceTree()
			if tt.setup != nil {
				tt.setup(m)
			}
			before := m.dump("/")
			out, msgs, err := runSource(m, tt.paths, tt.opt, tt.acks)
			if out != tt.out {
				t.Errorf("wrote\n%q\nwant\n%q", out, tt.out)
			}
			if !sameErr(err, tt.err) {
				t.Errorf("error %#v (%v); want %v", err, err, tt.err)
			}
			if !slices.Equal(msgs, tt.msgs) {
				t.Errorf("messages %q; want %q", msgs, tt.msgs)
			}
			if n := m.openHandles(); n != 0 {
				t.Errorf("%d files left open", n)
			}
			if !slices.Equal(m.dump("/"), before) || len(m.opsLog()) != 0 {
				t.Error("Send changed the tree")
			}
		})
	}
}

// firstReadChecker fails the test if anything was written before the first
// read from the peer.
type firstReadChecker struct {
	t    *testing.T
	r    io.Reader
	w    *bytes.Buffer
	read bool
}

func (c *firstReadChecker) Read(p []byte) (int, error) {
	if !c.read && c.w.Len() != 0 {
		c.t.Errorf("wrote %q before reading the first reply", c.w.String())
	}
	c.read = true
	return c.r.Read(p)
}

func TestSendWaitsForFirstAck(t *testing.T) {
	var w bytes.Buffer
	r := &firstReadChecker{t: t, r: strings.NewReader("\x00\x00\x00"), w: &w}
	if err := Send(context.Background(), r, &w, sourceTree(), []string{"/t/f"}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !r.read || w.String() != "C0644 2 f\nhi\x00" {
		t.Errorf("read %v, wrote %q", r.read, w.String())
	}
}

// TestSendBadStatusNoHang has the peer send a status byte other than 0, 1
// or 2 and then keep the connection open: Send must end at once.
func TestSendBadStatusNoHang(t *testing.T) {
	for _, reply := range []string{"X", "Welcome", "\x03", "\x01no newline"} {
		t.Run(reply, func(t *testing.T) {
			fromPeer, toSource := io.Pipe()
			fromSource, toPeer := io.Pipe()
			defer toSource.Close()
			go io.Copy(io.Discard, fromSource)
			done := make(chan error, 1)
			go func() {
				done <- Send(context.Background(), fromPeer, toPeer, sourceTree(), []string{"/t/f"}, Options{})
				toPeer.Close()
			}()
			if _, err := toSource.Write([]byte("\x00")); err != nil {
				t.Fatal(err)
			}
			if _, err := toSource.Write([]byte(reply)); err != nil {
				t.Fatal(err)
			}
			if reply[0] == 1 {
				// A \1 line is a real status: it needs its newline.
				toSource.Close()
				if err := <-done; !errors.Is(err, ErrLostConnection) {
					t.Errorf("error %v; want lost connection", err)
				}
				return
			}
			var re *RemoteError
			if err := <-done; !errors.As(err, &re) || !re.Fatal || re.Msg != reply {
				t.Errorf("error %#v; want fatal remote error %q", err, reply)
			}
		})
	}
}

func TestSendDebugAndProgress(t *testing.T) {
	var debug []string
	var prog recordingProgress
	opt := Options{Recursive: true, Preserve: true, Progress: &prog, Debug: func(m string) { debug = append(debug, m) }}
	out, _, err := runSource(sourceTree(), []string{"/t/d/sub"}, opt, strings.Repeat("\x00", 7))
	if err != nil {
		t.Fatal(err, out)
	}
	wantDebug := []string{
		"File mtime 1000000000 atime 1000000000",
		"Sending file timestamps: T1000000000 0 1000000000 0",
		"Entering directory: D0700 0 sub",
		"File mtime 1000000000 atime 1000000000",
		"Sending file timestamps: T1000000000 0 1000000000 0",
		"Sending file modes: C0600 1 c",
	}
	if !slices.Equal(debug, wantDebug) {
		t.Errorf("debug lines\n%s\nwant\n%s", strings.Join(debug, "\n"), strings.Join(wantDebug, "\n"))
	}
	if want := []string{"start c 1", "add 1", "finish"}; !slices.Equal(prog.calls, want) {
		t.Errorf("progress %q; want %q", prog.calls, want)
	}
}

func TestSendCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var w bytes.Buffer
	err := Send(ctx, strings.NewReader("\x00\x00\x00"), &w, sourceTree(), []string{"/t/f"}, Options{})
	if !errors.Is(err, context.Canceled) || w.Len() != 0 {
		t.Errorf("error %v, wrote %q; want context.Canceled and nothing", err, w.String())
	}
}

// TestCopyLocal runs Send and Receive against each other.
func TestCopyLocal(t *testing.T) {
	tests := []struct {
		name   string
		opt    Options
		paths  []string
		target string
		err    error
		msgs   []string
		tree   []string
	}{
		{
			name:   "files",
			paths:  []string{"/t/f", "/t/nope", "/t/g", "/t/d"},
			target: "/out",
			err:    ErrIncomplete,
			msgs:   []string{"source: /t/nope: No such file or directory", "source: /t/d: not a regular file", "sink: scp: /t/nope: No such file or directory", "sink: scp: /t/d: not a regular file"},
			tree:   []string{"/out/ d0755", `/out/f 0644 "hi"`, `/out/g 0644 "x"`},
		},
		{
			name:   "tree with -p",
			opt:    Options{Recursive: true, Preserve: true},
			paths:  []string{"/t/d", "/t/suid"},
			target: "/out",
			tree: []string{"/out/ d0755", "/out/d/ d0755", `/out/d/a 0644 "aa"`, "/out/d/empty/ d0755",
				"/out/d/sub/ d0700", `/out/d/sub/c 0600 "c"`, `/out/suid 4755 "s"`},
		},
		{
			name:   "-d to a missing target",
			opt:    Options{TargetIsDir: true},
			paths:  []string{"/t/f"},
			target: "/none",
			err:    ErrIncomplete,
			msgs:   []string{"source: scp: /none: No such file or directory", "sink: /none: No such file or directory"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sourceTree()
			m.dir("/out")
			msgs, sendErr, recvErr := copyLocal(t, m, tt.paths, tt.target, tt.opt)
			if !sameErr(sendErr, tt.err) || !sameErr(recvErr, tt.err) {
				t.Errorf("errors %v, %v; want %v", sendErr, recvErr, tt.err)
			}
			if !slices.Equal(msgs, tt.msgs) {
				t.Errorf("messages\n%q\nwant\n%q", msgs, tt.msgs)
			}
			if got := m.dump("/out"); tt.tree != nil && !slices.Equal(got, tt.tree) {
				t.Errorf("tree\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.tree, "\n"))
			}
			if tt.opt.Preserve {
				for _, name := range []string{"/out/d", "/out/d/a", "/out/d/sub/c"} {
					if mt := m.node(name).mtime; !mt.Equal(time.Unix(1000000000, 0)) {
						t.Errorf("%s mtime %v", name, mt)
					}
				}
			}
		})
	}
}
