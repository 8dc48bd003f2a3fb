// Package dialer opens SSH connections the way ssh would, for the commands
// of this module: ssh_config evaluated for each destination (-F, -o and the
// other ssh options they forward), the user's keys, agent and known_hosts,
// and questions asked on the terminal, opened once, when a login first
// needs it. Each destination gets one connection, which every session to it
// shares; a connection that failed is not tried again.
package dialer

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/goscp/goscp/auth"
	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/transport"
)

// Settings are the SSH options of one command line.
type Settings struct {
	// SSHArgs are the ssh arguments the command forwards, in command-line
	// order: "-4" "-6" "-A" "-C", "-c" X, "-F" X, "-i" X, "-J" X, "-o" X,
	// "-v", "-q".
	SSHArgs    []string
	ConfigFile string   // -F
	Identities []string // -i
	Cipher     string   // -c
	Batch      bool     // never ask the user anything
	// Prompter, if not nil, replaces the terminal: it is called once, at
	// the first dial, for what asks the user's questions (nil: ask
	// nothing, as without a terminal).
	Prompter func() auth.Prompter
	// Stderr receives ssh's own messages (host key warnings, banners).
	Stderr io.Writer
	// Log writes one message of the SSH layer the way ssh's log does.
	Log func(msg string)
}

// A Dialer holds the connections of one command, by destination.
type Dialer struct {
	s       Settings
	clients map[string]*client
	// tty asks the user questions; opened on first use (ttyOpened).
	tty       auth.Prompter
	ttyOpened bool
}

// client is a connection, or the error that prevented it.
type client struct {
	c   *transport.Client
	err error
}

// New returns a Dialer with no connection yet.
func New(s Settings) *Dialer {
	return &Dialer{s: s, clients: map[string]*client{}}
}

// Client returns the connection to user@host:port (port 0: ssh_config's or
// 22), dialing it on first use.
func (d *Dialer) Client(ctx context.Context, host, user string, port int) (*transport.Client, error) {
	key := user + "@" + host + ":" + strconv.Itoa(port)
	if c, ok := d.clients[key]; ok {
		return c.c, c.err
	}
	c := &client{}
	c.c, c.err = d.dial(ctx, host, user, port)
	d.clients[key] = c
	return c.c, c.err
}

// Close closes every connection.
func (d *Dialer) Close() {
	for _, c := range d.clients {
		if c.c != nil {
			c.c.Close()
		}
	}
}

// prompter opens the terminal for questions once, when a login first
// needs it; nil in batch mode or without a terminal.
func (d *Dialer) prompter() auth.Prompter {
	if !d.s.Batch && !d.ttyOpened {
		d.ttyOpened = true
		open := d.s.Prompter
		if open == nil {
			open = auth.TTYPrompter
		}
		d.tty = open()
	}
	return d.tty
}

func (d *Dialer) dial(ctx context.Context, host, user string, port int) (*transport.Client, error) {
	options, logFlags := SSHOptions(d.s.SSHArgs)
	cfg, err := sshconfig.Evaluate(sshconfig.Request{
		Host:       host,
		User:       user,
		Port:       port,
		ConfigFile: d.s.ConfigFile,
		Options:    options,
		Identities: d.s.Identities,
		LogFlags:   logFlags,
	})
	if err != nil {
		return nil, err
	}
	topts := transport.Options{Stderr: d.s.Stderr, Prompter: d.prompter(), Cipher: d.s.Cipher, ConfigFile: d.s.ConfigFile, Debug: d.s.Log}
	return transport.Dial(ctx, cfg, topts)
}

// SSHOptions turns the ssh arguments a command forwards into -o settings, in
// command-line order (ssh keeps the first value obtained), and the -v and
// -q among them into ssh's log flags ("vqv"), which decide LogLevel.
func SSHOptions(args []string) (options []string, logFlags string) {
	var out []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-o" && i+1 < len(args):
			i++
			out = append(out, args[i])
		case a == "-J" && i+1 < len(args):
			i++
			out = append(out, "ProxyJump="+args[i])
		case a == "-c" || a == "-F" || a == "-i":
			i++ // handled through Options.Cipher, ConfigFile and Identities
		case strings.HasPrefix(a, "-o"):
			out = append(out, a[2:])
		case a == "-4":
			out = append(out, "AddressFamily=inet")
		case a == "-6":
			out = append(out, "AddressFamily=inet6")
		case a == "-C":
			out = append(out, "Compression=yes")
		case a == "-A":
			out = append(out, "ForwardAgent=yes")
		case a == "-q" || a == "-v":
			logFlags += a[1:]
		}
	}
	// After the user's settings, so that only -A or -o ForwardAgent
	// forwards the agent, never ssh_config alone (as OpenSSH's scp).
	return append(out, "ForwardAgent=no"), logFlags
}
