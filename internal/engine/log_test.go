package engine

import (
	"fmt"
	"slices"
	"testing"
)

// said is what one session says at plan index key: a message, or with
// show a file's end.
type said struct {
	key  int
	text string
	show bool
}

// recorder is what a log released, in order: messages as they are, file
// ends as "=name".
type recorder struct{ got []string }

func (r *recorder) log(bound int) *Log {
	return NewLog(func(s string) { r.got = append(r.got, s) }, bound, func(n int) string { return fmt.Sprintf("(%d omitted)", n) })
}

// say adds what a session said to its book, moving it along.
func (r *recorder) say(b *Book, s said) {
	b.Move(s.key)
	if s.show {
		b.Show(func() { r.got = append(r.got, "="+s.text) })
		return
	}
	b.Add(s.text)
}

// TestLogRelease checks the order messages are released in, the bound, and
// the end of a copy that a session's fatal message marks.
func TestLogRelease(t *testing.T) {
	type session struct {
		said  []said
		ended bool
	}
	tests := []struct {
		name     string
		sessions []session
		bound    int
		want     []string
	}{
		{
			name: "plan order across sessions",
			sessions: []session{
				{said: []said{{key: 5, text: "e"}, {key: 5, text: "f"}}},
				{said: []said{{key: 1, text: "a"}, {key: 3, text: "c"}}},
				{said: []said{{key: 9, text: "times"}}},
			},
			bound: 10,
			want:  []string{"a", "c", "e", "f", "times"},
		},
		{
			name: "file ends among messages",
			sessions: []session{
				{said: []said{{key: 4, text: "d", show: true}, {key: 6, text: "scp: f: Permission denied"}, {key: 7, text: "g", show: true}}},
				{said: []said{{key: 1, text: "a", show: true}, {key: 2, text: "scp: b: Is a directory"}, {key: 3, text: "c", show: true}}},
			},
			bound: 10,
			want:  []string{"=a", "scp: b: Is a directory", "=c", "=d", "scp: f: Permission denied", "=g"},
		},
		{
			name: "bound",
			sessions: []session{
				{said: []said{{key: 2, text: "b"}, {key: 3, text: "c"}, {key: 4, text: "d", show: true}}},
				{said: []said{{key: 1, text: "a"}}},
			},
			bound: 2,
			want:  []string{"a", "b", "=d", "(1 omitted)"},
		},
		{
			name: "nothing after the end",
			sessions: []session{
				{said: []said{{key: 1, text: "a"}, {key: 4, text: "d", show: true}, {key: 4, text: "lost"}}, ended: true},
				{said: []said{{key: 2, text: "b"}, {key: 7, text: "late"}, {key: 8, text: "h", show: true}}},
				{said: []said{{key: 6, text: "broken"}}, ended: true},
			},
			bound: 10,
			want:  []string{"a", "b", "=d", "lost"},
		},
		{
			name: "the end shown beyond the bound",
			sessions: []session{
				{said: []said{{key: 1, text: "a"}, {key: 2, text: "b"}, {key: 3, text: "lost"}}, ended: true},
			},
			bound: 1,
			want:  []string{"a", "lost", "(1 omitted)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r recorder
			l := r.log(tt.bound)
			for _, s := range tt.sessions {
				b := l.Book(0)
				for _, x := range s.said {
					r.say(b, x)
				}
				b.Close(s.ended)
			}
			l.Release()
			if !slices.Equal(r.got, tt.want) {
				t.Errorf("released %q, want %q", r.got, tt.want)
			}
		})
	}
}

// TestLogFlush checks what a log releases during a copy: only what no
// session can still add anything before, so that, with sessions ending
// their files out of order, the lines come out in plan order at once with
// the messages in their places.
func TestLogFlush(t *testing.T) {
	var r recorder
	l := r.log(1000)
	skeleton := l.Book(0)
	r.say(skeleton, said{key: 5, text: "scp: sub: Permission denied"})
	skeleton.Close(false)
	// Batches: files 1-4 and 6-9 (5, a refused directory, between them)
	// and 10-11.
	l.deal([]int{1, 6, 10})
	w1, w2 := l.Book(idle), l.Book(idle)
	flush := func(want ...string) {
		t.Helper()
		r.got = nil
		l.flush()
		if !slices.Equal(r.got, want) {
			t.Errorf("flushed %q, want %q", r.got, want)
		}
	}
	flush() // nothing is settled before the first batch is taken
	if w1.take() != 0 || w2.take() != 1 {
		t.Fatal("batches not taken in order")
	}
	// The second worker runs ahead: all held.
	r.say(w2, said{key: 6, text: "f6", show: true})
	r.say(w2, said{key: 7, text: "scp: f7: Permission denied"})
	r.say(w2, said{key: 8, text: "f8", show: true})
	flush()
	r.say(w1, said{key: 1, text: "f1", show: true})
	flush()
	w1.Move(2) // the next file opened: f1's end is settled
	flush("=f1")
	r.say(w1, said{key: 2, text: "scp: f2: short read"})
	r.say(w1, said{key: 2, text: "f2", show: true})
	r.say(w1, said{key: 4, text: "f4", show: true})
	flush("scp: f2: short read", "=f2")
	if w1.take() != 2 {
		t.Fatal("third batch not taken")
	}
	// The refused directory's message comes between the batches, and the
	// second worker's lines up to where it is.
	flush("=f4", "scp: sub: Permission denied", "=f6", "scp: f7: Permission denied")
	r.say(w1, said{key: 10, text: "f10", show: true})
	if w2.take() != -1 {
		t.Fatal("a batch left")
	}
	r.say(w2, said{key: 9, text: "f9", show: true})
	w2.Close(false)
	flush("=f8", "=f9")
	w1.Close(false)
	flush("=f10")
	r.got = nil
	l.Release()
	if len(r.got) != 0 {
		t.Errorf("released %q at the end; all was flushed", r.got)
	}
}

// TestLogFlushEnded checks that a session whose copy ends cuts off what
// other sessions did after it, even what they did first.
func TestLogFlushEnded(t *testing.T) {
	var r recorder
	l := r.log(1000)
	l.deal([]int{1, 3})
	w1, w2 := l.Book(idle), l.Book(idle)
	w1.take()
	w2.take()
	r.say(w2, said{key: 3, text: "f3", show: true})
	w2.Move(4)
	w2.Close(false)
	r.say(w1, said{key: 1, text: "f1", show: true})
	r.say(w1, said{key: 2, text: "lost connection"})
	l.flush()
	if want := []string{"=f1"}; !slices.Equal(r.got, want) {
		t.Errorf("flushed %q, want %q", r.got, want)
	}
	w1.Close(true)
	l.flush()
	l.Release()
	if want := []string{"=f1", "lost connection"}; !slices.Equal(r.got, want) {
		t.Errorf("released %q, want %q", r.got, want)
	}
}

// TestBookDealt checks that a book knows when no batch is left to take, so
// that a session sending the last one can leave its last replies to its
// end.
func TestBookDealt(t *testing.T) {
	var r recorder
	l := r.log(10)
	l.deal([]int{1, 5})
	w1, w2 := l.Book(idle), l.Book(idle)
	steps := []struct {
		take  *Book
		taken int
		dealt bool
	}{
		{w1, 0, false},
		{w2, 1, true},
		{w1, -1, true},
	}
	for i, s := range steps {
		if got := s.take.take(); got != s.taken {
			t.Fatalf("step %d: took %d, want %d", i, got, s.taken)
		}
		if w1.Dealt() != s.dealt || w2.Dealt() != s.dealt {
			t.Errorf("step %d: Dealt %v, want %v", i, !s.dealt, s.dealt)
		}
	}
}
