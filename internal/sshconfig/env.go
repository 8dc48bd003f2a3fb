package sshconfig

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// environment is what ssh learns about the local side before reading config.
type environment struct {
	home      string // %d and ~
	localUser string // %u, Match localuser, default remote user
	uid       string // %i
	thisHost  string // %l
	shortHost string // %L
}

func newEnvironment(req Request) (*environment, error) {
	env := &environment{home: req.Home, localUser: req.LocalUser, uid: strconv.Itoa(os.Getuid())}
	if env.home == "" || env.localUser == "" {
		// ssh uses the password entry of the real uid, so $HOME does not
		// move its ~ (only a missing entry falls back to $HOME here).
		u, err := user.Current()
		switch {
		case err == nil:
			env.home = firstNonEmpty(env.home, u.HomeDir)
			env.localUser = firstNonEmpty(env.localUser, u.Username)
		case env.localUser == "":
			return nil, fmt.Errorf("sshconfig: unknown local user: %w", err)
		default:
			home, herr := os.UserHomeDir()
			if herr != nil {
				return nil, fmt.Errorf("sshconfig: no home directory: %w", herr)
			}
			env.home = home
		}
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("sshconfig: gethostname: %w", err)
	}
	env.thisHost = host
	env.shortHost, _, _ = strings.Cut(host, ".")
	return env, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
