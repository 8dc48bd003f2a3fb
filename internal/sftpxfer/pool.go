package sftpxfer

import (
	"context"
	"sync"

	"github.com/goscp/goscp/scp/sftp"
)

// Opener starts one more SFTP session on the connection a Transfer's
// Client speaks over; end closes the client and its session.
type Opener func(ctx context.Context) (c *sftp.Client, end func(), err error)

// Pool is the extra SFTP sessions of one connection that big files are
// split across. Sessions open on demand, only when a big file needs them,
// and are kept for the next; the first failure to open one (sshd's
// MaxSessions, say) ends the growing, and the copies carry on with the
// sessions already open. A Pool may be used from several goroutines.
type Pool struct {
	open  Opener
	extra int // sessions besides the Transfer's own, at most
	// ctx is what sessions open with; Close cancels it, so that a server
	// that never answers cannot hold the end of the run.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	idle    []*member
	opened  int  // sessions open or opening
	refused bool // an open failed: try no more
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

// lease is one file's claim on the pool: sessions arrive on ch, idle
// ones at once and new ones as they open. Once it is returned, sessions
// still opening for it go idle.
type lease struct {
	p        *Pool
	ch       chan *member // buffered for every session asked for
	returned bool
}

// lease asks for up to n sessions.
func (p *Pool) lease(n int) *lease {
	l := &lease{p: p, ch: make(chan *member, n)}
	p.mu.Lock()
	defer p.mu.Unlock()
	for ; n > 0 && len(p.idle) > 0; n-- {
		l.ch <- p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
	}
	for ; n > 0 && !p.closed && !p.refused && p.opened < p.extra; n-- {
		p.opened++
		p.opening.Add(1)
		go p.grow(l)
	}
	return l
}

// grow opens one session for l.
func (p *Pool) grow(l *lease) {
	defer p.opening.Done()
	c, end, err := p.open(p.ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err != nil:
		p.opened--
		p.refused = true
	case l.returned:
		p.keep(&member{c, end})
	default:
		l.ch <- &member{c, end}
	}
}

// keep makes m idle, or ends it once the pool is closed. p.mu is held.
func (p *Pool) keep(m *member) {
	if p.closed {
		m.end()
		return
	}
	p.idle = append(p.idle, m)
}

// give hands a session back: idle again, or ended when it broke.
func (l *lease) give(m *member, broken bool) {
	p := l.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if broken {
		p.opened--
		m.end()
		return
	}
	p.keep(m)
}

// done returns the lease: sessions that arrived unused go idle, and so
// do the ones still opening.
func (l *lease) done() {
	p := l.p
	p.mu.Lock()
	defer p.mu.Unlock()
	l.returned = true
	for {
		select {
		case m := <-l.ch:
			p.keep(m)
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
