package sftp

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"testing"
)

// fakeServer speaks SFTP over pipes for misbehaviour a real server cannot
// produce. handle answers each request; serveFile is the well-behaved
// default for one file.
type fakeServer struct {
	t      testing.TB
	in     *io.PipeReader // requests from the client
	out    *io.PipeWriter // replies to the client
	handle func(s *fakeServer, m message)
	data   []byte // the file's bytes
	size   uint64 // the size FSTAT reports
}

// startFake runs handle as the server and returns a connected client.
func startFake(t testing.TB, opts *Options, s *fakeServer) *Client {
	t.Helper()
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	s.t, s.in, s.out = t, sr, sw
	go s.run()
	c, err := NewClient(context.Background(), cr, cw, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *fakeServer) run() {
	defer s.out.Close()
	var hdr [4]byte
	for {
		p, err := readPacket(s.in, hdr[:])
		if err != nil {
			s.in.CloseWithError(err)
			return
		}
		typ := p[0]
		m, err := unmarshal(typ, p[1:])
		if err != nil {
			s.in.CloseWithError(err)
			return
		}
		if typ == fxpInit {
			s.send(&versionMsg{Type: fxpVersion, Version: 3})
			continue
		}
		s.handle(s, m)
	}
}

// send writes one reply; errors mean the client has gone.
func (s *fakeServer) send(m message) {
	s.sendRaw(frame(m))
}

func (s *fakeServer) sendRaw(b []byte) {
	s.out.Write(b)
}

// stop closes both directions, as a server that died.
func (s *fakeServer) stop() {
	s.out.Close()
	s.in.CloseWithError(io.ErrClosedPipe)
}

func frame(m message) []byte {
	b := m.appendTo(make([]byte, 4))
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

func idOf(m message) uint32 {
	b := m.appendTo(nil)
	return binary.BigEndian.Uint32(b[1:])
}

// serveFile answers OPEN, FSTAT, READ and CLOSE for s.data, each read
// with at most max bytes (0: as asked).
func (s *fakeServer) serveFile(m message, max int) {
	switch m := m.(type) {
	case *openMsg:
		s.send(&stringMsg{Type: fxpHandle, ID: m.ID, Value: "h"})
	case *stringMsg:
		switch m.Type {
		case fxpFstat, fxpStat, fxpLstat:
			s.send(&attrsMsg{ID: m.ID, Attrs: Attributes{Flags: AttrSize, Size: s.size}})
		default:
			s.send(&statusMsg{ID: m.ID, Code: CodeOK})
		}
	case *readMsg:
		s.send(s.readReply(m, max))
	default:
		s.send(&statusMsg{ID: idOf(m), Code: CodeOpUnsupported})
	}
}

func (s *fakeServer) readReply(m *readMsg, max int) message {
	if m.Offset >= uint64(len(s.data)) {
		return &statusMsg{ID: m.ID, Code: CodeEOF}
	}
	end := min(uint64(len(s.data)), m.Offset+uint64(m.Len))
	if max > 0 {
		end = min(end, m.Offset+uint64(max))
	}
	return &dataMsg{ID: m.ID, Data: s.data[m.Offset:end]}
}

func download(t testing.TB, c *Client) ([]byte, error) {
	t.Helper()
	ctx := context.Background()
	f, err := c.Open(ctx, "f")
	if err != nil {
		return nil, err
	}
	var got bytes.Buffer
	n, err := f.CopyTo(ctx, &got, 0)
	if n != int64(got.Len()) {
		t.Errorf("CopyTo says %d bytes, wrote %d", n, got.Len())
	}
	return got.Bytes(), err
}

func TestFakeShortReads(t *testing.T) {
	data := randomBytes(100000, 4)
	for _, max := range []int{1, 999, 4096, 32767} {
		s := &fakeServer{data: data, size: uint64(len(data))}
		s.handle = func(s *fakeServer, m message) { s.serveFile(m, max) }
		c := startFake(t, &Options{BufferSize: 5000, Requests: 8}, s)
		got, err := download(t, c)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("max %d: %d bytes, %v", max, len(got), err)
		}
		p := make([]byte, 50000)
		f, _ := c.Open(context.Background(), "f")
		if n, err := f.ReadAt(context.Background(), p, 70000); n != 30000 || err != io.EOF || !bytes.Equal(p[:n], data[70000:]) {
			t.Errorf("max %d: readat %d %v", max, n, err)
		}
	}
}

func TestFakeOutOfOrder(t *testing.T) {
	data := randomBytes(200000, 5)
	s := &fakeServer{data: data, size: uint64(len(data))}
	var held *readMsg
	s.handle = func(s *fakeServer, m message) {
		r, ok := m.(*readMsg)
		if !ok {
			s.serveFile(m, 0)
			return
		}
		// Answer full reads in pairs, the later first and the earlier
		// short; the rest of a short read and reads at the end at once.
		switch {
		case r.Len < 3000 || r.Offset+uint64(r.Len) >= uint64(len(data)):
			s.send(s.readReply(r, 0))
		case held == nil:
			held = r
		default:
			s.send(s.readReply(r, 0))
			s.send(s.readReply(held, 100))
			held = nil
		}
	}
	c := startFake(t, &Options{BufferSize: 3000, Requests: 6}, s)
	got, err := download(t, c)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("%d bytes, %v", len(got), err)
	}
}

// EOF before the size FSTAT gave: the file shrank, or the server lies.
func TestFakeEarlyEOF(t *testing.T) {
	data := randomBytes(70000, 6)
	s := &fakeServer{data: data, size: 70001}
	s.handle = func(s *fakeServer, m message) { s.serveFile(m, 0) }
	c := startFake(t, &Options{BufferSize: 32768}, s)
	got, err := download(t, c)
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 70000 {
		t.Errorf("%d bytes, %v", len(got), err)
	}
}

// A file larger than FSTAT said is read to its end.
func TestFakeGrown(t *testing.T) {
	data := randomBytes(5003, 7)
	s := &fakeServer{data: data, size: 3}
	s.handle = func(s *fakeServer, m message) { s.serveFile(m, 0) }
	c := startFake(t, &Options{BufferSize: 1000}, s)
	got, err := download(t, c)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("%d bytes, %v", len(got), err)
	}
}

// Misbehaving replies during a download: each must fail the copy, and
// nothing may hang.
func TestFakeBadReplies(t *testing.T) {
	data := randomBytes(100000, 8)
	for _, tc := range []struct {
		name  string
		reply func(s *fakeServer, r *readMsg)
		want  error
	}{
		{"unknown id", func(s *fakeServer, r *readMsg) {
			s.send(&dataMsg{ID: r.ID + 1000, Data: []byte("x")})
		}, ErrConnLost},
		{"string past packet", func(s *fakeServer, r *readMsg) {
			b := frame(&dataMsg{ID: r.ID, Data: []byte("abc")})
			binary.BigEndian.PutUint32(b[9:], 1<<30)
			s.sendRaw(b)
		}, ErrConnLost},
		{"packet too long", func(s *fakeServer, r *readMsg) {
			s.sendRaw([]byte{0xff, 0xff, 0xff, 0xf0, fxpData})
		}, ErrConnLost},
		{"zero length", func(s *fakeServer, r *readMsg) {
			s.sendRaw([]byte{0, 0, 0, 0})
		}, ErrConnLost},
		{"trailing bytes", func(s *fakeServer, r *readMsg) {
			b := frame(&dataMsg{ID: r.ID, Data: []byte("abc")})
			b = append(b, 0)
			binary.BigEndian.PutUint32(b, uint32(len(b)-4))
			s.sendRaw(b)
		}, ErrConnLost},
		{"no id", func(s *fakeServer, r *readMsg) {
			s.sendRaw([]byte{0, 0, 0, 3, fxpData, 0, 0})
		}, ErrConnLost},
		{"unknown type", func(s *fakeServer, r *readMsg) {
			s.sendRaw(frame(&stringMsg{Type: 99, ID: r.ID}))
		}, ErrConnLost},
		{"more than asked", func(s *fakeServer, r *readMsg) {
			s.send(&dataMsg{ID: r.ID, Data: make([]byte, r.Len+1)})
		}, errBadPacket},
		{"empty data", func(s *fakeServer, r *readMsg) {
			s.send(&dataMsg{ID: r.ID})
		}, errBadPacket},
		{"wrong type", func(s *fakeServer, r *readMsg) {
			s.send(&stringMsg{Type: fxpHandle, ID: r.ID, Value: "h"})
		}, errBadPacket},
		{"status failure", func(s *fakeServer, r *readMsg) {
			s.send(&statusMsg{ID: r.ID, Code: CodeFailure, Message: "\x1b[31mred"})
		}, &StatusError{}},
		{"dies", func(s *fakeServer, r *readMsg) { s.stop() }, ErrConnLost},
		{"dies mid-packet", func(s *fakeServer, r *readMsg) {
			s.sendRaw(frame(&dataMsg{ID: r.ID, Data: data[:r.Len]})[:100])
			s.stop()
		}, ErrConnLost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := 0
			s := &fakeServer{data: data, size: uint64(len(data))}
			s.handle = func(s *fakeServer, m message) {
				if r, ok := m.(*readMsg); ok {
					// Misbehave on the fifth read, with others in flight.
					if reads++; reads == 5 {
						tc.reply(s, r)
						return
					}
				}
				s.serveFile(m, 0)
			}
			c := startFake(t, &Options{BufferSize: 2000, Requests: 4}, s)
			got, err := download(t, c)
			if err == nil || len(got) >= len(data) {
				t.Fatalf("download succeeded: %d bytes", len(got))
			}
			var se *StatusError
			if _, ok := tc.want.(*StatusError); ok && !errors.As(err, &se) || !ok && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			// After a broken connection every request fails at once.
			if errors.Is(tc.want, ErrConnLost) {
				if _, err := c.Stat(context.Background(), "f"); !errors.Is(err, ErrConnLost) {
					t.Errorf("stat after loss: %v", err)
				}
			}
		})
	}
}

// Several requests are pending when the server dies: all of them fail.
func TestFakeDiesWithPending(t *testing.T) {
	held := 0
	s := &fakeServer{}
	s.handle = func(s *fakeServer, m message) {
		if held++; held == 3 {
			s.stop()
		}
	}
	c := startFake(t, nil, s)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := c.Stat(context.Background(), "x")
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; !errors.Is(err, ErrConnLost) {
			t.Errorf("got %v", err)
		}
	}
}

// A server that never answers: cancelling the context returns at once.
func TestFakeStalled(t *testing.T) {
	s := &fakeServer{handle: func(*fakeServer, message) {}}
	c := startFake(t, nil, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.Stat(ctx, "x")
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}

func TestFakeHandshake(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply []byte
	}{
		{"not version", frame(&statusMsg{ID: 0, Code: CodeOK})},
		{"version 2", frame(&versionMsg{Type: fxpVersion, Version: 2})},
		{"truncated extension", []byte{0, 0, 0, 11, fxpVersion, 0, 0, 0, 3, 0, 0, 0, 9, 'a', 'b'}},
		{"nothing", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr, sw := io.Pipe()
			sr, cw := io.Pipe()
			go func() {
				var hdr [4]byte
				readPacket(sr, hdr[:])
				sw.Write(tc.reply)
				sw.Close()
				io.Copy(io.Discard, sr)
			}()
			if c, err := NewClient(context.Background(), cr, cw, nil); err == nil {
				c.Close()
				t.Error("handshake succeeded")
			}
		})
	}
}

// Writes answered with a failure stop the upload with that error.
func TestFakeUploadFailure(t *testing.T) {
	writes := 0
	s := &fakeServer{}
	s.handle = func(s *fakeServer, m message) {
		if w, ok := m.(*writeMsg); ok {
			code := CodeOK
			if writes++; writes == 3 {
				code = CodePermissionDenied
			}
			s.send(&statusMsg{ID: w.ID, Code: code})
			return
		}
		s.serveFile(m, 0)
	}
	c := startFake(t, &Options{BufferSize: 100, Requests: 4}, s)
	f, err := c.Create(context.Background(), "f", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.CopyFrom(context.Background(), bytes.NewReader(make([]byte, 1000)), 0)
	if n != 200 || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("copied %d, %v", n, err)
	}
}
