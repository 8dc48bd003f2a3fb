package sshconfig

import (
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/goscp/goscp/internal/pattern"
	"github.com/goscp/goscp/internal/strerror"
)

// matchCriteria evaluates the criteria of a Match line. A malformed line
// gives errBad after ssh's explanation has been recorded.
func (l *line) matchCriteria(c *cursor) (bool, error) {
	m, err := l.ev.matchState()
	if err != nil {
		return false, err
	}
	l.ev.debug(2, "checking match for '%s' host %s originally %s", l.rest, m.host, l.ev.origHost)
	result, attributes := true, 0
	for {
		attr, ok := c.next()
		if !ok || attr == "" {
			break
		}
		if attr[0] == '#' {
			c.s, c.end = "", true
			break
		}
		negate := attr[0] == '!'
		bare := strings.TrimPrefix(attr, "!")
		name := pattern.ASCIILower(bare)
		if name == "all" {
			return l.matchAll(c, attr, attributes, result, negate)
		}
		attributes++
		if name == "canonical" || name == "final" {
			l.ev.wantFinal = l.ev.wantFinal || name == "final"
			if l.ev.final == negate {
				result = false
			}
			l.ev.debug(3, "%s line %d: %smatched '%s'", l.src.name, l.num, not(l.ev.final == negate), attr)
			continue
		}
		arg, ok := c.next()
		if !ok || arg == "" || arg[0] == '#' {
			l.ev.print("Missing Match criteria for %s", bare)
			return false, errBad
		}
		if name == "exec" && !result {
			if err := l.skipExec(m, arg); err != nil {
				return false, err
			}
			continue
		}
		matched, subject, err := l.criterion(m, name, bare, arg)
		if err != nil {
			return false, err
		}
		if matched == negate {
			result = false
		}
		l.ev.debug(3, "%s line %d: %smatched '%s \"%s\"' ", l.src.name, l.num, not(matched == negate), attr, subject)
	}
	if attributes == 0 {
		l.ev.print("One or more attributes required for Match")
		return false, errBad
	}
	return result, nil
}

// matchAll handles "all", which takes no argument and must stand alone
// (ssh only notices when more than one criterion preceded it).
func (l *line) matchAll(c *cursor, attr string, attributes int, result, negate bool) (bool, error) {
	if attributes > 1 {
		return false, l.bad("'%s' cannot be combined with other Match attributes", attr)
	}
	arg, ok := c.next()
	if ok && arg != "" && arg[0] != '#' {
		return false, l.bad("'%s' cannot be combined with other Match attributes", attr)
	}
	if ok && arg != "" {
		c.s, c.end = "", true
	}
	return result && !negate, nil
}

// matchState is what Match criteria are evaluated against.
type matchState struct {
	host  string // the host name as known so far
	ruser string
	port  string
}

func (ev *evaluator) matchState() (*matchState, error) {
	m := &matchState{host: ev.matchHost, ruser: ev.get("user"), port: ev.get("port")}
	if m.ruser == "" {
		m.ruser = ev.env.localUser
	}
	if m.port == "" {
		m.port = "22"
	}
	switch {
	case ev.final:
		m.host = ev.get("hostname")
	case ev.isSet("hostname"):
		host, err := expand(ev.get("hostname"), tokens{'h': ev.matchHost}, false)
		if err != nil {
			return nil, ev.expandFailure(err, false)
		}
		m.host = host
	}
	return m, nil
}

// not is "not " when a criterion did not match, as ssh's log words it.
func not(failed bool) string {
	if failed {
		return "not "
	}
	return ""
}

// criterion evaluates one criterion with its argument; subject is what it
// was matched against, for the log.
func (l *line) criterion(m *matchState, name, attr, arg string) (matched bool, subject string, err error) {
	switch name {
	case "host":
		return pattern.MatchHostList(m.host, arg) == 1, m.host, nil
	case "originalhost":
		return pattern.MatchHostList(l.ev.origHost, arg) == 1, l.ev.origHost, nil
	case "user":
		return pattern.MatchList(m.ruser, arg) == 1, m.ruser, nil
	case "localuser":
		return pattern.MatchList(l.ev.env.localUser, arg) == 1, l.ev.env.localUser, nil
	case "exec":
		cmd, err := expand(arg, l.ev.execTokens(m), false)
		if err != nil {
			return false, "", l.ev.expandFailure(err, false)
		}
		status, err := l.runShell(cmd)
		return status == 0, cmd, err
	}
	l.ev.print("Unsupported Match attribute %s", attr)
	return false, "", errBad
}

// skipExec passes over an exec once an earlier criterion has failed: ssh
// still expands the command (a bad token is still fatal) but does not run it.
func (l *line) skipExec(m *matchState, arg string) error {
	cmd, err := expand(arg, l.ev.execTokens(m), false)
	if err != nil {
		return l.ev.expandFailure(err, false)
	}
	l.ev.debug(3, "%s line %d: skipped exec \"%s\"", l.src.name, l.num, cmd)
	return nil
}

func (ev *evaluator) execTokens(m *matchState) tokens {
	alias := ev.get("hostkeyalias")
	if alias == "" {
		alias = m.host
	}
	return tokens{
		'C': connHash(ev.env.thisHost, m.host, m.port, m.ruser),
		'L': ev.env.shortHost, 'l': ev.env.thisHost, 'd': ev.env.home, 'i': ev.env.uid,
		'h': m.host, 'k': alias, 'n': ev.origHost, 'p': m.port, 'r': m.ruser, 'u': ev.env.localUser,
	}
}

// runShell runs a Match exec command with $SHELL (or /bin/sh), stdin and
// stdout on /dev/null and stderr shared, and returns its exit status. A
// command killed by a signal is fatal, as in ssh.
func (l *line) runShell(cmd string) (int, error) {
	shell, ok := os.LookupEnv("SHELL")
	if !ok {
		shell = "/bin/sh"
	}
	l.ev.debug(1, "Executing command: '%s'", cmd)
	c := exec.Command(shell, "-c", cmd)
	c.Stderr = os.Stderr
	err := c.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		l.ev.debug(3, "command returned status 0")
		return 0, nil
	case errors.As(err, &exit) && exit.Exited():
		l.ev.debug(3, "command returned status %d", exit.ExitCode())
		return exit.ExitCode(), nil
	case errors.As(err, &exit):
		l.ev.print("command '%s' exited abnormally", truncate(cmd, 100))
		return 0, l.ev.fatal(err, "%s line %d: match exec '%s' error", l.src.name, l.num, truncate(cmd, 100))
	}
	return 0, l.ev.fatal(err, "Shell \"%s\" is not executable: %s", shell, strerror.Text(unwrapExec(err)))
}

// unwrapExec digs the system error out of an exec failure.
func unwrapExec(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return unwrapExec(inner)
	}
	return err
}
