package cli

import (
	"context"
	"errors"

	"github.com/goscp/goscp/internal/engine"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp"
)

// parallelUpload copies the local sources to tgt on several sessions of
// one connection (scp.Client's upload, see internal/engine) when that is
// worth it and gives the serial result; it reports whether it did. When it
// did not, sess, if not nil, is a session it started for the serial copy:
// the one a serial copy would have used, still untouched. Messages are
// printed in the order a serial copy prints them, as soon as that order
// is settled; with a meter, so are the files' final lines, below a live
// line for the whole transfer (progress.Board).
func (r *run) parallelUpload(sources []string, tgt Operand) (done bool, sess *transport.Session) {
	o := r.opts
	// -d with one source: the target must be a directory, which the
	// library's upload of one path does not ask for.
	if o.Serial || o.Verbose > 0 || o.LimitKbps > 0 || o.Program != "" || o.TargetDir && len(sources) == 1 {
		return false, nil
	}
	var (
		first  *transport.Session
		client *transport.Client
	)
	start := func(_ context.Context, cmd string, extra bool) (*scp.Process, error) {
		var s *transport.Session
		var err error
		if extra {
			s, err = client.StartSilent(cmd)
		} else if client, err = r.connect(tgt); err == nil {
			// As the serial copy starts it: its first reply may yet
			// show no scp there (fallback.go).
			s, err = r.startCommand(tgt, cmd)
			first = s
		}
		if err != nil {
			return nil, err
		}
		return &scp.Process{Stdin: s.Stdin, Stdout: s.Stdout, Wait: s.Wait, Close: s.Close}, nil
	}
	copyOpts := &scp.CopyOptions{
		Recursive:   o.Recursive,
		Preserve:    o.Preserve,
		Expand:      true, // remote paths go to the remote shell as typed
		RawMessages: true, // print and the meter sanitise
		Report:      r.print,
	}
	if !progress.Silent(r.meter) {
		copyOpts.Progress = boardMeter{r.meter}
	}
	err := scp.NewClientFunc(start).Upload(engine.NoSerial(r.ctx), sources, tgt.Path, copyOpts)
	switch {
	case first == nil:
		return false, nil // the serial copy reports why nothing started
	case errors.Is(err, engine.ErrDeclined):
		return false, first
	case err != nil:
		r.errs++
	}
	return true, nil
}

// boardMeter is the meter of an upload that may run on several sessions:
// a progress.Board follows them.
type boardMeter struct{ progress.Meter }

func (m boardMeter) Board(files int, bytes int64) scp.Board {
	return board{progress.NewBoard(m.Meter, files, bytes)}
}

type board struct{ *progress.Board }

func (b board) Session() scp.SessionProgress { return b.Board.Session() }
