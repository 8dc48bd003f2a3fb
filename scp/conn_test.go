package scp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// repeat returns n copies of msg.
func repeat(msg string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = msg
	}
	return s
}

// TestReceiveMaxShown: past MaxShown messages in one copy only their number
// is reported, at the end; each still counts as an error and still gets its
// reply; a message that ends the copy is always shown.
func TestReceiveMaxShown(t *testing.T) {
	const denied = "/t/x: Permission denied"
	refused := strings.Repeat("C0644 0 x\n", MaxShown+2)
	replies := "\x00" + strings.Repeat("\x01scp: "+denied+"\n", MaxShown+2)
	tests := []struct {
		name string
		in   string
		out  string
		err  error
		msgs []string
	}{
		{
			name: "exactly MaxShown: all shown, no count",
			in:   strings.Repeat("C0644 0 x\n", MaxShown),
			out:  "\x00" + strings.Repeat("\x01scp: "+denied+"\n", MaxShown),
			err:  ErrIncomplete,
			msgs: repeat(denied, MaxShown),
		},
		{
			name: "one more: its count",
			in:   strings.Repeat("C0644 0 x\n", MaxShown+1),
			out:  "\x00" + strings.Repeat("\x01scp: "+denied+"\n", MaxShown+1),
			err:  ErrIncomplete,
			msgs: append(repeat(denied, MaxShown), "scp: 1 more error not shown"),
		},
		{
			name: "two more, then a good file",
			in:   refused + "C0644 1 y\nz\x00",
			out:  replies + "\x00\x00",
			err:  ErrIncomplete,
			msgs: append(repeat(denied, MaxShown), "scp: 2 more errors not shown"),
		},
		{
			name: "the peer's warnings count too",
			in:   refused + "\x01scp: remote trouble\n",
			out:  replies,
			err:  ErrIncomplete,
			msgs: append(repeat(denied, MaxShown), "scp: 3 more errors not shown"),
		},
		{
			name: "a protocol error after the bound is shown",
			in:   refused + "X\n",
			out:  replies + "\x01scp: protocol error: expected control record\n",
			err:  errProto("expected control record"),
			msgs: append(repeat(denied, MaxShown), "protocol error: expected control record", "scp: 2 more errors not shown"),
		},
		{
			name: "the peer's fatal error after the bound is shown",
			in:   refused + "\x02scp: remote gave up\n",
			out:  replies,
			err:  errFatal("scp: remote gave up"),
			msgs: append(repeat(denied, MaxShown), "scp: remote gave up", "scp: 2 more errors not shown"),
		},
		{
			name: "a name outside the target after the bound is shown",
			in:   refused + "C0644 0 ../x\n",
			out:  replies + "\x01scp: error: unexpected filename: ../x\n",
			err:  ErrAborted,
			msgs: append(repeat(denied, MaxShown), "error: unexpected filename: ../x", "scp: 2 more errors not shown"),
		},
		{
			name: "the end of the stream inside a record after the bound is shown",
			in:   refused + "C0644 0 x",
			out:  replies + "\x01scp: protocol error: lost connection\n",
			err:  ErrLostConnection,
			msgs: append(repeat(denied, MaxShown), "protocol error: lost connection", "scp: 2 more errors not shown"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemFS()
			m.dir("/t")
			m.fail("open", "/t/x", syscall.EACCES)
			out, msgs, err := runSink(m, "/t", Options{}, tt.in)
			if out != tt.out {
				i := firstDiff(out, tt.out)
				t.Errorf("replies differ at byte %d of %d (want %d): %.80q, want %.80q", i, len(out), len(tt.out), out[i:], tt.out[i:])
			}
			if !sameErr(err, tt.err) {
				t.Errorf("error %v; want %v", err, tt.err)
			}
			if !slices.Equal(msgs, tt.msgs) {
				t.Errorf("%d messages ending %q; want %d ending %q", len(msgs), tail(msgs), len(tt.msgs), tail(tt.msgs))
			}
		})
	}
}

// tail is the last few messages of s.
func tail(s []string) []string { return s[max(0, len(s)-3):] }

// firstDiff is the offset of the first byte where a and b differ.
func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// TestReceiveMaxShownDeep is the hostile stream that made OpenSSH print
// hundreds of megabytes: D records nested until the path is refused, each
// further one refused with a message as long as the path.
func TestReceiveMaxShownDeep(t *testing.T) {
	const levels, records = 5, 3000
	m := newMemFS()
	m.dir("/t")
	deepest := "/t" + strings.Repeat("/d", levels)
	m.fail("mkdir", deepest, syscall.ENAMETOOLONG)
	_, msgs, err := runSink(m, "/t", Options{Recursive: true}, strings.Repeat("D0755 0 d\n", records))
	if !errors.Is(err, ErrLostConnection) {
		t.Errorf("error %v; want lost connection (no E records)", err)
	}
	refused := records - levels + 1
	want := append(repeat(deepest+": File name too long", MaxShown), "lost connection",
		fmt.Sprintf("scp: %d more errors not shown", refused-MaxShown))
	if !slices.Equal(msgs, want) {
		t.Errorf("%d messages ending %q; want %d ending %q", len(msgs), tail(msgs), len(want), tail(want))
	}
}

// TestSendMaxShown: the source's own errors and the sink's replies are
// bounded the same way; every one counts.
func TestSendMaxShown(t *testing.T) {
	m := sourceTree()
	paths := repeat("/t/missing", MaxShown+5)
	paths = append(paths, "/t/f")
	out, msgs, err := runSource(m, paths, Options{}, "\x00\x01scp: no room\n\x00")
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("error %v; want ErrIncomplete", err)
	}
	want := append(repeat("/t/missing: No such file or directory", MaxShown), "scp: 6 more errors not shown")
	if !slices.Equal(msgs, want) {
		t.Errorf("%d messages ending %q; want %d ending %q", len(msgs), tail(msgs), len(want), tail(want))
	}
	if n := strings.Count(out, "\x01scp: /t/missing: No such file or directory\n"); n != MaxShown+5 {
		t.Errorf("%d warnings sent to the peer; want %d", n, MaxShown+5)
	}
}

// endlessData is a peer that announces a huge file and sends its data for
// ever, like an SSH channel holding a full window. It cancels the copy once
// it has sent limit bytes and counts the reads asked of it after that.
type endlessData struct {
	head   string
	sent   int
	limit  int
	cancel context.CancelFunc
	late   int
}

func (e *endlessData) Read(p []byte) (int, error) {
	if e.sent >= e.limit {
		e.late++
		e.cancel()
		return 0, io.EOF
	}
	n := copy(p, e.head)
	e.head = e.head[n:]
	clear(p[n:])
	n = min(len(p), e.limit-e.sent)
	e.sent += n
	if e.sent >= e.limit {
		e.cancel()
	}
	return n, nil
}

// TestReceiveCanceledMidFile: once the context is done the sink reads
// nothing more, although the peer has more data ready, and says nothing.
func TestReceiveCanceledMidFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	peer := &endlessData{head: "C0644 1073741824 f\n", limit: 1 << 20, cancel: cancel}
	m := newMemFS()
	m.dir("/t")
	var w bytes.Buffer
	var msgs []string
	err := Receive(ctx, peer, &w, m, "/t", Options{Report: func(s string) { msgs = append(msgs, s) }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
	if peer.late != 0 {
		t.Errorf("%d reads after the copy was canceled", peer.late)
	}
	if len(msgs) != 0 || w.String() != "\x00\x00" {
		t.Errorf("messages %q, replies %q; want none, and the two \\0 before the data", msgs, w.String())
	}
}

// cancelingWriter cancels the copy once limit bytes were written and counts
// the writes after that.
type cancelingWriter struct {
	n, limit int
	cancel   context.CancelFunc
	late     int
}

func (c *cancelingWriter) Write(p []byte) (int, error) {
	if c.n >= c.limit {
		c.late++
	}
	c.n += len(p)
	if c.n >= c.limit {
		c.cancel()
	}
	return len(p), nil
}

// TestSendCanceledMidFile: once the context is done the source writes
// nothing more and says nothing.
func TestSendCanceledMidFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := newMemFS()
	m.file("/big", strings.Repeat("x", 8<<20))
	w := &cancelingWriter{limit: 1 << 20, cancel: cancel}
	var msgs []string
	err := Send(ctx, strings.NewReader("\x00\x00"), w, m, []string{"/big"}, Options{Report: func(s string) { msgs = append(msgs, s) }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
	if w.late != 0 || w.n >= 2<<20 {
		t.Errorf("%d writes, %d bytes in all, after the copy was canceled at 1 MiB", w.late, w.n)
	}
	if len(msgs) != 0 {
		t.Errorf("messages %q; want none", msgs)
	}
	if n := m.openHandles(); n != 0 {
		t.Errorf("%d files left open", n)
	}
}
