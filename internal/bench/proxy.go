package bench

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// The delay line's buffering, per direction of a connection: enough to keep
// 2.5 GiB/s in flight at 25 ms one way, so the proxy adds latency, not a
// bandwidth limit. Buffers are allocated only as data is in flight.
const (
	chunkSize   = 64 << 10
	chunksAhead = 1024
)

// Proxy is a TCP forwarder on 127.0.0.1 that delays every byte by a fixed
// time in each direction without limiting bandwidth: a delay line that
// stamps each chunk as it arrives, keeps reading, and releases the chunk at
// its arrival time plus the delay.
type Proxy struct {
	l      net.Listener
	target string
	delay  time.Duration

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewProxy listens on a free port of 127.0.0.1 and forwards every
// connection to target, delaying each direction by oneWay (RTT/2).
func NewProxy(target string, oneWay time.Duration) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p := &Proxy{l: l, target: target, delay: oneWay, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the address clients connect to.
func (p *Proxy) Addr() *net.TCPAddr { return p.l.Addr().(*net.TCPAddr) }

// Close stops accepting, cuts the open connections and waits for their
// goroutines.
func (p *Proxy) Close() error {
	err := p.l.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return // closed
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// track records c so Close can cut it; it reports false once closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)
	server, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(server) {
		if server != nil {
			server.Close()
		}
		return
	}
	defer p.untrack(server)
	done := make(chan struct{})
	go func() { p.pipe(server, client); close(done) }()
	p.pipe(client, server)
	<-done
}

// chunk is data read at a time; data is nil for the end of the stream.
type chunk struct {
	data []byte
	at   time.Time
}

var chunks = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// pipe copies src to dst through the delay line. At src's end it half
// closes dst, one delay later like the data; on a write error it cuts both
// connections so that the other direction ends too.
func (p *Proxy) pipe(dst, src net.Conn) {
	line := make(chan chunk, chunksAhead) // its capacity bounds the bytes in flight
	go read(src, line)
	for c := range line {
		time.Sleep(time.Until(c.at.Add(p.delay)))
		if c.data == nil {
			closeWrite(dst)
			continue
		}
		_, err := dst.Write(c.data)
		buf := c.data[:cap(c.data)]
		chunks.Put(&buf)
		if err != nil {
			dst.Close()
			src.Close()
			for range line { // let read finish
			}
			return
		}
	}
}

// read sends what it reads from src to line, stamped with its arrival,
// and a final nil chunk at the end of the stream or on an error.
func read(src net.Conn, line chan<- chunk) {
	defer close(line)
	for {
		buf := *chunks.Get().(*[]byte)
		n, err := src.Read(buf)
		now := time.Now()
		if n > 0 {
			line <- chunk{data: buf[:n], at: now}
		} else {
			chunks.Put(&buf)
		}
		if err != nil { // EOF, or a cut connection: either way the end
			line <- chunk{at: now}
			return
		}
	}
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
		return
	}
	c.Close()
}
