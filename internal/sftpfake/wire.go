package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// SFTP version 3 packet types the fake speaks.
const (
	fxpInit          = 1
	fxpVersion       = 2
	fxpOpen          = 3
	fxpClose         = 4
	fxpRead          = 5
	fxpWrite         = 6
	fxpLstat         = 7
	fxpFstat         = 8
	fxpOpendir       = 11
	fxpReaddir       = 12
	fxpRealpath      = 16
	fxpStat          = 17
	fxpStatus        = 101
	fxpHandle        = 102
	fxpData          = 103
	fxpName          = 104
	fxpAttrs         = 105
	fxpExtended      = 200
	fxpExtendedReply = 201
)

// Status codes.
const (
	fxOK          = 0
	fxEOF         = 1
	fxNoSuchFile  = 2
	fxFailure     = 4
	fxUnsupported = 8
)

// pflagCreat is SSH_FXF_CREAT of OPEN.
const pflagCreat = 0x8

// Attribute flags.
const (
	attrSize  = 0x1
	attrIDs   = 0x2
	attrPerm  = 0x4
	attrTimes = 0x8
)

// maxRequest bounds what the fake reads from a client: no client of the
// tests sends more (the fake refuses writes).
const maxRequest = 1 << 20

var errShort = errors.New("short packet")

// readPacket reads one length-prefixed packet, without the length.
func readPacket(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxRequest {
		return nil, fmt.Errorf("request length %d", n)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, err
	}
	return p, nil
}

// decoder reads fields from a request; a field past the end sets err.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) u32() uint32 {
	if len(d.b) < 4 {
		d.err = errShort
		return 0
	}
	v := binary.BigEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) u64() uint64 {
	hi := d.u32()
	return uint64(hi)<<32 | uint64(d.u32())
}

func (d *decoder) str() string {
	n := d.u32()
	if uint64(n) > uint64(len(d.b)) {
		d.err = errShort
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// msg builds one packet; bytes gives it with its length in front.
type msg struct{ b []byte }

func newMsg(typ byte) *msg { return &msg{b: []byte{0, 0, 0, 0, typ}} }

func (m *msg) u32(v uint32) *msg { m.b = binary.BigEndian.AppendUint32(m.b, v); return m }
func (m *msg) u64(v uint64) *msg { m.b = binary.BigEndian.AppendUint64(m.b, v); return m }
func (m *msg) str(s string) *msg { m.u32(uint32(len(s))); m.b = append(m.b, s...); return m }
func (m *msg) raw(b []byte) *msg { m.b = append(m.b, b...); return m }

func (m *msg) attrs(n *node) *msg {
	m.u32(attrSize | attrIDs | attrPerm | attrTimes)
	return m.u64(n.size).u32(0).u32(0).u32(n.mode).u32(fixedTime).u32(fixedTime)
}

func (m *msg) bytes() []byte {
	binary.BigEndian.PutUint32(m.b, uint32(len(m.b)-4))
	return m.b
}
