// Package bwlimit paces streams to a bandwidth limit given as scp's and
// sftp's -l, in Kbit/s (1024 bit/s units).
package bwlimit

import (
	"io"
	"time"
)

// Pair limits a stream pair together, as scp's -l does: everything sent and
// received stays under kbps in all. Reads and writes must not run at once.
func Pair(in io.Reader, out io.Writer, kbps int64) (io.Reader, io.Writer) {
	b := newBucket(kbps)
	return limitedReader{in, b}, limitedWriter{out, b}
}

// Split limits each direction of a stream pair to kbps on its own, as
// OpenSSH's sftp does: for a client that reads and writes at once. kbps 0
// means no limit. Closing the writer closes w.
func Split(r io.Reader, w io.WriteCloser, kbps int64) (io.Reader, io.WriteCloser) {
	if kbps == 0 {
		return r, w
	}
	return Reader(r, kbps), writeCloser{Writer(w, kbps), w}
}

type writeCloser struct {
	io.Writer
	c io.Closer
}

func (w writeCloser) Close() error { return w.c.Close() }

// Reader limits what is read from r to kbps, on its own.
func Reader(r io.Reader, kbps int64) io.Reader { return limitedReader{r, newBucket(kbps)} }

// Writer limits what is written to w to kbps, on its own.
func Writer(w io.Writer, kbps int64) io.Writer { return limitedWriter{w, newBucket(kbps)} }

func newBucket(kbps int64) *bucket {
	return &bucket{rate: float64(kbps) * 1024 / 8, start: time.Now()}
}

// bucket paces a byte count to rate bytes per second since start; it is
// used by one stream, or one copy's pair, at a time, so it needs no lock.
type bucket struct {
	rate  float64
	start time.Time
	bytes float64
}

// take accounts for n bytes and sleeps until they are within the rate. Time
// the stream spent idle is not saved up for a burst: once more than a second
// behind, the count starts over.
func (b *bucket) take(n int) {
	b.bytes += float64(n)
	due := b.start.Add(time.Duration(b.bytes / b.rate * float64(time.Second)))
	switch wait := time.Until(due); {
	case wait > 0:
		time.Sleep(wait)
	case wait < -time.Second:
		b.start, b.bytes = time.Now(), 0
	}
}

// chunk bounds one read or write so pacing stays smooth at low rates.
func (b *bucket) chunk(n int) int {
	return max(1, min(n, int(b.rate/10)))
}

type limitedReader struct {
	r io.Reader
	b *bucket
}

func (l limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p[:l.b.chunk(len(p))])
	l.b.take(n)
	return n, err
}

type limitedWriter struct {
	w io.Writer
	b *bucket
}

func (l limitedWriter) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := l.w.Write(p[written : written+l.b.chunk(len(p)-written)])
		l.b.take(n)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}
