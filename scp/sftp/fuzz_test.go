package sftp

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the packet reader and decoder:
// no panic, nothing allocated past the packet bound, and whatever
// decodes encodes back to the same message.
func FuzzDecode(f *testing.F) {
	for _, m := range sampleMessages() {
		f.Add(frame(m))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		var hdr [4]byte
		for {
			p, err := readPacket(r, hdr[:])
			if err != nil {
				return
			}
			m, err := unmarshal(p[0], p[1:])
			if err != nil {
				continue
			}
			b := m.appendTo(nil)
			again, err := unmarshal(b[0], b[1:])
			if err != nil || !reflect.DeepEqual(m, again) {
				t.Fatalf("re-encoding %#v: %#v, %v", m, again, err)
			}
		}
	})
}

// FuzzClient runs a Stat, a ReadDir and a download against a server
// whose replies are the fuzz input, one packet per request: no panic,
// no hang, and a download that succeeds returns exactly the size given.
func FuzzClient(f *testing.F) {
	f.Add(fuzzSeedGood())
	f.Add(fuzzSeedGood()[:40])
	f.Add([]byte{0, 0, 0, 5, fxpStatus, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		cr, sw := io.Pipe()
		sr, cw := io.Pipe()
		go replay(sr, sw, in)
		ctx := context.Background()
		c, err := NewClient(ctx, cr, cw, &Options{BufferSize: 64, Requests: 3})
		if err != nil {
			return
		}
		defer c.Close()
		c.Stat(ctx, "a")
		c.ReadDir(ctx, "d")
		file, err := c.Open(ctx, "f")
		if err != nil {
			return
		}
		var got bytes.Buffer
		n, _ := file.CopyTo(ctx, &got, 0)
		if n != int64(got.Len()) {
			t.Fatalf("CopyTo says %d, wrote %d", n, got.Len())
		}
	})
}

// replay answers the INIT with a plain VERSION, then each request with
// the next packet cut from data, and closes when data runs out.
func replay(in *io.PipeReader, out *io.PipeWriter, data []byte) {
	defer out.Close()
	var hdr [4]byte
	first := true
	for {
		if _, err := readPacket(in, hdr[:]); err != nil {
			in.CloseWithError(err)
			return
		}
		if first {
			first = false
			out.Write(frame(&versionMsg{Type: fxpVersion, Version: 3}))
			continue
		}
		n := len(data)
		if n >= 4 {
			n = int(min(uint64(len(data)), 4+uint64(binary.BigEndian.Uint32(data))))
		}
		if _, err := out.Write(data[:n]); err != nil {
			return
		}
		// Each request gets one whole packet, so every request is
		// answered or the connection dies; a partial packet is the end.
		if data = data[n:]; len(data) == 0 {
			in.CloseWithError(io.EOF)
			return
		}
	}
}

// fuzzSeedGood is a well-behaved exchange for FuzzClient.
func fuzzSeedGood() []byte {
	var b []byte
	for _, m := range []message{
		&attrsMsg{ID: 1, Attrs: Attributes{Flags: AttrSize, Size: 5}},
		&stringMsg{Type: fxpHandle, ID: 2, Value: "d"},
		&nameMsg{ID: 3, Entries: []nameEntry{{".", "drwx .", Attributes{}}, {"x", "-rw x", Attributes{}}}},
		&statusMsg{ID: 4, Code: CodeEOF},
		&statusMsg{ID: 5, Code: CodeOK},
		&stringMsg{Type: fxpHandle, ID: 6, Value: "f"},
		&attrsMsg{ID: 7, Attrs: Attributes{Flags: AttrSize, Size: 70}},
		&dataMsg{ID: 8, Data: bytes.Repeat([]byte("a"), 64)},
		&dataMsg{ID: 9, Data: []byte("bbbbbb")},
		&statusMsg{ID: 10, Code: CodeEOF},
	} {
		b = append(b, frame(m)...)
	}
	return b
}
