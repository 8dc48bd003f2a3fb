package sftp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var transferSizes = []int{0, 1, 32767, 32768, 32769, 261120, 261121, 5<<20 + 17}

var transferOpts = []struct {
	name string
	opts *Options
}{
	{"limits", nil},
	{"default", &Options{BufferSize: DefaultBufferSize}},
	{"B1000R1", &Options{BufferSize: 1000, Requests: 1}},
	{"B5R3", &Options{BufferSize: 5, Requests: 3}},
}

func TestDownload(t *testing.T) {
	ctx := context.Background()
	for _, o := range transferOpts {
		t.Run(o.name, func(t *testing.T) {
			c, dir := startServer(t, o.opts)
			for i, n := range transferSizes {
				if o.opts != nil && o.opts.BufferSize < 100 && n > 40000 {
					continue // tens of thousands of round trips: slow, nothing new
				}
				want := randomBytes(n, uint64(i))
				writeFile(t, filepath.Join(dir, "f"), want)
				f, err := c.Open(ctx, "f")
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				cn, err := f.CopyTo(ctx, &got, 0)
				if err != nil || cn != int64(n) || !bytes.Equal(got.Bytes(), want) {
					t.Errorf("size %d: copied %d, %v, equal %v", n, cn, err, bytes.Equal(got.Bytes(), want))
				}
				// From an offset, and ReadAt of a middle range.
				got.Reset()
				off := int64(n / 3)
				if cn, err := f.CopyTo(ctx, &got, off); err != nil || cn != int64(n)-off || !bytes.Equal(got.Bytes(), want[off:]) {
					t.Errorf("size %d from %d: %d %v", n, off, cn, err)
				}
				p := make([]byte, n/2)
				if rn, err := f.ReadAt(ctx, p, off); err != nil && !(err == io.EOF && int(off)+len(p) > n) || !bytes.Equal(p[:rn], want[off:off+int64(rn)]) {
					t.Errorf("size %d: readat %d: %d %v", n, off, rn, err)
				}
				f.Close(ctx)
			}
		})
	}
}

func TestUpload(t *testing.T) {
	ctx := context.Background()
	for _, o := range transferOpts {
		t.Run(o.name, func(t *testing.T) {
			c, dir := startServer(t, o.opts)
			for i, n := range transferSizes {
				if o.opts != nil && o.opts.BufferSize < 100 && n > 40000 {
					continue
				}
				want := randomBytes(n, uint64(i))
				f, err := c.Create(ctx, "f", 0o644)
				if err != nil {
					t.Fatal(err)
				}
				// iotest-like one-byte-then-rest reader: uneven source reads.
				cn, err := f.CopyFrom(ctx, io.MultiReader(bytes.NewReader(want[:min(n, 1)]), bytes.NewReader(want[min(n, 1):])), 0)
				if err != nil || cn != int64(n) {
					t.Errorf("size %d: %d %v", n, cn, err)
				}
				if err := f.Close(ctx); err != nil {
					t.Fatal(err)
				}
				got, _ := os.ReadFile(filepath.Join(dir, "f"))
				if !bytes.Equal(got, want) {
					t.Errorf("size %d: uploaded %d bytes, differ", n, len(got))
				}
			}
		})
	}
}

func TestWriteAtReadAt(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, &Options{BufferSize: 7, Requests: 4})
	f, err := c.OpenFile(ctx, "f", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(ctx)
	if n, err := f.WriteAt(ctx, []byte("0123456789abcdefghij"), 0); n != 20 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := f.WriteAt(ctx, []byte("XYZ"), 5); n != 3 || err != nil {
		t.Fatal(n, err)
	}
	p := make([]byte, 30)
	n, err := f.ReadAt(ctx, p, 2)
	if n != 18 || err != io.EOF || string(p[:n]) != "234XYZ89abcdefghij" {
		t.Errorf("readat: %d %v %q", n, err, p[:n])
	}
	if n, err := f.ReadAt(ctx, p[:0], 100); n != 0 || err != nil {
		t.Errorf("empty readat: %d %v", n, err)
	}
	if n, err := f.ReadAt(ctx, p, 100); n != 0 || err != io.EOF {
		t.Errorf("readat past end: %d %v", n, err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	if string(got) != "01234XYZ89abcdefghij" {
		t.Errorf("file %q", got)
	}
}

// A sparse file reads back as its zeros and holes, and an upload at an
// offset past the end leaves a hole.
func TestSparse(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, nil)
	name := filepath.Join(dir, "sparse")
	fh, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteAt([]byte("start"), 0)
	fh.WriteAt([]byte("middle"), 3<<20)
	fh.Truncate(8 << 20)
	fh.Close()
	want, _ := os.ReadFile(name)
	f, err := c.Open(ctx, "sparse")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if n, err := f.CopyTo(ctx, &got, 0); n != 8<<20 || err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Errorf("download: %d %v", n, err)
	}
	f.Close(ctx)
	f, err = c.Create(ctx, "holey", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CopyFrom(ctx, bytes.NewReader([]byte("end")), 1<<20); err != nil {
		t.Fatal(err)
	}
	f.Close(ctx)
	b, _ := os.ReadFile(filepath.Join(dir, "holey"))
	if len(b) != 1<<20+3 || string(b[1<<20:]) != "end" || bytes.Count(b[:1<<20], []byte{0}) != 1<<20 {
		t.Errorf("holey: %d bytes", len(b))
	}
}

// The server truncating a file mid-download is an error, never success.
func TestDownloadShrinks(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, &Options{BufferSize: 1024, Requests: 1})
	name := filepath.Join(dir, "f")
	writeFile(t, name, randomBytes(1<<20, 1))
	f, err := c.Open(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(ctx)
	w := &shrinker{name: name, at: 100 << 10}
	n, err := f.CopyTo(ctx, w, 0)
	if !errors.Is(err, io.ErrUnexpectedEOF) || n >= 1<<20 {
		t.Errorf("copied %d, %v; want io.ErrUnexpectedEOF", n, err)
	}
}

// shrinker truncates the file once `at` bytes have arrived.
type shrinker struct {
	name string
	at   int
	n    int
}

func (s *shrinker) Write(p []byte) (int, error) {
	s.n += len(p)
	if s.n >= s.at && s.at > 0 {
		s.at = 0
		if err := os.Truncate(s.name, int64(s.n)); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func TestCancel(t *testing.T) {
	c, dir := startServer(t, &Options{BufferSize: 1000, Requests: 4})
	writeFile(t, filepath.Join(dir, "f"), randomBytes(1<<20, 2))
	f, err := c.Open(context.Background(), "f")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := writerFunc(func(p []byte) (int, error) { cancel(); return len(p), nil })
	if _, err := f.CopyTo(ctx, w, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled download: %v", err)
	}
	// The abandoned replies are dropped; the client still works.
	if _, err := c.Stat(context.Background(), "f"); err != nil {
		t.Errorf("stat after cancel: %v", err)
	}
	if _, err := c.Stat(ctx, "f"); !errors.Is(err, context.Canceled) {
		t.Errorf("stat with a cancelled context: %v", err)
	}
	if err := f.Close(ctx); err == nil {
		t.Error("close with a cancelled context: no error")
	}
	if _, err := c.Stat(context.Background(), "f"); err != nil {
		t.Errorf("stat after cancelled close: %v", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestClosedClient(t *testing.T) {
	c, _ := startServer(t, nil)
	c.Close()
	if _, err := c.Stat(context.Background(), "."); !errors.Is(err, ErrClosed) {
		t.Errorf("stat after close: %v", err)
	}
}

// Several goroutines share one client.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	c, dir := startServer(t, &Options{BufferSize: 4096, Requests: 8})
	want := randomBytes(300000, 3)
	writeFile(t, filepath.Join(dir, "f"), want)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			f, err := c.Open(ctx, "f")
			if err != nil {
				errs <- err
				return
			}
			defer f.Close(ctx)
			var got bytes.Buffer
			if _, err := f.CopyTo(ctx, &got, 0); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(got.Bytes(), want) {
				errs <- errors.New("downloaded bytes differ")
				return
			}
			_, err = c.ReadDir(ctx, ".")
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	c, _ := startServer(t, nil)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}
