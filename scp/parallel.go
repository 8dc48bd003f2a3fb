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
	opt            Options // for every Sender, but Report, ReportAll and Progress
	board          Board   // follows the workers' files, if not nil
	raw            bool    // names go to the board as sent (RawMessages)

	mu sync.Mutex
	// incomplete: a session's copy failed, or one could not start.
	incomplete bool
	// exitErr is the first remote scp that failed outside the protocol
	// although its copy went well, for a *CommandError.
	exitErr *CommandError
}

// sender starts a Sender on p reading through view, whose messages go to
// report and whose files to progress.
func (l *legacy) sender(p *Process, view *engine.View, report func(string), progress Progress) *Sender {
	opt := l.opt
	opt.ReportAll = true
	opt.Report = report
	opt.Progress = progress
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
func (l *legacy) finish(p *Process, cmd string, err error) {
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
	started bool         // its first reply was \0: the target is a directory
	refusal string       // otherwise, what the remote said, if anything
	book    *engine.Book // where its messages go, from its first batch
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
			w.sender = l.sender(p, w.view, w.report, w.progress())
			w.started = w.sender.Sync() == nil
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

// report adds a message to the worker's book; before the first batch, it
// keeps the first one, which says why the sink did not start.
func (w *worker) report(msg string) {
	switch {
	case w.book != nil:
		w.book.Add(msg)
	case w.refusal == "":
		w.refusal = msg
	}
}

// progress is what the worker's Sender tells of its files: nil without a
// board.
func (w *worker) progress() Progress {
	if w.l.board == nil {
		return nil
	}
	return boardProgress{s: w.l.board.Session(), w: w, raw: w.l.raw}
}

// Send implements engine.Worker: it sends the paths that hold the batch's
// files, then waits for the sink's last reply, so that its messages are
// all in before the book moves to another batch. With no batch left, the
// book moves no more: Close reads those replies after ending the sink's
// input, so that they and its exit come in one round trip.
func (w *worker) Send(b engine.Batch, book *engine.Book) bool {
	w.book = book
	w.view.Book = book
	w.view.ShowFiles(b.Files)
	for _, path := range b.Paths {
		if w.sender.Send(path) != nil {
			return false
		}
	}
	return book.Dealt() || w.sender.Sync() == nil
}

// Close implements engine.Worker.
func (w *worker) Close(book *engine.Book) {
	w.book = book
	endInput(w.sender, w.p)
	err := w.sender.Close()
	book.Close(err != nil && !errors.Is(err, ErrIncomplete))
	w.l.finish(w.p, w.cmd, err)
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
	book := log.Book(0)
	view.Book = book
	if !keep {
		err := l.sendDirs(book, l.first, l.cmd, view)
		return nil, err == nil || errors.Is(err, ErrIncomplete)
	}
	w := &worker{l: l, p: l.first, cmd: l.cmd, view: view, started: true, book: book}
	w.sender = l.sender(l.first, view, w.report, w.progress())
	l.sendDirOperands(w.sender, view)
	if w.sender.Sync() != nil {
		w.Close(book)
		return nil, false
	}
	view.Listed = nil
	// Its directories are all answered for: from its first batch on, it
	// speaks through a worker's book.
	w.book = nil
	book.Close(false)
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
	l.sendDirs(log.Book(len(l.plan.Entries)), p, l.cmd, view)
}

// Lost implements engine.Backend, with scp's words.
func (l *legacy) Lost(log *engine.Log, key int) {
	book := log.Book(key)
	book.Add("lost connection")
	book.Close(false)
	l.fail()
}

// sendDirs sends the directory operands view shows on p and ends the
// session, its messages going to book.
func (l *legacy) sendDirs(book *engine.Book, p *Process, cmd string, view *engine.View) error {
	s := l.sender(p, view, book.Add, nil)
	l.sendDirOperands(s, view)
	endInput(s, p)
	err := s.Close()
	book.Close(err != nil && !errors.Is(err, ErrIncomplete))
	l.finish(p, cmd, err)
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
	progress  Progress
	raw       bool // RawMessages
}

// plan is the plan of an upload from tree on several sessions, or nil
// when it runs on one.
func (o *CopyOptions) plan(tree engine.Tree, paths []string) *engine.Plan {
	auto := o.Sessions == 0
	_, board := o.Progress.(ProgressBoard)
	if tree == nil || !auto && o.Sessions < 2 || o.LimitKbps > 0 || o.Progress != nil && !board || auto && o.Serial {
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
	l := &legacy{ctx: ctx, plan: u.plan, files: u.files, first: first, start: start, cmd: cmd, workerCmd: u.workerCmd, opt: opt, raw: u.raw}
	print := errs.add
	if pb, ok := u.progress.(ProgressBoard); ok {
		l.board = pb.Board(u.plan.Files, u.plan.Bytes)
		print = func(msg string) { l.board.Above(func() { errs.add(msg) }) }
	}
	log := engine.NewLog(print, MaxShown, Omitted)
	done = engine.Upload(l, u.plan, log, engine.Options{MustBeDir: u.mustBeDir, Preserve: opt.Preserve, MaxWorkers: u.workers})
	if l.board != nil {
		l.board.Close()
	}
	if !done {
		return false, nil
	}
	log.Release()
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
