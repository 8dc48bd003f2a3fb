package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"syscall"
)

// request is one client request: its type, id and the rest of its body.
type request struct {
	typ  byte
	id   uint32
	body decoder
}

// handle is an open file or directory.
type handle struct {
	path    string
	n       *node
	entries []*node // a directory's entries not yet sent
	listed  bool
}

// server answers one client over in and out, lying as sc says.
type server struct {
	in      io.Reader
	out     *bufio.Writer
	sc      *scenario
	events  string // a FIFO the test reads, or ""
	handles map[string]*handle
	next    int
	reads   int // READ requests seen
	names   int // names sent by endless-dir
}

// serve runs the session until the client goes away.
func (s *server) serve() error {
	p, err := readPacket(s.in)
	if err != nil {
		return err
	}
	if p[0] != fxpInit {
		return fmt.Errorf("first packet is type %d, not INIT", p[0])
	}
	if s.sc.version != nil {
		if err := s.sc.version(s); err != nil {
			return err
		}
	} else if err := s.send(newMsg(fxpVersion).u32(3)); err != nil {
		return err
	}
	for {
		p, err := readPacket(s.in)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		r := &request{typ: p[0], body: decoder{b: p[1:]}}
		r.id = r.body.u32()
		if r.body.err != nil {
			return fmt.Errorf("request without id")
		}
		if err := s.handle(r); err != nil {
			return err
		}
	}
}

func (s *server) handle(r *request) error {
	if s.sc.intercept != nil {
		if done, err := s.sc.intercept(s, r); done || err != nil {
			return err
		}
	}
	switch r.typ {
	case fxpRealpath:
		p := resolve(r.body.str())
		return s.send(newMsg(fxpName).u32(r.id).u32(1).str(p).str(p).u32(0))
	case fxpStat, fxpLstat:
		n, ok := s.stat(resolve(r.body.str()))
		if !ok {
			return s.status(r.id, fxNoSuchFile, "No such file")
		}
		return s.send(newMsg(fxpAttrs).u32(r.id).attrs(n))
	case fxpOpen, fxpOpendir:
		return s.open(r)
	case fxpFstat:
		h, ok := s.handles[r.body.str()]
		if !ok {
			return s.status(r.id, fxFailure, "bad handle")
		}
		return s.send(newMsg(fxpAttrs).u32(r.id).attrs(h.n))
	case fxpReaddir:
		return s.readdir(r)
	case fxpRead:
		return s.read(r)
	case fxpWrite:
		return s.status(r.id, fxOK, "Success") // the fake keeps nothing
	case fxpClose:
		delete(s.handles, r.body.str())
		return s.status(r.id, fxOK, "Success")
	}
	return s.status(r.id, fxUnsupported, "Operation unsupported")
}

func (s *server) stat(p string) (*node, bool) {
	if s.sc.stat != nil {
		return s.sc.stat(p)
	}
	return honestStat(p)
}

func (s *server) list(p string) []*node {
	if s.sc.list != nil {
		return s.sc.list(p)
	}
	return honestList(p)
}

// open opens a file or directory; a file that does not exist is made up
// (empty) when the client asks to create it.
func (s *server) open(r *request) error {
	p := resolve(r.body.str())
	n, ok := s.stat(p)
	if !ok && r.typ == fxpOpen && r.body.u32()&pflagCreat != 0 {
		n, ok = fileNode(path.Base(p), 0), true
	}
	switch {
	case !ok:
		return s.status(r.id, fxNoSuchFile, "No such file")
	case n.isDir() != (r.typ == fxpOpendir):
		return s.status(r.id, fxFailure, "Failure")
	}
	s.next++
	id := "h" + strconv.Itoa(s.next)
	s.handles[id] = &handle{path: p, n: n}
	return s.send(newMsg(fxpHandle).u32(r.id).str(id))
}

// readdir sends a directory's entries in batches of up to 50, then EOF.
func (s *server) readdir(r *request) error {
	h, ok := s.handles[r.body.str()]
	if !ok || !h.n.isDir() {
		return s.status(r.id, fxFailure, "bad handle")
	}
	if !h.listed {
		h.entries, h.listed = s.list(h.path), true
	}
	if len(h.entries) == 0 {
		return s.status(r.id, fxEOF, "End of file")
	}
	batch := h.entries[:min(50, len(h.entries))]
	h.entries = h.entries[len(batch):]
	m := newMsg(fxpName).u32(r.id).u32(uint32(len(batch)))
	for _, n := range batch {
		m.str(n.name).str(n.long()).attrs(n)
	}
	return s.send(m)
}

func (s *server) read(r *request) error {
	h, ok := s.handles[r.body.str()]
	off, n := r.body.u64(), r.body.u32()
	if !ok || h.n.isDir() || r.body.err != nil {
		return s.status(r.id, fxFailure, "bad handle")
	}
	s.reads++
	if s.sc.read != nil {
		return s.sc.read(s, r.id, h.n, off, n)
	}
	return s.data(r.id, h.n.size, off, n)
}

// data answers a READ of n bytes at off from a file of the given size.
func (s *server) data(id uint32, size, off uint64, n uint32) error {
	if off >= size {
		return s.status(id, fxEOF, "End of file")
	}
	p := make([]byte, min(uint64(n), size-off))
	content(p, off)
	return s.send(newMsg(fxpData).u32(id).u32(uint32(len(p))).raw(p))
}

func (s *server) status(id, code uint32, text string) error {
	return s.send(newMsg(fxpStatus).u32(id).u32(code).str(text).str(""))
}

func (s *server) send(m *msg) error { return s.write(m.bytes()) }

// write sends raw bytes at once: the client sees each reply as soon as it
// is made.
func (s *server) write(b []byte) error {
	if _, err := s.out.Write(b); err != nil {
		return err
	}
	return s.out.Flush()
}

// notify tells the test that the scenario reached a point (a stall, the
// end of an endless file): a line on the events FIFO. Nothing is sent if
// no test listens.
func (s *server) notify(what string) {
	if s.events == "" {
		return
	}
	f, err := os.OpenFile(s.events, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	defer f.Close()
	f.WriteString(what + "\n")
}

// stall answers nothing more: it reads and drops what the client sends
// until it goes away.
func (s *server) stall(what string) error {
	s.notify(what)
	io.Copy(io.Discard, s.in)
	return errStalled
}

var errStalled = errors.New("stalled")
