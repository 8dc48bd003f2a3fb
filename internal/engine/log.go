package engine

import (
	"cmp"
	"slices"
	"sync"
)

// A Message is one message of a parallel copy, keyed by the plan index it
// belongs after, and by its order among those.
type Message struct {
	Key, Seq int
	Text     string
	Ends     bool // it ended its session's copy: shown whatever the bound
}

// A Log gathers the messages of a parallel copy's sessions, to be released
// in the order a serial copy prints them. Sessions add to it at once.
type Log struct {
	mu    sync.Mutex
	msgs  []Message
	fatal int // key of the first message that ended a session's copy; -1 if none
}

// NewLog returns an empty log.
func NewLog() *Log { return &Log{fatal: -1} }

// Add adds a session's messages; ended says its last one ended that
// session's copy, which then ends the copy there.
func (l *Log) Add(msgs []Message, ended bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(msgs); ended && n > 0 {
		msgs[n-1].Ends = true
		if l.fatal < 0 || msgs[n-1].Key < l.fatal {
			l.fatal = msgs[n-1].Key
		}
	}
	l.msgs = append(l.msgs, msgs...)
}

// ended reports whether a session's copy ended early.
func (l *Log) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fatal >= 0
}

// Release passes the messages to print in plan order, as a serial copy
// would have printed them: none after the one that ended the copy, and only
// the first bound, then omitted(the number left out).
func (l *Log) Release(print func(string), bound int, omitted func(n int) string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.SortStableFunc(l.msgs, func(a, b Message) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Seq, b.Seq))
	})
	shown, hidden := 0, 0
	for _, m := range l.msgs {
		switch {
		case l.fatal >= 0 && m.Key > l.fatal:
		case shown < bound || m.Ends && m.Key == l.fatal:
			print(m.Text)
			shown++
		default:
			hidden++
		}
	}
	if hidden > 0 {
		print(omitted(hidden))
	}
}
