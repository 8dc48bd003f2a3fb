package scp

import (
	"context"
	"errors"
	"io"
	"math"
	"time"

	"github.com/goscp/goscp/internal/strerror"
)

// Receive is the sink side of a copy into target, a file or directory on
// fsys. It sends the first reply, then creates what the source sends. A name
// that is empty, ".", ".." or contains "/" ends the copy: nothing is ever
// written outside target. The result is nil, ErrIncomplete after a problem
// with some file, or the error that ended the copy early.
func Receive(ctx context.Context, r io.Reader, w io.Writer, fsys FS, target string, opt Options) error {
	k := newSink(ctx, r, w, fsys, &opt)
	k.receive(target, 0)
	return k.result()
}

type sink struct {
	*conn
	fsys  FS
	umask uint32
	data  []byte
	// credit is the number of replies sent ahead that the source has not
	// used yet (Options.Pipeline).
	credit int
}

func newSink(ctx context.Context, r io.Reader, w io.Writer, fsys FS, opt *Options) *sink {
	k := &sink{
		conn:  newConn(ctx, r, w, opt),
		fsys:  fsys,
		umask: uint32(fsys.Umask().Perm()),
		data:  make([]byte, dataBufSize),
	}
	k.writesAhead = opt.Pipeline
	return k
}

// stop ends the copy after an error that has already been reported.
func (k *sink) stop(err error) error {
	if k.fatal == nil {
		k.fatal = err
	}
	return err
}

// remoteFatal ends the copy on a fatal message record from the source.
func (k *sink) remoteFatal(msg string) error {
	k.errs++
	err := k.stop(&RemoteError{Fatal: true, Msg: msg})
	k.report(msg)
	return err
}

// abort ends the copy with err after telling both ends msg. The copy is
// marked as ended first, so that msg is shown whatever MaxShown says.
func (k *sink) abort(msg string, err error) error {
	k.stop(err)
	k.runErr(msg)
	return err
}

// screwup is OpenSSH's name for a protocol violation: tell both ends, stop.
func (k *sink) screwup(err error) error { return k.abort(err.Error(), err) }

// receive handles the records of one directory level; it returns an error
// only when the whole copy must stop.
func (k *sink) receive(target string, depth int) error {
	if k.opt.TargetIsDir {
		if err := k.checkDir(target); err != nil {
			return err
		}
	}
	fi, err := k.fsys.Stat(target)
	targetIsDir := err == nil && fi.IsDir()
	if depth > 0 || k.opt.Pipeline {
		k.reply()
	} else if !k.greet() {
		return k.fatal
	}
	var times *Record
	for first := true; ; first = false {
		if err := k.checkContext(); err != nil {
			return err
		}
		rec, err := k.readRecord(first, depth)
		if err == nil && k.fatal != nil {
			// Sending the last reply failed: the peer is gone.
			return k.fatal
		}
		if err != nil || rec.Kind == KindEndDir {
			return err
		}
		switch rec.Kind {
		case KindWarning:
			k.errs++
			k.report(rec.Text)
			continue
		case KindFatal:
			return k.remoteFatal(rec.Text)
		case KindTime:
			times = &rec
			k.reply()
			continue
		}
		if !validName(rec.Name) {
			return k.abort("error: unexpected filename: "+rec.Name, ErrAborted)
		}
		if k.opt.NameCheck != nil && !k.opt.NameCheck.Match(rec.Name) {
			return k.screwup(protocolErr("filename does not match request"))
		}
		dst := target
		if targetIsDir {
			dst = joinName(target, rec.Name)
		}
		mode := rec.Mode
		if !k.opt.Preserve {
			// Without -p nothing the peer asks for beyond the umask's
			// permission bits is granted: no setuid, setgid or sticky.
			mode &^= k.umask | 07000
		}
		if rec.Kind == KindDir {
			err = k.receiveDir(dst, mode, times, depth)
		} else {
			k.receiveFile(dst, rec.Name, rec.Size, mode, times)
		}
		times = nil
		if err != nil {
			return err
		}
		if k.fatal != nil {
			return k.fatal
		}
	}
}

// greet sends a lockstep sink's first reply and reports whether it went
// out. A source that failed at its start may be gone before it reads it:
// OpenSSH's sink, which ignores what its writes return, then meets the end
// of the stream and says nothing, and so does this one (the copy has no
// fatal error). A source still there that cannot be answered is a lost
// connection.
func (k *sink) greet() bool {
	err := k.w.WriteByte(0)
	if err == nil {
		err = k.w.Flush()
	}
	if err == nil {
		return true
	}
	k.writeFailed = true
	if _, err := k.r.Peek(1); !errors.Is(err, io.EOF) {
		k.fail(ErrLostConnection)
	}
	return false
}

// readRecord reads and parses the next control line. At the end of the
// stream it returns an E record at the top level (a clean end) and
// ErrLostConnection inside a directory, where the source owes us an E.
func (k *sink) readRecord(first bool, depth int) (Record, error) {
	line, err := k.readLine()
	if err != nil && k.ctx.Err() != nil {
		// Cancelled: no message, and nothing more for the peer.
		return Record{}, k.fail(err)
	}
	if errors.Is(err, io.EOF) {
		if depth > 0 {
			return Record{}, k.fail(ErrLostConnection)
		}
		return Record{Kind: KindEndDir}, nil
	}
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return Record{}, k.screwup(err)
	}
	if err != nil {
		// The stream ended inside a record: OpenSSH says so to the peer.
		return Record{}, k.abort(protocolErr("lost connection").Error(), ErrLostConnection)
	}
	k.debug("Sink: %s", line)
	rec, err := ParseRecord(line)
	if err == nil {
		if rec.Kind == KindEndDir {
			k.reply()
		}
		return rec, nil
	}
	if first && len(line) > 0 && errors.As(err, &pe) && pe.Reason == "expected control record" {
		// Typically the remote shell's complaint, such as "No match.".
		return Record{}, k.abort(string(cString(line)), ErrAborted)
	}
	return Record{}, k.screwup(err)
}

// checkDir is the -d check: the target must be an existing directory.
func (k *sink) checkDir(target string) error {
	fi, err := k.fsys.Stat(target)
	switch {
	case err != nil:
		return k.abort(target+": "+strerror.Text(err), ErrAborted)
	case !fi.IsDir():
		return k.abort(target+": Not a directory", ErrAborted)
	}
	return nil
}

func joinName(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func (k *sink) receiveDir(dst string, mode uint32, times *Record, depth int) error {
	if !k.opt.Recursive {
		return k.screwup(protocolErr("received directory without -r"))
	}
	fi, err := k.fsys.Stat(dst)
	setMode := k.opt.Preserve
	switch {
	case err == nil && !fi.IsDir():
		k.refuse(dst + ": Not a directory")
		return k.skipTree()
	case err == nil && k.opt.Preserve:
		k.fsys.Chmod(dst, goMode(mode))
	case err != nil:
		// A new directory is created writable so that a read-only
		// source tree can be filled in; its mode is set at E.
		setMode = true
		if err := k.fsys.Mkdir(dst, goMode(mode|0700)); err != nil {
			k.refuse(dst + ": " + strerror.Text(err))
			return k.skipTree()
		}
	}
	if err := k.receive(dst, depth+1); err != nil {
		return err
	}
	if times != nil {
		k.setTimes(dst, times)
	}
	if setMode {
		k.fsys.Chmod(dst, goMode(mode))
	}
	return nil
}

func (k *sink) receiveFile(dst, name string, size int64, mode uint32, times *Record) {
	fi, statErr := k.fsys.Stat(dst)
	exists := statErr == nil
	createMode := mode | 0200
	f, err := k.fsys.OpenWrite(dst, goMode(createMode))
	if err != nil {
		k.refuse(dst + ": " + strerror.Text(err))
		k.skipFile(size)
		return
	}
	k.reply()
	var noted string
	note := func(msg string) {
		if noted == "" {
			noted = msg
		}
	}
	writeErr := k.receiveData(f, name, size)
	if k.fatal != nil {
		f.Close()
		return
	}
	k.clearedNonblock(0)
	if writeErr != nil {
		note(dst + ": " + strerror.Text(writeErr))
	}
	if writeErr == nil && (!exists || fi.Mode().IsRegular()) {
		if err := f.Truncate(size); err != nil {
			note(dst + ": truncate: " + strerror.Text(err))
		}
	}
	// With -p the mode is set exactly (we cannot clear the process umask
	// as OpenSSH does); without it only a new file created writable for
	// its owner's sake gets its real mode back. Existing files keep theirs.
	if k.opt.Preserve || (!exists && createMode != mode) {
		if err := f.Chmod(goMode(mode)); err != nil {
			note(dst + ": set mode: " + strerror.Text(err))
		}
	}
	if err := f.Close(); err != nil {
		note(dst + ": close: " + strerror.Text(err))
	}
	// The source's own verdict on the data; a warning was reported.
	k.readStatus()
	if k.fatal != nil {
		return
	}
	if times != nil && writeErr == nil {
		if err := k.setTimes(dst, times); err != nil {
			note(dst + ": set times: " + strerror.Text(err))
		}
	}
	if noted != "" {
		k.refuse(noted)
		return
	}
	k.reply()
}

// receiveData reads exactly size bytes into f. After a write error it keeps
// reading, to stay in sync, and returns that first error.
func (k *sink) receiveData(f io.Writer, name string, size int64) error {
	if p := k.opt.Progress; p != nil {
		p.Start(name, size)
		defer p.Finish()
	}
	var writeErr error
	for left := size; left > 0; {
		chunk := k.data[:min(left, int64(len(k.data)))]
		n, err := io.ReadFull(k.r, chunk)
		if n > 0 && writeErr == nil {
			if _, werr := f.Write(chunk[:n]); werr != nil {
				writeErr = werr
			}
		}
		if n > 0 && k.opt.Progress != nil {
			k.opt.Progress.Add(int64(n))
		}
		if err != nil {
			k.fail(ErrLostConnection)
			return writeErr
		}
		left -= int64(n)
	}
	return writeErr
}

// setTimes applies a T record. Times beyond what the parser could hold are
// ignored, as OpenSSH ignores times beyond time_t.
func (k *sink) setTimes(dst string, t *Record) error {
	if t.Mtime == math.MaxInt64 || t.Atime == math.MaxInt64 {
		return nil
	}
	return k.fsys.Chtimes(dst, time.Unix(t.Atime, 0), time.Unix(t.Mtime, 0))
}
