package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goscp/goscp/internal/engine"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp"
)

// parallelDownload copies remote sources of one host to the local target
// with their `scp -f` sessions running at once, when that cannot change
// the result: every final name (the last element of each path) distinct,
// no path the remote shell would expand or split, and nothing shown while
// files move. Each operand's messages and remote stderr are held and
// shown in operand order, as a serial copy shows them. It reports whether
// it copied the sources; if not, it did nothing.
//
// An operand whose session could not start (the server's MaxSessions, say)
// or whose remote never spoke the protocol (no scp there) is copied
// serially in its turn instead, which may fall back to SFTP (fallback.go):
// nothing of it was written yet.
func (r *run) parallelDownload(sources []string, target string) bool {
	o := r.opts
	if len(sources) < 2 || o.Serial || o.Verbose > 0 || o.LimitKbps > 0 || o.Program != "" || !progress.Silent(r.meter) {
		return false
	}
	ops, ok := parallelSources(sources, target)
	if !ok {
		return false
	}
	checks := make([]*scp.NameCheck, len(ops))
	for i, op := range ops {
		if !o.Recursive && !o.NoNameCheck {
			var err error
			if checks[i], err = scp.NewNameCheck(op.Path); err != nil {
				return false // the serial copy reports it
			}
		}
	}
	c, err := r.connect(ops[0])
	if err != nil {
		return false // the serial copy reports it
	}
	downloads := make([]*download, len(ops))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(ops), engine.MaxDownloads) {
		wg.Go(func() {
			for r.ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(ops) {
					return
				}
				if downloads[i] = r.fetch(c, ops[i], target, checks[i]); downloads[i] == nil {
					return // no more sessions: the others take the rest
				}
			}
		})
	}
	wg.Wait()
	for i, d := range downloads {
		if r.ctx.Err() != nil {
			return true
		}
		if d == nil || d.unanswered() {
			r.toLocal(sources[i:i+1], target)
		} else {
			d.release(r)
		}
		if r.fatal != 0 {
			return true
		}
	}
	return true
}

// parallelSources parses the sources and reports whether they may be
// copied into target at once: all remote, on one destination, with plain
// paths and distinct final names, none of them a symlink in target (which
// could lead two copies to one file).
func parallelSources(sources []string, target string) ([]Operand, bool) {
	ops := make([]Operand, len(sources))
	paths := make([]string, len(sources))
	for i, s := range sources {
		op, err := ParseOperand(s)
		if err != nil || !op.Remote || !CheckUser(op.User) || !plainPath(op.Path) {
			return nil, false
		}
		if i > 0 && (op.Host != ops[0].Host || op.User != ops[0].User || op.Port != ops[0].Port) {
			return nil, false
		}
		ops[i], paths[i] = op, op.Path
	}
	return ops, engine.SeparateNames(target, paths)
}

// plainPath reports whether the remote shell takes path as one word as it
// is: no space, quote, glob, brace, tilde, variable or other special.
func plainPath(path string) bool {
	return strings.Trim(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%") == ""
}

// download is one operand's copy, held until its turn.
type download struct {
	stderr  bytes.Buffer // the remote's, sanitised
	msgs    []string
	sent    *headReader // what the remote sent
	err     error       // the copy's result
	waitErr error       // the remote command's
}

// unanswered reports whether the copy failed with the remote never
// speaking the protocol: it sent nothing, or only sshd's notice that it
// allows SFTP only.
func (d *download) unanswered() bool {
	said := string(d.sent.head)
	return (d.err != nil || d.waitErr != nil) && d.sent.n == int64(len(said)) && (said == "" || said == sftpOnlyNotice)
}

// fetch runs op's copy into target on a session of c; nil means no
// session could be started.
func (r *run) fetch(c *transport.Client, op Operand, target string, check *scp.NameCheck) *download {
	d := &download{}
	sess, err := c.StartTo(r.remoteCommand("-f", op.Path), &d.stderr)
	if err != nil {
		return nil
	}
	opts := r.engineOptions()
	opts.NameCheck = check
	opts.Report = func(msg string) { d.msgs = append(d.msgs, msg) }
	d.sent = &headReader{r: sess.Stdout}
	d.err = scp.Receive(r.ctx, d.sent, sess.Stdin, scp.OS{}, target, opts)
	sess.Stdin.Close()
	if d.err != nil && d.err != scp.ErrIncomplete {
		sess.Close() // as finish does
	}
	d.waitErr = sess.Wait()
	return d
}

// release shows what the copy showed and counts its failure, as finish
// does for a serial one.
func (d *download) release(r *run) {
	io.Copy(r.stderr, &d.stderr)
	for _, m := range d.msgs {
		r.print(m)
	}
	if d.err != nil {
		r.errs++
	}
	if d.waitErr != nil && r.errs == 0 {
		r.errs++
	}
}

// headReader counts the bytes read through it and keeps the first of them.
type headReader struct {
	r    io.Reader
	n    int64
	head []byte // up to a byte more than sshd's notice
}

func (h *headReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if room := len(sftpOnlyNotice) + 1 - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(n, room)]...)
	}
	h.n += int64(n)
	return n, err
}
