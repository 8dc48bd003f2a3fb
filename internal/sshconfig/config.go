// Package sshconfig evaluates ssh_config files the way OpenSSH 9.2's ssh
// does for "ssh -G": command-line options first, then the user's file and
// the system file; Host and Match blocks; Include; first value wins; and
// the %tokens ssh expands. Error messages are ssh's own words, because scp
// users see them exactly where they would see ssh's.
package sshconfig

import (
	"errors"
	"strings"
	"time"

	"github.com/goscp/goscp/internal/pattern"
)

// Request is what the command line says about one destination.
type Request struct {
	Host       string   // host as typed by the user (an alias, a name or an address, brackets already removed)
	User       string   // user from the operand (user@host) or ""; overrides config User like ssh's -l
	Port       int      // from scp -P or a URI port, 0 if none; overrides config like ssh -p
	ConfigFile string   // -F: "" = ~/.ssh/config then /etc/ssh/ssh_config; "none" = no files at all; else only that file
	Options    []string // each -o argument in command-line order ("Key=Value", "Key Value", "Key=  Value")
	Identities []string // each -i file in order (they come before config IdentityFile entries)
	LogFlags   string   // ssh's -v and -q as letters in command-line order ("vqv"); they set LogLevel over -o and files
	Home       string   // the user's home directory ("" = from the password database, like ssh; $HOME as fallback)
	LocalUser  string   // current local user name ("" = from os/user)
}

// Config is the effective configuration for one destination.
type Config struct {
	Host                  string        // the original alias (%n)
	HostName              string        // effective HostName, %h expanded, lowercased unless an address; defaults to Host
	User                  string        // effective user; defaults to the local user
	Port                  int           // effective port; default 22
	IdentityFiles         []string      // -i first, then IdentityFile values in order; ~, %tokens and ${VAR} expanded; "none" dropped
	DefaultIdentities     bool          // no identity file was given anywhere; IdentityFiles then holds ssh's default list
	CertificateFiles      []string      // CertificateFile values, expanded like IdentityFiles
	IdentitiesOnly        bool          //
	IdentityAgent         string        // "" when unset ($SSH_AUTH_SOCK), "none", "SSH_AUTH_SOCK", a legacy "$VAR", or an expanded path
	ProxyCommand          string        // "" when none; %h %n %p %r %k expanded (ssh runs it as "exec <cmd>" with $SHELL -c)
	UserKnownHostsFiles   []string      // default ~/.ssh/known_hosts ~/.ssh/known_hosts2; expanded; empty for "none"
	GlobalKnownHostsFiles []string      // default /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2; ~ expanded; empty for "none"
	StrictHostKeyChecking string        // as ssh -G prints it: "true", "false", "ask" (default) or "accept-new"
	BatchMode             bool          //
	ConnectTimeout        time.Duration // 0 = none
	Warnings              []string      // messages ssh prints without failing (unsupported options, inaccessible -i files)
	// Log is what ssh logs while reading its configuration, in order: the
	// Warnings and debug lines that its LogLevel at the time shows.
	Log []LogLine
	// Verbose is ssh's count of -v (at most 3); ssh gives the ssh it runs
	// for a ProxyJump hop as many.
	Verbose int

	// values holds, by lowercase keyword, what ssh -G would print for every
	// keyword that was set, and for the keywords above always.
	values map[string][]string
}

// Get returns the first value of a keyword (case-insensitive), or "".
func (c *Config) Get(keyword string) string {
	if v := c.All(keyword); len(v) > 0 {
		return v[0]
	}
	return ""
}

// All returns every value of a keyword in the order obtained.
func (c *Config) All(keyword string) []string {
	k := pattern.ASCIILower(keyword)
	if kw, ok := keywords[k]; ok {
		k = kw.name
	}
	return append([]string(nil), c.values[k]...)
}

// systemConfig is the system-wide file read after the user's.
var systemConfig = "/etc/ssh/ssh_config"

// Evaluate reads the configuration like ssh does and returns the effective
// settings for the request. Errors carry ssh's message lines.
func Evaluate(req Request) (*Config, error) {
	if req.Host == "" {
		return nil, errors.New("sshconfig: no host given")
	}
	env, err := newEnvironment(req)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{env: env, values: map[string][]string{}, seen: map[string]bool{},
		matchHost: req.Host, origHost: req.Host, level: levelInfo}
	if err := ev.commandLine(req); err != nil {
		return nil, err
	}
	ev.level = ev.logLevel()
	if err := ev.readConfigs(req.ConfigFile); err != nil {
		return nil, err
	}
	host, err := ev.hostName()
	if err != nil {
		return nil, err
	}
	// A "Match final" or enabled canonicalisation makes ssh read the
	// files again, now matching Host against the resolved name.
	if canon := ev.get("canonicalizehostname"); ev.wantFinal || canon == "true" || canon == "always" {
		if ev.wantFinal {
			ev.debug(1, "configuration requests final Match pass")
		} else {
			ev.debug(1, "hostname canonicalisation enabled, will re-parse configuration")
		}
		ev.debug(1, "re-parsing configuration")
		ev.values["hostname"] = []string{host}
		ev.matchHost, ev.final = host, true
		if err := ev.readConfigs(req.ConfigFile); err != nil {
			return nil, err
		}
	}
	return ev.build(host)
}

// hostName applies HostName to the host argument as ssh does after the
// first pass: %h substitution, lowercase for names, canonical addresses.
// (DNS-based CanonicalizeHostname is not performed.)
func (ev *evaluator) hostName() (string, error) {
	host := ev.origHost
	if ev.isSet("hostname") {
		var err error
		if host, err = expand(ev.get("hostname"), tokens{'h': host}, false); err != nil {
			return "", ev.expandFailure(err, false)
		}
	}
	canon, numeric := numericAddress(host, ev.get("addressfamily"))
	if !numeric && !looksLikeAddress(host) {
		host = pattern.ASCIILower(host)
	}
	if numeric && !strings.EqualFold(host, canon) {
		host = canon
	}
	return host, nil
}
