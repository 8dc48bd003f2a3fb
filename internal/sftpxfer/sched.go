package sftpxfer

import (
	"sync"

	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/scp/sftp"
)

// A tree copy walks its tree in the serial copy's order and hands each
// file to a sched. Serial, the sched copies the file there and then. In
// parallel, it copies up to Transfer.Files files at once on the one
// (goroutine-safe, pipelined) client and holds every message back until
// all the serial copy would have printed before it is out: the output,
// the status and the tree are a serial copy's. A directory's own
// finishing (its mode, and its times with -p) waits for everything inside
// it, as the serial copy's does. With the meter on, a progress.Board draws
// one live line for the files in flight, and each file's final line is
// released with its messages.

// inFlightBytes bounds the bytes of the files in flight at once: a file
// weighs its size (a big file goes alone), so memory stays that of one
// big file's copy whatever the tree.
const inFlightBytes = 4 << 20

// minWeight is the least a file weighs: its requests and buffers.
const minWeight = 8 << 10

// sched runs one tree copy's files.
type sched struct {
	x     *Transfer // the tree copy's own: its Log prints
	files int       // at most this many files in flight; 1: serial

	wg   sync.WaitGroup
	mu   sync.Mutex
	room *sync.Cond // signalled when a file leaves the air
	busy int        // files in flight
	load int64      // their weight
	// queue holds the messages not yet printed, in the serial copy's
	// order; its head is the first still awaited.
	queue  []*note
	lost   error           // a lost connection, in order: nothing after it shows
	broken error           // a lost connection, as it came
	failed bool            // some copy failed
	board  *progress.Board // the meter of the files in flight; nil when none shows
}

// note is what one step of the serial copy shows, released once the step
// is done.
type note struct {
	lines []line
	done  bool
	err   error
}

// line is a message, or with show a file's final meter line.
type line struct {
	msg  string
	show func()
}

// add adds a message to the step's.
func (n *note) add(msg string) { n.lines = append(n.lines, line{msg: msg}) }

// group is a directory whose finishing waits for what is inside it.
type group struct {
	parent  *group
	pending int  // files and directories inside not finished, +1 until closed
	failed  bool // a file inside failed
	finish  func(x *Transfer) error
	note    *note
}

// fail records a failed file in g and the groups around it.
func (g *group) fail() {
	for ; g != nil; g = g.parent {
		g.failed = true
	}
}

// newSched returns the sched of a tree copy: parallel only when no
// "Retrieving" lines are shown, so that holding messages back changes
// nothing a user sees but the meter, which a Board draws then.
func (x *Transfer) newSched() *sched {
	s := &sched{x: x, files: 1}
	if x.Files > 1 && x.ProgressOnly {
		// Every file and listing in flight holds one of the server's
		// handles: files get half of them, listings (listAhead a level)
		// the rest. A server that does not say how many gets as many
		// files as one file's requests.
		s.files = min(x.Files, sftp.DefaultRequests)
		if h := x.Client.OpenHandles(); h > 0 {
			s.files = min(x.Files, h/2)
		}
		if s.files > 1 && x.Meter != nil && !progress.Silent(x.Meter) {
			// A remote tree is not counted ahead. A meter that cannot
			// draw a board keeps the copy serial.
			if s.board = progress.NewBoard(x.Meter, 0, 0); s.board == nil {
				s.files = 1
			}
		}
	}
	s.room = sync.NewCond(&s.mu)
	return s
}

func (s *sched) serial() bool { return s.files <= 1 }

// walker is the Transfer the walk itself speaks through: its messages
// take their place among the files'.
func (s *sched) walker() *Transfer {
	if s.serial() {
		return s.x
	}
	return s.x.logTo(func(msg string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		n := &note{done: true}
		n.add(msg)
		s.queue = append(s.queue, n)
		s.flush()
	})
}

// logTo is a copy of x whose messages go to log.
func (x *Transfer) logTo(log func(msg string)) *Transfer {
	y := *x
	y.Log = log
	return &y
}

// enter starts the group of a directory inside parent (nil at the top).
func (s *sched) enter(parent *group) *group {
	if parent != nil {
		s.mu.Lock()
		parent.pending++
		s.mu.Unlock()
	}
	return &group{parent: parent, pending: 1}
}

// file copies one file of g with copy. Serial, it returns copy's error;
// in parallel it returns at once, nil, once the file is in flight, or
// the lost connection when one was seen. weight is the file's size.
func (s *sched) file(g *group, weight int64, copy func(x *Transfer) error) error {
	if s.serial() {
		err := copy(s.x)
		if err != nil {
			s.failed = true
			g.fail()
		}
		return err
	}
	weight = min(max(weight, minWeight), inFlightBytes)
	s.mu.Lock()
	for s.busy > 0 && (s.busy >= s.files || s.load+weight > inFlightBytes) {
		s.room.Wait()
	}
	if s.broken != nil {
		s.mu.Unlock()
		return s.broken
	}
	s.busy++
	s.load += weight
	g.pending++
	n := &note{}
	s.queue = append(s.queue, n)
	s.mu.Unlock()

	s.wg.Go(func() {
		err := copy(s.step(n))
		if err != nil {
			s.mu.Lock()
			g.fail()
			s.mu.Unlock()
		}
		s.done(n, err)
		s.sub(g)
		// The file leaves the air once the directories it finished are
		// finished too, so that a drain waits for those as well.
		s.mu.Lock()
		s.busy--
		s.load -= weight
		s.room.Signal()
		s.mu.Unlock()
	})
	return nil
}

// step is the Transfer a file in flight copies with: its messages go to
// n, and with a board, its meter is the board's.
func (s *sched) step(n *note) *Transfer {
	y := s.x.logTo(n.add)
	if s.board != nil {
		y.Meter = &fileMeter{f: s.board.Session(), n: n}
	}
	return y
}

// fileMeter is the meter of one file in flight: its bytes go to the
// board's live line, its final line to its note, in its place among the
// file's messages.
type fileMeter struct {
	f *progress.BoardFile
	n *note
}

func (m *fileMeter) Start(name string, size int64) { m.f.Start(name, size) }
func (m *fileMeter) Add(n int64)                   { m.f.Add(n) }

func (m *fileMeter) Finish() {
	if show := m.f.Finish(); show != nil {
		m.n.lines = append(m.n.lines, line{show: show})
	}
}

func (m *fileMeter) BeginTransfer(func() (int, int64)) {}
func (m *fileMeter) EndTransfer()                      {}

// repeats are the names that come more than once (in a listing, a
// server's fault; among a pattern's matches, from several directories),
// nil when serial: the walk drains before each, so that a name is written
// twice one after the other, as serially.
func (s *sched) repeats(names []string) map[string]bool {
	if s.serial() {
		return nil
	}
	seen := make(map[string]bool, len(names))
	var again map[string]bool
	for _, name := range names {
		if seen[name] {
			if again == nil {
				again = map[string]bool{}
			}
			again[name] = true
		}
		seen[name] = true
	}
	return again
}

// entryNames are the names of a listing's entries.
func entryNames(entries []*sftp.FileInfo) []string {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// drain waits until no file is in flight.
func (s *sched) drain() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.busy > 0 {
		s.room.Wait()
	}
}

// close ends the walk of g: finish (nil: none) runs once everything in g
// is done, its messages after theirs. Serial, it runs now and close
// returns its error.
func (s *sched) close(g *group, finish func(x *Transfer) error) error {
	if s.serial() {
		if finish == nil {
			return nil
		}
		return finish(s.x)
	}
	s.mu.Lock()
	g.finish = finish
	g.note = &note{}
	s.queue = append(s.queue, g.note)
	s.mu.Unlock()
	s.sub(g)
	return nil
}

// sub counts one thing inside g as done, and finishes g when it was the
// last: its finish, then its parent's count.
func (s *sched) sub(g *group) {
	for ; g != nil; g = g.parent {
		s.mu.Lock()
		g.pending--
		last, broken := g.pending == 0, s.broken != nil
		s.mu.Unlock()
		if !last {
			return
		}
		var err error
		if g.finish != nil && !broken {
			err = g.finish(s.x.logTo(g.note.add))
		}
		s.done(g.note, err)
	}
}

// done marks n's step as over with err and prints what may be printed.
func (s *sched) done(n *note, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n.done, n.err = true, err
	if err != nil {
		s.failed = true
		if s.broken == nil && ConnLost(err) {
			s.broken = err
		}
	}
	s.flush()
}

// flush prints the messages of the done steps at the head of the queue;
// after a lost connection, nothing more. s.mu is held.
func (s *sched) flush() {
	for len(s.queue) > 0 && s.queue[0].done {
		n := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		if s.lost != nil {
			continue
		}
		for _, l := range n.lines {
			switch {
			case l.show != nil:
				l.show()
			case s.board != nil:
				s.board.Above(func() { s.x.Log(l.msg) })
			default:
				s.x.Log(l.msg)
			}
		}
		if ConnLost(n.err) {
			s.lost = n.err
		}
	}
}

// wait waits for every file and directory of the copy and returns its
// status given the walk's own, walkErr.
func (s *sched) wait(walkErr error) error {
	s.wg.Wait()
	if s.board != nil {
		s.board.Close()
	}
	switch {
	case s.lost != nil:
		return s.lost
	case ConnLost(walkErr):
		return walkErr
	case walkErr != nil || s.failed:
		return ErrReported
	}
	return nil
}

// listAhead is how many listings of subdirectories a download's walk has
// on the way before it enters them.
const listAhead = 4

// listing is a remote directory's listing, fetched ahead of the walk,
// and at the top of a download its attributes as well.
type listing struct {
	ready chan struct{} // closed once list and err are in
	list  []*sftp.FileInfo
	err   error
	// statted is closed once fi and statErr are in; nil: no stat ahead.
	statted chan struct{}
	fi      *sftp.FileInfo
	statErr error
}

// fetch starts listing dir, and with stat getting its attributes.
func (s *sched) fetch(dir string, stat bool) *listing {
	ls := &listing{ready: make(chan struct{})}
	if stat {
		ls.statted = make(chan struct{})
		s.wg.Go(func() {
			ls.fi, ls.statErr = s.x.Client.Stat(s.x.Ctx, dir)
			close(ls.statted)
		})
	}
	s.wg.Go(func() {
		ls.list, ls.err = s.x.Client.ReadDir(s.x.Ctx, dir)
		close(ls.ready)
	})
	return ls
}

// topAhead starts the stat and the listing of the top directory of a
// download, for the round trips of making its path canonical; nil when
// serial.
func (s *sched) topAhead(dir string) *listing {
	if s.serial() {
		return nil
	}
	return s.fetch(dir, true)
}

// stat returns dir's attributes: those fetched ahead in ls, when it has
// them, else a stat now.
func (ls *listing) stat(x *Transfer, dir string) (*sftp.FileInfo, error) {
	if ls == nil || ls.statted == nil {
		return x.Client.Stat(x.Ctx, dir)
	}
	<-ls.statted
	return ls.fi, ls.statErr
}

// lookahead lists the subdirectories of one directory, a few ahead of
// the walk, in the order the walk enters them.
type lookahead struct {
	s     *sched
	dirs  []string
	lists []*listing
	taken int
}

// lookahead starts listing the first of dirs; nil when serial.
func (s *sched) lookahead(dirs []string) *lookahead {
	if s.serial() || len(dirs) == 0 {
		return nil
	}
	l := &lookahead{s: s, dirs: dirs, lists: make([]*listing, len(dirs))}
	for i := range min(listAhead, len(dirs)) {
		l.start(i)
	}
	return l
}

func (l *lookahead) start(i int) {
	if i < len(l.dirs) {
		l.lists[i] = l.s.fetch(l.dirs[i], false)
	}
}

// take returns the listing of the next directory on the way, and starts
// one more; nil (list it now) when there is no lookahead.
func (l *lookahead) take() *listing {
	if l == nil || l.taken >= len(l.dirs) {
		return nil
	}
	ls := l.lists[l.taken]
	l.lists[l.taken] = nil
	l.start(l.taken + listAhead)
	l.taken++
	return ls
}
