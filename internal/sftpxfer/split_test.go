package sftpxfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// smallSplit lowers the threshold and the range size for the test, so
// that files of a few hundred KiB cross every boundary.
func smallSplit(t *testing.T) {
	thr, rs := splitThreshold, rangeSize
	splitThreshold, rangeSize = 256<<10, 64<<10
	t.Cleanup(func() { splitThreshold, rangeSize = thr, rs })
}

// serverPipes runs sftp-server as a child; wrap may stand between the
// client and its pipes.
func serverPipes(ctx context.Context, wrap func(cmd *exec.Cmd, r io.Reader, w io.WriteCloser) (io.Reader, io.WriteCloser)) (*sftp.Client, func(), error) {
	cmd := exec.Command(sftpServer)
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	var cr io.Reader = r
	var cw io.WriteCloser = w
	if wrap != nil {
		cr, cw = wrap(cmd, r, w)
	}
	c, err := sftp.NewClient(ctx, cr, cw, nil)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, nil, err
	}
	return c, func() { c.Close(); cmd.Wait() }, nil
}

// countingOpener opens sftp-server children and counts them.
type countingOpener struct {
	// asked counts the sessions the pool wanted; opened those it got
	// (one still opening when a small file is done is cancelled).
	asked  atomic.Int32
	opened atomic.Int32
	fail   bool // refuse every session, as a full MaxSessions would
}

func (o *countingOpener) open(ctx context.Context) (*sftp.Client, func(), error) {
	o.asked.Add(1)
	if o.fail {
		return nil, nil, errors.New("ssh: rejected: connect failed (open failed)")
	}
	c, end, err := serverPipes(ctx, nil)
	if err == nil {
		o.opened.Add(1)
	}
	return c, end, err
}

// splitTransfer is newTransfer with a pool of sessions from open.
func splitTransfer(t *testing.T, out *strings.Builder, open Opener) *Transfer {
	x := newTransfer(t, out)
	x.Split = NewPool(open)
	t.Cleanup(x.Split.Close)
	return x
}

// randomFile writes size random bytes to p; sparse leaves holes: only
// some 4 KiB blocks hold data.
func randomFile(t *testing.T, p string, size int64, sparse bool, seed uint64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(seed, 2))
	block := make([]byte, 4096)
	for off := int64(0); off < size; off += int64(len(block)) {
		if sparse && off%(20<<10) != 0 {
			continue
		}
		for i := range block {
			block[i] = byte(rng.Uint32())
		}
		if _, err := f.WriteAt(block[:min(int64(len(block)), size-off)], off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func sameFile(t *testing.T, got, want string) {
	t.Helper()
	a, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("%s: %d bytes, differs from %s (%d bytes)", got, len(a), want, len(b))
	}
}

// Every size around the boundaries comes out byte for byte, both ways,
// truncating or in place over a longer file; only files at or above the
// threshold open more sessions.
func TestSplitSizes(t *testing.T) {
	smallSplit(t)
	thr := splitThreshold
	for _, tt := range []struct {
		name   string
		size   int64
		sparse bool
	}{
		{"empty", 0, false},
		{"threshold-1", thr - 1, false},
		{"threshold", thr, false},
		{"threshold+1", thr + 1, false},
		{"not a multiple of the range", 3*thr + 12345, false},
		{"sparse", 5*thr + 100, true},
	} {
		for _, inPlace := range []bool{false, true} {
			for _, up := range []bool{true, false} {
				name := tt.name + map[bool]string{true: "/up", false: "/down"}[up] + map[bool]string{true: "/in place", false: ""}[inPlace]
				t.Run(name, func(t *testing.T) {
					dir := t.TempDir()
					src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
					randomFile(t, src, tt.size, tt.sparse, uint64(tt.size))
					randomFile(t, dst, 4*thr, false, 99) // longer than any source
					var out strings.Builder
					o := &countingOpener{}
					x := splitTransfer(t, &out, o.open)
					x.InPlace = inPlace
					var err error
					if up {
						err = x.Upload(src, dst, Options{})
					} else {
						err = x.Download(src, dst, nil, Options{})
					}
					if err != nil || out.Len() != 0 {
						t.Fatalf("copy: %v\n%s", err, out.String())
					}
					sameFile(t, dst, src)
					x.Split.Close() // waits for the sessions still opening
					if asked := o.asked.Load(); (asked > 0) != (tt.size >= thr) {
						t.Errorf("%d more sessions asked for %d bytes", asked, tt.size)
					}
				})
			}
		}
	}
}

// Sessions are kept for the next file; a pool that cannot open any
// copies on the Transfer's own session and stops trying.
func TestPool(t *testing.T) {
	smallSplit(t)
	for _, fail := range []bool{false, true} {
		t.Run(map[bool]string{false: "kept", true: "refused"}[fail], func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "src")
			randomFile(t, src, 20*rangeSize+1, false, 1)
			var out strings.Builder
			o := &countingOpener{fail: fail}
			x := splitTransfer(t, &out, o.open)
			for i := range 3 {
				dst := filepath.Join(dir, "dst"+string(rune('0'+i)))
				if err := x.Upload(src, dst, Options{}); err != nil {
					t.Fatalf("upload %d: %v\n%s", i, err, out.String())
				}
				sameFile(t, dst, src)
			}
			want := int32(splitSessions - 1)
			if fail {
				want = 0
			}
			if got := o.opened.Load(); got > want {
				t.Errorf("%d sessions opened; want at most %d", got, want)
			}
			x.Split.mu.Lock()
			refused, opened := x.Split.refused, x.Split.opened
			x.Split.mu.Unlock()
			if refused != fail || int32(opened) != o.opened.Load() {
				t.Errorf("pool: refused %v, opened %d; want %v, %d", refused, opened, fail, o.opened.Load())
			}
		})
	}
}

// gate holds the data requests (READ and WRITE) of the Transfer's own
// session until open is closed, so that the pool's sessions take ranges.
type gate struct {
	io.WriteCloser
	open <-chan struct{}
}

func (g gate) Write(p []byte) (int, error) {
	if len(p) > 4 && (p[4] == 5 || p[4] == 6) { // SSH_FXP_READ, SSH_FXP_WRITE
		<-g.open
	}
	return g.WriteCloser.Write(p)
}

// killer kills the server of the pool session whose bytes (sent and
// received) bring the pool's total past limit, then lets the gated
// session go on.
type killer struct {
	mu      sync.Mutex
	moved   int64
	limit   int64
	killed  bool
	release chan struct{}
}

func (k *killer) count(cmd *exec.Cmd, n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.moved += int64(n)
	if k.moved > k.limit && !k.killed {
		k.killed = true
		cmd.Process.Kill()
		close(k.release)
	}
}

type countW struct {
	io.WriteCloser
	k   *killer
	cmd *exec.Cmd
}

func (w countW) Write(p []byte) (int, error) {
	n, err := w.WriteCloser.Write(p)
	w.k.count(w.cmd, n)
	return n, err
}

type countR struct {
	io.Reader
	k   *killer
	cmd *exec.Cmd
}

func (r countR) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	r.k.count(r.cmd, n)
	return n, err
}

// One of the sessions dying in the middle of a file fails the file with
// one message in the serial copy's words, and what stays behind is a
// prefix of the source, cut where the bytes stop being sure.
func TestSplitSessionDies(t *testing.T) {
	smallSplit(t)
	for _, up := range []bool{true, false} {
		t.Run(map[bool]string{true: "up", false: "down"}[up], func(t *testing.T) {
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
			randomFile(t, src, 40*rangeSize+7, false, 3)
			k := &killer{limit: 3 * rangeSize, release: make(chan struct{})}
			var out strings.Builder
			x := &Transfer{
				Ctx:     context.Background(),
				Stdout:  &out,
				Log:     func(msg string) { out.WriteString("log: " + msg + "\n") },
				InPlace: true,
			}
			main, end, err := serverPipes(t.Context(), func(_ *exec.Cmd, r io.Reader, w io.WriteCloser) (io.Reader, io.WriteCloser) {
				return r, gate{w, k.release}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer end()
			x.Client = main
			// Every pool session counts towards the limit: the gated one
			// moves nothing, so the others cross it whoever opened first.
			x.Split = NewPool(func(ctx context.Context) (*sftp.Client, func(), error) {
				return serverPipes(ctx, func(cmd *exec.Cmd, r io.Reader, w io.WriteCloser) (io.Reader, io.WriteCloser) {
					return countR{r, k, cmd}, countW{w, k, cmd}
				})
			})
			defer x.Split.Close()
			if up {
				err = x.Upload(src, dst, Options{})
			} else {
				err = x.Download(src, dst, nil, Options{})
			}
			if !errors.Is(err, ErrReported) {
				t.Errorf("copy: %v; want ErrReported", err)
			}
			want := "log: write remote \"" + dst + "\": Connection lost\n"
			if !up {
				want = "log: read remote \"" + src + "\" : Connection lost\n"
			}
			if out.String() != want {
				t.Errorf("output %q; want %q", out.String(), want)
			}
			got, _ := os.ReadFile(dst)
			whole, _ := os.ReadFile(src)
			if len(got) >= len(whole) || !bytes.HasPrefix(whole, got) {
				t.Errorf("target: %d bytes, a prefix of the source: %v", len(got), bytes.HasPrefix(whole, got))
			}
			// The pool dropped the dead session and can still copy.
			if err := x.Upload(src, dst, Options{}); err != nil {
				t.Fatalf("next copy: %v\n%s", err, out.String())
			}
			sameFile(t, dst, src)
		})
	}
}

// canceller cancels the copy once the pool's sessions have moved more
// than limit bytes (sent and received), then lets the gated session go
// on: ^C in the middle.
type canceller struct {
	killer
	cancel context.CancelFunc
}

func (c *canceller) count(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.moved += int64(n)
	if c.moved > c.limit && !c.killed {
		c.killed = true
		c.cancel()
		close(c.release)
	}
}

type cancelR struct {
	io.Reader
	c *canceller
}

func (r cancelR) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	r.c.count(n)
	return n, err
}

type cancelW struct {
	io.WriteCloser
	c *canceller
}

func (w cancelW) Write(p []byte) (int, error) {
	n, err := w.WriteCloser.Write(p)
	w.c.count(n)
	return n, err
}

// ^C in the middle of a split file stops every session: the copy ends
// without a message (as a serial one does after ^C) and nothing hangs.
func TestSplitInterrupted(t *testing.T) {
	smallSplit(t)
	for _, up := range []bool{true, false} {
		t.Run(map[bool]string{true: "up", false: "down"}[up], func(t *testing.T) {
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
			randomFile(t, src, 40*rangeSize+7, false, 5)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := &canceller{killer: killer{limit: 3 * rangeSize, release: make(chan struct{})}, cancel: cancel}
			var out strings.Builder
			x := &Transfer{Ctx: ctx, Stdout: &out, Log: func(msg string) { out.WriteString("log: " + msg + "\n") }, InPlace: true}
			main, end, err := serverPipes(context.Background(), func(_ *exec.Cmd, r io.Reader, w io.WriteCloser) (io.Reader, io.WriteCloser) {
				return r, gate{w, c.release}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer end()
			x.Client = main
			x.Split = NewPool(func(ctx context.Context) (*sftp.Client, func(), error) {
				return serverPipes(ctx, func(_ *exec.Cmd, r io.Reader, w io.WriteCloser) (io.Reader, io.WriteCloser) {
					return cancelR{r, c}, cancelW{w, c}
				})
			})
			defer x.Split.Close()
			if up {
				err = x.Upload(src, dst, Options{})
			} else {
				err = x.Download(src, dst, nil, Options{})
			}
			if up && err != nil || !up && !errors.Is(err, ErrReported) || out.Len() != 0 {
				t.Errorf("copy: %v, output %q; want no message", err, out.String())
			}
			got, _ := os.ReadFile(dst)
			whole, _ := os.ReadFile(src)
			if len(got) >= len(whole) {
				t.Errorf("target: %d bytes of %d after ^C", len(got), len(whole))
			}
		})
	}
}

// heldOpener opens sessions without a server (the pool never speaks to
// them) once release is closed, counting the opens asked for and ended.
type heldOpener struct {
	release chan struct{}
	refuse  bool // every open fails, as past a full MaxSessions
	asked   atomic.Int32
	ended   atomic.Int32
}

func (o *heldOpener) open(ctx context.Context) (*sftp.Client, func(), error) {
	o.asked.Add(1)
	select {
	case <-o.release:
		if o.refuse {
			return nil, nil, errors.New("ssh: rejected: connect failed (open failed)")
		}
		return nil, func() { o.ended.Add(1) }, nil
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// take waits for n sessions of l.
func take(l *lease, n int) []*member {
	var got []*member
	for range n {
		got = append(got, <-l.ch)
	}
	return got
}

// joinedYet reports whether l was told that the opening is over.
func joinedYet(l *lease) bool {
	select {
	case <-l.joined:
		return true
	default:
		return false
	}
}

// Sessions still opening, for Warm or for a lease returned since, go to
// the leases waiting, oldest first, and never open twice over; a lease
// hears (joined) once one arrived or none is opening.
func TestPoolLeases(t *testing.T) {
	extra := splitSessions - 1
	tests := []struct {
		name   string
		refuse bool
		run    func(p *Pool, o *heldOpener)
	}{
		{"warm, then a lease", false, func(p *Pool, o *heldOpener) {
			p.Warm()
			l := p.lease(extra)
			if joinedYet(l) {
				t.Error("joined while every session is still opening")
			}
			close(o.release)
			take(l, extra)
			if !joinedYet(l) {
				t.Error("not joined once sessions arrived")
			}
			l.done()
		}},
		{"refused", true, func(p *Pool, o *heldOpener) {
			l := p.lease(extra)
			close(o.release)
			<-l.joined
			l.done()
			if l := p.lease(extra); !joinedYet(l) || len(l.ch) != 0 {
				t.Errorf("lease after a refusal: joined %v with %d sessions; want joined with none", joinedYet(l), len(l.ch))
			}
		}},
		{"a lease, then warm", false, func(p *Pool, o *heldOpener) {
			l := p.lease(2)
			p.Warm()
			close(o.release)
			for _, m := range take(l, 2) {
				l.give(m, false)
			}
			l.done()
			p.opening.Wait()
			if l := p.lease(extra); len(l.ch) != extra {
				t.Errorf("second lease: %d sessions at once, want %d", len(l.ch), extra)
			}
		}},
		{"two leases waiting", false, func(p *Pool, o *heldOpener) {
			a := p.lease(extra)
			b := p.lease(extra)
			close(o.release)
			got := take(a, extra)
			for _, m := range got {
				a.give(m, false)
			}
			a.done()
			take(b, extra)
			b.done()
		}},
		{"returned before its sessions open", false, func(p *Pool, o *heldOpener) {
			p.lease(extra).done()
			close(o.release)
			p.opening.Wait()
			if l := p.lease(extra); len(l.ch) != extra {
				t.Errorf("next lease: %d sessions at once, want %d", len(l.ch), extra)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &heldOpener{release: make(chan struct{}), refuse: tt.refuse}
			p := NewPool(o.open)
			tt.run(p, o)
			p.Close()
			if got := o.asked.Load(); got != int32(extra) {
				t.Errorf("%d sessions opened, want %d", got, extra)
			}
		})
	}
}
