package sshconfig

import (
	"strconv"
	"strings"

	"github.com/goscp/goscp/internal/pattern"
)

// consume accepts and drops the arguments of ignored and deprecated keywords.
func consume(l *line) error {
	l.args = nil
	return nil
}

// deprecated is for keywords ssh ignores with a debug line.
func deprecated(l *line) error {
	l.ev.debug(1, "%s line %d: Deprecated option \"%s\"", l.src.name, l.num, l.kw)
	return consume(l)
}

// unsupported is for keywords ssh names as unsupported: a message, no failure.
func unsupported(l *line) error {
	l.ev.print("%s line %d: Unsupported option \"%s\"", l.src.name, l.num, l.kw)
	l.args = nil
	return nil
}

func parseFlag(l *line) error { return parseState(l, flagStates) }

func multistate(states map[string]string) func(*line) error {
	return func(l *line) error { return parseState(l, states) }
}

func parseState(l *line, states map[string]string) error {
	arg, ok := l.next()
	if v, known := states[pattern.ASCIILower(arg)]; ok && known {
		l.set(v)
		return nil
	}
	if arg == "" {
		l.ev.print("%s line %d: missing argument.", l.src.name, l.num)
		if !ok {
			arg = "(null)"
		}
	}
	return l.bad("unsupported option \"%s\".", arg)
}

// parseTime stores seconds. "none" is ssh's "unset" marker, so a later
// line may still set the value.
func parseTime(l *line) error {
	arg, ok := l.next()
	if !ok || arg == "" {
		return l.bad("missing time value.")
	}
	if arg == "none" {
		return nil
	}
	secs, ok := convtime(arg)
	if !ok {
		return l.bad("invalid time value.")
	}
	l.set(strconv.Itoa(secs))
	return nil
}

func parseInt(l *line) error {
	arg, _ := l.next()
	v, errstr := atoiErr(arg)
	if errstr != "" {
		return l.bad("integer value %s.", errstr)
	}
	l.set(strconv.Itoa(v))
	return nil
}

// nextRequired takes an argument that must be present and non-empty.
func (l *line) nextRequired() (string, error) {
	arg, ok := l.next()
	if !ok || arg == "" {
		return "", l.bad("Missing argument.")
	}
	return arg, nil
}

func parseString(l *line) error {
	arg, err := l.nextRequired()
	if err == nil {
		l.set(arg)
	}
	return err
}

func parsePort(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	port := a2port(arg)
	if port <= 0 {
		return l.bad("Bad port '%s'.", arg)
	}
	l.set(strconv.Itoa(port))
	return nil
}

// commandText is the rest of the line, verbatim: commands keep their quotes
// and comments for the shell.
func (l *line) commandText() string {
	l.args = nil
	return strings.TrimLeft(l.rest, whitespace+"=")
}

func parseCommand(l *line) error {
	l.set(l.commandText())
	return nil
}

// parseList handles keywords whose whole argument list is one first-wins
// value, where "none" may only stand alone. max 0 is unlimited.
func parseList(max int) func(*line) error {
	return func(l *line) error {
		first := !l.ev.isSet(l.name)
		var vals []string
		for i := 0; ; i++ {
			arg, ok := l.next()
			if !ok {
				break
			}
			if arg == "" {
				return l.bad("keyword %s empty argument", l.kw)
			}
			if strings.EqualFold(arg, "none") && (i > 0 || len(l.args) > 0) {
				return l.bad("keyword %s \"none\" argument must appear alone.", l.kw)
			}
			if l.active && first {
				if max > 0 && len(vals) >= max {
					return l.bad("too many %s entries.", l.kw)
				}
				vals = append(vals, arg)
			}
		}
		if len(vals) > 0 {
			l.ev.values[l.name] = vals
		}
		return nil
	}
}

func parseIdentityFile(l *line) error {
	return parseKeyFile(l, maxIdentityFiles, "Too many identity files specified (max %d).")
}

func parseCertificateFile(l *line) error {
	return parseKeyFile(l, maxCertFiles, "Too many certificate files specified (max %d).")
}

// parseKeyFile accumulates key or certificate paths. ssh drops a repeat only
// when it comes from the same kind of file (user or system configuration).
func parseKeyFile(l *line, max int, tooMany string) error {
	arg, err := l.nextRequired()
	if err != nil || !l.active {
		return err
	}
	if len(l.ev.values[l.name]) >= max {
		return l.bad(tooMany, max)
	}
	l.add(strconv.FormatBool(l.src.user)+":"+arg, arg)
	return nil
}

func parseSendEnv(l *line) error {
	for _, arg := range l.args {
		if arg == "" || strings.Contains(arg, "=") {
			l.args = nil
			return l.bad("Invalid environment name.")
		}
		if !l.active {
			continue
		}
		if pattern, remove := strings.CutPrefix(arg, "-"); remove {
			l.ev.removeSendEnv(pattern)
		} else {
			l.ev.values[l.name] = append(l.ev.values[l.name], arg)
		}
	}
	l.args = nil
	return nil
}

func (ev *evaluator) removeSendEnv(pat string) {
	kept := ev.values["sendenv"][:0]
	for _, name := range ev.values["sendenv"] {
		if !pattern.Match(name, pat) {
			kept = append(kept, name)
		}
	}
	ev.values["sendenv"] = kept
}

// parseSetEnv: the first line that sets anything wins as a whole, and a
// name repeated within it keeps its first value.
func parseSetEnv(l *line) error {
	first := len(l.ev.values[l.name]) == 0
	for _, arg := range l.args {
		name, _, ok := strings.Cut(arg, "=")
		if !ok {
			l.args = nil
			return l.bad("Invalid SetEnv.")
		}
		if l.active && first {
			l.add(name, arg)
		}
	}
	l.args = nil
	return nil
}

func parseIdentityAgent(l *line) error {
	arg, err := l.nextRequired()
	if err != nil {
		return err
	}
	return parseAgentPath(l, arg)
}

// parseForwardAgent takes yes/no or, like IdentityAgent, a socket path.
func parseForwardAgent(l *line) error {
	arg, ok := l.next()
	if !ok || arg == "" {
		return l.bad("missing argument.")
	}
	if v, known := flagStates[pattern.ASCIILower(arg)]; known {
		l.set(v)
		return nil
	}
	return parseAgentPath(l, arg)
}

// parseAgentPath checks ${VAR} and legacy $VAR references the way ssh does
// before it stores an agent socket path.
func parseAgentPath(l *line, arg string) error {
	if _, err := expand(arg, nil, true); err != nil {
		l.ev.print("%v", err)
		return l.bad("Invalid environment expansion %s.", arg)
	}
	if len(arg) > 0 && arg[0] == '$' && !strings.HasPrefix(arg, "${") && !validEnvName(arg[1:]) {
		return l.bad("Invalid environment name %s.", arg)
	}
	l.set(arg)
	return nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// parseAddKeysToAgent takes a state, a lifetime, or "confirm" and a
// lifetime; it stores what ssh -G prints.
func parseAddKeysToAgent(l *line) error {
	arg, _ := l.next()
	arg2, has2 := l.next()
	if arg == "" {
		l.ev.print("%s line %d: missing argument.", l.src.name, l.num)
	}
	state, known := addKeysStates[pattern.ASCIILower(arg)]
	switch {
	case known && state == "confirm" && has2:
		secs, ok := convtime(arg2)
		if !ok {
			return l.bad("invalid time value.")
		}
		l.set(lifespan("confirm ", secs, "confirm"))
	case !known && !has2:
		secs, ok := convtime(arg)
		if !ok {
			return l.bad("unsupported option")
		}
		l.set(lifespan("", secs, "true"))
	case !known || has2:
		return l.bad("unsupported option")
	default:
		l.set(state)
	}
	return nil
}

// lifespan formats an AddKeysToAgent value the way ssh -G does: a zero
// lifetime is shown as the bare state.
func lifespan(prefix string, secs int, zero string) string {
	if secs == 0 {
		return zero
	}
	return prefix + strconv.Itoa(secs)
}

// parseControlPersist takes yes/no (case-sensitive in ssh) or a time.
func parseControlPersist(l *line) error {
	arg, ok := l.next()
	if !ok || arg == "" {
		return l.bad("Missing ControlPersist argument.")
	}
	switch arg {
	case "no", "false":
		l.set("no")
	case "yes", "true":
		l.set("yes")
	default:
		secs, ok := convtime(arg)
		if !ok {
			return l.bad("Bad ControlPersist argument.")
		}
		l.set(lifespan("", secs, "yes"))
	}
	return nil
}
