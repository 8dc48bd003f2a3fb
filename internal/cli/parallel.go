package cli

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp"
)

// A parallel upload moves the files of a plan on several sessions of one
// connection at once, each running its own remote `scp -t`, which lifts the
// one round trip per file a single session costs. It runs in steps:
//
//  1. workers: up to maxWorkers sessions with `-d`, whose first replies tell
//     whether the target is a directory (if it is not, and a serial copy
//     would create it from a single directory, step 2 creates it and the
//     workers are started again on it);
//  2. skeleton: the session a serial copy would use sends every directory,
//     so that all of them exist before any file moves; a directory the
//     remote refuses takes its tree out of the plan, as a serial sink's
//     refusal would;
//  3. files: the workers take batches of files in plan order, each sent
//     with the directories around it, which exist and are left as they are;
//  4. times (-p): a last session sends every directory again, which sets
//     its mode and, at its end, its times, once nothing more is written in it.
//
// Messages are released at the end in plan order, under the same 1000-message
// bound as a serial copy. Everything else is the serial copy's business:
// parallelUpload declines (returns false, having done nothing) unless it
// can give the same output and the same tree.

const (
	// minParallelFiles: fewer files do not pay for the extra sessions.
	minParallelFiles = 32
	// maxWorkers with the skeleton session is sshd's default MaxSessions.
	maxWorkers = 9
	// filesPerWorker: a worker for every so many files.
	filesPerWorker = 8
	// maxBatch bounds the files a worker takes at once: more keeps its
	// round trips per file low, fewer spreads big files over the workers.
	maxBatch = 64
)

// parallelUpload copies the local sources to tgt on several sessions when
// that is worth it and gives the serial result; it reports whether it did.
// When it did not, sess, if not nil, is a session it started for the serial
// copy: the one a serial copy would have used, still untouched.
func (r *run) parallelUpload(sources []string, tgt Operand) (done bool, sess *transport.Session) {
	o := r.opts
	if o.Serial || o.Verbose > 0 || o.LimitKbps > 0 || o.Program != "" || !progress.Silent(r.meter) {
		return false, nil
	}
	plan, err := planUpload(sources, o.Recursive)
	if err != nil || plan.files < minParallelFiles || !distinctTargets(plan) {
		return false, nil
	}
	c, err := r.connect(tgt)
	if err != nil {
		return false, nil // the serial copy reports it
	}
	// First the serial copy's own session, so that MaxSessions refuses
	// workers rather than it.
	if sess, err = r.start(tgt, "-t", tgt.Path); err != nil {
		return false, nil
	}
	p := &parallel{r: r, plan: plan, client: c, tgt: tgt, index: map[string]int{}, fatal: -1}
	for i, e := range plan.entries {
		p.index[e.path] = i
	}
	if !p.run(sess) {
		return false, sess
	}
	return true, nil
}

// distinctTargets reports whether no two operands land on the same name,
// whose order would then matter.
func distinctTargets(p *upPlan) bool {
	seen := map[string]bool{}
	for _, e := range p.entries {
		if e.parent >= 0 {
			continue
		}
		name := e.path[strings.LastIndexByte(e.path, '/')+1:]
		if seen[name] {
			return false
		}
		seen[name] = true
	}
	return true
}

type parallel struct {
	r      *run
	plan   *upPlan
	client *transport.Client
	tgt    Operand
	index  map[string]int
	// intoTarget: the target is an existing directory, and every operand
	// lands inside it; otherwise the single directory operand becomes it.
	intoTarget bool
	accepted   []bool // directories the skeleton's sink accepted
	msgs       []message
	fatal      int // key of the first message that ended a session's copy; -1 if none
}

// message is one message of the copy, keyed by the plan index it belongs
// after, and by its order among those.
type message struct {
	key, seq int
	text     string
	ends     bool // it ended its session's copy: shown whatever the bound
}

// run runs the steps, the skeleton on sess; it returns false, having
// changed nothing and left sess alone, when the copy is better serial.
func (p *parallel) run(sess *transport.Session) bool {
	workers, notDir := p.keepStarted(p.startWorkers())
	p.intoTarget = len(workers) > 0
	if !p.intoTarget {
		op := p.plan.entries[0]
		if !notDir || p.r.mustBeDir || p.r.opts.Preserve || op.end != len(p.plan.entries) || !op.info.IsDir() {
			return false
		}
	}
	if !p.skeleton(sess) {
		p.closeAll(workers)
		p.release()
		return true
	}
	if !p.intoTarget && p.accepted[0] {
		// The target exists now: the workers go in again.
		if workers, _ = p.keepStarted(p.startWorkers()); len(workers) == 0 {
			p.addMessages([]message{{key: len(p.plan.entries), text: "lost connection"}})
			p.r.errs++
			p.release()
			return true
		}
	}
	p.moveFiles(workers)
	if p.r.opts.Preserve && p.fatal < 0 {
		p.setTimes()
	}
	p.release()
	return true
}

// worker is one session of the files step.
type worker struct {
	sess    *transport.Session
	sender  *scp.Sender
	view    *planView
	started bool   // its first reply was \0: the target is a directory
	refusal string // otherwise, what the remote said, if anything
	msgs    []message
	key     int // the batch under way: what a message belongs to
	err     error
}

// startWorkers opens sessions at once, as many as the files want up to
// maxWorkers, keeping those sshd allows (MaxSessions), each with `-d` so
// that its first reply says whether the target is a directory. Their
// messages so far are dropped, and so is their remote stderr (a shell's
// start-up noise, say): a serial copy has no such session.
//
// One connection, because more did not pay: sshd does not turn off Nagle's
// algorithm for exec sessions, so the small replies of all sessions of a
// connection go out at most once per round trip, and a second connection
// costs a login and its own sshd process (measured: 200 files at 50 ms,
// 2.8 s with 9 sessions on one connection, 3.5 s with 19 on two).
func (p *parallel) startWorkers() []*worker {
	n := min(maxWorkers, p.plan.files/filesPerWorker)
	command := p.r.scpCommand()
	if !p.r.mustBeDir {
		command += " -d"
	}
	cmd := commandLine(command, "-t", p.tgt.Path)
	ws := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range ws {
		wg.Go(func() {
			sess, err := p.client.StartSilent(cmd)
			if err != nil {
				return
			}
			w := &worker{sess: sess, view: newPlanView(p.plan, p.index)}
			opt := p.r.engineOptions()
			opt.ReportAll = true
			opt.Report = func(msg string) { w.msgs = append(w.msgs, message{key: w.key, seq: len(w.msgs), text: msg}) }
			w.sender = scp.NewSender(p.r.ctx, sess.Stdout, sess.Stdin, w.view, opt)
			w.started = w.sender.Sync() == nil
			if !w.started && len(w.msgs) > 0 {
				w.refusal = w.msgs[0].text
			}
			w.msgs = nil
			ws[i] = w
		})
	}
	wg.Wait()
	return slices.DeleteFunc(ws, func(w *worker) bool { return w == nil })
}

// keepStarted closes the workers whose sink did not start, and returns the
// others; notDir reports that none started, every one of them because the
// target is not an existing directory (as its sink said). Anything else,
// such as a remote scp that could not run, leaves the copy to one session.
func (p *parallel) keepStarted(ws []*worker) (started []*worker, notDir bool) {
	var failed []*worker
	notDir = len(ws) > 0
	for _, w := range ws {
		if w.started {
			started = append(started, w)
			continue
		}
		failed = append(failed, w)
		notDir = notDir && (strings.HasSuffix(w.refusal, ": Not a directory") || strings.HasSuffix(w.refusal, ": No such file or directory"))
	}
	p.closeAll(failed)
	return started, notDir && len(started) == 0
}

func (p *parallel) closeAll(ws []*worker) {
	for _, w := range ws {
		w.sess.Stdin.Close()
		w.sess.Close()
		w.sess.Wait()
	}
}

// skeleton sends every directory on sess, the session a serial copy would
// use; it reports whether the copy goes on.
func (p *parallel) skeleton(sess *transport.Session) bool {
	view := newPlanView(p.plan, p.index)
	view.showDirs(func(int) bool { return true })
	p.accepted = make([]bool, len(p.plan.entries))
	view.listed = func(i int) { p.accepted[i] = true }
	err := p.sendDirs(sess, view, func() int { return view.opened })
	return err == nil || errors.Is(err, scp.ErrIncomplete)
}

// setTimes sends every accepted directory again, with -p: each gets its
// mode and, at its end, its times, as a serial copy leaves them.
func (p *parallel) setTimes() {
	sess, err := p.r.start(p.tgt, "-t", p.tgt.Path)
	if err != nil {
		p.addMessages([]message{{key: len(p.plan.entries), text: "lost connection"}})
		p.r.errs++
		return
	}
	view := newPlanView(p.plan, p.index)
	view.showDirs(func(i int) bool { return p.accepted[i] })
	p.sendDirs(sess, view, func() int { return len(p.plan.entries) })
}

// sendDirs sends the directory operands through view on sess and ends the
// session; messages are keyed by key() when they come.
func (p *parallel) sendDirs(sess *transport.Session, view *planView, key func() int) error {
	var msgs []message
	opt := p.r.engineOptions()
	opt.ReportAll = true
	opt.Report = func(msg string) { msgs = append(msgs, message{key: key(), seq: len(msgs), text: msg}) }
	s := scp.NewSender(p.r.ctx, sess.Stdout, sess.Stdin, view, opt)
	for i, e := range p.plan.entries {
		if e.parent < 0 && e.info.IsDir() && view.shown[i] && s.Send(e.path) != nil {
			break
		}
	}
	err := s.Close()
	if err != nil && !errors.Is(err, scp.ErrIncomplete) {
		p.noteFatal(msgs)
	}
	p.addMessages(msgs)
	p.r.finish(sess, err)
	return err
}

func (p *parallel) addMessages(msgs []message) { p.msgs = append(p.msgs, msgs...) }

// noteFatal marks the last of a session's messages as the one that ended
// its copy, and the copy's end at the earliest such message.
func (p *parallel) noteFatal(msgs []message) {
	if len(msgs) == 0 {
		return
	}
	last := &msgs[len(msgs)-1]
	last.ends = true
	if p.fatal < 0 || last.key < p.fatal {
		p.fatal = last.key
	}
}

// batch is files of one directory, consecutive in the plan.
type batch struct {
	key   int // the plan index of its first file
	files []int
}

// batches groups the files of accepted directories, in plan order.
func (p *parallel) batches(workers int) []batch {
	size := min(maxBatch, max(1, p.plan.files/workers))
	var out []batch
	for i, e := range p.plan.entries {
		if e.info.IsDir() || e.parent >= 0 && !p.accepted[e.parent] {
			continue
		}
		n := len(out)
		if n > 0 && len(out[n-1].files) < size && p.plan.entries[out[n-1].files[0]].parent == e.parent && out[n-1].files[len(out[n-1].files)-1] == i-1 {
			out[n-1].files = append(out[n-1].files, i)
			continue
		}
		out = append(out, batch{key: i, files: []int{i}})
	}
	return out
}

// sendPath is the path Send gets for entry i: its operand, or, when the
// directory operand is the target itself, the operand's child holding it.
func (p *parallel) sendPath(i int) string {
	e := p.plan.entries
	for e[i].parent >= 0 && (p.intoTarget || e[e[i].parent].parent >= 0) {
		i = e[i].parent
	}
	return e[i].path
}

// moveFiles runs the batches on the workers, each taking the next batch
// when it is done with one, until all are done or a copy cannot go on.
func (p *parallel) moveFiles(workers []*worker) {
	if len(workers) == 0 {
		return // the target refused the directory: nothing goes in
	}
	queue := p.batches(len(workers))
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(queue) {
					break
				}
				if !p.send(w, queue[i]) {
					stop.Store(true)
					break
				}
			}
			w.err = w.sender.Close()
		})
	}
	wg.Wait()
	for _, w := range workers {
		if w.err != nil && !errors.Is(w.err, scp.ErrIncomplete) {
			p.noteFatal(w.msgs)
		}
		p.addMessages(w.msgs)
		p.r.finish(w.sess, w.err)
	}
}

// send sends a batch on w: the paths that hold its files, each once, then
// waits for the sink's last reply, so that its messages are all in. It
// reports whether the copy goes on.
func (p *parallel) send(w *worker, b batch) bool {
	w.key = b.key
	w.view.showFiles(b.files)
	last := ""
	for _, f := range b.files {
		if path := p.sendPath(f); path != last {
			last = path
			if w.sender.Send(path) != nil {
				return false
			}
		}
	}
	return w.sender.Sync() == nil
}

// release prints the messages in plan order, as a serial copy would have:
// none after the one that ended the copy, and only the first 1000.
func (p *parallel) release() {
	slices.SortStableFunc(p.msgs, func(a, b message) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq))
	})
	shown, hidden := 0, 0
	for _, m := range p.msgs {
		switch {
		case p.fatal >= 0 && m.key > p.fatal:
		case shown < scp.MaxShown || m.ends && m.key == p.fatal:
			p.r.print(m.text)
			shown++
		default:
			hidden++
		}
	}
	if hidden > 0 {
		p.r.print(scp.Omitted(hidden))
	}
}
