package sftpcli

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goscp/goscp/internal/termsafe"
)

// complete is tab completion as sftp does it: the cursor at pos must be at
// the end of the line or before a space. With no word before it, every
// command is listed; in the first word, command names complete; in a
// later word, remote or local paths complete, as the command's table entry
// says for that argument. A unique match is inserted with the quoting the
// line needs and a space after it (a directory gets "/" instead); with
// several, what they have in common is inserted and they are listed on
// s.stdout in columns, under the line.
//
// ok is false when there is nothing to complete; the line is then
// unchanged. It runs from the terminal reader's Tab key, with s.stdout the
// reader (see [terminalReader]).
func (s *session) complete(line string, pos int) (newLine string, newPos int, ok bool) {
	if pos < 0 || pos > len(line) || pos < len(line) && line[pos] != ' ' && line[pos] != '\n' {
		return line, pos, false
	}
	before, quote, terminated, ok := splitForCompletion(line[:pos])
	if !ok {
		return line, pos, false
	}
	words, _, _, ok := splitForCompletion(line)
	if !ok {
		return line, pos, false
	}
	carg, argc := len(before), len(words)
	if carg > argc {
		// Cannot happen: the words after the cursor only add to those
		// before it. Never index past them, though.
		return line, pos, false
	}
	e := editor{line: line, pos: pos}
	switch {
	case carg == 0:
		names := make([]string, len(commandTable))
		for i, c := range commandTable {
			names[i] = c.name
		}
		s.completeDisplay(names, 0)
		return line, pos, true
	case carg == 1 && line[pos-1] != ' ':
		ok = s.completeCommand(&e, words[0], argc == carg, quote, terminated)
	default:
		var file *string
		if carg > 1 && line[pos-1] != ' ' {
			file = &words[carg-1]
		}
		n := 0 // which argument the word is, flags not counted
		for _, w := range words[1:carg] {
			if !strings.HasPrefix(w, "-") {
				n++
			}
		}
		if line[pos-1] == ' ' {
			n++
		}
		kind := completionKind(words[0], n)
		if kind != argRemote && kind != argLocal {
			return line, pos, false
		}
		ok = s.completePath(&e, file, kind, argc == carg, quote, terminated)
	}
	if !ok {
		return line, pos, false
	}
	return e.line, e.pos, true
}

// editor is the line being completed, with the cursor.
type editor struct {
	line string
	pos  int
}

// insert puts text at the cursor and moves the cursor after it.
func (e *editor) insert(text string) {
	e.line = e.line[:e.pos] + text + e.line[e.pos:]
	e.pos += len(text)
}

// at is the byte at i, or 0 outside the line (C's terminating NUL).
func (e *editor) at(i int) byte {
	if i < 0 || i >= len(e.line) {
		return 0
	}
	return e.line[i]
}

// completeCommand completes the command name cmd (sftp's
// complete_cmd_parse): the names it begins, ignoring ASCII case, are listed
// when there are several, and extended by their common stem.
func (s *session) completeCommand(e *editor, cmd string, lastArg bool, quote byte, terminated bool) bool {
	var names []string
	for _, c := range commandTable {
		if len(c.name) >= len(cmd) && asciiEqualFold(c.name[:len(cmd)], cmd) {
			names = append(names, c.name)
		}
	}
	if len(names) == 0 {
		return false
	}
	if len(names) > 1 {
		s.completeDisplay(names, 0)
	}
	if stem, extends := commonStem(cmd, names); extends {
		e.insert(stem[len(cmd):])
	}
	if len(names) == 1 {
		e.insert(argEnd(quote, terminated, lastArg || e.at(e.pos) != ' '))
	}
	return true
}

// completePath completes the path in *file, or lists a directory when file
// is nil (sftp's complete_match). The word is a glob pattern; a word with
// wildcards of its own lists its matches but is never extended.
func (s *session) completePath(e *editor, file *string, kind argKind, lastArg bool, quote byte, terminated bool) bool {
	pattern := "*"
	if file != nil {
		pattern = *file + "*"
	}
	isAbs := pathAbsolute(pattern)
	var matches []string
	if kind == argRemote {
		// Completion runs between commands, when s.ctx may be the last
		// command's, ended. Like sftp's it cannot be interrupted (^C is
		// a key then, read after it).
		ctx := s.ctx
		s.ctx = context.WithoutCancel(ctx)
		defer func() { s.ctx = ctx }()
		pattern = makeAbsolutePwdGlob(pattern, s.pwd)
		found, _ := s.remoteGlob(pattern, globMark)
		for _, m := range found {
			matches = append(matches, m.path)
		}
	} else {
		matches, _ = localGlob(pattern, globMark)
	}
	if len(matches) == 0 {
		return false
	}
	dirLen, hadGlob := patternDir(pattern)
	if len(matches) > 1 {
		s.completeDisplay(matches, dirLen)
	}
	if file == nil || hadGlob {
		return true
	}
	stem, _ := commonStem(*file, matches)
	strip := s.pwd
	if isAbs {
		strip = ""
	}
	stem = pathStrip(stem, strip)
	// The word typed has escapes the stem has not: skip as many bytes of
	// the stem as the word unescaped has.
	typed := len(*file) - countEscapes(*file)
	if len(stem) > typed {
		add := trimPartialRune(stem[typed:])
		if !lineSafe(add) {
			return false
		}
		e.insert(quoteCompletion(add, quote))
	}
	if len(matches) == 1 {
		e.insert(argEnd(quote, terminated, e.at(e.pos-1) != '/' && (lastArg || e.at(e.pos) != ' ')))
	}
	return true
}

// lineSafe reports whether text may go on the line being edited: no
// control characters (a server's name could hold terminal escapes, or a
// newline that would end the line) and nothing the locale cannot show.
func lineSafe(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] < ' ' || text[i] == 0x7f {
			return false
		}
	}
	return termsafe.String(text) == text
}

// trimPartialRune drops a character cut short at the end of s: the stem
// of several names may end inside one.
func trimPartialRune(s string) string {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:]) {
				return s[:i]
			}
			break
		}
	}
	return s
}

// argEnd closes a completed word: the open quote, then a space if space.
func argEnd(quote byte, terminated, space bool) string {
	var b []byte
	if !terminated && quote != 0 {
		b = append(b, quote)
	}
	if space {
		b = append(b, ' ')
	}
	return string(b)
}

// quoteCompletion escapes what sftp escapes in completed text: quotes,
// backslash, tab, '[', space, '#' and '*' get a backslash outside quotes;
// inside quotes only the quote character does.
func quoteCompletion(text string, quote byte) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if strings.IndexByte("'\"\\\t[ #*", c) >= 0 && (quote == 0 || c == quote) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// countEscapes counts the backslashes in s that escape the next byte.
func countEscapes(s string) int {
	n := 0
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '\\' {
			n++
			i++
		}
	}
	return n
}

// patternDir measures the directory part of a completion pattern: the
// bytes its matches have up to the last "/" before the first wildcard,
// which the listing leaves out. (sftp counts the pattern's escapes too,
// and so cuts names short in a directory with metacharacters.) hadGlob is
// whether the pattern has a wildcard besides the "*" completion added at
// its end.
func patternDir(pattern string) (dirLen int, hadGlob bool) {
	n := 0 // bytes of the pattern unescaped
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '*' || c == '?' {
			return dirLen, c != '*' || i+1 != len(pattern)
		}
		if c == '\\' && i+1 < len(pattern) {
			i++
		}
		n++
		if pattern[i] == '/' {
			dirLen = n
		}
	}
	return dirLen, false
}

// commonStem is the longest common prefix of list, and whether it is
// longer than word (sftp's complete_ambiguous).
func commonStem(word string, list []string) (string, bool) {
	stem := list[0]
	for _, s := range list[1:] {
		n := 0
		for n < len(stem) && n < len(s) && stem[n] == s[n] {
			n++
		}
		stem = stem[:n]
	}
	return stem, len(stem) > len(word)
}

// completionKind says what argument n (1 or 2) of cmd names. Like sftp it
// takes the first table entry that cmd begins with, ignoring ASCII case,
// so a mistyped "getx" completes as get.
func completionKind(cmd string, n int) argKind {
	if n < 1 || n > 2 {
		return argNone
	}
	for _, c := range commandTable {
		if len(cmd) >= len(c.name) && asciiEqualFold(cmd[:len(c.name)], c.name) {
			return c.args[n-1]
		}
	}
	return argNone
}

// completeDisplay lists names in columns as sftp's complete_display does,
// each without its first skip bytes, on the width of the terminal on
// standard input (as sftp asks it; 80 when it is no terminal).
func (s *session) completeDisplay(names []string, skip int) {
	s.printf("%s", columns(names, skip, stdinWidth()))
}

// columns lays out names in rows of as many columns as fit in width,
// left-aligned in equal widths, between a newline before and after.
func columns(names []string, skip, width int) string {
	longest := 0
	for _, n := range names {
		longest = max(longest, len(n))
	}
	longest = max(longest-skip, 0)
	cols := max(width/(longest+2), 1)
	colWidth := min(width/cols, width)
	var b strings.Builder
	b.WriteString("\n")
	for i, n := range names {
		if len(n) > skip {
			n = n[skip:]
		} else {
			n = ""
		}
		fmt.Fprintf(&b, "%-*s", colWidth, n)
		if (i+1)%cols == 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

// splitForCompletion splits a line as sftp does for completion, where an
// unterminated quote is not an error: it ends the last word. quote is the
// quote that began the last word (0 if it began unquoted). ok is false for
// lines sftp could not split at all.
func splitForCompletion(line string) (words []string, quote byte, terminated, ok bool) {
	state := stStart
scan:
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case isSpace(c):
			if state == stUnquoted {
				state = stStart
			}
		case c == '"' || c == '\'':
			q := stSingle
			if c == '"' {
				q = stDouble
			}
			switch state {
			case stStart:
				state, quote = q, c
			case stUnquoted:
				state = q
			case q:
				state = stUnquoted
			}
		case c == '#' && (state == stStart || state == stUnquoted):
			break scan
		default:
			if state == stStart {
				state, quote = stUnquoted, 0
			}
			if c == '\\' {
				i++ // the escaped byte, whatever it is
			}
		}
	}
	terminated = state != stSingle && state != stDouble
	if !terminated {
		line += map[splitState]string{stSingle: "'", stDouble: `"`}[state]
	}
	words, err := splitLine(line)
	if err != nil {
		return nil, 0, false, false
	}
	return words, quote, terminated, true
}
