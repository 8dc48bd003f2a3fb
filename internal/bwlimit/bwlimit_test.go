package bwlimit

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// Paced streams carry every byte, in small chunks at a low rate, and the
// writer still closes what is under it. (Rates are measured by make
// bench, never asserted here.)
func TestStreamsCarryEverything(t *testing.T) {
	data := strings.Repeat("0123456789", 300)
	var w closeRecorder
	r, wc := Split(strings.NewReader(data), &w, 1000)
	got, err := io.ReadAll(r)
	if err != nil || string(got) != data {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if n, err := wc.Write([]byte(data)); n != len(data) || err != nil || w.String() != data {
		t.Fatalf("wrote %d, %v; got %d bytes", n, err, w.Len())
	}
	if wc.Close(); !w.closed {
		t.Error("Close did not reach the stream")
	}
	pr, pw := Pair(strings.NewReader(data), io.Discard, 1000)
	if got, _ := io.ReadAll(pr); string(got) != data {
		t.Errorf("Pair read %d bytes", len(got))
	}
	if n, _ := pw.Write([]byte(data)); n != len(data) {
		t.Errorf("Pair wrote %d", n)
	}
}

func TestSplitWithoutLimit(t *testing.T) {
	var w closeRecorder
	r := strings.NewReader("x")
	if gr, gw := Split(r, &w, 0); gr != io.Reader(r) || gw != io.WriteCloser(&w) {
		t.Error("no limit must leave the streams as they are")
	}
}
