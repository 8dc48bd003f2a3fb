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

// splitState is where splitLine is: between words, in a bare word, or
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
	var (
		words []string
		cur   []byte
		size  int // bytes used so far, counting each word's terminator
		state = stStart
	)
	startWord := func(s splitState) {
		state = s
		cur = cur[:0]
	}
	endWord := func() {
		words = append(words, string(cur))
		size += len(cur) + 1
		state = stStart
	}
	for i := 0; ; i++ {
		if len(words) > maxArgs {
			return nil, errTooManyArgs
		}
		if i == len(line) {
			if state == stSingle || state == stDouble {
				return nil, errUnterminated
			}
			if state == stUnquoted {
				endWord()
			}
			return words, nil
		}
		c := line[i]
		switch {
		case isSpace(c):
			switch state {
			case stUnquoted:
				endWord()
			case stSingle, stDouble:
				cur = append(cur, c)
			}
		case c == '"' || c == '\'':
			q := stSingle
			if c == '"' {
				q = stDouble
			}
			switch state {
			case stStart:
				startWord(q)
			case stUnquoted:
				state = q
			case q:
				state = stUnquoted
			default:
				cur = append(cur, c)
			}
		case c == '\\':
			if i+1 == len(line) {
				// A trailing backslash escapes nothing; in quotes the
				// quote stays open.
				if state == stSingle || state == stDouble {
					return nil, errUnterminated
				}
				if state == stStart {
					startWord(stUnquoted)
				}
				endWord()
				return words, nil
			}
			next := line[i+1]
			i++
			if state == stSingle || state == stDouble {
				quote := byte('\'')
				if state == stDouble {
					quote = '"'
				}
				switch {
				case next == quote:
					cur = append(cur, next)
				case isGlobMeta(next):
					// The glob undoes one level, the path keeps the other.
					if size+len(cur) >= maxLineLen+1-5 {
						return nil, errTooLong
					}
					cur = append(cur, '\\', '\\', '\\', next)
				default:
					cur = append(cur, '\\', next)
				}
				continue
			}
			if state == stStart {
				startWord(stUnquoted)
			}
			if isGlobMeta(next) || next == '\\' {
				cur = append(cur, '\\', next)
			} else {
				cur = append(cur, next)
			}
		case c == '#' && (state == stStart || state == stUnquoted):
			if state == stUnquoted {
				endWord()
			}
			return words, nil
		default:
			if state == stStart {
				startWord(stUnquoted)
			}
			if (state == stSingle || state == stDouble) && isGlobMeta(c) {
				if size+len(cur) >= maxLineLen+1-3 {
					return nil, errTooLong
				}
				cur = append(cur, '\\')
			}
			cur = append(cur, c)
		}
	}
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
