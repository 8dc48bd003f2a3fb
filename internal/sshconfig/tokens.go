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
				return "", fmt.Errorf("environment variable '%s' missing closing '}'", s[i+2:])
			}
			name := s[i+2 : i+2+end]
			if name == "" {
				return "", errors.New("zero-length environment variable")
			}
			val, ok := os.LookupEnv(name)
			if !ok {
				return "", fmt.Errorf("env var ${%s} has no value", name)
			}
			b.WriteString(val)
			i += 2 + end
		case s[i] != '%' || t == nil:
			b.WriteByte(s[i])
		case i+1 == len(s):
			return "", errors.New("invalid format")
		case s[i+1] == '%':
			b.WriteByte('%')
			i++
		default:
			val, ok := t[s[i+1]]
			if !ok {
				return "", fmt.Errorf("unknown key %%%c", s[i+1])
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
			return "", fmt.Errorf("no such user %s", name)
		}
		home = u.HomeDir
	}
	rest = strings.TrimLeft(rest, "/")
	if !strings.HasSuffix(home, "/") {
		home += "/"
	}
	return home + rest, nil
}

// expandFailure makes a %token or ${VAR} failure fatal, naming the keyword
// and value; a nil err stays nil.
func (ev *evaluator) expandFailure(err error, keyword, value string) error {
	if err == nil {
		return nil
	}
	return ev.fatal(err, "%s \"%s\": %v", keyword, value, err)
}
