package scp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"

	"github.com/goscp/goscp/internal/strerror"
)

// Send is the source side of a copy: it waits for the sink's first reply,
// then sends each path in turn. A path that cannot be sent is reported and
// skipped; the copy goes on with the next. The result is nil, ErrIncomplete
// after any such problem, or the error that ended the copy early
// (ErrLostConnection, a fatal *RemoteError or a *ProtocolError).
func Send(ctx context.Context, r io.Reader, w io.Writer, fsys FS, paths []string, opt Options) error {
	s := NewSender(ctx, r, w, fsys, opt)
	for _, p := range paths {
		if s.Send(p) != nil {
			break
		}
	}
	return s.Close()
}

// A Sender is the source side of a copy that is given its paths one at a
// time, for a caller that does other work between them (OpenSSH's scp
// handles its operands in command-line order, some on other connections).
type Sender struct {
	s       *source
	started error
}

// NewSender starts the source side of a copy: it waits for the sink's first
// reply.
func NewSender(ctx context.Context, r io.Reader, w io.Writer, fsys FS, opt Options) *Sender {
	s := &source{conn: newConn(ctx, r, w, &opt), fsys: fsys, data: make([]byte, dataBufSize)}
	return &Sender{s: s, started: s.readStatus()}
}

// Send sends one file or tree, as Send does each of its paths. An error
// means the copy cannot go on; Close tells the result.
func (s *Sender) Send(path string) error {
	if s.started != nil {
		return s.started
	}
	return s.s.sendPath(path)
}

// Sync returns once the sink has answered everything sent so far, so that
// what it writes for them is done before the caller does other work (a
// pipelined source would otherwise still be sending).
func (s *Sender) Sync() error {
	if s.started != nil {
		return s.started
	}
	s.s.flush()
	s.s.settle(false)
	return s.s.stopped()
}

// Close reads the replies still owed and returns the result of the whole
// copy, as Send returns it. It does not close the stream.
func (s *Sender) Close() error {
	if s.started == nil {
		s.s.settle(true)
	}
	return s.s.result()
}

type source struct {
	*conn
	fsys FS
	data []byte
	// owed lists the replies a pipelined source has not read yet, oldest
	// first (Options.Pipeline).
	owed []owed
	// depth is the number of directories being sent around the current
	// path (see fileFD).
	depth int
}

// owed is a reply the sink owes for a record it was sent.
type owed uint8

const (
	owedAck     owed = iota // to a T or E record: always \0 from a conforming sink
	owedVerdict             // to a file's data: \0 or the sink's first error
)

// fileFD is the descriptor OpenSSH's scp -f would have for the path being
// sent: 0 to 2 are the standard ones, and each directory it descends into
// holds two more (its own open and its listing).
func (s *source) fileFD() int { return 3 + 2*s.depth }

// stopped reports whether the copy cannot go on.
func (s *source) stopped() error {
	if s.fatal != nil {
		return s.fatal
	}
	return s.checkContext()
}

// sendPath sends one file or tree; it returns an error only when the whole
// copy must stop.
func (s *source) sendPath(name string) error {
	if err := s.stopped(); err != nil {
		return err
	}
	for len(name) > 1 && strings.HasSuffix(name, "/") {
		name = name[:len(name)-1]
	}
	shown := name
	if strings.Contains(name, "\n") {
		shown = visNewlines(name)
	}
	f, err := s.fsys.Open(name)
	if err != nil {
		s.runErr(shown + ": " + strerror.Text(err))
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.runErr(shown + ": " + strerror.Text(err))
		return nil
	}
	s.clearedNonblock(s.fileFD())
	switch {
	case fi.Mode().IsRegular():
		s.sendFile(f, fi, shown)
	case fi.IsDir() && s.opt.Recursive:
		s.sendDir(f, fi, name, shown)
	default:
		s.runErr(shown + ": not a regular file")
	}
	return s.stopped()
}

// sendTimes sends a T record and reports whether the sink accepted it.
func (s *source) sendTimes(fi fs.FileInfo) bool {
	atime, mtime := fileTimes(fi)
	rec := Record{Kind: KindTime, Mtime: mtime.Unix(), Atime: atime.Unix()}
	s.debug("File mtime %d atime %d", rec.Mtime, rec.Atime)
	s.debug("Sending file timestamps: %s", rec)
	s.send(rec)
	return s.await(owedAck)
}

func (s *source) sendFile(f File, fi fs.FileInfo, shown string) {
	if s.opt.Preserve && !s.sendTimes(fi) {
		return
	}
	rec := Record{Kind: KindFile, Mode: unixMode(fi.Mode()) & 06777, Size: fi.Size(), Name: lastElem(shown)}
	s.debug("Sending file modes: %s", rec)
	s.send(rec)
	if s.replyTo() != nil {
		return
	}
	if p := s.opt.Progress; p != nil {
		p.Start(rec.Name, rec.Size)
		defer p.Finish()
	}
	readErr := s.copyData(f, rec.Size)
	s.clearedNonblock(1)
	if s.fatal != nil {
		return
	}
	if readErr != nil {
		s.runErr(shown + ": " + strerror.Text(readErr))
	} else {
		s.sendOK()
	}
	s.await(owedVerdict)
}

// copyData sends exactly size bytes of f. A read error or a file that
// shrank is padded with zeros to keep the stream in sync and returned.
func (s *source) copyData(f io.Reader, size int64) error {
	var readErr error
	for left := size; left > 0 && s.fatal == nil; {
		chunk := s.data[:min(left, int64(len(s.data)))]
		if readErr == nil {
			n, err := io.ReadFull(f, chunk)
			if err != nil {
				readErr = err
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					readErr = errShrunk
				}
				clear(chunk[n:])
			}
		} else {
			clear(chunk)
		}
		s.write(chunk)
		if readErr == nil && s.opt.Progress != nil {
			s.opt.Progress.Add(int64(len(chunk)))
		}
		left -= int64(len(chunk))
	}
	return readErr
}

// errShrunk words a file that ended before its announced size as OpenSSH
// does (its short write there reports EPIPE).
var errShrunk = syscall.EPIPE

func (s *source) sendDir(f File, fi fs.FileInfo, name, shown string) {
	if s.opt.Preserve && !s.sendTimes(fi) {
		return
	}
	rec := Record{Kind: KindDir, Mode: unixMode(fi.Mode()) & 06777, Name: lastElem(shown)}
	s.debug("Entering directory: %s", rec)
	s.send(rec)
	if s.replyTo() != nil {
		return
	}
	s.depth++
	defer func() { s.depth-- }()
	for {
		entries, err := f.ReadDir(256)
		for _, e := range entries {
			if s.sendPath(name+"/"+e.Name()) != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.runErr(shown + ": " + strerror.Text(err))
			}
			break
		}
	}
	s.send(Record{Kind: KindEndDir})
	s.await(owedAck)
}

// visNewlines encodes a name containing a newline the way OpenSSH's
// strnvis(VIS_NL) does, so the name cannot end its C record early.
func visNewlines(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == ' ' || c == '\t' || (c > ' ' && c < 0x7f):
			b.WriteByte(c)
		case c&0x7f == ' ':
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte('\\')
			if c >= 0x80 {
				b.WriteByte('M')
				c &= 0x7f
			}
			switch {
			case c == 0x7f:
				b.WriteString("^?")
			case c < ' ':
				b.WriteByte('^')
				b.WriteByte(c + '@')
			default:
				b.WriteByte('-')
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// lastElem is the part of name after its last slash, as OpenSSH sends it
// (empty for "/", where path.Base would say "/").
func lastElem(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }
