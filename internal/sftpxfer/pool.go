package sftpxfer

import (
	"context"
	"slices"
	"sync"

	"github.com/goscp/goscp/scp/sftp"
)

// Opener starts one more SFTP session on the connection a Transfer's
// Client speaks over; end closes the client and its session.
type Opener func(ctx context.Context) (c *sftp.Client, end func(), err error)

// Pool is the extra SFTP sessions of one connection that big files are
// split across. Sessions open on demand, when a big file needs them or
// when the caller knows one is coming (Warm), and are kept for the next;
// the first failure to open one (sshd's MaxSessions, say) ends the
// growing, and the copies carry on with the sessions already open. A Pool
// may be used from several goroutines.
type Pool struct {
	open  Opener
	extra int // sessions besides the Transfer's own, at most
	// ctx is what sessions open with; Close cancels it, so that a server
	// that never answers cannot hold the end of the run.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	idle    []*member
	waiting []*lease // leases owed sessions, oldest first
	opened  int      // sessions open or opening
	pending int      // sessions opening
	refused bool     // an open failed: try no more
	closed  bool
	opening sync.WaitGroup
}

// member is one extra session.
type member struct {
	c   *sftp.Client
	end func()
}

// NewPool returns a pool that opens sessions with open: as many as a big
// file moves on besides the Transfer's own, at most.
func NewPool(open Opener) *Pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &Pool{open: open, extra: splitSessions - 1, ctx: ctx, cancel: cancel}
}

// Warm starts opening every session the pool may hold, before a big file
// asks for them: the caller knows one is coming. Opened first, they do
// not queue behind the first session's data (on an upload, behind a full
// window of it in the connection's one TCP stream), so they join sooner.
func (p *Pool) Warm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.growLocked(p.extra)
}

// growLocked starts opening up to n more sessions. p.mu is held.
func (p *Pool) growLocked(n int) {
	for ; n > 0 && !p.closed && !p.refused && p.opened < p.extra; n-- {
		p.opened++
		p.pending++
		p.opening.Add(1)
		go p.grow()
	}
}

// lease is one file's claim on the pool: sessions arrive on ch, idle
// ones at once and others as they open. Once it is returned, sessions
// still opening go to the next lease waiting, or idle.
type lease struct {
	p    *Pool
	ch   chan *member // buffered for every session asked for
	owed int          // sessions asked for that did not arrive yet
	// joined is closed once a session arrived, or none is opening: the
	// connection is then no longer busy with opening sessions.
	joined   chan struct{}
	signaled bool
}

// signal closes l.joined, once. p.mu is held.
func (l *lease) signal() {
	if !l.signaled {
		l.signaled = true
		close(l.joined)
	}
}

// lease asks for up to n sessions.
func (p *Pool) lease(n int) *lease {
	l := &lease{p: p, ch: make(chan *member, n), joined: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	defer func() {
		if len(l.ch) > 0 || p.pending == 0 {
			l.signal()
		}
	}()
	for ; n > 0 && len(p.idle) > 0; n-- {
		l.ch <- p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
	}
	if n == 0 {
		return l
	}
	// Sessions already opening that no other lease is owed come here
	// first; more open for the rest.
	unclaimed := p.pending
	for _, w := range p.waiting {
		unclaimed -= w.owed
	}
	l.owed = n
	p.waiting = append(p.waiting, l)
	p.growLocked(n - max(unclaimed, 0))
	return l
}

// grow opens one session, for the oldest lease owed one, or to keep.
func (p *Pool) grow() {
	defer p.opening.Done()
	c, end, err := p.open(p.ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending--
	if p.pending == 0 {
		for _, l := range p.waiting {
			l.signal()
		}
	}
	if err != nil {
		p.opened--
		p.refused = true
		return
	}
	p.keep(&member{c, end}, nil)
}

// keep hands m to the oldest lease owed a session but from, or makes it
// idle, or ends it once the pool is closed. p.mu is held.
func (p *Pool) keep(m *member, from *lease) {
	if p.closed {
		m.end()
		return
	}
	for i, l := range p.waiting {
		if l == from {
			continue
		}
		l.ch <- m
		l.signal()
		if l.owed--; l.owed == 0 {
			p.waiting = slices.Delete(p.waiting, i, i+1)
		}
		return
	}
	p.idle = append(p.idle, m)
}

// give hands a session back: to another lease or idle, or ended when it
// broke.
func (l *lease) give(m *member, broken bool) {
	p := l.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if broken {
		p.opened--
		m.end()
		return
	}
	p.keep(m, l)
}

// done returns the lease: sessions that arrived unused, and the ones
// still opening for it, go to other leases or idle.
func (l *lease) done() {
	p := l.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waiting = slices.DeleteFunc(p.waiting, func(w *lease) bool { return w == l })
	for {
		select {
		case m := <-l.ch:
			p.keep(m, l)
		default:
			return
		}
	}
}

// Close ends every session, after waiting for those still opening (their
// opening cancelled).
func (p *Pool) Close() {
	p.cancel()
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	p.opening.Wait()
	for _, m := range idle {
		m.end()
	}
}
