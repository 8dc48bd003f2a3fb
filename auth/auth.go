// Package auth logs in to an SSH server the way OpenSSH 9.2's ssh does: the
// same keys in the same order (agent, identity files, certificates), the
// same prompts for passphrases, passwords and keyboard-interactive, and the
// same known_hosts decisions and messages.
package auth

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/termsafe"
)

// Options is filled by the caller from the evaluated ssh_config. Where a
// setting is a string it is spelt as ssh -G prints it; "" means ssh's default.
type Options struct {
	User                  string
	HostName              string   // the host as connected to (for known_hosts lookups and messages)
	Port                  int      // for [host]:port known_hosts entries when != 22; 0 means 22
	IdentityFiles         []string // in order
	DefaultIdentities     bool     // IdentityFiles are ssh's defaults: skip missing ones silently
	CertificateFiles      []string // CertificateFile, in order: offered first, signed by the matching key
	IdentitiesOnly        bool
	IdentityAgent         string // "" = $SSH_AUTH_SOCK, "none" = no agent, "SSH_AUTH_SOCK" = env, else a socket path
	BatchMode             bool   // no prompts of any kind
	StrictHostKeyChecking string // "ask" (also ""), "true", "false", "accept-new"
	UserKnownHostsFiles   []string
	GlobalKnownHostsFiles []string
	// HostKeyAlias is the name known_hosts is searched and written under
	// instead of the host and port; ssh -G prints it in lower case.
	HostKeyAlias   string
	HashKnownHosts bool // write new known_hosts names hashed (|1|salt|hash)
	CheckHostIP    bool // also check and record the server's address
	// Proxied is set when the connection runs through ProxyCommand or
	// ProxyJump: like ssh, there is then no server address to check.
	Proxied bool

	// PreferredAuthentications is the comma-separated order in which
	// methods are tried; names ssh does not know are ignored.
	PreferredAuthentications     string
	PubkeyAuthentication         string // "true" (also ""), "false", "unbound", "host-bound"
	KbdInteractiveAuthentication string // "yes" (also "") or "no"
	PasswordAuthentication       string // "yes" (also "") or "no"
	// NumberOfPasswordPrompts is how many times a passphrase, a password
	// or a keyboard-interactive answer is asked for; "" means 3.
	NumberOfPasswordPrompts string

	Stderr io.Writer // warnings and the host-key warning box go here; nil = os.Stderr
	// LogLevel, as ssh -G prints it ("" is INFO), decides which of ssh's
	// messages are shown: none at SILENT (-q) or FATAL, only errors (the
	// host-key boxes, refusals) at ERROR. Prompts are always shown.
	LogLevel string
	Prompter Prompter // nil = no terminal available (treat like BatchMode for prompts)
	// Debug, if not nil, receives ssh's debug log at a level from 1 to 3
	// (debug1 to debug3), or at Verbose the lines LogLevel VERBOSE adds;
	// it drops what the user's LogLevel does not ask for.
	Debug func(level int, msg string)
}

// Verbose is the Debug level of ssh's VERBOSE lines, which have no
// "debugN: " prefix and show from LogLevel VERBOSE (or -v) up.
const Verbose = 0

// Auth holds what a login to one host needs: the keys, the agent connection
// and the known_hosts policy. It may serve several connections to the host,
// one after the other.
type Auth struct {
	opts       Options
	host       string // lower case, as ssh compares and prints it
	ui         *ui
	identities []*identity
	agent      net.Conn
	preferred  []string        // PreferredAuthentications, split
	allowed    map[string]bool // the methods ssh_config leaves on

	// distrusted is set when the host key changed but StrictHostKeyChecking
	// is off: like ssh, no password is then typed to this host.
	distrusted atomic.Bool

	// login is the user authentication of the latest connection, begun at
	// its first AuthCallback.
	login *login
}

// defaultPreferred is ssh's PreferredAuthentications default, less what we
// lack (gssapi-with-mic, hostbased).
const defaultPreferred = "publickey,keyboard-interactive,password"

// New loads keys and the agent connection and prepares the host-key callback.
func New(opts Options) (*Auth, error) {
	if err := defaults(&opts); err != nil {
		return nil, err
	}
	prompts, err := strconv.Atoi(opts.NumberOfPasswordPrompts)
	if err != nil || prompts < 0 {
		return nil, fmt.Errorf("auth: unsupported NumberOfPasswordPrompts %q", opts.NumberOfPasswordPrompts)
	}
	u := &ui{stderr: opts.Stderr, prompter: opts.Prompter, prompts: prompts, debugLog: opts.Debug}
	switch opts.LogLevel {
	case "SILENT", "QUIET", "FATAL":
		u.quiet = true
	case "ERROR":
		u.errorsOnly = true
	}
	if opts.BatchMode {
		u.prompter = nil
	}
	a := &Auth{
		opts:      opts,
		host:      strings.ToLower(opts.HostName),
		ui:        u,
		preferred: strings.Split(opts.PreferredAuthentications, ","),
		allowed: map[string]bool{
			"publickey":            opts.PubkeyAuthentication != "false",
			"keyboard-interactive": opts.KbdInteractiveAuthentication == "yes",
			"password":             opts.PasswordAuthentication == "yes",
		},
	}
	var files []*identity
	for _, path := range opts.IdentityFiles {
		files = append(files, loadIdentityFile(path, !opts.DefaultIdentities, u)...)
	}
	var certs []*identity
	for _, path := range opts.CertificateFiles {
		certs = append(certs, loadCertificateFile(path, u)...)
	}
	conn, agentKeys := dialAgent(opts.IdentityAgent)
	a.agent = conn
	a.identities = orderIdentities(certs, files, agentKeys, opts.IdentitiesOnly)
	return a, nil
}

// defaults fills in ssh's defaults for the settings left empty and checks
// the others.
func defaults(opts *Options) error {
	for _, s := range []struct {
		name  string
		value *string
		def   string
		valid []string
	}{
		{"StrictHostKeyChecking", &opts.StrictHostKeyChecking, "ask", []string{"ask", "true", "false", "accept-new"}},
		{"PubkeyAuthentication", &opts.PubkeyAuthentication, "true", []string{"true", "false", "unbound", "host-bound"}},
		{"KbdInteractiveAuthentication", &opts.KbdInteractiveAuthentication, "yes", []string{"yes", "no"}},
		{"PasswordAuthentication", &opts.PasswordAuthentication, "yes", []string{"yes", "no"}},
		{"PreferredAuthentications", &opts.PreferredAuthentications, defaultPreferred, nil},
		{"NumberOfPasswordPrompts", &opts.NumberOfPasswordPrompts, strconv.Itoa(passwordPrompts), nil},
	} {
		if *s.value == "" {
			*s.value = s.def
		}
		if s.valid != nil && !slices.Contains(s.valid, *s.value) {
			return fmt.Errorf("auth: unsupported %s %q", s.name, *s.value)
		}
	}
	if opts.Port == 0 {
		opts.Port = 22
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	return nil
}

// ClientConfig returns the configuration for ssh.NewClientConn. The methods
// are chosen by AuthCallback, in ssh's order, one key at a time.
func (a *Auth) ClientConfig() *ssh.ClientConfig {
	a.login = nil // a new connection logs in from the start
	return &ssh.ClientConfig{
		User:              a.opts.User,
		AuthCallback:      a.nextMethod,
		HostKeyCallback:   a.checkHostKey,
		HostKeyAlgorithms: loadKnownHosts(a.knownHostsFiles()).hostKeyAlgorithms(a.lookupName(a.opts.Port)),
	}
}

// Authenticated logs, at Verbose, ssh's line for a login that succeeded on
// conn: "Authenticated to HOST ([ADDR]:PORT) using "METHOD".".
func (a *Auth) Authenticated(conn ssh.ConnMetadata) {
	method := "none" // the server asked for nothing more
	if a.login != nil {
		method = a.login.sent
	}
	peer := "via proxy"
	if ip := a.peerIP(conn.RemoteAddr()); ip != nil {
		peer = fmt.Sprintf("[%s]:%d", ip, conn.RemoteAddr().(*net.TCPAddr).Port)
	}
	a.debug(Verbose, fmt.Sprintf("Authenticated to %s (%s) using \"%s\".", a.host, peer, method))
}

// Distrusted reports whether the login went on although the host key had
// changed (StrictHostKeyChecking=no): the server may be a man in the middle,
// so nothing more should be handed to it, such as the agent.
func (a *Auth) Distrusted() bool { return a.distrusted.Load() }

// Close closes the agent connection.
func (a *Auth) Close() error {
	if a.agent == nil {
		return nil
	}
	return a.agent.Close()
}

// PermissionDenied turns a failed-login error from ssh.NewClientConn into
// ssh's line, e.g. "root@127.0.0.1: Permission denied (publickey).", to be
// printed followed by "\r\n" as ssh's log does; ok is false if err is not a
// login failure.
func (a *Auth) PermissionDenied(err error) (msg string, ok bool) {
	var denied *deniedError
	if !errors.As(err, &denied) {
		return "", false
	}
	return denied.Error(), true
}

func (a *Auth) debug(level int, msg string) { a.ui.debug(level, msg) }

// enabled tells whether a method may be used now: ssh_config leaves it on
// and, for the password-like ones, someone can be asked.
func (a *Auth) enabled(method string) bool {
	if method == "publickey" {
		return a.allowed[method]
	}
	return a.allowed[method] && a.mayPrompt()
}

// mayPrompt tells whether password-like methods can be used at all.
func (a *Auth) mayPrompt() bool {
	return a.ui.prompter != nil && !a.distrusted.Load()
}

// aliasOrHost is the host's name where ssh puts HostKeyAlias in its
// place: in password and keyboard-interactive prompts, and as the
// principal a host certificate must list.
func (a *Auth) aliasOrHost() string {
	if a.opts.HostKeyAlias != "" {
		return a.opts.HostKeyAlias
	}
	return a.host
}

// challenge answers a keyboard-interactive round. The server's texts are
// sanitised; prompts get ssh's "(user@host) " prefix so the user knows who
// is asking.
func (a *Auth) challenge(name, instruction string, questions []string, echos []bool) ([]string, error) {
	for _, s := range []string{name, instruction} {
		if s != "" {
			a.ui.info(termsafe.String(s))
		}
	}
	answers := make([]string, len(questions))
	for i, q := range questions {
		answer, err := a.ui.prompt(fmt.Sprintf("(%s@%s) %s", a.opts.User, a.aliasOrHost(), termsafe.String(q)), echos[i])
		if err != nil {
			return nil, err
		}
		answers[i] = answer
	}
	return answers, nil
}
