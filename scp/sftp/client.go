package sftp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// Defaults as OpenSSH's sftp client has them.
const (
	DefaultBufferSize = 32768
	DefaultRequests   = 64
)

// Options tune a [Client]. The zero value (or nil) means OpenSSH's
// defaults, scaled to the server's limits@openssh.com reply when it
// sends one.
type Options struct {
	// BufferSize is the length of each read and write request (sftp -B).
	// Zero means the server's limits, else DefaultBufferSize.
	BufferSize int
	// Requests is the number of requests in flight per transfer
	// (sftp -R). Zero means DefaultRequests, lowered to the server's
	// open-handle limit.
	Requests int
}

// Client is an SFTP version 3 client. Its methods may be called from
// several goroutines at once.
type Client struct {
	w       io.WriteCloser
	closeW  func() error // closes w once: not every WriteCloser allows two
	onClose func() error

	writeMu sync.Mutex
	wbuf    []byte

	mu      sync.Mutex
	nextID  uint32
	pending map[uint32]chan reply // nil value: abandoned by its caller
	err     error                 // set once: the client is unusable
	closed  bool                  // Close was called
	version chan *versionMsg

	exts      map[string]string
	readSize  int
	writeSize int
	requests  int
	handles   int // the server's open-handle limit; 0: unknown
}

// reply is a packet routed to the request it answers, or the error that
// ended the connection.
type reply struct {
	pkt []byte // type byte and body
	err error
}

// NewClient speaks SFTP over r (the server's output) and w (its input):
// it sends INIT, waits for VERSION, records the server's extensions and,
// when offered, asks for its limits. Close closes w; a goroutine reads r
// until r returns an error or EOF.
func NewClient(ctx context.Context, r io.Reader, w io.WriteCloser, opts *Options) (*Client, error) {
	c := &Client{
		w:       w,
		closeW:  sync.OnceValue(w.Close),
		pending: make(map[uint32]chan reply),
		version: make(chan *versionMsg, 1),
	}
	go c.readLoop(r)
	if err := c.handshake(ctx, opts); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Client) handshake(ctx context.Context, opts *Options) error {
	if err := c.write(&versionMsg{Type: fxpInit, Version: 3}); err != nil {
		return err
	}
	var v *versionMsg
	select {
	case v = <-c.version:
	case <-ctx.Done():
		return ctx.Err()
	}
	if v == nil {
		return c.lostErr()
	}
	if v.Version != 3 {
		return fmt.Errorf("sftp: server speaks version %d, not 3", v.Version)
	}
	c.exts = make(map[string]string, len(v.Extensions))
	for _, e := range v.Extensions {
		if _, dup := c.exts[e.Name]; !dup {
			c.exts[e.Name] = e.Data
		}
	}
	if opts == nil {
		opts = &Options{}
	}
	c.readSize, c.writeSize, c.requests = DefaultBufferSize, DefaultBufferSize, DefaultRequests
	if c.supports(extLimits) {
		l, err := c.Limits(ctx)
		if err != nil {
			return err
		}
		c.scaleTo(l)
	}
	if opts.BufferSize > 0 {
		c.readSize, c.writeSize = opts.BufferSize, opts.BufferSize
	}
	if opts.Requests > 0 {
		c.requests = opts.Requests
	}
	c.readSize, c.writeSize = min(c.readSize, maxData), min(c.writeSize, maxData)
	return nil
}

// scaleTo takes read and write lengths from the server's limits and
// lowers the requests in flight to its handle limit, as OpenSSH does.
func (c *Client) scaleTo(l *Limits) {
	if l.MaxReadLength > 0 {
		c.readSize = int(max(64, min(l.MaxReadLength, maxData)))
	}
	if l.MaxWriteLength > 0 {
		c.writeSize = int(max(64, min(l.MaxWriteLength, maxData)))
	}
	if l.MaxOpenHandles > 0 {
		c.handles = int(min(l.MaxOpenHandles, 1<<30))
		c.requests = int(max(1, min(l.MaxOpenHandles, DefaultRequests)))
	}
}

// OpenHandles returns how many handles the server lets a session hold
// open at once, from its limits@openssh.com reply; 0 when it did not say.
func (c *Client) OpenHandles() int { return c.handles }

// HasExtension reports whether the server announced the named extension
// in its VERSION reply, in any version.
func (c *Client) HasExtension(name string) bool {
	_, ok := c.exts[name]
	return ok
}

// supports reports whether the server announced the extension in the
// version this package speaks.
func (c *Client) supports(e ext) bool {
	v, ok := c.exts[e.name]
	return ok && v == strconv.Itoa(e.version)
}

// Close ends the session: pending requests fail with ErrClosed and w is
// closed, which makes the server exit. Closing twice does nothing.
func (c *Client) Close() error {
	c.mu.Lock()
	closed := c.closed
	c.closed = true
	c.mu.Unlock()
	if closed {
		return nil
	}
	c.fail(ErrClosed)
	err := c.closeW()
	if c.onClose != nil {
		if cerr := c.onClose(); err == nil {
			err = cerr
		}
	}
	return err
}

// fail makes the client unusable with err (the first error wins) and
// hands it to every pending request.
func (c *Client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	for id, ch := range c.pending {
		if ch != nil {
			ch <- reply{err: err}
		}
		delete(c.pending, id)
	}
	close(c.version)
}

func (c *Client) lostErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// readLoop reads every packet the server sends and routes it to the
// request with its id. Any error ends the connection for all requests.
func (c *Client) readLoop(r io.Reader) {
	var hdr [4]byte
	first := true
	for {
		p, err := readPacket(r, hdr[:])
		if err == nil {
			if first {
				err = c.gotVersion(p[0], p[1:])
				first = false
			} else {
				err = c.dispatch(p)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("server closed the connection")
			}
			c.fail(fmt.Errorf("%w: %w", ErrConnLost, err))
			// Closing w ends a writer blocked on a server that no longer
			// reads, and draining r one that is blocked writing to us.
			c.closeW()
			io.Copy(io.Discard, r)
			return
		}
	}
}

func (c *Client) gotVersion(typ byte, body []byte) error {
	if typ != fxpVersion {
		return fmt.Errorf("%w: type %d, expected VERSION", errBadPacket, typ)
	}
	m, err := unmarshal(typ, body)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.version <- m.(*versionMsg)
	}
	return nil
}

func (c *Client) dispatch(p []byte) error {
	if len(p) < 5 {
		return fmt.Errorf("%w: type %d without a request id", errBadPacket, p[0])
	}
	id := binary.BigEndian.Uint32(p[1:])
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.pending[id]
	if !ok {
		return fmt.Errorf("%w: reply to unknown request %d", errBadPacket, id)
	}
	delete(c.pending, id)
	if ch != nil {
		ch <- reply{pkt: p}
	}
	return nil
}

// write frames m and writes it in one call. A failed write may have cut
// a packet in half, so it ends the connection.
func (c *Client) write(m message) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	b := m.appendTo(append(c.wbuf[:0], 0, 0, 0, 0))
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	c.wbuf = b
	if _, err := c.w.Write(b); err != nil {
		err = fmt.Errorf("%w: %w", ErrConnLost, err)
		c.fail(err)
		return err
	}
	return nil
}

// call is a request sent and not yet answered.
type call struct {
	c   *Client
	id  uint32
	ch  chan reply
	pkt []byte // the reply, once it came; see release
}

// release hands the reply's buffer back for reuse once nothing refers to
// the decoded message any more.
func (k *call) release() {
	putBuf(k.pkt)
	k.pkt = nil
}

// start sends the request built by mk for a fresh id.
func (c *Client) start(mk func(id uint32) message) (*call, error) {
	ch := make(chan reply, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.write(mk(id)); err != nil {
		return nil, err
	}
	return &call{c: c, id: id, ch: ch}, nil
}

// wait returns the reply, decoded. When ctx ends first the request is
// abandoned: its reply, if one comes, is dropped.
func (k *call) wait(ctx context.Context) (message, error) {
	select {
	case r := <-k.ch:
		if r.err != nil {
			return nil, r.err
		}
		k.pkt = r.pkt
		m, err := unmarshal(r.pkt[0], r.pkt[1:])
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrConnLost, err)
			k.c.fail(err)
			return nil, err
		}
		return m, nil
	case <-ctx.Done():
		k.abandon()
		return nil, ctx.Err()
	}
}

// abandon stops waiting for the reply.
func (k *call) abandon() {
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	if _, ok := k.c.pending[k.id]; ok {
		k.c.pending[k.id] = nil
	}
}

// roundTrip sends a request and waits for its reply.
func (c *Client) roundTrip(ctx context.Context, mk func(id uint32) message) (message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k, err := c.start(mk)
	if err != nil {
		return nil, err
	}
	return k.wait(ctx)
}

// statusOf turns a reply that should be a STATUS into an error: nil for
// OK, *StatusError otherwise.
func statusOf(m message) error {
	s, ok := m.(*statusMsg)
	if !ok {
		return unexpected(m)
	}
	if s.Code == CodeOK {
		return nil
	}
	return &StatusError{Code: s.Code, Message: s.Message, Lang: s.Lang}
}

// unexpected is the error for a reply of the wrong type: a STATUS is the
// server's error, anything else a protocol violation.
func unexpected(m message) error {
	if s, ok := m.(*statusMsg); ok {
		if s.Code == CodeOK {
			return fmt.Errorf("sftp: %w: OK status where data was due", errBadPacket)
		}
		return &StatusError{Code: s.Code, Message: s.Message, Lang: s.Lang}
	}
	return fmt.Errorf("sftp: %w: unexpected reply %T", errBadPacket, m)
}
