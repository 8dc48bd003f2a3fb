package sftpxfer

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// countingServer runs the real sftp-server as newClient does, counting
// the bytes sent to it; hide, if not "", is an extension name renamed in
// what the server says (the same length, so packets keep their sizes).
func countingServer(t *testing.T, hide string) (*sftp.Client, *atomic.Int64) {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skip("no sftp-server:", err)
	}
	cmd := exec.Command(sftpServer)
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sent := new(atomic.Int64)
	var in io.Reader = r
	if hide != "" {
		in = &renamer{r: r, old: []byte(hide), new: []byte(strings.ToUpper(hide))}
	}
	c, err := sftp.NewClient(context.Background(), in, &counter{w: w, n: sent}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); cmd.Wait() })
	return c, sent
}

type counter struct {
	w io.WriteCloser
	n *atomic.Int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *counter) Close() error { return c.w.Close() }

// renamer replaces old with new in what it reads (the tests' files never
// hold old, and the VERSION packet comes in one read).
type renamer struct {
	r        io.Reader
	old, new []byte
}

func (r *renamer) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	copy(p[:n], bytes.ReplaceAll(p[:n], r.old, r.new))
	return n, err
}

// content is n deterministic bytes.
func content(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// flip returns b with the byte at i changed.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}

func TestResumeChecked(t *testing.T) {
	const size = 3<<20 + 12345
	src := content(size)
	for _, tt := range []struct {
		name   string
		target []byte // nil: none
		kept   int64  // bytes the target keeps
	}{
		{name: "no target", target: nil, kept: 0},
		{name: "empty target", target: []byte{}, kept: 0},
		{name: "prefix", target: src[:1<<20+5], kept: 1<<20 + 5},
		{name: "complete", target: src, kept: size},
		{name: "differs early", target: flip(src[:2<<20], 10), kept: 10},
		{name: "differs late", target: flip(src[:2<<20], 2<<20-1), kept: 2<<20 - 1},
		{name: "longer", target: append(bytes.Clone(src), "more"...), kept: size},
		{name: "longer, differs", target: append(flip(src, 70000), "more"...), kept: 70000},
	} {
		for _, up := range []bool{true, false} {
			name := tt.name + map[bool]string{true: " upload", false: " download"}[up]
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				from, to := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
				if err := os.WriteFile(from, src, 0o644); err != nil {
					t.Fatal(err)
				}
				if tt.target != nil {
					if err := os.WriteFile(to, tt.target, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				c, sent := countingServer(t, "")
				var debug strings.Builder
				x := &Transfer{Ctx: context.Background(), Client: c, Stdout: io.Discard, InPlace: true,
					Log:   func(msg string) { t.Errorf("log: %s", msg) },
					Debug: func(msg string) { debug.WriteString(msg + "\n") }}
				o := Options{ResumeChecked: true}
				var err error
				if up {
					err = x.Upload(from, to, o)
				} else {
					err = x.Download(from, to, nil, o)
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("sent %d; %s", sent.Load(), debug.String())
				if got, _ := os.ReadFile(to); !bytes.Equal(got, src) {
					t.Errorf("target has %d bytes, not the source's %d", len(got), len(src))
				}
				if tt.target != nil && !strings.Contains(debug.String(), "keeping "+strconv.FormatInt(tt.kept, 10)+" of its") {
					t.Errorf("debug %q; want %d bytes kept", debug.String(), tt.kept)
				}
				// An upload sends the rest and little else: requests, handles, headers.
				if rest := int64(size) - tt.kept; up && (sent.Load() < rest || sent.Load() > rest+8<<10) {
					t.Errorf("sent %d bytes for %d to copy", sent.Load(), rest)
				}
			})
		}
	}
}

func TestCommonPrefix(t *testing.T) {
	b := content(3 * compareSize)
	for _, tt := range []struct {
		name string
		a, b []byte
		want int
	}{
		{"empty", nil, b, 0},
		{"same", b, b, len(b)},
		{"shorter", b[:100], b, 100},
		{"first byte", flip(b, 0), b, 0},
		{"chunk end", flip(b, compareSize-1), b, compareSize - 1},
		{"next chunk", flip(b, compareSize), b, compareSize},
		{"last byte", flip(b, len(b)-1), b, len(b) - 1},
	} {
		if got := commonPrefix(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
