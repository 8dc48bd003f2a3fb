package sftp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Packet types of draft-ietf-secsh-filexfer-02 (SFTP version 3).
const (
	fxpInit          = 1
	fxpVersion       = 2
	fxpOpen          = 3
	fxpClose         = 4
	fxpRead          = 5
	fxpWrite         = 6
	fxpLstat         = 7
	fxpFstat         = 8
	fxpSetstat       = 9
	fxpFsetstat      = 10
	fxpOpendir       = 11
	fxpReaddir       = 12
	fxpRemove        = 13
	fxpMkdir         = 14
	fxpRmdir         = 15
	fxpRealpath      = 16
	fxpStat          = 17
	fxpRename        = 18
	fxpReadlink      = 19
	fxpSymlink       = 20
	fxpStatus        = 101
	fxpHandle        = 102
	fxpData          = 103
	fxpName          = 104
	fxpAttrs         = 105
	fxpExtended      = 200
	fxpExtendedReply = 201
)

const (
	// maxPacket bounds the length field of any packet we read: a DATA
	// reply carrying maxData bytes fits with room to spare, and OpenSSH's
	// sftp-server refuses anything past 256 KiB itself.
	maxPacket = 256<<10 + 1024
	// maxData caps read and write lengths as OpenSSH's client does
	// (its 256 KiB message limit less 1 KiB for headers).
	maxData = 256<<10 - 1024
)

// errBadPacket is wrapped by every decoding failure.
var errBadPacket = errors.New("bad packet")

// readPacket reads one length-prefixed packet and returns it without
// the length: the type byte, then the body. It comes from getBuf. A length past maxPacket is
// refused before anything is allocated for it.
func readPacket(r io.Reader, hdr []byte) ([]byte, error) {
	if _, err := io.ReadFull(r, hdr[:4]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n == 0 || n > maxPacket {
		return nil, fmt.Errorf("%w: length %d", errBadPacket, n)
	}
	p := getBuf(int(n))
	if _, err := io.ReadFull(r, p); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return p, nil
}

// Packets of bulk data come from a pool: a download would otherwise
// allocate its whole size in 256 KiB pieces and keep the GC busy.
var bufPool = sync.Pool{New: func() any { return new([maxPacket]byte) }}

// pooledMin is the smallest packet worth a pooled buffer.
const pooledMin = 16 << 10

func getBuf(n int) []byte {
	if n < pooledMin {
		return make([]byte, n)
	}
	return bufPool.Get().(*[maxPacket]byte)[:n]
}

// putBuf returns a packet from getBuf (its type byte included) to the
// pool. Nothing may use the packet afterwards.
func putBuf(p []byte) {
	if cap(p) == maxPacket {
		bufPool.Put((*[maxPacket]byte)(p[:maxPacket]))
	}
}

// decoder reads big-endian fields from a packet body; the first short
// read sets err and every later read returns zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: short %s", errBadPacket, what)
	}
	d.b = nil
}

func (d *decoder) u32() uint32 {
	if len(d.b) < 4 {
		d.fail("uint32")
		return 0
	}
	v := binary.BigEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) u64() uint64 {
	if len(d.b) < 8 {
		d.fail("uint64")
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// bytes returns a string field without copying it; its length is checked
// against what is left of the packet, never trusted for an allocation.
func (d *decoder) bytes() []byte {
	n := d.u32()
	if d.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(d.b)) {
		d.fail("string")
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

// end reports an error when fields are missing or bytes are left over.
func (d *decoder) end() error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errBadPacket, len(d.b))
	}
	return d.err
}

func appendU32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func appendU64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

func appendString(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}

func appendBytes(b []byte, s []byte) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}
