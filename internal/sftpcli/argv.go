package sftpcli

// Limits of sftp's line splitter: a line of at most maxLineLen bytes, whose
// words (with their escapes and terminators) fit in maxLineLen+1 bytes, and
// at most maxArgs words before more input is seen. (sftp reads lines of at
// most 2047 bytes, so in a session only the word limit is ever met.)
const (
	maxLineLen = 8191
	maxArgs    = 128
)

// lineError is a session line that cannot run; Error is the text sftp
// prints for it.
type lineError string

func (e lineError) Error() string { return string(e) }

const (
	errTooLong      = lineError("string too long")
	errTooManyArgs  = lineError("Too many arguments.")
	errUnterminated = lineError("Unterminated quoted argument")
)

// splitState is where the splitter is: between words, in a bare word, or
// inside quotes.
type splitState int

const (
	stStart splitState = iota
	stUnquoted
	stSingle
	stDouble
)

// splitLine splits a session line into words as sftp does: sh-like quotes
// and backslashes, "#" outside quotes ends the line, and glob
// metacharacters that were quoted keep a backslash so that a later glob
// matches them literally. A backslash before ?, [, * or \ outside quotes
// is kept for the glob to undo.
func splitLine(line string) ([]string, error) {
	line = cutNUL(line)
	if len(line) > maxLineLen {
		return nil, errTooLong
	}
	var sp splitter
	for i := 0; ; i++ {
		if len(sp.words) > maxArgs {
			return nil, errTooManyArgs
		}
		if i == len(line) {
			return sp.finish()
		}
		var err error
		switch c := line[i]; {
		case isSpace(c):
			sp.space(c)
		case c == '"' || c == '\'':
			sp.quote(c)
		case c == '\\':
			if i+1 == len(line) {
				// A trailing backslash escapes nothing, and in quotes
				// the quote stays open.
				sp.begin()
				return sp.finish()
			}
			i++
			err = sp.escape(line[i])
		case c == '#' && !sp.quoted():
			return sp.finish()
		default:
			err = sp.plain(c)
		}
		if err != nil {
			return nil, err
		}
	}
}

// splitter holds splitLine's words and the one being read.
type splitter struct {
	words []string
	cur   []byte
	size  int // bytes of sftp's buffer used by the words before cur
	state splitState
}

func (sp *splitter) quoted() bool { return sp.state == stSingle || sp.state == stDouble }

// begin starts a bare word if none is being read.
func (sp *splitter) begin() {
	if sp.state == stStart {
		sp.state = stUnquoted
		sp.cur = sp.cur[:0]
	}
}

// grow fails as sftp does when a word would grow past its buffer.
func (sp *splitter) grow(by int) error {
	if sp.size+len(sp.cur) >= maxLineLen+1-by {
		return errTooLong
	}
	return nil
}

func (sp *splitter) endWord() {
	sp.words = append(sp.words, string(sp.cur))
	sp.size += len(sp.cur) + 1
	sp.state = stStart
}

func (sp *splitter) finish() ([]string, error) {
	if sp.quoted() {
		return nil, errUnterminated
	}
	if sp.state == stUnquoted {
		sp.endWord()
	}
	return sp.words, nil
}

func (sp *splitter) space(c byte) {
	switch sp.state {
	case stUnquoted:
		sp.endWord()
	case stSingle, stDouble:
		sp.cur = append(sp.cur, c)
	}
}

func (sp *splitter) quote(c byte) {
	q := stSingle
	if c == '"' {
		q = stDouble
	}
	switch sp.state {
	case stStart:
		sp.state = q
		sp.cur = sp.cur[:0]
	case stUnquoted:
		sp.state = q
	case q:
		sp.state = stUnquoted
	default:
		sp.cur = append(sp.cur, c)
	}
}

// escape takes the byte after a backslash.
func (sp *splitter) escape(next byte) error {
	if !sp.quoted() {
		sp.begin()
		if isGlobMeta(next) || next == '\\' {
			sp.cur = append(sp.cur, '\\', next)
		} else {
			sp.cur = append(sp.cur, next)
		}
		return nil
	}
	quote := byte('\'')
	if sp.state == stDouble {
		quote = '"'
	}
	switch {
	case next == quote:
		sp.cur = append(sp.cur, next)
	case isGlobMeta(next):
		// The glob undoes one level, the path keeps the other.
		if err := sp.grow(5); err != nil {
			return err
		}
		sp.cur = append(sp.cur, '\\', '\\', '\\', next)
	default:
		sp.cur = append(sp.cur, '\\', next)
	}
	return nil
}

func (sp *splitter) plain(c byte) error {
	sp.begin()
	if sp.quoted() && isGlobMeta(c) {
		if err := sp.grow(3); err != nil {
			return err
		}
		sp.cur = append(sp.cur, '\\')
	}
	sp.cur = append(sp.cur, c)
	return nil
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}

func isGlobMeta(c byte) bool {
	return c == '?' || c == '[' || c == '*'
}

// cutNUL ends a line at its first NUL, where sftp's C string ends.
func cutNUL(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}
