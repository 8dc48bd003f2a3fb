package scp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fileProgress sums Progress calls per file: "name size: added" for each
// file, "(open)" while it is not finished. Safe for the relay's two
// goroutines.
type fileProgress struct {
	mu     sync.Mutex
	files  []string
	name   string
	size   int64
	added  int64
	active bool
	bad    []string // calls out of order, or bytes beyond a file's size
}

func (p *fileProgress) Start(name string, size int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.active {
		p.bad = append(p.bad, "start of "+name+" before the end of "+p.name)
	}
	p.name, p.size, p.added, p.active = name, size, 0, true
}

func (p *fileProgress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.active || n <= 0 || p.added+n > p.size {
		p.bad = append(p.bad, fmt.Sprintf("add %d to %q (%d of %d, active %v)", n, p.name, p.added, p.size, p.active))
	}
	p.added += n
}

func (p *fileProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.active {
		p.bad = append(p.bad, "finish without start")
	}
	p.active = false
	p.files = append(p.files, fmt.Sprintf("%s %d: %d", p.name, p.size, p.added))
}

func (p *fileProgress) result() (files, bad []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	files = slices.Clone(p.files)
	if p.active {
		files = append(files, p.name+" (open)")
	}
	return files, slices.Clone(p.bad)
}

// relayLocal runs Send and Receive with each side's bytes passing through
// a RelayWatch on their way, as the client's -3 relay passes them, and
// returns the messages the watch picked out: "source: …", then "sink: …".
func relayLocal(fsys FS, paths []string, target string, opt Options, p Progress) []string {
	srcOutR, srcOutW := io.Pipe()
	srcInR, srcInW := io.Pipe()
	snkOutR, snkOutW := io.Pipe()
	snkInR, snkInW := io.Pipe()
	var srcMsgs, snkMsgs []string
	w := NewRelayWatch(p, func(m string) { srcMsgs = append(srcMsgs, "source: "+m) },
		func(m string) { snkMsgs = append(snkMsgs, "sink: "+m) })
	var wg sync.WaitGroup
	wg.Go(func() {
		Receive(context.Background(), snkInR, snkOutW, fsys, target, opt)
		snkOutW.Close()
		snkInR.Close()
	})
	wg.Go(func() {
		io.Copy(snkInW, io.TeeReader(srcOutR, w.Source()))
		snkInW.Close()
		srcOutR.Close()
	})
	wg.Go(func() {
		io.Copy(srcInW, io.TeeReader(snkOutR, w.Sink()))
		srcInW.Close()
	})
	Send(context.Background(), srcInR, srcOutW, fsys, paths, opt)
	srcOutW.Close()
	srcInR.Close()
	wg.Wait()
	w.Close()
	return append(srcMsgs, snkMsgs...)
}

func TestRelayWatchLive(t *testing.T) {
	big := strings.Repeat("b", dataBufSize+5)
	tests := []struct {
		name   string
		opt    Options
		paths  []string
		setup  func(m *memFS)
		files  []string
		msgs   []string
		copied []string // files of /out and their content
	}{
		{
			name:   "tree",
			opt:    Options{Recursive: true, Preserve: true},
			paths:  []string{"/s/d"},
			files:  []string{"a 2: 2", fmt.Sprintf("big %d: %d", len(big), len(big)), "empty 0: 0", "c 1: 1"},
			copied: []string{"/out/d/a=aa", "/out/d/big=" + big, "/out/d/empty=", "/out/d/sub/c=c"},
		},
		{
			name:  "failures on both sides",
			paths: []string{"/s/nope", "/s/f", "/s/g", "/s/h"},
			setup: func(m *memFS) {
				m.fail("open", "/out/f", syscall.EACCES)
				m.fail("read", "/s/g", syscall.EIO)
			},
			files: []string{"g 3: 3", "h 1: 1"},
			msgs: []string{"source: scp: /s/nope: No such file or directory", "source: scp: /s/g: Input/output error",
				"sink: scp: /out/f: Permission denied"},
			copied: []string{"/out/h=h"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemFS()
			m.file("/s/d/a", "aa")
			m.file("/s/d/big", big)
			m.file("/s/d/empty", "")
			m.file("/s/d/sub/c", "c")
			m.file("/s/f", "ff")
			m.file("/s/g", "ggg")
			m.file("/s/h", "h")
			m.dir("/out")
			if tt.setup != nil {
				tt.setup(m)
			}
			var p fileProgress
			msgs := relayLocal(m, tt.paths, "/out", tt.opt, &p)
			files, bad := p.result()
			if !slices.Equal(files, tt.files) || len(bad) > 0 {
				t.Errorf("meter files %q (bad calls %q); want %q", files, bad, tt.files)
			}
			if !slices.Equal(msgs, tt.msgs) {
				t.Errorf("messages %q; want %q", msgs, tt.msgs)
			}
			for _, c := range tt.copied {
				name, content, _ := strings.Cut(c, "=")
				if n := m.node(name); n == nil || string(n.data) != content {
					t.Errorf("%s not copied intact", name)
				}
			}
		})
	}
}

// relayStep is what one side sends in a scripted relay.
type relayStep struct {
	sink bool
	b    string
}

func src(b string) relayStep { return relayStep{b: b} }
func snk(b string) relayStep { return relayStep{sink: true, b: b} }

func TestRelayWatchScripted(t *testing.T) {
	long := strings.Repeat("x", MaxLine-1)
	tests := []struct {
		name     string
		steps    []relayStep
		files    []string
		msgs     []string
		bytewise []string // msgs when fed byte by byte, if they differ
	}{
		{
			name:  "one file",
			steps: []relayStep{snk("\x00"), src("C0644 5 a.txt\n"), snk("\x00"), src("hello\x00"), snk("\x00")},
			files: []string{"a.txt 5: 5"},
		},
		{
			name: "directory, times, empty file",
			steps: []relayStep{snk("\x00"), src("D0755 0 d\n"), snk("\x00"), src("T1 0 1 0\n"), snk("\x00"),
				src("C0600 0 e\n"), snk("\x00"), src("\x00"), snk("\x00"), src("E\n"), snk("\x00")},
			files: []string{"e 0: 0"},
		},
		{
			name: "file refused by the sink",
			steps: []relayStep{snk("\x00"), src("C0644 5 a\n"), snk("\x01scp: a: Permission denied\n"),
				src("C0644 2 b\n"), snk("\x00"), src("hi\x00"), snk("\x00")},
			files: []string{"b 2: 2"},
			msgs:  []string{"sink: scp: a: Permission denied"},
		},
		{
			name:  "read error after the data",
			steps: []relayStep{snk("\x00"), src("C0644 4 r\n"), snk("\x00"), src("ab\x00\x00\x01scp: r: Input/output error\n"), snk("\x00"), src("C0644 1 s\n"), snk("\x00"), src("s\x00")},
			files: []string{"r 4: 4", "s 1: 1"},
			msgs:  []string{"source: scp: r: Input/output error"},
		},
		{
			name:  "source messages",
			steps: []relayStep{snk("\x00"), src("\x01scp: /x: No such file or directory\n\x02" + long + "\n")},
			msgs:  []string{"source: scp: /x: No such file or directory", "source: " + long}, // a line of MaxLine bytes
		},
		{
			name:  "sink fatal",
			steps: []relayStep{snk("\x02scp: ambiguous target\n")},
			msgs:  []string{"sink: scp: ambiguous target"},
		},
		{
			name:  "NUL in a record",
			steps: []relayStep{snk("\x00"), src("C0644 1 a\x00junk\n"), snk("\x00"), src("a\x00")},
			files: []string{"a 1: 1"},
		},
		{
			name:  "data cut short",
			steps: []relayStep{snk("\x00"), src("C0644 10 f\n"), snk("\x00"), src("abc")},
			files: []string{"f 10: 3"},
		},
		{
			name:  "garbage from the source",
			steps: []relayStep{snk("\x00"), src("Welcome to the host\n"), src("C0644 1 a\n"), snk("\x00"), src("a\x00")},
		},
		{
			name:  "bad record size",
			steps: []relayStep{snk("\x00"), src("C0644 99999999999999999999 a\n"), snk("\x00"), src("a\x00")},
		},
		{
			name:  "bad status byte after the data",
			steps: []relayStep{snk("\x00"), src("C0644 1 a\n"), snk("\x00"), src("a\x05"), src("C0644 1 b\n"), snk("\x00"), src("b\x00")},
			files: []string{"a 1: 1"},
		},
		{
			name:  "data before the sink's reply",
			steps: []relayStep{snk("\x00"), src("C0644 3 a\nabc"), snk("\x00"), src("\x00")},
		},
		{
			name:  "garbage from the sink",
			steps: []relayStep{snk("\x00X"), src("C0644 1 a\n"), snk("\x00\x01scp: unseen\n"), src("a\x00")},
			msgs:  []string{"sink: X"},
		},
		{
			name:     "shell banner from the sink",
			steps:    []relayStep{snk("Welcome to far\r\nLast login: never\n")},
			msgs:     []string{"sink: Welcome to far\r"},
			bytewise: []string{"sink: W"}, // all that had come
		},
		{
			name:  "over-long line from the source",
			steps: []relayStep{snk("\x00"), src("\x01" + long + "xx\n"), src("C0644 1 a\n"), snk("\x00"), src("a\x00")},
		},
		{
			name:  "over-long message from the sink",
			steps: []relayStep{snk("\x00\x01" + long + "xx\n"), snk("\x01scp: unseen\n")},
		},
	}
	for _, tt := range tests {
		for _, split := range []bool{false, true} {
			name := tt.name
			if split {
				name += "/byte by byte"
			}
			t.Run(name, func(t *testing.T) {
				var p fileProgress
				var msgs []string
				w := NewRelayWatch(&p, func(m string) { msgs = append(msgs, "source: "+m) },
					func(m string) { msgs = append(msgs, "sink: "+m) })
				for _, s := range tt.steps {
					to := w.Source()
					if s.sink {
						to = w.Sink()
					}
					for _, chunk := range splitBytes(s.b, split) {
						if n, err := to.Write(chunk); n != len(chunk) || err != nil {
							t.Fatalf("Write = %d, %v", n, err)
						}
					}
				}
				w.Close()
				files, bad := p.result()
				if !slices.Equal(files, tt.files) || len(bad) > 0 {
					t.Errorf("meter files %q (bad calls %q); want %q", files, bad, tt.files)
				}
				want := tt.msgs
				if split && tt.bytewise != nil {
					want = tt.bytewise
				}
				if !slices.Equal(msgs, want) {
					t.Errorf("messages %q; want %q", msgs, want)
				}
			})
		}
	}
}

// splitBytes is s whole, or one byte at a time.
func splitBytes(s string, split bool) [][]byte {
	if !split {
		return [][]byte{[]byte(s)}
	}
	var out [][]byte
	for i := range len(s) {
		out = append(out, []byte{s[i]})
	}
	return out
}

// TestRelayWatchBounded sends a line of 64 MiB without a newline from each
// side: the watch stops following it and holds no more than MaxLine bytes.
func TestRelayWatchBounded(t *testing.T) {
	w := NewRelayWatch(nil, nil, nil)
	chunk := bytes.Repeat([]byte("y"), 64<<10)
	w.Sink().Write([]byte{1})
	for range 1024 {
		w.Source().Write(chunk)
		w.Sink().Write(chunk)
		if len(w.srcLine) > MaxLine || len(w.snkLine) > MaxLine {
			t.Fatalf("holding %d and %d bytes", len(w.srcLine), len(w.snkLine))
		}
	}
	if w.src != stopped || w.snk != stopped || w.srcLine != nil || w.snkLine != nil {
		t.Errorf("still watching: states %d, %d; holding %d and %d bytes", w.src, w.snk, cap(w.srcLine), cap(w.snkLine))
	}
}

// FuzzRelayWatch feeds arbitrary bytes from both sides, interleaved in
// chunks of n+1 bytes: the watch never panics or fails a write, keeps the
// meter's calls in order and within each file's size, and never holds more
// than MaxLine bytes of a line.
func FuzzRelayWatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, source, sink []byte, n uint8) {
		var p fileProgress
		w := NewRelayWatch(&p, func(m string) {
			if len(m) > MaxLine {
				t.Fatalf("source message of %d bytes", len(m))
			}
		}, func(m string) {
			if len(m) > MaxLine {
				t.Fatalf("sink message of %d bytes", len(m))
			}
		})
		step := int(n) + 1
		for len(source) > 0 || len(sink) > 0 {
			for _, side := range []struct {
				b  *[]byte
				to io.Writer
			}{{&sink, w.Sink()}, {&source, w.Source()}} {
				chunk := (*side.b)[:min(step, len(*side.b))]
				*side.b = (*side.b)[len(chunk):]
				if k, err := side.to.Write(chunk); k != len(chunk) || err != nil {
					t.Fatalf("Write = %d, %v", k, err)
				}
				if len(w.srcLine) > MaxLine || len(w.snkLine) > MaxLine {
					t.Fatalf("holding %d and %d bytes", len(w.srcLine), len(w.snkLine))
				}
			}
		}
		w.Close()
		if files, bad := p.result(); len(bad) > 0 || (len(files) > 0 && strings.HasSuffix(files[len(files)-1], "(open)")) {
			t.Fatalf("meter calls: files %q, bad %q", files, bad)
		}
	})
}

func TestRelayWatchMessageBound(t *testing.T) {
	var got int
	w := NewRelayWatch(nil, func(string) { got++ }, nil)
	src := w.Source()
	for range MaxShown + 5 {
		io.WriteString(src, "\x01scp: x: Permission denied\n")
	}
	w.Close()
	if got != MaxShown {
		t.Errorf("%d messages passed on, want %d", got, MaxShown)
	}
	if msg := w.Omitted(); msg != "scp: 5 more errors not shown" {
		t.Errorf("Omitted() = %q", msg)
	}
}

func TestRelayWatchFatalPastBound(t *testing.T) {
	var got []string
	w := NewRelayWatch(nil, func(m string) { got = append(got, m) }, nil)
	src := w.Source()
	for range MaxShown + 1 {
		io.WriteString(src, "\x01scp: x: Permission denied\n")
	}
	io.WriteString(src, "\x02scp: protocol error: the end\n")
	w.Close()
	if len(got) != MaxShown+1 || got[MaxShown] != "scp: protocol error: the end" {
		t.Errorf("%d messages, last %q; want %d ending with the fatal one", len(got), got[len(got)-1], MaxShown+1)
	}
	if msg := w.Omitted(); msg != "scp: 1 more error not shown" {
		t.Errorf("Omitted() = %q", msg)
	}
}
