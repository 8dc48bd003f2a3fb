package scp

import (
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestPipelineSameAsSerial copies with a pipelined client against a serial
// peer, as the CLI does (a pipelined sink downloading from `scp -f`, a
// pipelined source uploading to `scp -t`), and requires the client's
// messages, its result and the tree written to be those of a serial copy.
func TestPipelineSameAsSerial(t *testing.T) {
	r := Options{Recursive: true}
	rp := Options{Recursive: true, Preserve: true}
	tests := []struct {
		name   string
		opt    Options
		paths  []string
		target string // "/out" if empty
		setup  func(m *memFS)
	}{
		{name: "files", paths: []string{"/t/f", "/t/nope", "/t/g", "/t/d", "/t/fifo"}},
		{name: "files with -p", opt: Options{Preserve: true}, paths: []string{"/t/f", "/t/suid", "/t/g"}},
		{name: "tree", opt: r, paths: []string{"/t/d", "/t/f"}},
		{name: "tree with -p", opt: rp, paths: []string{"/t/d", "/t/suid", "/t/stickydir"}},
		{name: "everything", opt: rp, paths: []string{"/t"}},
		{
			name: "file refused: a directory in its place", opt: r, paths: []string{"/t/d", "/t/g"},
			setup: func(m *memFS) { m.dir("/out/d/a") },
		},
		{
			name: "directory refused: a file in its place", opt: rp, paths: []string{"/t/d", "/t/f"},
			setup: func(m *memFS) { m.file("/out/d/sub", "x") },
		},
		{
			name: "mkdir fails", opt: r, paths: []string{"/t/d", "/t/g"},
			setup: func(m *memFS) { m.fail("mkdir", "/out/d", syscall.EACCES) },
		},
		{
			name: "refused directory holds unreadable files", opt: r, paths: []string{"/t/d", "/t/f"},
			setup: func(m *memFS) {
				m.fail("mkdir", "/out/d", syscall.EACCES)
				m.fail("read", "/t/d/a", syscall.EIO)
				m.fail("open", "/t/d/sub/c", syscall.EACCES)
			},
		},
		{
			name: "write fails", opt: r, paths: []string{"/t/d", "/t/f"},
			setup: func(m *memFS) { m.fail("write", "/out/d/a", syscall.ENOSPC) },
		},
		{
			name: "open for writing fails", paths: []string{"/t/f", "/t/g"},
			setup: func(m *memFS) { m.fail("open", "/out/f", syscall.EACCES) },
		},
		{
			name: "truncate, chmod and times fail", opt: rp, paths: []string{"/t/d"},
			setup: func(m *memFS) {
				m.fail("truncate", "/out/d/a", syscall.EPERM)
				m.fail("chmod", "/out/d/sub/c", syscall.EPERM)
				m.fail("chtimes", "/out/d/sub/c", syscall.EPERM)
			},
		},
		{
			name: "unreadable source files", opt: r, paths: []string{"/t/d", "/t/f", "/t/g"},
			setup: func(m *memFS) {
				m.fail("read", "/t/d/a", syscall.EIO)
				m.fail("readdir", "/t/d/sub", syscall.EIO)
				m.fail("open", "/t/f", syscall.EACCES)
			},
		},
		{
			name: "shrunk source file", paths: []string{"/t/f", "/t/g"},
			setup: func(m *memFS) { m.node("/t/f").extra = 5 },
		},
		{
			name: "-d to a file", opt: Options{TargetIsDir: true}, paths: []string{"/t/f"},
			setup: func(m *memFS) { m.file("/out", "x") },
		},
		{name: "several files to a new target", paths: []string{"/t/f", "/t/g"}, target: "/out/new"},
	}
	type outcome struct {
		msgs []string
		err  error
		tree []string
	}
	run := func(setup func(*memFS), paths []string, target string, sourceOpt, sinkOpt Options, sinkSide bool) outcome {
		m := sourceTree()
		m.dir("/out")
		if setup != nil {
			setup(m)
		}
		if target == "" {
			target = "/out"
		}
		srcMsgs, sinkMsgs, sendErr, recvErr := copyPiped(t, m, paths, target, sourceOpt, sinkOpt)
		if n := m.openHandles(); n != 0 {
			t.Errorf("%d files left open", n)
		}
		if sinkSide {
			return outcome{sinkMsgs, recvErr, m.dump("/")}
		}
		return outcome{srcMsgs, sendErr, m.dump("/")}
	}
	for _, tt := range tests {
		for _, side := range []string{"sink", "source"} {
			t.Run(tt.name+"/"+side, func(t *testing.T) {
				piped := tt.opt
				piped.Pipeline = true
				serial := run(tt.setup, tt.paths, tt.target, tt.opt, tt.opt, side == "sink")
				var got outcome
				if side == "sink" {
					got = run(tt.setup, tt.paths, tt.target, tt.opt, piped, true)
				} else {
					got = run(tt.setup, tt.paths, tt.target, piped, tt.opt, false)
				}
				if !slices.Equal(got.msgs, serial.msgs) {
					t.Errorf("messages\n%q\nserial\n%q", got.msgs, serial.msgs)
				}
				if !sameErr(got.err, serial.err) {
					t.Errorf("result %v, serial %v", got.err, serial.err)
				}
				if !slices.Equal(got.tree, serial.tree) {
					t.Errorf("tree\n%s\nserial\n%s", strings.Join(got.tree, "\n"), strings.Join(serial.tree, "\n"))
				}
			})
		}
	}
}

// TestReceivePipelinedAcks checks that a pipelined sink sends its replies
// ahead: all of them before the source's first record, topped up as used.
func TestReceivePipelinedAcks(t *testing.T) {
	files := strings.Repeat("C0644 1 a\nx\x00", 1500)
	out, msgs, err := runSink(newMemFS(), "/", Options{Pipeline: true}, files)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("err %v, msgs %q", err, msgs)
	}
	// 3000 replies used; the window is refilled whenever half is used.
	if strings.Trim(out, "\x00") != "" || len(out) < 3001 || len(out) > 3001+ackWindow {
		t.Errorf("%d bytes of replies", len(out))
	}
}

// TestSendPipelinedWaits checks which replies a pipelined source waits for:
// only those to C and D records, and warnings where a sink sends only \0 are
// messages of its own, after which the reply is still owed.
func TestSendPipelinedWaits(t *testing.T) {
	m := sourceTree()
	opt := Options{Recursive: true, Preserve: true, Pipeline: true}
	// Start, then for /t/d: T, D; a: T, C, data; empty: T, D, E; sub: T,
	// D; c: T, C, data; E (sub), with a warning of its own after it; E (d).
	acks := "\x00" + "\x00\x00" + "\x00\x00\x00" + "\x00\x00\x00" + "\x00\x00" + "\x00\x00\x00" +
		"\x00\x01scp: /out/d/sub: set times: Operation not permitted\n" + "\x00"
	out, msgs, err := runSource(m, []string{"/t/d"}, opt, acks)
	if !sameErr(err, ErrIncomplete) {
		t.Errorf("err %v", err)
	}
	if want := []string{"scp: /out/d/sub: set times: Operation not permitted"}; !slices.Equal(msgs, want) {
		t.Errorf("msgs %q", msgs)
	}
	if !strings.HasSuffix(out, "E\nE\n") {
		t.Errorf("records %q", out)
	}
}
