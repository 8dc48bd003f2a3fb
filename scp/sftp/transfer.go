package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// A transfer keeps up to Client.requests reads or writes in flight. Read
// replies are consumed in offset order, so out-of-order replies wait in
// their own one-slot channels: memory stays below the bytes of the reads
// in flight, which maxReadAhead bounds as well.

// maxReadAhead bounds the bytes one download keeps asked for. Over SSH a
// channel brings at most its window (2 MiB in OpenSSH and x/crypto/ssh)
// per round trip, so reads beyond that add no speed; they only let
// replies pile up here while the local disk lags.
const maxReadAhead = 4 << 20

// readAhead is how many reads one download keeps in flight.
func (c *Client) readAhead() int {
	return max(1, min(c.requests, maxReadAhead/c.readSize))
}

// readReq is a read in flight for n bytes at off.
type readReq struct {
	off int64
	n   int
	k   *call
}

// reader streams a file's bytes in order through pipelined reads.
type reader struct {
	f    *File
	ctx  context.Context
	next int64 // next offset to ask for
	end  int64 // ask for nothing at or past end; < 0: read to EOF
	// size is the expected file size: past it at most one read is in
	// flight, enough to see EOF or a file that grew. < 0: unknown.
	size int64
	q    []*readReq // in offset order
	last *call      // the read whose data chunk returned last
}

func (r *reader) issue(off int64, n int) (*readReq, error) {
	k, err := r.f.c.start(func(id uint32) message {
		return &readMsg{ID: id, Handle: r.f.handle, Offset: uint64(off), Len: uint32(n)}
	})
	if err != nil {
		return nil, err
	}
	return &readReq{off: off, n: n, k: k}, nil
}

func (r *reader) fill() error {
	for len(r.q) < r.f.c.readAhead() {
		if r.end >= 0 && r.next >= r.end || r.size >= 0 && r.next >= r.size && len(r.q) > 0 {
			return nil
		}
		n := int64(r.f.c.readSize)
		if r.end >= 0 {
			n = min(n, r.end-r.next)
		}
		req, err := r.issue(r.next, int(n))
		if err != nil {
			return err
		}
		r.q = append(r.q, req)
		r.next += n
	}
	return nil
}

// chunk returns the next bytes of the file in offset order, or io.EOF
// when the server says end of file or end is reached. A read answered
// with fewer bytes than asked is followed by a read of the rest of its
// range before anything later is returned.
func (r *reader) chunk() ([]byte, error) {
	r.releaseLast()
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.fill(); err != nil {
		return nil, err
	}
	if len(r.q) == 0 {
		return nil, io.EOF
	}
	h := r.q[0]
	m, err := h.k.wait(r.ctx)
	r.q = r.q[1:]
	if err != nil {
		return nil, err
	}
	d, ok := m.(*dataMsg)
	if !ok {
		err := unexpected(m)
		if isEOF(err) {
			return nil, io.EOF
		}
		return nil, err
	}
	n := len(d.Data)
	if n == 0 || n > h.n {
		return nil, fmt.Errorf("sftp: %w: read of %d bytes answered with %d", errBadPacket, h.n, n)
	}
	if n < h.n {
		rest, err := r.issue(h.off+int64(n), h.n-n)
		if err != nil {
			return nil, err
		}
		r.q = append([]*readReq{rest}, r.q...)
	}
	r.last = h.k
	return d.Data, nil
}

// releaseLast recycles the buffer of the chunk returned last, which the
// caller has finished with.
func (r *reader) releaseLast() {
	if r.last != nil {
		r.last.release()
		r.last = nil
	}
}

// stop abandons the reads still in flight.
func (r *reader) stop() {
	r.releaseLast()
	for _, q := range r.q {
		q.k.abandon()
	}
	r.q = nil
}

// ReadAt reads len(p) bytes at off with pipelined reads. It returns
// fewer bytes only with an error, io.EOF when the file ends first.
func (f *File) ReadAt(ctx context.Context, p []byte, off int64) (int, error) {
	r := &reader{f: f, ctx: ctx, next: off, end: off + int64(len(p)), size: -1}
	defer r.stop()
	n := 0
	for n < len(p) {
		b, err := r.chunk()
		if err == io.EOF {
			return n, io.EOF
		}
		if err != nil {
			return n, pathErr("read", f.name, err)
		}
		n += copy(p[n:], b)
	}
	return n, nil
}

// CopyTo writes the file's bytes from off to its end to w, with
// pipelined reads, and returns the number of bytes written. The server's
// end of file before the size it gave for the file is an error wrapping
// io.ErrUnexpectedEOF: the file shrank, or the server lied. A file that
// grows is read until the server says end of file or ctx ends.
func (f *File) CopyTo(ctx context.Context, w io.Writer, off int64) (int64, error) {
	// FSTAT goes first and one read with it; more reads follow once the
	// size is known, so a small file costs one round trip.
	st, err := f.c.start(f.fstat)
	if err != nil {
		return 0, pathErr("read", f.name, err)
	}
	r := &reader{f: f, ctx: ctx, next: off, end: -1, size: 0}
	defer r.stop()
	if err := r.fill(); err != nil {
		st.abandon()
		return 0, pathErr("read", f.name, err)
	}
	// A server may refuse FSTAT (sftp-server -p without "fstat"): the
	// file is then read to its end, its size unknown.
	a, err := attrsOf(st.wait(ctx))
	var status *StatusError
	if err != nil && !errors.As(err, &status) {
		return 0, pathErr("fstat", f.name, err)
	}
	r.size = -1
	if err == nil && a.Flags&AttrSize != 0 {
		r.size = int64(min(a.Size, 1<<62))
	}
	pos := off
	for {
		b, err := r.chunk()
		if err == io.EOF {
			if pos < r.size {
				return pos - off, fmt.Errorf("sftp: %s: end of file at %d of %d bytes: %w", f.name, pos, r.size, io.ErrUnexpectedEOF)
			}
			return pos - off, nil
		}
		if err != nil {
			return pos - off, pathErr("read", f.name, err)
		}
		if _, err := w.Write(b); err != nil {
			return pos - off, err
		}
		pos += int64(len(b))
	}
}

// writeReq is a write in flight of n bytes.
type writeReq struct {
	n int
	k *call
}

// CopyFrom writes what src yields to the file from off on, with
// pipelined writes, and returns the number of bytes the server
// acknowledged in one run from off. After an error, later writes may
// have landed: the file can hold more than the count.
func (f *File) CopyFrom(ctx context.Context, src io.Reader, off int64) (int64, error) {
	// The buffer goes back to the pool as soon as src is drained: a small
	// file holds none while it waits for its replies.
	buf := getBuf(f.c.writeSize)
	defer func() { putBuf(buf) }()
	var q []writeReq
	defer func() {
		for _, w := range q {
			w.k.abandon()
		}
	}()
	var done int64
	pos, eof := off, false
	for !eof || len(q) > 0 {
		if !eof && len(q) < f.c.requests {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			n, err := io.ReadFull(src, buf)
			if n > 0 {
				k, err := f.c.start(func(id uint32) message {
					return &writeMsg{ID: id, Handle: f.handle, Offset: uint64(pos), Data: buf[:n]}
				})
				if err != nil {
					return done, pathErr("write", f.name, err)
				}
				q = append(q, writeReq{n: n, k: k})
				pos += int64(n)
			}
			switch err {
			case nil:
			case io.EOF, io.ErrUnexpectedEOF:
				eof = true
				putBuf(buf)
				buf = nil
			default:
				return done, err
			}
			continue
		}
		m, err := q[0].k.wait(ctx)
		if err == nil {
			err = statusOf(m)
		}
		if err != nil {
			return done, pathErr("write", f.name, err)
		}
		done += int64(q[0].n)
		q = q[1:]
	}
	return done, nil
}

// WriteAt writes p at off with pipelined writes.
func (f *File) WriteAt(ctx context.Context, p []byte, off int64) (int, error) {
	n, err := f.CopyFrom(ctx, bytes.NewReader(p), off)
	return int(n), err
}
