package scp

import (
	"errors"
	"io"
)

// A pipelined sink (Options.Pipeline) sends its replies ahead of the records
// they answer, so that the source never waits for one. Against OpenSSH's
// source this is safe because every reply a source waits for is \0 unless
// the sink refuses something, and a refusal is known only to us: the sink
// then reports it locally and throws away what the source sends for the
// refused file or directory, which a serial source would not have sent.
//
// ackWindow is how many replies are kept in flight: 2 KiB of \0 bytes cover
// a thousand small files per round trip and always fit in the peer's pipe.
const ackWindow = 2048

var aheadAcks [ackWindow + 1]byte

// reply answers a record the sink accepted: with \0 now, or, pipelined, with
// one of the replies already sent, topping them up when half are used.
func (k *sink) reply() {
	if !k.opt.Pipeline {
		k.sendOK()
		return
	}
	k.credit--
	if k.credit < ackWindow/2 {
		k.write(aheadAcks[:ackWindow-k.credit])
		k.credit = ackWindow
	}
}

// refuse answers a record the sink could not accept: OpenSSH's run_err, or,
// pipelined, a reply already sent and the error counted and reported here.
func (k *sink) refuse(msg string) {
	if !k.opt.Pipeline {
		k.runErr(msg)
		return
	}
	k.reply()
	k.errs++
	k.report(msg)
}

// skipFile throws away the data and status of a file the pipelined sink
// refused after its reply had gone, and uses up the reply to the data.
func (k *sink) skipFile(size int64) error {
	if !k.opt.Pipeline {
		return nil
	}
	if _, err := io.CopyN(io.Discard, k.r, size); err != nil {
		return k.fail(ErrLostConnection)
	}
	if err := k.skipStatus(); err != nil {
		return err
	}
	k.reply()
	return nil
}

// skipStatus reads the source's verdict on data that was thrown away. A
// warning in it is not shown: a serial source would not have sent the file.
func (k *sink) skipStatus() error {
	err := k.readReply(false)
	var re *RemoteError
	if errors.As(err, &re) && !re.Fatal {
		return nil
	}
	return err
}

// skipTree throws away the subtree of a directory the pipelined sink refused
// after its reply had gone, answering each record the source waits on. It
// returns an error only when the whole copy must stop.
func (k *sink) skipTree() error {
	if !k.opt.Pipeline {
		return nil
	}
	for depth := 1; depth > 0; {
		if err := k.checkContext(); err != nil {
			return err
		}
		line, err := k.readLine()
		var pe *ProtocolError
		switch {
		case errors.As(err, &pe):
			return k.screwup(err)
		case err != nil:
			return k.fail(ErrLostConnection)
		}
		rec, err := ParseRecord(line)
		if err != nil {
			return k.screwup(err)
		}
		switch rec.Kind {
		case KindFatal:
			return k.remoteFatal(rec.Text)
		case KindWarning:
			continue
		case KindDir:
			depth++
		case KindEndDir:
			depth--
		case KindFile:
			k.reply()
			if err := k.skipFile(rec.Size); err != nil {
				return err
			}
			continue
		}
		k.reply()
	}
	return nil
}

// await notes a reply the sink owes for a record just sent. Serially it is
// read at once; pipelined it is read later, by settle, and the source goes
// on. It reports whether the copy of the current entry goes on.
func (s *source) await(reply owed) bool {
	if !s.opt.Pipeline {
		return s.readStatus() == nil
	}
	s.owed = append(s.owed, reply)
	return s.fatal == nil
}

// replyTo reads the sink's reply to the C or D record just sent, which
// decides whether data or a subtree follows, after the replies owed before it.
func (s *source) replyTo() error {
	s.settle(false)
	return s.readStatus()
}

// runErr is conn.runErr after the replies owed so far, so that messages come
// out in the order of a serial copy.
func (s *source) runErr(msg string) {
	s.settle(false)
	s.conn.runErr(msg)
}

// settle reads the replies owed, in order, reporting their errors. A warning
// where a conforming sink sends only \0 (to T or E) is one it sent on its own
// (OpenSSH's sink reports a directory's failed times right after its reply to
// E): it is shown and counted, and the reply is still owed, unless nothing
// else will come (final).
func (s *source) settle(final bool) {
	for len(s.owed) > 0 && s.fatal == nil {
		err := s.readStatus()
		var re *RemoteError
		last := final && len(s.owed) == 1
		if s.owed[0] == owedAck && !last && errors.As(err, &re) && !re.Fatal {
			continue
		}
		s.owed = s.owed[1:]
	}
	s.owed = s.owed[:0]
}
