package main

import (
	"fmt"
	"os"
	"path"
	"strings"
)

// scenario is how the fake lies. Every field is optional; a nil one
// behaves honestly.
type scenario struct {
	// version answers INIT instead of the honest VERSION 3.
	version func(s *server) error
	// intercept sees every request first and reports whether it answered.
	intercept func(s *server, r *request) (bool, error)
	stat      func(p string) (*node, bool)
	list      func(p string) []*node
	// read answers a READ of n bytes at off from the open file f.
	read func(s *server, id uint32, f *node, off uint64, n uint32) error
}

// Escapes a hostile server may try to put on the client's terminal.
const (
	escClear = "\x1b[2J\x1b[H"
	escTitle = "\x1b]0;owned\x07"
)

// junkLen is a string length far beyond any packet.
const junkLen = 0x7ffffff0

var scenarios = map[string]*scenario{
	"honest": {},

	// Readdir replies that try to leave the target of `get -r`, or to
	// write to the terminal.
	"names": {stat: namesStat, list: namesList},
	// Names with a NUL or other control bytes, which OpenSSH refuses at
	// once (so they have a scenario of their own).
	"names-nul": {stat: namesStat, list: func(p string) []*node {
		l := honestList(p)
		if p == "/h/d" {
			l = append(l, fileNode("nul\x00x", 9), fileNode("ctl\x01\x02\x7f", 9))
		}
		return l
	}},
	// A working directory with escapes, which pwd prints and every path
	// of the session starts with.
	"realpath": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpRealpath {
			return false, nil
		}
		p := "/h" + escClear + escTitle
		return true, s.send(newMsg(fxpName).u32(r.id).u32(1).str(p).str(p).u32(0))
	}},
	// `ls -l` prints the server's longnames.
	"longname": {list: func(p string) []*node {
		var l []*node
		for _, n := range honestList(p) {
			m := *n
			m.longname = "-rw-r--r-- 1 0 0 1 Sep 13 2020 " + escClear + escTitle + n.name + "\x01tail\x9b31m\x7f" +
				strings.Repeat("\x1b[1m", 2000)
			l = append(l, &m)
		}
		return l
	}},
	// Error messages with escapes, and escapes on the server's stderr
	// (which sshd drops for a subsystem: the test runs this one as a
	// command).
	"errmsg": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpOpen && r.typ != fxpOpendir {
			return false, nil
		}
		return true, s.status(r.id, fxFailure, escClear+"denied"+escTitle)
	}},
	"stderr": {version: func(s *server) error {
		os.Stderr.WriteString(escClear + "hostile stderr" + escTitle + "\x00\x01\n")
		return s.send(newMsg(fxpVersion).u32(3))
	}},

	// Lengths beyond the packet, absurd counts, replies to requests never
	// made.
	"overlong-name": {intercept: replaceType(fxpReaddir, func(id uint32) *msg {
		return newMsg(fxpName).u32(id).u32(1).u32(junkLen).raw([]byte("abc"))
	})},
	"overlong-data": {intercept: replaceType(fxpRead, func(id uint32) *msg {
		return newMsg(fxpData).u32(id).u32(junkLen).raw([]byte("abcdefghij"))
	})},
	"hugecount-realpath": {intercept: replaceType(fxpRealpath, func(id uint32) *msg {
		return newMsg(fxpName).u32(id).u32(0xffffffff).str("/h").str("/h").u32(0)
	})},
	"hugecount-readdir": {intercept: replaceType(fxpReaddir, func(id uint32) *msg {
		return newMsg(fxpName).u32(id).u32(0x7fffffff).str("a").str("a").u32(0).str("b").str("b").u32(0)
	})},
	"badid": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpStat && r.typ != fxpLstat {
			return false, nil
		}
		n, ok := s.stat(resolve(r.body.str()))
		if !ok {
			return false, nil
		}
		return true, s.send(newMsg(fxpAttrs).u32(r.id + 1).attrs(n))
	}},
	"unsolicited": {version: func(s *server) error {
		if err := s.send(newMsg(fxpVersion).u32(3)); err != nil {
			return err
		}
		return s.status(0xdeadbeef, fxOK, "Success")
	}},
	"dupreply": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		if err := s.data(id, f.size, off, n); err != nil || s.reads != 3 {
			return err
		}
		return s.data(id, f.size, off, n)
	}},

	// Reads: short, with a hole, ending early, overflowing, endless.
	"shortread": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		n = n/3 + 1
		if s.reads%5 == 0 {
			n = 1
		}
		return s.data(id, f.size, off, n)
	}},
	// Empty DATA replies: a client that asks again for the rest of a short
	// read asks for ever.
	"zeroread": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		if s.reads == zeroreadNotify {
			s.notify("zeroread")
		}
		return s.send(newMsg(fxpData).u32(id).u32(0))
	}},
	"hole": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		if off >= 65536 && off < 98304 {
			return s.status(id, fxEOF, "End of file")
		}
		return s.data(id, f.size, off, n)
	}},
	"shrink": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		return s.data(id, min(f.size, 100000), off, n)
	}},
	"sizelie": {
		stat: func(p string) (*node, bool) {
			n, ok := honestStat(p)
			if ok && !n.isDir() {
				n = fileNode(n.name, 1<<62)
			}
			return n, ok
		},
		read: func(s *server, id uint32, f *node, off uint64, n uint32) error { return s.data(id, 100, off, n) },
	},
	"overflow": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		if off >= f.size {
			return s.status(id, fxEOF, "End of file")
		}
		p := make([]byte, min(uint64(n), f.size-off))
		content(p, off)
		p = append(p, strings.Repeat("X", 100)...)
		return s.send(newMsg(fxpData).u32(id).u32(uint32(len(p))).raw(p))
	}},
	"endless": {
		stat: func(p string) (*node, bool) {
			n, ok := honestStat(p)
			if ok && !n.isDir() {
				n = fileNode(n.name, 65536)
			}
			return n, ok
		},
		read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
			if off > endlessNotify && off-uint64(n) <= endlessNotify {
				s.notify("endless")
			}
			return s.data(id, ^uint64(0), off, n)
		},
	},

	// A server that stops answering, at several points.
	"stall-init": {version: func(s *server) error { return s.stall("stall-init") }},
	"stall-read": {read: func(s *server, id uint32, f *node, off uint64, n uint32) error {
		return s.stall("stall-read")
	}},
	"stall-write": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpWrite {
			return false, nil
		}
		return true, s.stall("stall-write")
	}},
	"stall-readdir": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpReaddir {
			return false, nil
		}
		return true, s.stall("stall-readdir")
	}},

	// A directory that never ends: every READDIR gets 50 more names.
	"endless-dir": {intercept: func(s *server, r *request) (bool, error) {
		if r.typ != fxpReaddir {
			return false, nil
		}
		m := newMsg(fxpName).u32(r.id).u32(50)
		for range 50 {
			s.names++
			if s.names == endlessDirNotify {
				s.notify("endless-dir")
			}
			n := fileNode(fmt.Sprintf("e%09d", s.names), 1)
			m.str(n.name).str(n.long()).attrs(n)
		}
		return true, s.send(m)
	}},

	// VERSION replies with junk.
	"version-text": {version: func(s *server) error {
		s.write([]byte("Welcome to the hostile server!" + escClear + escTitle + "\r\n"))
		return s.stall("")
	}},
	"version-huge": {version: func(s *server) error {
		s.write([]byte{0xff, 0xff, 0xff, 0xff, fxpVersion, 0, 0, 0, 3})
		return s.stall("")
	}},
	"version-ext": {version: func(s *server) error {
		s.send(newMsg(fxpVersion).u32(3).u32(junkLen).raw([]byte("limits@openssh.com")))
		return s.stall("")
	}},
	"version-status": {version: func(s *server) error {
		return s.status(0, fxFailure, "not a version"+escTitle)
	}},
	"version-99":  {version: func(s *server) error { return s.send(newMsg(fxpVersion).u32(99)) }},
	"version-eof": {version: func(s *server) error { return errStalled }},

	// limits@openssh.com with absurd values.
	"limits-zero": limitsScenario(0),
	"limits-huge": limitsScenario(^uint64(0)),

	// Directories nested without end.
	"deep": {
		stat: func(p string) (*node, bool) {
			if rest, ok := strings.CutPrefix(p, "/h/d"); ok && strings.Trim(strings.ReplaceAll(rest, "/d", ""), "/") == "" {
				return dirNode(path.Base(p)), true
			}
			return honestStat(p)
		},
		list: func(p string) []*node { return []*node{dirNode("."), dirNode(".."), dirNode("d")} },
	},
}

// endlessNotify is the offset at which "endless" tells the test: far past
// the size it gave, so the client has read on regardless.
const endlessNotify = 16 << 20

// zeroreadNotify is the count of empty replies at which "zeroread" tells
// the test.
const zeroreadNotify = 10000

// endlessDirNotify is the count of names at which "endless-dir" tells the
// test.
const endlessDirNotify = 50000

// replaceType answers every request of type typ with the message mk makes.
func replaceType(typ byte, mk func(id uint32) *msg) func(s *server, r *request) (bool, error) {
	return func(s *server, r *request) (bool, error) {
		if r.typ != typ {
			return false, nil
		}
		return true, s.send(mk(r.id))
	}
}

// limitsScenario announces limits@openssh.com and answers it with v for
// every limit.
func limitsScenario(v uint64) *scenario {
	return &scenario{
		version: func(s *server) error {
			return s.send(newMsg(fxpVersion).u32(3).str("limits@openssh.com").str("1"))
		},
		intercept: func(s *server, r *request) (bool, error) {
			if r.typ != fxpExtended || r.body.str() != "limits@openssh.com" {
				return false, nil
			}
			return true, s.send(newMsg(fxpExtendedReply).u32(r.id).u64(v).u64(v).u64(v).u64(v))
		},
	}
}

// namesStat: besides the honest tree, "/h/d/up" is a directory and any
// other path is a 9-byte file, so that a client following a hostile name
// finds something to write.
func namesStat(p string) (*node, bool) {
	if n, ok := honestStat(p); ok {
		return n, true
	}
	if p == "/h/d/up" {
		return dirNode("up"), true
	}
	return fileNode(path.Base(p), 9), true
}

func namesList(p string) []*node {
	l := honestList(p)
	switch p {
	case "/h/d":
		l = append(l,
			fileNode("a/b", 9), fileNode("../escape", 9), fileNode("../../escape2", 9),
			fileNode("../../../escape3", 9), fileNode("/abs", 9), fileNode("..", 9), fileNode(".", 9),
			fileNode("", 9), fileNode("esc"+escClear+escTitle, 9), fileNode("c1\x9b2J", 9),
			dirNode("../updir"), dirNode("up"))
	case "/h/d/up":
		l = append(l, dirNode("../.."), fileNode("../../x2", 9), dirNode(".."), dirNode("."))
	}
	return l
}
