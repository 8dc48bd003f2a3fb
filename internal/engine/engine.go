// Package engine runs an upload's plan on several sessions of one
// connection at once, for any wire protocol that implements [Backend]:
//
//	plan (PlanUpload: the local trees, in a serial copy's order)
//	  → scheduler (Upload: skeleton → K workers → times; messages in plan order)
//	    → backend (one per wire protocol; one Worker = one session)
//
// The plan is data, the scheduler owns concurrency and the order of what
// the user is told, and a backend only moves the entries it is shown.
// Whatever K is, the messages, the failure and the tree written are those of
// a serial copy; Upload declines a copy for which it cannot promise that.
package engine

import (
	"sync"
	"sync/atomic"
)

// A Backend runs a plan's steps on one wire protocol's sessions. Its first
// session is the one a serial copy would use, started before any other so
// that a server's session limit refuses workers rather than it.
type Backend interface {
	// Workers starts up to n sessions for the files step, each ready to
	// write into the target, which it found to be an existing directory.
	// notDir reports that none started, every one because the target is
	// not an existing directory. Anything else that keeps sessions from
	// starting (the server's session limit, say) leaves fewer.
	Workers(n int) (ws []Worker, notDir bool)
	// Skeleton sends every directory of the plan on the first session, as
	// a serial copy would (creating the target from a single directory
	// operand when workers could not go into it), calling accepted for each
	// the remote accepted. It reports whether the copy goes on. With keep,
	// the first session is not ended: once the remote has answered for
	// every directory, it is returned as one more worker of the files step
	// (nil when the copy does not go on).
	Skeleton(log *Log, accepted func(i int), keep bool) (first Worker, ok bool)
	// Times sends again, on a session of its own, each directory for which
	// keep is true: each gets its mode and, at its end, its times.
	Times(log *Log, keep func(i int) bool)
	// Lost records in log, under key, that no session could be started.
	Lost(log *Log, key int)
}

// A Worker is one session of the files step.
type Worker interface {
	// Send sends a batch and waits until the remote has answered for all
	// of it, unless no batch is left (Book.Dealt), adding what the
	// session says to book, which the view it sends through moves
	// (View.Book); false means the copy cannot go on.
	Send(b Batch, book *Book) bool
	// Close ends the session, adding its last messages to book, and
	// closes book.
	Close(book *Book)
	// Abort ends a session that was never given a batch.
	Abort()
}

// A Batch is files of one directory, consecutive in the plan, and what a
// sender is given to send them.
type Batch struct {
	Key   int // the plan index of its first file
	Files []int
	// Paths are the operands, or the children of a directory operand that
	// became the target, that hold the files, each once.
	Paths []string
}

// Options are what a serial copy's behaviour depends on.
type Options struct {
	// MustBeDir: the target must be a directory (several sources, -d).
	MustBeDir bool
	Preserve  bool // -p: directories get their times at the end
	// MaxWorkers bounds the worker sessions (with the first: the server's
	// MaxSessions, 10 by default for sshd).
	MaxWorkers int
}

const (
	// MinFiles: fewer files do not pay for the extra sessions.
	MinFiles = 32
	// DefaultWorkers with the first session is sshd's default MaxSessions.
	DefaultWorkers = 9
	// filesPerWorker: a worker for every so many files.
	filesPerWorker = 8
	// maxBatch bounds the files a worker takes at once: more keeps its
	// round trips per file low, fewer spreads big files over the workers.
	maxBatch = 64
)

// Upload runs plan on b in steps:
//
//  1. workers: sessions whose first replies tell whether the target is a
//     directory (if it is not, and a serial copy would create it from a
//     single directory, step 2 creates it and workers are started again);
//  2. skeleton: the first session sends every directory, so that all of
//     them exist before any file moves; a directory the remote refuses
//     takes its tree out of the plan, as a serial sink's refusal would;
//  3. files: the workers take batches of files in plan order, each sent
//     with the directories around it, which exist and are left as they are;
//     when the workers went into the target, the first session is one of
//     them (its sink, like theirs, writes into that directory), so that no
//     round trip is spent ending it before the files move;
//  4. times (Preserve): every directory is sent again, which sets its mode
//     and, at its end, its times, once nothing more is written in it.
//
// The copy's messages go to log, which releases them during the files
// step as their place is settled; the caller releases the rest. Upload
// reports false, having left the first session and log untouched, when
// the copy is better serial.
func Upload(b Backend, plan *Plan, log *Log, o Options) bool {
	s := &scheduler{b: b, plan: plan, o: o, log: log, accepted: make([]bool, len(plan.Entries))}
	workers, notDir := b.Workers(s.workers())
	s.intoTarget = len(workers) > 0
	if !s.intoTarget {
		op := plan.Entries[0]
		if !notDir || o.MustBeDir || o.Preserve || op.End != len(plan.Entries) || !op.Info.IsDir() {
			return false
		}
	}
	first, ok := b.Skeleton(log, func(i int) { s.accepted[i] = true }, s.intoTarget)
	if !ok {
		for _, w := range workers {
			w.Abort()
		}
		return true
	}
	if first != nil {
		workers = append([]Worker{first}, workers...)
	} else if !s.intoTarget && s.accepted[0] {
		// The target exists now: the workers go in again.
		if workers, _ = b.Workers(s.workers()); len(workers) == 0 {
			b.Lost(log, len(plan.Entries))
			return true
		}
	}
	s.moveFiles(workers)
	if o.Preserve && !log.ended() {
		b.Times(log, func(i int) bool { return s.accepted[i] })
	}
	return true
}

type scheduler struct {
	b    Backend
	plan *Plan
	o    Options
	log  *Log
	// intoTarget: the target is an existing directory, and every operand
	// lands inside it; otherwise the single directory operand becomes it.
	intoTarget bool
	accepted   []bool // directories the skeleton's sink accepted
}

// workers is how many worker sessions the files want.
func (s *scheduler) workers() int {
	n := s.o.MaxWorkers
	if n <= 0 {
		n = DefaultWorkers
	}
	return min(n, max(1, s.plan.Files/filesPerWorker))
}

// batches groups the files of accepted directories, in plan order.
func (s *scheduler) batches(workers int) []Batch {
	size := min(maxBatch, max(1, (s.plan.Files+workers-1)/workers)) // no batch of the few left over
	var out []Batch
	for i, e := range s.plan.Entries {
		if e.Info.IsDir() || e.Parent >= 0 && !s.accepted[e.Parent] {
			continue
		}
		n := len(out)
		if n > 0 && len(out[n-1].Files) < size && s.plan.Entries[out[n-1].Files[0]].Parent == e.Parent && out[n-1].Files[len(out[n-1].Files)-1] == i-1 {
			out[n-1].Files = append(out[n-1].Files, i)
			continue
		}
		out = append(out, Batch{Key: i, Files: []int{i}})
	}
	for k := range out {
		out[k].Paths = s.sendPaths(out[k].Files)
	}
	return out
}

// sendPaths are the paths a sender gets for files: each file's operand,
// or, when the directory operand is the target itself, the operand's child
// holding it; each once.
func (s *scheduler) sendPaths(files []int) []string {
	var paths []string
	for _, f := range files {
		if p := s.sendPath(f); len(paths) == 0 || paths[len(paths)-1] != p {
			paths = append(paths, p)
		}
	}
	return paths
}

func (s *scheduler) sendPath(i int) string {
	e := s.plan.Entries
	for e[i].Parent >= 0 && (s.intoTarget || e[e[i].Parent].Parent >= 0) {
		i = e[i].Parent
	}
	return e[i].Path
}

// moveFiles runs the batches on the workers, each taking the next batch
// when it is done with one, until all are done or a copy cannot go on.
// Meanwhile it releases the messages whose place is settled, from the
// caller's goroutine.
func (s *scheduler) moveFiles(workers []Worker) {
	if len(workers) == 0 {
		return // the target refused the directory: nothing goes in
	}
	queue := s.batches(len(workers))
	keys := make([]int, len(queue))
	for i, b := range queue {
		keys[i] = b.Key
	}
	s.log.deal(keys)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, w := range workers {
		book := s.log.Book(idle)
		wg.Go(func() {
			for !stop.Load() {
				i := book.take()
				if i < 0 {
					break
				}
				if !w.Send(queue[i], book) {
					stop.Store(true)
					break
				}
			}
			w.Close(book)
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	for {
		select {
		case <-s.log.changed:
			s.log.flush()
		case <-done:
			s.log.flush()
			return
		}
	}
}
