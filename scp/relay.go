package scp

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
)

// RelayWatch follows a copy between two remote sides that passes through us
// (OpenSSH's scp -3): a source and a sink we did not start, whose bytes we
// forward untouched. It drives a Progress meter from the source's C records
// and file data, and picks out the warning and fatal messages of both sides,
// which otherwise reach only the other remote scp, which prints nothing.
//
// It reads the stream, it does not check it: it believes the records it
// sees, and once either direction stops making sense (a record that does
// not parse, a line longer than MaxLine, a byte where none belongs) it stops
// watching that direction, finishing the file on the meter. A reply of the
// sink that is not a status byte, typically a line its shell's start-up
// file printed, is passed on as a message: the source takes it for an error
// and exits without a word. Forwarding is never affected; memory is bounded
// by one control line per direction.
//
// Each side's bytes must be written to the watch before they are forwarded:
// whether file data follows a C record depends on the sink's reply to it,
// and the source sends nothing more until that reply has passed through us.
type RelayWatch struct {
	mu         sync.Mutex
	progress   Progress
	fromSource func(msg string)
	fromSink   func(msg string)

	src     watchState
	srcLine []byte
	file    Record // the C record awaiting the sink's reply, then under way
	left    int64  // data bytes of file still to come
	active  bool   // file is started on the meter

	snk     watchState
	snkLine []byte

	// shown and hidden count the messages passed on and left out: as in a
	// copy of our own, only the first MaxShown are passed on.
	shown, hidden atomic.Int64
}

type watchState uint8

const (
	wantRecord watchState = iota // source: a control line
	wantReply                    // source: waiting for the sink's reply to a C record
	inData                       // source: file data
	wantStatus                   // source: the status byte after the data; sink: a reply
	inMessage                    // sink: the text of a \1 or \2 reply
	stopped                      // not watched any more
)

// NewRelayWatch returns a watch reporting file data to p (if not nil) and
// each side's messages, as the peer sent them (not sanitised), to
// fromSource and fromSink (if not nil). Those two are called without the
// watch's lock held, fromSink on the goroutine writing the sink's bytes;
// p's Start is called on that one too (the sink's reply starts a file).
func NewRelayWatch(p Progress, fromSource, fromSink func(msg string)) *RelayWatch {
	return &RelayWatch{progress: p, fromSource: fromSource, fromSink: fromSink, snk: wantStatus}
}

// Source is where the bytes the source sends are written, before they are
// forwarded to the sink. Its writes never fail.
func (w *RelayWatch) Source() io.Writer { return watchWriter(w.sourceBytes) }

// Sink is where the bytes the sink sends are written, before they are
// forwarded to the source. Its writes never fail.
func (w *RelayWatch) Sink() io.Writer { return watchWriter(w.sinkBytes) }

// Close ends the watch: a file whose data was cut short is finished on the
// meter where it stopped.
func (w *RelayWatch) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopSource()
	w.snk = stopped
}

type watchWriter func(p []byte)

func (f watchWriter) Write(p []byte) (int, error) {
	f(p)
	return len(p), nil
}

func (w *RelayWatch) sourceBytes(p []byte) {
	var msgs []Record
	w.mu.Lock()
	for len(p) > 0 && w.src != stopped {
		switch w.src {
		case wantRecord:
			var line []byte
			line, p = collect(&w.srcLine, p, w.stopSource)
			if line != nil {
				msgs = w.sourceRecord(line, msgs)
			}
		case wantReply: // the source must wait for the sink's reply
			w.stopSource()
		case inData:
			n := min(int64(len(p)), w.left)
			w.left -= n
			p = p[n:]
			w.add(n)
			if w.left == 0 {
				w.src = wantStatus
			}
		case wantStatus:
			w.finishFile()
			switch p[0] {
			case 0:
				w.src = wantRecord
			case KindWarning, KindFatal: // a message line follows: read it as a record
				w.src = wantRecord
				w.srcLine = append(w.srcLine[:0], p[0])
			default:
				w.stopSource()
			}
			p = p[1:]
		}
	}
	w.mu.Unlock()
	w.send(w.fromSource, msgs)
}

// sourceRecord takes in one control line of the source.
func (w *RelayWatch) sourceRecord(line []byte, msgs []Record) []Record {
	rec, err := ParseRecord(line)
	switch {
	case err != nil:
		w.stopSource()
	case rec.Kind == KindFile:
		w.file, w.src = rec, wantReply
	case rec.Kind == KindWarning || rec.Kind == KindFatal:
		msgs = append(msgs, rec)
	}
	return msgs
}

func (w *RelayWatch) sinkBytes(p []byte) {
	var msgs []Record
	w.mu.Lock()
	for len(p) > 0 && w.snk != stopped {
		switch w.snk {
		case wantStatus:
			if !w.reply(p[0]) {
				// Not a reply: the source will take it as the end.
				msgs = append(msgs, Record{Kind: KindFatal, Text: garbage(p)})
			}
			p = p[1:]
		case inMessage:
			var line []byte
			line, p = collect(&w.snkLine, p, func() { w.snk = stopped })
			if line == nil {
				continue
			}
			if rec, err := ParseRecord(line); err == nil {
				msgs = append(msgs, rec)
			}
			w.snk = wantStatus
		}
	}
	w.mu.Unlock()
	w.send(w.fromSink, msgs)
}

// reply takes in one reply byte of the sink; one to a C record decides
// whether the file's data follows. It reports whether b is a reply.
func (w *RelayWatch) reply(b byte) bool {
	switch b {
	case 0:
		if w.src == wantReply {
			w.startFile()
		}
		return true
	case KindWarning, KindFatal:
		w.snkLine = append(w.snkLine[:0], b)
		w.snk = inMessage
		if w.src == wantReply {
			w.src = wantRecord // refused: the source goes on with the next
		}
		return true
	}
	w.snk = stopped
	return false
}

// garbage is what p shows of a line that is not a reply: up to its newline
// or MaxLine bytes, without waiting for more.
func garbage(p []byte) string {
	p = p[:min(len(p), MaxLine)]
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		p = p[:i]
	}
	return string(p)
}

// collect adds p up to its first newline to *buf. When that completes the
// line it returns the line, without the newline (valid until the next
// collect), and the bytes after it; otherwise a nil line and no bytes. A
// line growing past MaxLine calls stop instead.
func collect(buf *[]byte, p []byte, stop func()) (line, rest []byte) {
	i := bytes.IndexByte(p, '\n')
	part := p
	if i >= 0 {
		part = p[:i]
	}
	if len(*buf)+len(part) > MaxLine {
		*buf = nil
		stop()
		return nil, nil
	}
	*buf = append(*buf, part...)
	if i < 0 {
		return nil, nil
	}
	line = *buf
	*buf = (*buf)[:0]
	if line == nil {
		line = []byte{} // an empty line is complete too
	}
	return line, p[i+1:]
}

func (w *RelayWatch) startFile() {
	w.left = w.file.Size
	w.src = inData
	if w.left == 0 {
		w.src = wantStatus
	}
	if w.progress != nil {
		w.progress.Start(w.file.Name, w.file.Size)
		w.active = true
	}
}

func (w *RelayWatch) add(n int64) {
	if w.active {
		w.progress.Add(n)
	}
}

func (w *RelayWatch) finishFile() {
	if w.active {
		w.active = false
		w.progress.Finish()
	}
}

func (w *RelayWatch) stopSource() {
	w.finishFile()
	w.src = stopped
	w.srcLine = nil
}

func (w *RelayWatch) send(to func(string), msgs []Record) {
	if to == nil {
		return
	}
	for _, m := range msgs {
		// A fatal message ends the copy, so it is always shown.
		if m.Kind != KindFatal && w.shown.Add(1) > MaxShown {
			w.hidden.Add(1)
			continue
		}
		to(m.Text)
	}
}

// Omitted returns the line to print after the copy when messages were left
// out ("scp: N more errors not shown"), or "" when none were.
func (w *RelayWatch) Omitted() string {
	if n := w.hidden.Load(); n > 0 {
		return Omitted(int(n))
	}
	return ""
}
