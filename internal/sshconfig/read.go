package sshconfig

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goscp/goscp/internal/pattern"
)

// maxIncludeDepth is how deeply ssh lets Include nest.
const maxIncludeDepth = 16

// errBad marks a line ssh reports and counts as a bad option; the message
// has already been recorded.
var errBad = errors.New("bad configuration line")

// source describes where lines come from.
type source struct {
	name       string // file name, or "command-line"
	user       bool   // user configuration: Include is relative to ~/.ssh and may use ~
	cmdline    bool   // a -o option: no Host, Match or Include
	neverMatch bool   // inside an Include from an inactive block: parse only
	depth      int
}

// evaluator holds the state of one evaluation, like ssh's Options plus the
// few globals readconf.c consults.
type evaluator struct {
	env       *environment
	values    map[string][]string
	seen      map[string]bool // dedup keys of accumulating keywords
	proxyCmd  bool            // a ProxyCommand was obtained (ProxyJump counts as one)
	jumpSet   bool            // a ProxyJump was obtained, "none" included
	matchHost string          // what Host patterns match: the alias, then the final name
	origHost  string
	final     bool // in the second ("final") pass
	wantFinal bool // a Match final was seen
	printed   []string

	log     []LogLine
	level   int // the level ssh logs at so far (an index of logLevelNames)
	verbose int // how many -v a jump host's ssh gets
}

// evalError carries the messages ssh would have printed before giving up.
type evalError struct {
	lines []string
	cause error
}

func (e *evalError) Error() string { return strings.Join(e.lines, "\n") }
func (e *evalError) Unwrap() error { return e.cause }

// fatal ends the evaluation with everything printed so far plus msg.
func (ev *evaluator) fatal(cause error, format string, a ...any) error {
	lines := append(ev.printed[:len(ev.printed):len(ev.printed)], fmt.Sprintf(format, a...))
	return &evalError{lines: lines, cause: cause}
}

// readFile processes one file. opened is false when it could not be opened;
// err is then the open error (not yet reported) or a fatal error.
func (ev *evaluator) readFile(path string, src source, active *bool, checkPerm bool) (opened bool, err error) {
	if src.depth > maxIncludeDepth {
		return false, ev.fatal(nil, "Too many recursive configuration includes")
	}
	text, err := load(path, checkPerm)
	if errors.Is(err, errPerm) {
		return false, ev.fatal(err, "Bad owner or permissions on %s", path)
	}
	if err != nil {
		return false, err
	}
	src.name = path
	ev.debug(1, "Reading configuration data %s", path)
	bad := 0
	for i, line := range strings.Split(text, "\n") {
		err := ev.processLine(src, i+1, line, active)
		if errors.Is(err, errBad) {
			bad++
		} else if err != nil {
			return true, err
		}
	}
	if bad > 0 {
		return true, ev.fatal(nil, "%s: terminating, %d bad configuration options", path, bad)
	}
	return true, nil
}

var errPerm = errors.New("bad owner or permissions")

// load reads a config file. A directory reads as empty, as it does for ssh.
func load(path string, checkPerm bool) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if checkPerm && !safeOwner(fi) {
		return "", fmt.Errorf("%s: %w", path, errPerm)
	}
	if fi.IsDir() {
		return "", nil
	}
	b, err := io.ReadAll(f)
	return string(b), err
}

// truncate cuts s to n bytes, as ssh's %.100s does in some messages.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// processLine applies one line. It returns nil, errBad for a counted bad
// line, or a fatal error.
func (ev *evaluator) processLine(src source, num int, text string, active *bool) error {
	c := cursor{s: trimLine(text)}
	kw, ok := c.next()
	if ok && kw == "" {
		kw, ok = c.next()
	}
	if !ok || kw == "" || kw[0] == '#' {
		return nil
	}
	kw = pattern.ASCIILower(kw)
	rest := ""
	if !c.end {
		rest = strings.TrimLeft(c.s, whitespace)
	}
	l := &line{ev: ev, src: src, num: num, kw: kw, rest: rest, activep: active, active: *active}
	if rest == "" {
		return l.bad("no argument after keyword \"%s\"", kw)
	}
	k, known := keywords[kw]
	if !known {
		if ignore := ev.get("ignoreunknown"); ignore != "" && pattern.MatchHostList(kw, ignore) == 1 {
			return nil
		}
		ev.print("%s: line %d: Bad configuration option: %s", src.name, num, kw)
		return errBad
	}
	if l.args, ok = SplitArgs(rest); !ok {
		return l.bad("invalid quotes")
	}
	l.name = k.name
	if err := k.parse(l); err != nil {
		return err
	}
	if len(l.args) > 0 {
		return l.bad("keyword %s extra arguments at end of line", kw)
	}
	return nil
}

// line is one config line being applied.
type line struct {
	ev      *evaluator
	src     source
	num     int
	kw      string   // the keyword as written, lowercased
	name    string   // the keyword's canonical (ssh -G) name
	rest    string   // everything after the keyword
	args    []string // rest split into arguments, consumed by next
	activep *bool    // the block state Host and Match change
	active  bool     // whether this line applies
}

// next takes the next argument; ok is false when none is left.
func (l *line) next() (string, bool) {
	if len(l.args) == 0 {
		return "", false
	}
	a := l.args[0]
	l.args = l.args[1:]
	return a, true
}

// bad records "<file> line <n>: msg" and marks the line bad.
func (l *line) bad(format string, a ...any) error {
	l.ev.print("%s line %d: %s", l.src.name, l.num, fmt.Sprintf(format, a...))
	return errBad
}

func (ev *evaluator) get(name string) string {
	if v := ev.values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (ev *evaluator) isSet(name string) bool {
	_, ok := ev.values[name]
	return ok
}

// set stores a first-wins value (one or several words) if the line applies
// and nothing was obtained before.
func (l *line) set(vals ...string) {
	if l.active && !l.ev.isSet(l.name) {
		l.ev.values[l.name] = vals
	}
}

// add appends to an accumulating keyword unless key was added before.
func (l *line) add(key, val string) {
	if !l.active || l.ev.seen[l.name+"\x00"+key] {
		return
	}
	l.ev.seen[l.name+"\x00"+key] = true
	l.ev.values[l.name] = append(l.ev.values[l.name], val)
}
