package scp_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goscp/goscp/scp"
)

// events records, in order, the messages of a copy and the files it shows
// ended ("= name"); they are appended from the goroutine that called the
// Client only, which the race detector checks.
type events struct {
	got    []string
	closed bool
	late   atomic.Bool // a session's progress was told something after Close
}

func (e *events) report(msg string) { e.got = append(e.got, msg) }

// serialProgress is a Progress, which keeps an upload on one session.
type serialProgress struct {
	e    *events
	name string
}

func (p *serialProgress) Start(name string, _ int64) { p.name = name }
func (p *serialProgress) Add(int64)                  {}
func (p *serialProgress) Finish()                    { p.e.got = append(p.e.got, "= "+p.name) }

// boardProgress is a ProgressBoard.
type boardProgress struct{ serialProgress }

func (p *boardProgress) Board(int, int64) scp.Board { return recBoard{p.e} }

type recBoard struct{ e *events }

func (b recBoard) Session() scp.SessionProgress { return &recSession{e: b.e} }
func (b recBoard) Above(print func())           { print() }
func (b recBoard) Close()                       { b.e.closed = true }

type recSession struct {
	e    *events
	name string
}

func (s *recSession) Start(name string, _ int64) { s.name = name; s.checkOpen() }
func (s *recSession) Add(int64)                  { s.checkOpen() }

func (s *recSession) Finish() func() {
	s.checkOpen()
	name := s.name
	return func() { s.e.got = append(s.e.got, "= "+name) }
}

func (s *recSession) checkOpen() {
	if s.e.closed {
		s.e.late.Store(true)
	}
}

// TestClientSessionsBoard uploads a tree with failures in several places on
// one session with a Progress and on several with a ProgressBoard: the
// files shown ended and the messages must come in the same order, the
// board closed after the sessions are done.
func TestClientSessionsBoard(t *testing.T) {
	remote := map[string]string{"ex/tree/sub": "in the way", "ex/tree/f07/": "", "ex/tree/f20/": "", "ex/tree/empty/": ""}
	var want []string
	for _, board := range []bool{false, true} {
		root := t.TempDir()
		srv := &sshServer{root: root}
		conn, err := srv.connect()
		must(t, err)
		defer conn.Close()
		write(root, remote)
		local := t.TempDir()
		sessionsTree(t, local)
		client, extra := countingClient(conn)
		e := &events{}
		opts := scp.CopyOptions{Recursive: true, Report: e.report, Progress: &serialProgress{e: e}}
		if board {
			opts.Progress = &boardProgress{serialProgress{e: e}}
		}
		err = client.Upload(context.Background(), []string{filepath.Join(local, "tree")}, "ex", &opts)
		if err == nil {
			t.Errorf("board %v: no error", board)
		}
		got := slices.Clone(e.got)
		for i := range got {
			got[i] = strings.ReplaceAll(got[i], local, "LOCAL")
		}
		if !board {
			want = got
			if extra.Load() != 0 {
				t.Errorf("a Progress: %d extra sessions", extra.Load())
			}
			continue
		}
		if extra.Load() == 0 {
			t.Errorf("a ProgressBoard: no extra session")
		}
		if !e.closed || e.late.Load() {
			t.Errorf("board closed %v, told of files after Close %v", e.closed, e.late.Load())
		}
		if !slices.Equal(got, want) {
			t.Errorf("several sessions:\n%q\none session:\n%q", got, want)
		}
	}
	if n := len(want); n < 30 || !slices.ContainsFunc(want, func(s string) bool { return strings.HasSuffix(s, "f07: Is a directory") }) {
		t.Errorf("one session: %q, want the files and the errors", want)
	}
}
