package sshconfig

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/goscp/goscp/internal/pattern"
	"github.com/goscp/goscp/internal/strerror"
)

// parseHost starts a Host block: it applies when some pattern matches the
// host and no negated pattern does.
func parseHost(l *line) error {
	if l.src.cmdline {
		l.ev.print("Host directive not supported as a command-line option")
		return errBad
	}
	*l.activep = false
	applied := "" // the first pattern that matched, as ssh reports it
	for len(l.args) > 0 {
		pat, _ := l.next()
		if pat == "" {
			return l.bad("keyword %s empty argument", l.kw)
		}
		if l.src.neverMatch {
			l.args = nil
			break
		}
		bare, negated := strings.CutPrefix(pat, "!")
		if !pattern.Match(l.ev.matchHost, bare) {
			continue
		}
		if negated {
			l.ev.debug(1, "%s line %d: Skipping Host block because of negated match for %s", l.src.name, l.num, bare)
			*l.activep = false
			l.args = nil
			break
		}
		if !*l.activep {
			applied = pat
		}
		*l.activep = true
	}
	if *l.activep {
		l.ev.debug(1, "%s line %d: Applying options for %s", l.src.name, l.num, applied)
	}
	return nil
}

// parseMatch starts a Match block.
func parseMatch(l *line) error {
	if l.src.cmdline {
		l.ev.print("Host directive not supported as a command-line option")
		return errBad
	}
	c := &cursor{s: l.rest}
	result, err := l.matchCriteria(c)
	if errors.Is(err, errBad) {
		return l.bad("Bad Match condition")
	}
	if err != nil {
		return err
	}
	*l.activep = result && !l.src.neverMatch
	if result {
		l.ev.debug(2, "match found")
	} else {
		l.ev.debug(2, "match not found")
	}
	if c.end || c.s == "" {
		l.args = nil
	}
	return nil
}

// parseInclude reads the files a glob names, in sorted order. Relative
// paths are under ~/.ssh for user configuration and /etc/ssh for the system
// one. Files included from an inactive block are only checked for errors.
func parseInclude(l *line) error {
	if l.src.cmdline {
		l.ev.print("Include directive not supported as a command-line option")
		return errBad
	}
	for len(l.args) > 0 {
		arg, _ := l.next()
		if arg == "" {
			return l.bad("keyword %s empty argument", l.kw)
		}
		if arg[0] == '~' && !l.src.user {
			return l.bad("bad include path %s.", arg)
		}
		pattern := arg
		if arg[0] != '/' && arg[0] != '~' {
			pattern = systemDir + "/" + arg
			if l.src.user {
				pattern = "~/.ssh/" + arg
			}
		}
		paths := l.ev.glob(pattern)
		if len(paths) == 0 {
			l.ev.debug(1, "%s line %d: include %s matched no files", l.src.name, l.num, pattern)
		}
		for _, path := range paths {
			if err := l.include(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// include reads one included file. A file that vanished is skipped; one
// that cannot be opened for another reason makes the Include line bad.
func (l *line) include(path string) error {
	parseOnly := ""
	if !l.active {
		parseOnly = " (parse only)"
	}
	l.ev.debug(3, "%s line %d: Including file %s depth %d%s", l.src.name, l.num, path, l.src.depth, parseOnly)
	src := l.src
	src.depth++
	src.neverMatch = src.neverMatch || !l.active
	opened, err := l.ev.readFile(path, src, l.activep, true)
	*l.activep = l.active // an included Host or Match must not leak into this file
	if opened || err == nil || isFatal(err) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	l.ev.print("Can't open user config file %s: %s", truncate(path, 100), truncate(strerror.Text(err), 100))
	return errBad
}

// glob expands ~ and wildcards like glob(3) with GLOB_TILDE: results are
// sorted and wildcards do not match a leading dot. A pattern that matches
// nothing yields nothing.
func (ev *evaluator) glob(pattern string) []string {
	pattern, err := tildeExpand(pattern, ev.env.home)
	if err != nil {
		return nil
	}
	// glob(3) also takes [!...] for a negated class; Go spells it [^...].
	goPattern := strings.ReplaceAll(pattern, "[!", "[^")
	matches, err := filepath.Glob(goPattern)
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range matches {
		if !hiddenByWildcard(goPattern, m) {
			out = append(out, m)
		}
	}
	return out
}

// hiddenByWildcard reports whether a path component starting with '.' was
// matched by a pattern component that does not start with a literal '.'.
func hiddenByWildcard(pattern, path string) bool {
	pp := strings.Split(pattern, "/")
	mp := strings.Split(path, "/")
	if len(pp) != len(mp) {
		return false
	}
	for i := range pp {
		if strings.HasPrefix(mp[i], ".") && !strings.HasPrefix(pp[i], ".") {
			return true
		}
	}
	return false
}

// systemDir is where relative Includes of the system configuration live.
var systemDir = "/etc/ssh"
