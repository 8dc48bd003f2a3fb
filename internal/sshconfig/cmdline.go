package sshconfig

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/goscp/goscp/internal/strerror"
)

// commandLine applies what ssh takes from its own arguments before any
// file: each -o in order, then -l, -p and -i (which only fill what -o left
// unset, or add to the identity list).
func (ev *evaluator) commandLine(req Request) error {
	src := source{name: "command-line", user: true, cmdline: true}
	for _, opt := range req.Options {
		active := true
		err := ev.processLine(src, 0, opt, &active)
		if errors.Is(err, errBad) {
			// ssh exits right after the messages; there is no summary line.
			return &evalError{lines: ev.printed}
		}
		if err != nil {
			return err
		}
	}
	ev.verbose = ev.applyLogFlags(req.LogFlags)
	if req.User != "" && !ev.isSet("user") {
		ev.values["user"] = []string{req.User}
	}
	if req.Port < 0 || req.Port > 65535 {
		return ev.fatal(nil, "Bad port '%d'", req.Port)
	}
	if req.Port != 0 && !ev.isSet("port") {
		ev.values["port"] = []string{strconv.Itoa(req.Port)}
	}
	for _, id := range req.Identities {
		if err := ev.addIdentity(id); err != nil {
			return err
		}
	}
	if !validHostname(ev.origHost) {
		return ev.fatal(nil, "hostname contains invalid characters")
	}
	if ev.isSet("user") && !validRemoteUser(ev.get("user")) {
		return ev.fatal(nil, "remote username contains invalid characters")
	}
	return nil
}

// addIdentity adds a -i file; like ssh it warns about and skips one that
// does not exist.
func (ev *evaluator) addIdentity(path string) error {
	p, err := tildeExpand(path, ev.env.home)
	if err != nil {
		return ev.expandFailure(err, false)
	}
	if _, err := os.Stat(p); err != nil {
		ev.print("Warning: Identity file %s not accessible: %s.", p, strerror.Text(err))
		return nil
	}
	if len(ev.values["identityfile"]) >= maxIdentityFiles {
		return ev.fatal(nil, "Too many identity files specified (max %d)", maxIdentityFiles)
	}
	if key := "identityfile\x00true:" + p; !ev.seen[key] {
		ev.seen[key] = true
		ev.values["identityfile"] = append(ev.values["identityfile"], p)
	}
	return nil
}

// validHostname and validRemoteUser reject what could reach a shell
// through %h or %r, as ssh does for names from its command line.
func validHostname(s string) bool {
	if strings.HasPrefix(s, "-") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("'`\"$\\;&<>|(){},", c) >= 0 || isSpace(c) || c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func validRemoteUser(s string) bool {
	if strings.HasPrefix(s, "-") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("'`\";&<>|(){}", c) >= 0 || c < 0x20 || c == 0x7f ||
			isSpace(c) && i+1 < len(s) && s[i+1] == '-' ||
			c == '\\' && i+1 == len(s) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// readConfigs reads the files ssh would: only -F's file, or none, or the
// user's ~/.ssh/config (which must be safely owned) and the system file.
// Missing default files are skipped silently.
func (ev *evaluator) readConfigs(configFile string) error {
	if strings.EqualFold(configFile, "none") {
		return nil
	}
	active := true
	if configFile != "" {
		opened, err := ev.readFile(configFile, source{user: true}, &active, false)
		if opened || err == nil || isFatal(err) {
			return err
		}
		return ev.fatal(err, "Can't open user config file %s: %s", truncate(configFile, 100), truncate(strerror.Text(err), 100))
	}
	userConfig := strings.TrimSuffix(ev.env.home, "/") + "/.ssh/config"
	if _, err := ev.readFile(userConfig, source{user: true}, &active, true); isFatal(err) {
		return err
	}
	active = true
	if _, err := ev.readFile(systemConfig, source{}, &active, false); isFatal(err) {
		return err
	}
	return nil
}

func isFatal(err error) bool {
	var e *evalError
	return errors.As(err, &e)
}
