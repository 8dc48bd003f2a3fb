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
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/termsafe"
)

// Options is filled by the caller from the evaluated ssh_config.
type Options struct {
	User                  string
	HostName              string   // the host as connected to (for known_hosts lookups and messages)
	Port                  int      // for [host]:port known_hosts entries when != 22; 0 means 22
	IdentityFiles         []string // in order
	DefaultIdentities     bool     // IdentityFiles are ssh's defaults: skip missing ones silently
	IdentitiesOnly        bool
	IdentityAgent         string // "" = $SSH_AUTH_SOCK, "none" = no agent, "SSH_AUTH_SOCK" = env, else a socket path
	BatchMode             bool   // no prompts of any kind
	StrictHostKeyChecking string // ssh -G spelling: "ask" (also ""), "true", "false", "accept-new"
	UserKnownHostsFiles   []string
	GlobalKnownHostsFiles []string
	Stderr                io.Writer // warnings and the host-key warning box go here; nil = os.Stderr
	// Quiet drops ssh's log lines (warnings, the host-key boxes), as -q does;
	// prompts are still shown.
	Quiet    bool
	Prompter Prompter // nil = no terminal available (treat like BatchMode for prompts)
	// Debug, if not nil, receives ssh's debug log at a level from 1 to 3
	// (debug1 to debug3); it drops what the user's LogLevel does not ask for.
	Debug func(level int, msg string)
}

// Auth holds what a login to one host needs: the keys, the agent connection
// and the known_hosts policy. It may serve several connections to the host.
type Auth struct {
	opts       Options
	host       string // lower case, as ssh compares and prints it
	name       string // the known_hosts name: host, or [host]:port
	ui         *ui
	identities []*identity
	agent      net.Conn

	// distrusted is set when the host key changed but StrictHostKeyChecking
	// is off: like ssh, no password is then typed to this host.
	distrusted atomic.Bool
}

// New loads keys and the agent connection and prepares the host-key callback.
func New(opts Options) (*Auth, error) {
	switch opts.StrictHostKeyChecking {
	case "":
		opts.StrictHostKeyChecking = "ask"
	case "ask", "true", "false", "accept-new":
	default:
		return nil, fmt.Errorf("auth: unsupported StrictHostKeyChecking %q", opts.StrictHostKeyChecking)
	}
	if opts.Port == 0 {
		opts.Port = 22
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	u := &ui{stderr: opts.Stderr, prompter: opts.Prompter, quiet: opts.Quiet}
	if opts.BatchMode {
		u.prompter = nil
	}
	host := strings.ToLower(opts.HostName)
	a := &Auth{
		opts: opts,
		host: host,
		name: knownHostsName(host, opts.Port),
		ui:   u,
	}
	var files []*identity
	for _, path := range opts.IdentityFiles {
		files = append(files, loadIdentityFile(path, opts.DefaultIdentities, u)...)
	}
	conn, agentKeys := dialAgent(opts.IdentityAgent)
	a.agent = conn
	a.identities = orderIdentities(files, agentKeys, opts.IdentitiesOnly)
	return a, nil
}

// ClientConfig returns the configuration for ssh.NewClientConn. The methods
// are chosen by AuthCallback, in ssh's order, one key at a time.
func (a *Auth) ClientConfig() *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:              a.opts.User,
		AuthCallback:      a.nextMethod,
		HostKeyCallback:   a.checkHostKey,
		HostKeyAlgorithms: loadKnownHosts(a.knownHostsFiles()).hostKeyAlgorithms(a.name),
	}
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

// methodOrder is ssh's PreferredAuthentications default, less what we lack
// (gssapi-with-mic, hostbased).
var methodOrder = []string{"publickey", "keyboard-interactive", "password"}

// nextMethod is the ssh.ClientAuthCallback: the next method the server
// allows, in ssh's order, or the permission-denied error when none is left.
// x/crypto hands it the server's list of methods, which ssh prints on
// failure, and the methods tried so far on this connection, which tell how
// far each method has got.
func (a *Auth) nextMethod(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	if a.ui.interrupted.Load() {
		return nil, errInterrupted
	}
	for _, name := range methodOrder {
		if !slices.Contains(ctx.AllowedMethods, name) {
			continue
		}
		tries := count(ctx.TriedMethods, name) + count(ctx.PartialSuccessMethods, name)
		if m := a.method(name, tries); m != nil {
			return m, nil
		}
	}
	return nil, &deniedError{user: a.opts.User, host: a.host, methods: ctx.AllowedMethods}
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// method returns a method's try after the given number of earlier ones, or
// nil when it has nothing more: publickey offers one key per try.
func (a *Auth) method(name string, tries int) ssh.AuthMethod {
	switch {
	case name == "publickey" && tries < len(a.identities):
		return a.identities[tries].method()
	case name == "keyboard-interactive" && tries < passwordPrompts && a.mayPrompt():
		return ssh.KeyboardInteractive(a.challenge)
	case name == "password" && tries < passwordPrompts && a.mayPrompt():
		return ssh.PasswordCallback(a.passwordPrompt(tries))
	}
	return nil
}

// mayPrompt tells whether password-like methods can be used at all.
func (a *Auth) mayPrompt() bool {
	return a.ui.prompter != nil && !a.distrusted.Load()
}

func (a *Auth) passwordPrompt(tries int) func() (string, error) {
	return func() (string, error) {
		if tries > 0 {
			a.ui.log("Permission denied, please try again.")
		}
		return a.ui.prompt(fmt.Sprintf("%s@%s's password: ", a.opts.User, a.host), false)
	}
}

// challenge answers a keyboard-interactive round. The server's texts are
// sanitised; prompts get ssh's "(user@host) " prefix so the user knows who
// is asking.
func (a *Auth) challenge(name, instruction string, questions []string, echos []bool) ([]string, error) {
	for _, s := range []string{name, instruction} {
		if s != "" {
			a.ui.log(termsafe.String(s))
		}
	}
	answers := make([]string, len(questions))
	for i, q := range questions {
		answer, err := a.ui.prompt(fmt.Sprintf("(%s@%s) %s", a.opts.User, a.host, termsafe.String(q)), echos[i])
		if err != nil {
			return nil, err
		}
		answers[i] = answer
	}
	return answers, nil
}
