package engine

import (
	"fmt"
	"slices"
	"testing"
)

// TestLogRelease checks the order messages are released in, the bound, and
// the end of a copy that a session's fatal message marks.
func TestLogRelease(t *testing.T) {
	type add struct {
		msgs  []Message
		ended bool
	}
	omitted := func(n int) string { return fmt.Sprintf("(%d omitted)", n) }
	tests := []struct {
		name  string
		adds  []add
		bound int
		want  []string
	}{
		{
			name: "plan order across sessions",
			adds: []add{
				{msgs: []Message{{Key: 5, Seq: 0, Text: "e"}, {Key: 5, Seq: 1, Text: "f"}}},
				{msgs: []Message{{Key: 1, Seq: 0, Text: "a"}, {Key: 3, Seq: 1, Text: "c"}}},
				{msgs: []Message{{Key: 9, Seq: 0, Text: "times"}}},
			},
			bound: 10,
			want:  []string{"a", "c", "e", "f", "times"},
		},
		{
			name: "bound",
			adds: []add{
				{msgs: []Message{{Key: 2, Text: "b"}, {Key: 3, Seq: 1, Text: "c"}}},
				{msgs: []Message{{Key: 1, Text: "a"}}},
			},
			bound: 2,
			want:  []string{"a", "b", "(1 omitted)"},
		},
		{
			name: "nothing after the end",
			adds: []add{
				{msgs: []Message{{Key: 1, Text: "a"}, {Key: 4, Seq: 1, Text: "lost"}}, ended: true},
				{msgs: []Message{{Key: 2, Text: "b"}, {Key: 7, Seq: 1, Text: "late"}}},
				{msgs: []Message{{Key: 6, Text: "broken"}}, ended: true},
			},
			bound: 10,
			want:  []string{"a", "b", "lost"},
		},
		{
			name: "the end shown beyond the bound",
			adds: []add{
				{msgs: []Message{{Key: 1, Text: "a"}, {Key: 2, Seq: 1, Text: "b"}, {Key: 3, Seq: 2, Text: "lost"}}, ended: true},
			},
			bound: 1,
			want:  []string{"a", "lost", "(1 omitted)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLog()
			for _, a := range tt.adds {
				l.Add(a.msgs, a.ended)
			}
			var got []string
			l.Release(func(s string) { got = append(got, s) }, tt.bound, omitted)
			if !slices.Equal(got, tt.want) {
				t.Errorf("released %q, want %q", got, tt.want)
			}
		})
	}
}
