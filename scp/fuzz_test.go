package scp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

// FuzzParseRecord: ParseRecord never panics, fails only with a
// *ProtocolError, and what it accepts survives Append and a second parse.
func FuzzParseRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, line []byte) {
		rec, err := ParseRecord(line)
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("ParseRecord(%q) error %#v", line, err)
			}
			return
		}
		switch rec.Kind {
		case KindFile, KindDir:
			if rec.Mode > 07777 || rec.Size < 0 {
				t.Fatalf("ParseRecord(%q) = %+v", line, rec)
			}
		case KindTime:
			if rec.Mtime < 0 || rec.Atime < 0 {
				t.Fatalf("ParseRecord(%q) = %+v", line, rec)
			}
		case KindEndDir, KindWarning, KindFatal:
		default:
			t.Fatalf("ParseRecord(%q) kind %q", line, rec.Kind)
		}
		wire := rec.Append(nil)
		if wire[len(wire)-1] != '\n' {
			t.Fatalf("Append(%+v) = %q", rec, wire)
		}
		again, err := ParseRecord(wire[:len(wire)-1])
		want := rec
		if want.Kind == KindDir && len(want.Name) > maxDirName {
			want.Name = want.Name[:maxDirName]
		}
		if err != nil || again != want {
			t.Fatalf("ParseRecord(%q) = %+v\nAppend = %q\nParseRecord again = %+v, %v", line, rec, wire, again, err)
		}
	})
}

// FuzzSink feeds arbitrary bytes to Receive, serial and pipelined, into
// /root/target on a memFS: it must end without panicking, create and change
// nothing outside the target's tree, never write for a name with a slash,
// and hold no more file data than it was sent.
func FuzzSink(f *testing.F) {
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, opt := range []Options{
			{Recursive: true},
			{Recursive: true, Preserve: true, TargetIsDir: true},
			{Recursive: true, Pipeline: true},
			{Recursive: true, Preserve: true, TargetIsDir: true, Pipeline: true},
		} {
			m := newMemFS()
			m.dir("/root/target")
			m.file("/root/other", "x")
			before := m.dump("/")
			err := Receive(context.Background(), bytes.NewReader(in), io.Discard, m, "/root/target", opt)

			var pe *ProtocolError
			var re *RemoteError
			if err != nil && !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrLostConnection) &&
				!errors.As(err, &pe) && !errors.As(err, &re) {
				t.Fatalf("Receive error %#v", err)
			}
			if n := m.openHandles(); n != 0 {
				t.Fatalf("%d files left open", n)
			}
			const inside = "/root/target/"
			var size int
			for _, line := range m.dump("/") {
				if !strings.HasPrefix(line, inside) && !slices.Contains(before, line) {
					t.Fatalf("changed outside the target: %s", line)
				}
			}
			if n := m.node("/root/target"); n == nil || !n.mode.IsDir() {
				t.Fatal("/root/target lost")
			}
			for _, n := range m.nodes {
				size += len(n.data)
			}
			if size > len(in)+1 { // +1: /root/other
				t.Fatalf("%d bytes stored from %d sent", size, len(in))
			}
			slashed := slashedNames(in)
			for _, name := range m.opNames() {
				if !strings.HasPrefix(name, inside) || path.Clean(name) != name {
					t.Fatalf("changed %q: outside %s or not clean", name, inside)
				}
				for _, s := range slashed {
					if strings.HasSuffix(name, "/"+s) {
						t.Fatalf("changed %q for the name %q", name, s)
					}
				}
			}
		}
	})
}

// slashedNames returns the names with a slash in the input's C and D
// records, leaving out those whose every component is also the name of
// some C or D record: a path built from those could be legitimate.
func slashedNames(in []byte) []string {
	names := map[string]bool{}
	var slashed []string
	for _, line := range bytes.Split(in, []byte("\n")) {
		rec, err := ParseRecord(line)
		if err != nil || rec.Kind != KindFile && rec.Kind != KindDir {
			continue
		}
		names[rec.Name] = true
		if strings.Contains(rec.Name, "/") && strings.Trim(rec.Name, "/") != "" {
			slashed = append(slashed, rec.Name)
		}
	}
	var out []string
	for _, s := range slashed {
		for _, c := range strings.Split(s, "/") {
			if !names[c] {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// FuzzSourceAcks sends a small tree against arbitrary replies, serially and
// pipelined: Send must end without panicking, close every file, change
// nothing, and write no more than the tree could produce.
func FuzzSourceAcks(f *testing.F) {
	f.Fuzz(func(t *testing.T, acks []byte) {
		for _, opt := range []Options{
			{Recursive: true},
			{Recursive: true, Preserve: true},
			{Recursive: true, Pipeline: true},
			{Recursive: true, Preserve: true, Pipeline: true},
		} {
			m := newMemFS()
			m.file("/s/f", "hello")
			m.file("/s/d/a", "x")
			m.file("/s/d/sub/b", "")
			m.file("/s/g", "shrunk").extra = 3
			m.add("/s/fifo", fs.ModeNamedPipe|0644, "")
			before := m.dump("/")
			var w bytes.Buffer
			paths := []string{"/s/f", "/s/d", "/s/nope", "/s/g", "/s/fifo"}
			err := Send(context.Background(), bytes.NewReader(acks), &w, m, paths, opt)

			var pe *ProtocolError
			var re *RemoteError
			if err != nil && !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrLostConnection) &&
				!errors.As(err, &pe) && !errors.As(err, &re) {
				t.Fatalf("Send error %#v", err)
			}
			if n := m.openHandles(); n != 0 {
				t.Fatalf("%d files left open", n)
			}
			if got := m.dump("/"); !slices.Equal(got, before) || len(m.opsLog()) != 0 {
				t.Fatal("Send changed the tree")
			}
			if w.Len() > 1000 {
				t.Fatalf("wrote %d bytes: %q", w.Len(), w.String())
			}
		}
	})
}
