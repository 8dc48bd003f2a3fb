package sftpxfer

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/goscp/goscp/scp/sftp"
)

// One SSH channel moves at most its window, 2 MiB, per round trip: about
// 32 MiB/s measured at 50 ms, whatever the link. A file of at least
// splitThreshold bytes is therefore cut into ranges of rangeSize that
// several sessions of the connection move at once. The numbers come from
// `make bench` (the "ours -s" rows; figures in the README) on a 2-core
// machine under load: 256 MiB at 50 ms moved at 104-108 MiB/s once all
// sessions had joined with 4 sessions of 2 workers, 133-141 with 4 of 4
// and 176-188 with 6 of 4; 8 sessions were no faster than 6. Ranges of
// 1 MiB were as fast as 2, 4 or 8 MiB and hold the least memory.
var (
	// splitThreshold is a file that takes about a second on one channel
	// at 50 ms. Smaller files gain little: the other sessions need 4 or 5
	// round trips to open (channel, subsystem, version, limits, handle)
	// before they help, and on loopback a small file is done before they
	// join. A variable for the tests.
	splitThreshold int64 = 32 << 20
	// rangeSize is what one worker asks for at a time. A worker keeps at
	// most one range in flight, so a download holds at most splitSessions
	// × workersPerSession × rangeSize = 24 MiB of data that has not
	// reached the disk yet (peak RSS 28 MiB at 50 ms). A variable for the
	// tests.
	rangeSize int64 = 1 << 20
)

const (
	// splitSessions is K, the sessions a big file moves on, the
	// Transfer's own included; with sshd's default MaxSessions of 10,
	// it leaves room for others.
	splitSessions = 6
	// workersPerSession keeps a session's window full: a worker drains
	// its range's last replies before it asks for the next range, so
	// each session has twice its 2 MiB window asked for, and some of it
	// always waiting at the server.
	workersPerSession = 4
)

// Big reports whether a file of size bytes is big enough to be split
// across sessions when a whole copy of it has a Pool.
func Big(size int64) bool { return size >= splitThreshold }

// splits reports whether the copy of size bytes from offset goes over
// several sessions: only whole copies of big files, and only with a Pool.
func (x *Transfer) splits(offset, size int64) bool {
	return x.Split != nil && offset == 0 && Big(size)
}

// part moves the range of n bytes at off over one session and returns
// how many bytes from off surely arrived.
type part func(ctx context.Context, off, n int64) (int64, error)

// joiner readies another session for the file: its part, and what to do
// once its workers are done (close its handle; with the Transfer's
// context, so that a failure elsewhere does not leave the handle open).
type joiner func(ctx context.Context, c *sftp.Client) (p part, finish func() error, err error)

// sendSplit is send over several sessions: f is the remote file, opened
// and truncated by the Transfer's own session, which starts at once; the
// others open it for writing as they join.
func (x *Transfer) sendSplit(f *sftp.File, local *os.File, size int64) (int64, error) {
	t := x.newTap()
	if t.m != nil {
		t.m.Start(meterName(local.Name()), size)
		defer t.m.Finish()
	}
	put := func(f *sftp.File) part {
		return func(ctx context.Context, off, n int64) (int64, error) {
			r := &source{r: io.NewSectionReader(local, off, n), tap: t}
			done, err := f.CopyFrom(ctx, r, off)
			if r.err != nil {
				err = &localError{r.err}
			}
			return done, err
		}
	}
	join := func(ctx context.Context, c *sftp.Client) (part, func() error, error) {
		g, err := c.OpenFile(ctx, f.Name(), os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, err
		}
		return put(g), func() error { return g.Close(x.Ctx) }, nil
	}
	return x.split(size, put(f), join, true)
}

// fetchSplit is fetch over several sessions: f is the remote file opened
// by the Transfer's own session, local the target it created.
func (x *Transfer) fetchSplit(f *sftp.File, local *os.File, size int64) (int64, error) {
	t := x.newTap()
	if t.m != nil {
		t.m.Start(meterName(f.Name()), size)
		defer t.m.Finish()
	}
	get := func(f *sftp.File) part {
		return func(ctx context.Context, off, n int64) (int64, error) {
			w := &sink{w: io.NewOffsetWriter(local, off), tap: t}
			done, err := f.CopyRangeTo(ctx, w, off, n)
			if w.err != nil {
				err = &localError{w.err}
			}
			return done, err
		}
	}
	join := func(ctx context.Context, c *sftp.Client) (part, func() error, error) {
		g, err := c.Open(ctx, f.Name())
		if err != nil {
			return nil, nil, err
		}
		return get(g), func() error { return g.Close(x.Ctx) }, nil
	}
	return x.split(size, get(f), join, false)
}

// splitter hands out the ranges of one file and keeps how it ended.
type splitter struct {
	cancel context.CancelFunc

	mu   sync.Mutex
	next int64 // the next range's offset
	end  int64 // the first byte not surely written: the size, or less after a failure
	err  error // the first failure
}

// take hands out the next range, if there is one and nothing failed.
func (s *splitter) take() (off, n int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil || s.next >= s.end {
		return 0, 0, false
	}
	off, n = s.next, min(rangeSize, s.end-s.next)
	s.next += n
	return off, n, true
}

// stop records that the bytes from at on are not surely written, because
// of err (nil: the source ended early); a failure stops every worker.
func (s *splitter) stop(at int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.end = min(s.end, at)
	s.failLocked(err)
}

// fail records err, when not nil, as the file's failure and stops every
// worker. Workers cut short by that fail with the cancel's error: only
// the first failure is the file's.
func (s *splitter) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLocked(err)
}

func (s *splitter) failLocked(err error) {
	if err != nil && s.err == nil {
		s.err = err
		s.cancel()
	}
}

// left reports whether a range is left to hand out.
func (s *splitter) left() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err == nil && s.next < s.end
}

// work moves ranges over one session until none is left.
func (s *splitter) work(ctx context.Context, p part) {
	for {
		off, n, ok := s.take()
		if !ok {
			return
		}
		done, err := p(ctx, off, n)
		if err != nil || done < n {
			s.stop(off+done, err)
			return
		}
	}
}

// split moves size bytes in ranges, on the Transfer's own session (first)
// from the start and on the pool's sessions as they join. It returns the
// bytes from 0 that surely arrived and the first failure. A broken extra
// session fails the file, not the connection: its loss is worded as a
// lost connection of the file.
//
// With ramp (an upload), the first session runs one worker until another
// session arrives or none is opening: a full window of data ahead of them
// in the connection's one stream held their opening back by up to a second
// at 50 ms, while one worker's range lets them through.
func (x *Transfer) split(size int64, first part, join joiner, ramp bool) (int64, error) {
	ctx, cancel := context.WithCancel(x.Ctx)
	defer cancel()
	s := &splitter{cancel: cancel, end: size}
	l := x.Split.lease(splitSessions - 1)
	defer l.done()
	// Once the first session has no range left, a session still joining
	// has nothing to do: its open is cancelled, so that a server that never
	// answers it cannot hold the file.
	joinCtx, noMore := context.WithCancel(ctx)
	defer noMore()
	ended := make(chan struct{}, splitSessions)
	running := 1
	go func() {
		wait := l.joined
		if !ramp {
			wait = nil
		}
		s.session(ctx, first, wait)
		noMore()
		ended <- struct{}{}
	}()
	for running > 0 {
		select {
		case m := <-l.ch:
			running++
			go func() {
				l.give(m, s.extra(ctx, joinCtx, m.c, join))
				ended <- struct{}{}
			}()
		case <-ended:
			running--
		}
	}
	if se := (*sftp.StatusError)(nil); errors.As(s.err, &se) && se.Code == sftp.CodeConnectionLost {
		// An extra session went first; if the whole connection is gone,
		// that is what the copy reports, as a serial copy would.
		if _, err := x.Client.Stat(x.Ctx, "."); ConnLost(err) {
			return s.end, err
		}
	}
	return s.end, s.err
}

// session runs workersPerSession workers with p until no range is left;
// with wait not nil, all but one start once it is closed.
func (s *splitter) session(ctx context.Context, p part, wait <-chan struct{}) {
	var wg sync.WaitGroup
	for i := range workersPerSession {
		wg.Go(func() {
			if i > 0 && wait != nil {
				select {
				case <-wait:
				case <-ctx.Done():
					return
				}
			}
			s.work(ctx, p)
		})
	}
	wg.Wait()
}

// extra joins the file on the pool's session c (the join bound to
// joinCtx, the work to ctx) and reports whether c broke. A session that cannot join leaves the ranges to the others.
func (s *splitter) extra(ctx, joinCtx context.Context, c *sftp.Client, join joiner) (broken bool) {
	if !s.left() {
		return false
	}
	p, finish, err := join(joinCtx, c)
	if err != nil {
		return ConnLost(err)
	}
	var lost atomic.Bool
	// The connection is fine; only this session's server is gone.
	fileErr := func(err error) error {
		if ConnLost(err) {
			lost.Store(true)
			return &sftp.StatusError{Code: sftp.CodeConnectionLost}
		}
		return err
	}
	s.session(ctx, func(ctx context.Context, off, n int64) (int64, error) {
		done, err := p(ctx, off, n)
		return done, fileErr(err)
	}, nil)
	if err := finish(); err != nil && !errors.Is(err, context.Canceled) {
		s.fail(fileErr(err))
	}
	return lost.Load()
}
