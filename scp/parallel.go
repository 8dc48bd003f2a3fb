package scp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"
	"sync"
	"syscall"

	"github.com/goscp/goscp/internal/engine"
)

// legacy is the legacy protocol's engine.Backend: every session a remote
// `scp -t`, fed by a Sender that reads the plan through a view.
type legacy struct {
	ctx   context.Context
	plan  *engine.Plan
	files FS // where the plan's files are read
	first *Process
	// start starts a remote command; extra is false only for the first.
	start func(cmd string, extra bool) (*Process, error)
	// cmd is the serial copy's command, workerCmd the same with -d.
	cmd, workerCmd string
	opt            Options // for every Sender, but Report and ReportAll

	mu sync.Mutex
	// incomplete: a session's copy failed, or one could not start.
	incomplete bool
	// exitErr is the first remote scp that failed outside the protocol
	// although its copy went well, for a *CommandError.
	exitErr *CommandError
}

// sender starts a Sender on p reading through view, whose messages go to
// msgs under the key key() gives when they come.
func (l *legacy) sender(p *Process, view *engine.View, msgs *[]engine.Message, key func() int) *Sender {
	opt := l.opt
	opt.ReportAll = true
	opt.Report = func(msg string) { *msgs = append(*msgs, engine.Message{Key: key(), Seq: len(*msgs), Text: msg}) }
	return NewSender(l.ctx, p.Stdout, p.Stdin, &planFS{view: view, files: l.files}, opt)
}

// endInput sends what s holds and ends the sink's input, before its last
// replies are read: they and the sink's exit then come in one round trip.
func endInput(s *Sender, p *Process) {
	s.s.flush()
	p.Stdin.Close()
}

// finish ends a session after its Sender is done and its input ended: err
// is its result.
func (l *legacy) finish(log *engine.Log, p *Process, cmd string, err error) {
	if err != nil {
		l.fail()
		if err != ErrIncomplete {
			// The copy did not run to its end: the remote may be blocked
			// writing, or be hostile and never stop on its own.
			p.Close()
		}
	}
	if werr := p.Wait(); werr != nil && err == nil {
		l.mu.Lock()
		if l.exitErr == nil {
			l.exitErr = &CommandError{Command: cmd, Err: werr}
		}
		l.mu.Unlock()
	}
}

// fail records that the copy is incomplete.
func (l *legacy) fail() {
	l.mu.Lock()
	l.incomplete = true
	l.mu.Unlock()
}

// worker is one session of the files step.
type worker struct {
	l       *legacy
	p       *Process
	cmd     string // its remote command
	sender  *Sender
	view    *engine.View
	started bool   // its first reply was \0: the target is a directory
	refusal string // otherwise, what the remote said, if anything
	msgs    []engine.Message
	key     int  // the batch under way: what a message belongs to
	sent    bool // a batch went: its answers come before the next
}

// Workers implements engine.Backend: it opens the sessions at once, keeping
// those the server allows, each with -d so that its first reply says
// whether the target is a directory. Their messages so far are dropped: a
// serial copy has no such session.
//
// One connection, because more did not pay: a second connection costs a
// login and its own sshd process (measured: 200 files at 50 ms, 2.8 s with
// 9 sessions on one connection, 3.5 s with 19 on two).
func (l *legacy) Workers(n int) ([]engine.Worker, bool) {
	ws := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range ws {
		wg.Go(func() {
			p, err := l.start(l.workerCmd, true)
			if err != nil {
				return
			}
			w := &worker{l: l, p: p, cmd: l.workerCmd, view: l.plan.NewView()}
			w.sender = l.sender(p, w.view, &w.msgs, func() int { return w.key })
			w.started = w.sender.Sync() == nil
			if !w.started && len(w.msgs) > 0 {
				w.refusal = w.msgs[0].Text
			}
			w.msgs = nil
			ws[i] = w
		})
	}
	wg.Wait()
	return l.keepStarted(ws)
}

// keepStarted closes the workers whose sink did not start, and returns the
// others; notDir reports that none started, every one of them because the
// target is not an existing directory (as its sink said). Anything else,
// such as a remote scp that could not run, leaves the copy to one session.
func (l *legacy) keepStarted(ws []*worker) (started []engine.Worker, notDir bool) {
	notDir = true
	tried := 0
	for _, w := range ws {
		if w == nil {
			continue
		}
		tried++
		if w.started {
			started = append(started, w)
			continue
		}
		w.Abort()
		notDir = notDir && (strings.HasSuffix(w.refusal, ": Not a directory") || strings.HasSuffix(w.refusal, ": No such file or directory"))
	}
	return started, notDir && tried > 0 && len(started) == 0
}

// Send implements engine.Worker: it waits for the sink's last reply to
// the previous batch, so that its messages are all in, then sends the
// paths that hold the batch's files.
func (w *worker) Send(b engine.Batch) bool {
	if w.sent && w.sender.Sync() != nil {
		return false
	}
	w.sent = true
	w.key = b.Key
	w.view.ShowFiles(b.Files)
	for _, path := range b.Paths {
		if w.sender.Send(path) != nil {
			return false
		}
	}
	return true
}

// Close implements engine.Worker.
func (w *worker) Close(log *engine.Log) {
	endInput(w.sender, w.p)
	err := w.sender.Close()
	log.Add(w.msgs, err != nil && !errors.Is(err, ErrIncomplete))
	w.l.finish(log, w.p, w.cmd, err)
}

// Abort implements engine.Worker.
func (w *worker) Abort() {
	w.p.Stdin.Close()
	w.p.Close()
	w.p.Wait()
}

// Skeleton implements engine.Backend: every directory on the first session.
// A first session kept goes on as a worker: its sink, whose target is the
// directory the workers write into, takes batches as theirs do.
func (l *legacy) Skeleton(log *engine.Log, accepted func(i int), keep bool) (engine.Worker, bool) {
	view := l.plan.NewView()
	view.ShowDirs(func(int) bool { return true })
	view.Listed = accepted
	if !keep {
		err := l.sendDirs(log, l.first, l.cmd, view, func() int { return view.Opened })
		return nil, err == nil || errors.Is(err, ErrIncomplete)
	}
	w := &worker{l: l, p: l.first, cmd: l.cmd, view: view, key: -1}
	// Until the first batch, a message is about the directory last opened.
	w.sender = l.sender(l.first, view, &w.msgs, func() int {
		if w.key < 0 {
			return view.Opened
		}
		return w.key
	})
	l.sendDirOperands(w.sender, view)
	if w.sender.Sync() != nil {
		w.Close(log)
		return nil, false
	}
	view.Listed = nil
	return w, true
}

// Times implements engine.Backend.
func (l *legacy) Times(log *engine.Log, keep func(i int) bool) {
	p, err := l.start(l.cmd, true)
	if err != nil {
		l.Lost(log, len(l.plan.Entries))
		return
	}
	view := l.plan.NewView()
	view.ShowDirs(keep)
	l.sendDirs(log, p, l.cmd, view, func() int { return len(l.plan.Entries) })
}

// Lost implements engine.Backend, with scp's words.
func (l *legacy) Lost(log *engine.Log, key int) {
	log.Add([]engine.Message{{Key: key, Text: "lost connection"}}, false)
	l.fail()
}

// sendDirs sends the directory operands view shows on p and ends the
// session; messages are keyed by key() when they come.
func (l *legacy) sendDirs(log *engine.Log, p *Process, cmd string, view *engine.View, key func() int) error {
	var msgs []engine.Message
	s := l.sender(p, view, &msgs, key)
	l.sendDirOperands(s, view)
	endInput(s, p)
	err := s.Close()
	log.Add(msgs, err != nil && !errors.Is(err, ErrIncomplete))
	l.finish(log, p, cmd, err)
	return err
}

// sendDirOperands sends on s the directory operands view shows, until
// the copy cannot go on.
func (l *legacy) sendDirOperands(s *Sender, view *engine.View) {
	for i, e := range l.plan.Entries {
		if e.Parent < 0 && e.Info.IsDir() && view.Shown(i) && s.Send(e.Path) != nil {
			return
		}
	}
}

// planFS is the FS a Sender of a parallel upload reads through: the
// entries its view shows, their files read from files, and nothing else.
type planFS struct {
	view  *engine.View
	files FS
	readOnly
}

func (f *planFS) Open(name string) (File, error) {
	i, ok := f.view.Open(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	if f.view.Info(i).IsDir() {
		return planDir{f.view.Dir(i)}, nil
	}
	return f.files.Open(name)
}

func (f *planFS) Stat(name string) (fs.FileInfo, error) {
	i, ok := f.view.Open(name)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: syscall.ENOENT}
	}
	return f.view.Info(i), nil
}

// planDir is a directory of a view: its shown entries, in the plan's order.
type planDir struct{ d *engine.Dir }

func (d planDir) Read([]byte) (int, error)   { return 0, syscall.EISDIR }
func (d planDir) Close() error               { return nil }
func (d planDir) Stat() (fs.FileInfo, error) { return d.d.Info(), nil }

func (d planDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries, ok := d.d.ReadDir(n)
	if !ok {
		return nil, io.EOF
	}
	return entries, nil
}

// parallelUpload is an upload that may run on several sessions.
type parallelUpload struct {
	plan      *engine.Plan
	files     FS
	workerCmd string // the serial copy's command with -d
	mustBeDir bool
	workers   int // at most, besides the first session; 0: the engine's choice
}

// plan is the plan of an upload from tree on several sessions, or nil
// when it runs on one.
func (o *CopyOptions) plan(tree engine.Tree, paths []string) *engine.Plan {
	auto := o.Sessions == 0
	if tree == nil || !auto && o.Sessions < 2 || o.LimitKbps > 0 || o.Progress != nil || auto && o.Serial {
		return nil
	}
	plan, err := engine.PlanUpload(tree, paths, o.Recursive)
	if err != nil || auto && plan.Files < engine.MinFiles || !plan.DistinctTargets() {
		return nil
	}
	return plan
}

// run runs the upload whose serial copy would run cmd on first; done is
// false, with first untouched, when the copy is better serial.
func (u *parallelUpload) run(ctx context.Context, c *Client, first *Process, cmd string, opt Options, errs *collector) (done bool, err error) {
	start := func(cmd string, extra bool) (*Process, error) {
		p, err := c.start(ctx, cmd, extra, io.Discard)
		if err != nil {
			return nil, err
		}
		// As for the first session (Client.run).
		stop := context.AfterFunc(ctx, func() { p.Close() })
		q := *p
		q.Wait = func() error {
			defer stop()
			return p.Wait()
		}
		return &q, nil
	}
	l := &legacy{ctx: ctx, plan: u.plan, files: u.files, first: first, start: start, cmd: cmd, workerCmd: u.workerCmd, opt: opt}
	log := engine.Upload(l, u.plan, engine.Options{MustBeDir: u.mustBeDir, Preserve: opt.Preserve, MaxWorkers: u.workers})
	if log == nil {
		return false, nil
	}
	log.Release(errs.add, MaxShown, Omitted)
	switch {
	case ctx.Err() != nil:
		return true, ctx.Err()
	case l.incomplete:
		return true, errs.result(ErrIncomplete, nil)
	case l.exitErr != nil:
		return true, errs.result(nil, l.exitErr)
	}
	return true, errs.result(nil, nil)
}
