package scp

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/goscp/goscp/auth"
	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/dialer"
)

// DialOptions are what Dial adds to the user's ssh configuration, as ssh's
// command-line options would. The zero value (or nil) reads the user's and
// the system's ssh_config and asks nothing.
type DialOptions struct {
	// ConfigFile is read instead of ~/.ssh/config and /etc/ssh/ssh_config,
	// as ssh's -F ("none": no file).
	ConfigFile string
	// Options are settings in ssh_config's syntax ("Port=2222", "User
	// alice", "BatchMode yes"), as ssh's -o: they win over the files.
	Options []string
	// Identities are private key files tried before the configured ones,
	// as ssh's -i.
	Identities []string
	// Prompt, if not nil, asks the user for passphrases, passwords,
	// keyboard-interactive answers and whether to trust a new host key,
	// with echo false for secrets. Without it nothing is asked, as when
	// ssh has no terminal, and what needs an answer fails.
	Prompt func(prompt string, echo bool) (string, error)
	// Stderr, if not nil, receives ssh's messages (host key warnings,
	// banners) and what the remote scp writes to its stderr, sanitised,
	// each line ended by "\r\n" as ssh ends them.
	Stderr io.Writer
}

// Dial connects to destination ("[user@]host", host being a name or alias
// in ssh_config) the way the scp command does: ssh_config evaluated for it
// (Host, Match, Include, tokens), ProxyJump and ProxyCommand, the agent,
// identity files and certificates, and the known_hosts policy. ctx bounds
// the dial only; Client.Close ends the connection.
//
// A failure is worded as ssh words it, for example "ssh: connect to host
// web1 port 22: Connection refused" or "alice@web1: Permission denied
// (publickey).".
func Dial(ctx context.Context, destination string, opts *DialOptions) (*Client, error) {
	if opts == nil {
		opts = &DialOptions{}
	}
	user, host := "", destination
	if i := strings.LastIndexByte(destination, '@'); i >= 0 {
		user, host = destination[:i], destination[i+1:]
	}
	host = cmdline.CleanHostname(host)
	if host == "" {
		return nil, errors.New("scp: dial: empty host name")
	}
	var args []string
	for _, o := range opts.Options {
		args = append(args, "-o", o)
	}
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	d := dialer.New(dialer.Settings{
		SSHArgs:    args,
		ConfigFile: opts.ConfigFile,
		Identities: opts.Identities,
		Stderr:     stderr,
		Prompter:   func() auth.Prompter { return prompter(opts.Prompt) },
	})
	// The connection closes when the context it was dialed with ends, so
	// it gets one of its own, which only the caller's cancels until then.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	tc, err := d.Client(life, host, user, 0)
	if !stop() {
		err = errors.Join(ctx.Err(), err)
	}
	if err != nil {
		d.Close()
		cancel()
		if err.Error() == "" {
			// ssh -q (LogLevel QUIET) says nothing, even when it fails.
			err = errors.New("ssh: cannot connect to " + destination)
		}
		return nil, err
	}
	start := func(_ context.Context, cmd string, extra bool, _ io.Writer) (*Process, error) {
		start := tc.Start
		if extra {
			start = tc.StartSilent
		}
		s, err := start(cmd)
		if err != nil {
			return nil, err
		}
		return &Process{Stdin: s.Stdin, Stdout: s.Stdout, Wait: s.Wait, Close: s.Close}, nil
	}
	closeAll := func() error {
		d.Close()
		cancel()
		return nil
	}
	return &Client{start: start, close: closeAll, conn: tc.SSH()}, nil
}

// prompter adapts a Prompt function (nil: no prompter).
func prompter(f func(string, bool) (string, error)) auth.Prompter {
	if f == nil {
		return nil
	}
	return promptFunc(f)
}

type promptFunc func(string, bool) (string, error)

func (f promptFunc) Prompt(prompt string, echo bool) (string, error) { return f(prompt, echo) }
