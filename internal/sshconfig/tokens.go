package sshconfig

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
)

// tokens maps the letter of a %token to its value.
type tokens map[byte]string

// expandError is a failed ~, %token or ${VAR} expansion, kept in the words
// of the ssh function that reports it.
type expandError struct {
	fn         string // "tilde_expand" or "vdollar_percent_expand"
	msg        string
	missingVar bool // an unset ${VAR}, which ssh reports differently
}

func (e *expandError) Error() string { return e.fn + ": " + e.msg }

func expandErrorf(format string, a ...any) error {
	return &expandError{fn: "vdollar_percent_expand", msg: fmt.Sprintf(format, a...)}
}

// expand replaces %tokens in s (%% is a literal %) and, when env is set,
// ${NAME} environment references, failing where ssh fails: an unknown token,
// a trailing %, or an unset or malformed variable.
func expand(s string, t tokens, env bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case env && strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", expandErrorf("environment variable '%s' missing closing '}'", s[i+2:])
			}
			name := s[i+2 : i+2+end]
			if name == "" {
				return "", expandErrorf("zero-length environment variable")
			}
			val, ok := os.LookupEnv(name)
			if !ok {
				return "", &expandError{fn: "vdollar_percent_expand", msg: fmt.Sprintf("env var ${%s} has no value", name), missingVar: true}
			}
			b.WriteString(val)
			i += 2 + end
		case s[i] != '%' || t == nil:
			b.WriteByte(s[i])
		case i+1 == len(s):
			return "", expandErrorf("invalid format")
		case s[i+1] == '%':
			b.WriteByte('%')
			i++
		default:
			val, ok := t[s[i+1]]
			if !ok {
				return "", expandErrorf("unknown key %%%c", s[i+1])
			}
			b.WriteString(val)
			i++
		}
	}
	return b.String(), nil
}

// connHash is %C: the SHA-1 of local host name, remote host, port and remote
// user, as ssh uses to name control sockets.
func connHash(thisHost, host, port, ruser string) string {
	sum := sha1.Sum([]byte(thisHost + host + port + ruser))
	return hex.EncodeToString(sum[:])
}

// tildeExpand expands a leading ~ or ~user like ssh (which takes the home
// directory from the password database, not from $HOME).
func tildeExpand(path, home string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	name, rest, _ := strings.Cut(path[1:], "/")
	if name != "" {
		u, err := user.Lookup(name)
		if err != nil {
			return "", &expandError{fn: "tilde_expand", msg: "No such user " + name}
		}
		home = u.HomeDir
	}
	rest = strings.TrimLeft(rest, "/")
	if !strings.HasSuffix(home, "/") {
		home += "/"
	}
	return home + rest, nil
}

// expandFailure makes an expansion failure fatal with ssh's lines: the
// expander's complaint, then its caller's (percent_dollar_expand when
// ${VAR} is allowed, percent_expand otherwise). A nil err stays nil.
func (ev *evaluator) expandFailure(err error, env bool) error {
	var e *expandError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &e):
		return ev.fatal(err, "%v", err)
	case e.fn == "tilde_expand":
		return ev.fatal(err, "%v", e)
	}
	ev.print("%v", e)
	switch {
	case e.missingVar:
		return ev.fatal(err, "invalid environment variable expansion")
	case env:
		return ev.fatal(err, "percent_dollar_expand: failed")
	}
	return ev.fatal(err, "percent_expand: failed")
}
