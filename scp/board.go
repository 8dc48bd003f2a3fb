package scp

// A ProgressBoard is a Progress that can follow several files at once.
// Given as [CopyOptions.Progress], it lets an upload run on several
// sessions ([CopyOptions.Sessions]), a Board following them; without it, a
// Progress keeps an upload on one session.
type ProgressBoard interface {
	Progress
	// Board starts following an upload of files files, bytes bytes in
	// all, on several sessions.
	Board(files int, bytes int64) Board
}

// A Board follows the files of an upload running on several sessions at
// once. Session's progress is called from its session's goroutine, the rest
// from the goroutine that called the Client.
type Board interface {
	// Session returns the progress of one session, which moves one file
	// at a time.
	Session() SessionProgress
	// Above runs print, which reports a message of the copy
	// ([CopyOptions.Report]), with what the board draws out of its way.
	Above(print func())
	// Close ends the board once the sessions are done, before the copy's
	// last messages and file ends are shown.
	Close()
}

// A SessionProgress follows the files of one session, one at a time.
type SessionProgress interface {
	Start(name string, size int64)
	Add(n int64)
	// Finish ends the file and returns what shows that it ended, if
	// anything. The copy calls it later, from the goroutine that called
	// the Client, in the order a copy on one session would show it among
	// its messages; never if the copy ended before that file.
	Finish() (show func())
}

// boardProgress is the Progress of a worker's Sender: the file's data goes
// to the board at once, its end to the worker's book, in the worker's
// order among its messages.
type boardProgress struct {
	s   SessionProgress
	w   *worker
	raw bool
}

func (p boardProgress) Start(name string, size int64) { p.s.Start(sanitize(name, p.raw), size) }
func (p boardProgress) Add(n int64)                   { p.s.Add(n) }

func (p boardProgress) Finish() {
	if show := p.s.Finish(); show != nil && p.w.book != nil {
		p.w.book.Show(show)
	}
}
