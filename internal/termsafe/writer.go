package termsafe

import (
	"bytes"
	"io"
	"sync"
)

// Writer sanitises a stream line by line, so a character split across two
// writes is judged whole. Close writes out an unfinished last line.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte
}

// maxPending bounds what is held back while waiting for a newline.
const maxPending = 4096

// NewWriter returns a Writer that sends sanitised text to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer; it always accepts all of p.
func (sw *Writer) Write(p []byte) (int, error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	sw.pending = append(sw.pending, p...)
	end := bytes.LastIndexByte(sw.pending, '\n') + 1
	if end == 0 && len(sw.pending) >= maxPending {
		end = len(sw.pending)
	}
	if end > 0 {
		err := sw.emit(sw.pending[:end])
		sw.pending = append(sw.pending[:0], sw.pending[end:]...)
		if err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// Close writes any unfinished line; it does not close the underlying writer.
func (sw *Writer) Close() error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if len(sw.pending) == 0 {
		return nil
	}
	err := sw.emit(sw.pending)
	sw.pending = sw.pending[:0]
	return err
}

func (sw *Writer) emit(p []byte) error {
	_, err := io.WriteString(sw.w, String(string(p)))
	return err
}
