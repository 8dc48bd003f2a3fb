package sshconfig

import "strings"

// whitespace is the set ssh's config tokenizer splits on.
const whitespace = " \t\r\n"

// cursor walks a line the way ssh's strdelim does: tokens end at whitespace,
// at a double quote (which opens a quoted part) or at one '=' (so "Key=Value"
// and "Key = Value" both work). Keywords and Match criteria are read this way;
// ordinary arguments go through splitArgs instead.
type cursor struct {
	s   string
	end bool // no token left at all (ssh's NULL pointer, as opposed to "")
}

// next returns the next token; ok is false when the line is exhausted or a
// quote is left open.
func (c *cursor) next() (tok string, ok bool) {
	if c.end {
		return "", false
	}
	i := strings.IndexAny(c.s, whitespace+`"=`)
	if i < 0 {
		tok, c.s, c.end = c.s, "", true
		return tok, true
	}
	if c.s[i] == '"' {
		rest := c.s[:i] + c.s[i+1:]
		j := strings.IndexByte(rest[i:], '"')
		if j < 0 {
			c.s, c.end = "", true
			return "", false
		}
		tok = rest[:i+j]
		c.s = strings.TrimLeft(rest[i+j+1:], whitespace)
		return tok, true
	}
	tok = c.s[:i]
	equals := c.s[i] == '='
	c.s = strings.TrimLeft(c.s[i+1:], whitespace)
	if !equals && strings.HasPrefix(c.s, "=") {
		c.s = strings.TrimLeft(c.s[1:], whitespace)
	}
	return tok, true
}

// SplitArgs splits the arguments of a config line (or sftp -D) like ssh's argv_split:
// space or tab separated, single or double quotes group, \\ \" \' and an
// unquoted "\ " are escapes, and a '#' at the start of a word ends the line.
// ok is false for an unterminated quote.
func SplitArgs(s string) (args []string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			continue
		}
		if s[i] == '#' {
			break
		}
		var b strings.Builder
		var quote byte
	word:
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s) && isEscapable(s[i+1], quote):
				i++
				b.WriteByte(s[i])
			case quote == 0 && (c == ' ' || c == '\t'):
				break word
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			default:
				b.WriteByte(c)
			}
		}
		if quote != 0 {
			return nil, false
		}
		args = append(args, b.String())
	}
	return args, true
}

func isEscapable(c, quote byte) bool {
	return c == '\'' || c == '"' || c == '\\' || (quote == 0 && c == ' ')
}

// trimLine removes trailing whitespace (and form feeds) like ssh, which never
// strips the first character of a line. A NUL ends the line, as it does for
// ssh's C strings.
func trimLine(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	n := len(s)
	for n > 1 && strings.IndexByte(whitespace+"\f", s[n-1]) >= 0 {
		n--
	}
	return s[:n]
}
