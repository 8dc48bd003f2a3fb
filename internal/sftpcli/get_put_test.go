package sftpcli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// recordMeter records what a transfer reports, and can end the command
// (as ^C does) once some bytes have moved.
type recordMeter struct {
	mu     sync.Mutex
	events []string
	bytes  int64
	adds   int
	cancel context.CancelFunc // if set, called once data moved: after the Add of a resume's offset
}

func (m *recordMeter) Start(name string, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, fmt.Sprintf("start %s %d", name, size))
}

func (m *recordMeter) Add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes += n
	m.adds++
	if m.cancel != nil && m.adds > 1 && n > 0 {
		m.cancel()
	}
}

func (m *recordMeter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, fmt.Sprintf("finish %d", m.bytes))
	m.bytes = 0
}

func (m *recordMeter) BeginTransfer(func() (int, int64)) {}
func (m *recordMeter) EndTransfer()                      {}

func TestMeter(t *testing.T) {
	data := xferData(500000)
	tests := []struct {
		name  string
		line  string
		setup func(t *testing.T, dir string)
		want  []string
	}{
		{"get", "get r/a l/a", nil, []string{"start a 500000", "finish 500000"}},
		{"get empty", "get r/empty l/empty", nil, nil},
		{"reget", "reget r/a l/part", nil, []string{"start a 500000", "finish 500000"}},
		{"put", "put l/a r/new", nil, []string{"start a 500000", "finish 500000"}},
		{"put empty", "put l/empty r/new", nil, []string{"start empty 0", "finish 0"}},
		{"reput", "reput l/a r/part", nil, []string{"start a 500000", "finish 500000"}},
		{"get -r", "get -r r l/r", nil, []string{"start a 500000", "finish 500000", "start part 1000", "finish 1000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, side := range []string{"r", "l"} {
				xferWriteFile(t, dir+"/"+side+"/a", data, 0o644)
				xferWriteFile(t, dir+"/"+side+"/part", data[:1000], 0o644)
				xferWriteFile(t, dir+"/"+side+"/empty", "", 0o644)
			}
			os.Remove(dir + "/r/empty") // listing order would vary
			if tt.name != "get -r" {
				xferWriteFile(t, dir+"/r/empty", "", 0o644)
			}
			t.Chdir(dir)
			x := newXferSessionIn(t, dir)
			m := &recordMeter{}
			x.meter, x.showMeter = m, true
			if err := xferRun(x, tt.line); err != nil {
				t.Fatalf("%s: %v; stderr %q", tt.line, err, x.stderr)
			}
			got := m.events
			if tt.name == "get -r" {
				sortPairs(got)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("meter saw %q, want %q", got, tt.want)
			}
		})
	}
}

// sortPairs orders start/finish pairs by name, for a listing in the
// server's order.
func sortPairs(ev []string) {
	for i := 0; i+3 < len(ev); i += 2 {
		if ev[i] > ev[i+2] {
			ev[i], ev[i+1], ev[i+2], ev[i+3] = ev[i+2], ev[i+3], ev[i], ev[i+1]
		}
	}
}

// xferRun parses and runs one get or put line.
func xferRun(x *xferSession, line string) error {
	cmd, err := parseLine(line)
	if err != nil {
		return err
	}
	if cmd.id == cmdGet || cmd.id == cmdReget {
		return x.get(cmd)
	}
	return x.put(cmd)
}

// TestInterrupt ends a command once the first bytes have moved, as ^C
// does: no later match or entry is started, and a partial file keeps only
// bytes that arrived. Like sftp, a cut download fails and says so only
// inside -r, a cut upload does not fail.
func TestInterrupt(t *testing.T) {
	data := xferData(4 << 20)
	tests := []struct {
		line    string
		wantErr error
		stdout  int    // lines
		stderr  string // the start of the only message
	}{
		{"get r/* l/", errReported, 1, ""},
		{"reget r/* l/", errReported, 1, ""},
		{"put l/* r/", nil, 1, ""},
		{"reput l/* r/", nil, 1, ""},
		{"get -r r l/r", errReported, 2, "Download of file "},
		{"put -r l r/l", nil, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			dir := t.TempDir()
			src, dst := "l", "r"
			if strings.Contains(tt.line, "get") {
				src, dst = "r", "l"
			}
			xferWriteFile(t, dir+"/"+src+"/a", data, 0o644)
			xferWriteFile(t, dir+"/"+src+"/b", data, 0o644)
			// Resumes start from a little.
			xferWriteFile(t, dir+"/"+dst+"/a", data[:10], 0o644)
			t.Chdir(dir)
			x := newXferSessionIn(t, dir)
			ctx, cancel := context.WithCancel(x.ctx)
			defer cancel()
			x.ctx = ctx
			x.meter, x.showMeter = &recordMeter{cancel: cancel}, true
			if err := xferRun(x, tt.line); err != tt.wantErr {
				t.Errorf("%s: %v, want %v", tt.line, err, tt.wantErr)
			}
			if n := strings.Count(x.stderr.String(), "\r\n"); !strings.HasPrefix(x.stderr.String(), tt.stderr) || n != min(len(tt.stderr), 1) {
				t.Errorf("stderr %q, want one message starting %q", x.stderr, tt.stderr)
			}
			if n := strings.Count(x.stdout.String(), "\n"); n != tt.stdout {
				t.Errorf("stdout %q: want %d lines", x.stdout, tt.stdout)
			}
			complete := 0
			for _, name := range []string{"l/a", "l/b", "r/a", "r/b", "l/r/a", "l/r/b", "r/l/a", "r/l/b"} {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err == nil && !strings.HasPrefix(data, string(got)) {
					t.Errorf("%s: %d bytes, not a prefix of the source", name, len(got))
				}
				if len(got) == len(data) {
					complete++
				}
			}
			if complete != 2 { // the two sources, and neither copy
				t.Errorf("%d complete files, want the 2 sources and no copy", complete)
			}
		})
	}
}

// TestConnectionLost: a broken connection ends the command at once with
// an error the session loop can tell from a failed transfer.
func TestConnectionLost(t *testing.T) {
	for _, line := range []string{"get r/a l/", "put l/a r/", "get -r r l/r", "put -r l r/l", "put l/a"} {
		t.Run(line, func(t *testing.T) {
			dir := t.TempDir()
			xferWriteFile(t, dir+"/r/a", "a", 0o644)
			xferWriteFile(t, dir+"/l/a", "a", 0o644)
			t.Chdir(dir)
			x := newXferSessionIn(t, dir)
			x.client.Close()
			err := xferRun(x, line)
			if !errors.Is(err, sftp.ErrClosed) {
				t.Errorf("%s: %v, want ErrClosed", line, err)
			}
			if x.stderr.Len() != 0 {
				t.Errorf("stderr %q", x.stderr)
			}
		})
	}
}

// BenchmarkTransfer moves a 64 MiB file each way through a local
// sftp-server; compare with /usr/bin/sftp -D on the same file.
func BenchmarkTransfer(b *testing.B) {
	data := xferData(64 << 20)
	for _, line := range []string{"get r/a l/a", "put l/b r/b"} {
		b.Run(strings.Fields(line)[0], func(b *testing.B) {
			dir := b.TempDir()
			for _, f := range []string{"r/a", "l/b"} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(data), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			b.Chdir(dir)
			x := newHostileSession(b, dir, nil)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := xferRun(x, line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
