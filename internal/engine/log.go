package engine

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// A message is one message of a parallel copy, keyed by the plan index it
// belongs after, and by its order among those.
type message struct {
	Key, Seq int
	Text     string
	Ends     bool // it ended its session's copy: shown whatever the bound
	// Show, if not nil, makes it a file's end (its meter's final line)
	// rather than a message: released in its place, but neither counted
	// nor bounded.
	Show func()
}

// A Log gathers the messages of a parallel copy's sessions and releases
// them in the order a serial copy prints them: during the files step, as
// soon as no session can add any before them, and the rest at the end
// (Release). Each session adds through a Book of its own.
type Log struct {
	mu      sync.Mutex
	msgs    []*message // added, not yet released
	sorted  bool       // msgs is in release order
	low     int        // the least key in msgs (idle when empty)
	seq     int
	fatal   int           // key of the first message that ended a session's copy; -1 if none
	books   []*Book       // open
	firsts  []int         // first keys of the files step's batches, in plan order
	next    int           // the first batch not yet taken
	changed chan struct{} // signalled when flush may have more to release

	print   func(string)
	bound   int
	omitted func(n int) string
	shown   int
	hidden  int
}

// NewLog returns an empty log that releases messages to print, at most
// bound of them (and any that ended the copy) and then omitted(the number
// left out).
func NewLog(print func(string), bound int, omitted func(n int) string) *Log {
	return &Log{fatal: -1, low: idle, changed: make(chan struct{}, 1), print: print, bound: bound, omitted: omitted}
}

// A Book is one session's part of a log: what it says, each message
// under the plan index the session is at. A session only moves forward,
// so what it adds never goes before what it added, and a copy's messages
// before every open session's position are settled.
type Book struct {
	log  *Log
	at   int
	last *message // the last message, which ends the copy if the session's does
}

// Book opens a book for a session that starts at plan index at.
func (l *Log) Book(at int) *Book {
	b := &Book{log: l, at: at}
	l.mu.Lock()
	l.books = append(l.books, b)
	l.mu.Unlock()
	return b
}

// idle is where a worker's book is before it takes a batch: it holds
// nothing back, and the few things it may say go last.
const idle = math.MaxInt

// Move moves the session to plan index i, if that is further: what it
// adds from now on belongs there or after.
func (b *Book) Move(i int) {
	l := b.log
	l.mu.Lock()
	defer l.mu.Unlock()
	if i > b.at {
		b.at = i
		l.signal()
	}
}

// Add adds a message where the session is.
func (b *Book) Add(text string) {
	b.last = b.add(&message{Text: text})
}

// Show adds a file's end where the session is: show is called in its place.
func (b *Book) Show(show func()) {
	b.add(&message{Show: show})
}

func (b *Book) add(m *message) *message {
	l := b.log
	l.mu.Lock()
	defer l.mu.Unlock()
	m.Key, m.Seq = b.at, l.seq
	l.seq++
	l.msgs = append(l.msgs, m)
	l.sorted = false
	l.low = min(l.low, m.Key)
	return m
}

// Close ends the session; ended says its last message ended its copy,
// which then ends the copy there.
func (b *Book) Close(ended bool) {
	l := b.log
	l.mu.Lock()
	defer l.mu.Unlock()
	l.books = slices.DeleteFunc(l.books, func(o *Book) bool { return o == b })
	if m := b.last; ended && m != nil {
		m.Ends = true
		if l.fatal < 0 || m.Key < l.fatal {
			l.fatal = m.Key
		}
	}
	l.signal()
}

// deal sets the batches of the files step, by their first keys in plan
// order, for take to hand out.
func (l *Log) deal(keys []int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.firsts = keys
	l.signal()
}

// take moves the session to the next batch not yet taken and returns its
// number among those dealt, or -1 when none is left. Handing a batch out
// and moving there are one step, so that the batch's place is never
// thought settled in between.
func (b *Book) take() int {
	l := b.log
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next >= len(l.firsts) {
		return -1
	}
	i := l.next
	l.next++
	b.at = l.firsts[i]
	l.signal()
	return i
}

// Dealt reports whether every batch of the files step has been taken: the
// session then takes no other, so its book stays where it is until it is
// closed.
func (b *Book) Dealt() bool {
	l := b.log
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next >= len(l.firsts)
}

func (l *Log) signal() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// settled is the plan index before which no session can add anything
// more; mu is held.
func (l *Log) settled() int {
	end := idle
	if l.next < len(l.firsts) {
		end = l.firsts[l.next]
	}
	for _, b := range l.books {
		end = min(end, b.at)
	}
	return end
}

// flush releases the messages whose place is settled. It must be called
// from one goroutine at a time, as Release.
func (l *Log) flush() { l.release(false) }

// Release releases every message left, then how many the bound left out.
// The copy's sessions must all be closed.
func (l *Log) Release() {
	l.release(true)
	if l.hidden > 0 {
		l.print(l.omitted(l.hidden))
		l.hidden = 0
	}
}

// release passes the messages to print in plan order, as a serial copy
// would have printed them: none after the one that ended the copy, and
// only the first bound; all if all, else those before the settled place.
func (l *Log) release(all bool) {
	l.mu.Lock()
	end := idle
	if !all {
		if end = l.settled(); l.low >= end {
			l.mu.Unlock()
			return // nothing to release: no need to sort what a lagging session holds back
		}
	}
	if !l.sorted {
		slices.SortStableFunc(l.msgs, func(a, b *message) int {
			return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Seq, b.Seq))
		})
		l.sorted = true
	}
	n := len(l.msgs)
	if !all {
		n, _ = slices.BinarySearchFunc(l.msgs, end, func(m *message, k int) int { return cmp.Compare(m.Key, k) })
	}
	out := make([]message, n) // copies: Ends may change once unlocked
	for i, m := range l.msgs[:n] {
		out[i] = *m
	}
	l.msgs = slices.Delete(l.msgs, 0, n)
	l.low = idle
	if len(l.msgs) > 0 {
		l.low = l.msgs[0].Key
	}
	fatal := l.fatal
	l.mu.Unlock()
	for _, m := range out {
		switch {
		case fatal >= 0 && m.Key > fatal:
		case m.Show != nil:
			m.Show()
		case l.shown < l.bound || m.Ends && m.Key == fatal:
			l.print(m.Text)
			l.shown++
		default:
			l.hidden++
		}
	}
}

// ended reports whether a session's copy ended early.
func (l *Log) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fatal >= 0
}
