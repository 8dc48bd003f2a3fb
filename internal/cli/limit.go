package cli

import (
	"io"
	"time"
)

// limit applies -l to a session's streams: everything sent and received,
// records and replies included, stays under the limit together.
func (r *run) limit(in io.Reader, out io.Writer) (io.Reader, io.Writer) {
	if r.opts.LimitKbps == 0 {
		return in, out
	}
	b := &bucket{rate: float64(r.opts.LimitKbps) * 1024 / 8, start: time.Now()}
	return limitedReader{in, b}, limitedWriter{out, b}
}

// bucket paces a byte count to rate bytes per second since start; it is
// used by one copy at a time, so it needs no lock.
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
