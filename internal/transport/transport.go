// Package transport connects to an SSH server the way OpenSSH's ssh would
// for scp: it dials the evaluated destination, authenticates, and runs
// remote commands whose stdin and stdout carry the scp protocol.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/auth"
	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/termsafe"
)

// Error is a connection or login failure, worded as ssh words it
// ("ssh: connect to host h port 22: Connection refused").
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Options are the parts of a connection the command line decides beyond
// what sshconfig evaluates.
type Options struct {
	Stderr   io.Writer     // remote stderr (sanitised), warnings, prompts' messages
	Prompter auth.Prompter // nil when no terminal can be asked
	Ciphers  []string      // -c, if given
	Debug    func(msg string)
}

// Client is an authenticated connection to one host.
type Client struct {
	ssh    *ssh.Client
	auth   *auth.Auth
	stderr io.Writer
	dest   string
}

// Dial connects and logs in to the destination described by cfg.
func Dial(ctx context.Context, cfg *sshconfig.Config, opts Options) (*Client, error) {
	if err := checkSupported(cfg); err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprint(opts.Stderr, w+"\r\n")
	}
	a, err := auth.New(authOptions(cfg, opts))
	if err != nil {
		return nil, &Error{Msg: err.Error(), Err: err}
	}
	conn, err := dialTCP(ctx, cfg)
	if err != nil {
		a.Close()
		return nil, err
	}
	clientConfig := a.ClientConfig()
	if len(opts.Ciphers) > 0 {
		clientConfig.Ciphers = opts.Ciphers
	}
	clientConfig.BannerCallback = func(msg string) error {
		_, err := io.WriteString(opts.Stderr, termsafe.String(msg))
		return err
	}
	addr := net.JoinHostPort(cfg.HostName, strconv.Itoa(cfg.Port))
	client, err := handshake(conn, addr, clientConfig, cfg.ConnectTimeout)
	if err != nil {
		a.Close()
		conn.Close()
		return nil, loginError(a, cfg, err)
	}
	c := &Client{ssh: client, auth: a, stderr: opts.Stderr, dest: cfg.HostName}
	go func() {
		<-ctx.Done()
		c.Close()
	}()
	return c, nil
}

// checkSupported refuses settings we cannot honour yet rather than
// silently connecting somewhere else than ssh would.
func checkSupported(cfg *sshconfig.Config) error {
	if j := cfg.Get("ProxyJump"); j != "" && j != "none" {
		return &Error{Msg: "ProxyJump (-J) is not supported yet"}
	}
	if cfg.ProxyCommand != "" && cfg.ProxyCommand != "none" {
		return &Error{Msg: "ProxyCommand is not supported yet"}
	}
	return nil
}

func authOptions(cfg *sshconfig.Config, opts Options) auth.Options {
	prompter := opts.Prompter
	if cfg.BatchMode {
		prompter = nil
	}
	return auth.Options{
		User:                  cfg.User,
		HostName:              cfg.HostName,
		Port:                  cfg.Port,
		IdentityFiles:         cfg.IdentityFiles,
		DefaultIdentities:     cfg.DefaultIdentities,
		IdentitiesOnly:        cfg.IdentitiesOnly,
		IdentityAgent:         cfg.IdentityAgent,
		BatchMode:             cfg.BatchMode,
		StrictHostKeyChecking: cfg.StrictHostKeyChecking,
		UserKnownHostsFiles:   cfg.UserKnownHostsFiles,
		GlobalKnownHostsFiles: cfg.GlobalKnownHostsFiles,
		Stderr:                opts.Stderr,
		Prompter:              prompter,
	}
}

func dialTCP(ctx context.Context, cfg *sshconfig.Config) (net.Conn, error) {
	network := "tcp"
	switch cfg.Get("AddressFamily") {
	case "inet":
		network = "tcp4"
	case "inet6":
		network = "tcp6"
	}
	d := net.Dialer{Timeout: cfg.ConnectTimeout}
	conn, err := d.DialContext(ctx, network, net.JoinHostPort(cfg.HostName, strconv.Itoa(cfg.Port)))
	if err != nil {
		return nil, &Error{Msg: dialMessage(cfg, err), Err: err}
	}
	return conn, nil
}

// dialMessage words a dial failure as ssh does.
func dialMessage(cfg *sshconfig.Config, err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		reason := "Name or service not known"
		if dnsErr.IsTemporary {
			reason = "Temporary failure in name resolution"
		}
		return fmt.Sprintf("ssh: Could not resolve hostname %s: %s", cfg.HostName, reason)
	}
	return fmt.Sprintf("ssh: connect to host %s port %d: %s", cfg.HostName, cfg.Port, connectReason(err))
}

func connectReason(err error) string {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	case os.IsTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return "Connection timed out"
	}
	return err.Error()
}

// handshake runs the SSH handshake, bounded by ConnectTimeout as ssh bounds
// its banner exchange.
func handshake(conn net.Conn, addr string, config *ssh.ClientConfig, timeout time.Duration) (*ssh.Client, error) {
	if timeout > 0 {
		conn.SetDeadline(time.Now().Add(timeout))
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, config)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// loginError turns a handshake failure into ssh's words.
func loginError(a *auth.Auth, cfg *sshconfig.Config, err error) error {
	var hk *auth.HostKeyError
	if errors.As(err, &hk) {
		return &Error{Msg: hk.Error(), Err: err}
	}
	if msg, ok := a.PermissionDenied(err); ok {
		return &Error{Msg: msg, Err: err}
	}
	if os.IsTimeout(err) {
		return &Error{Msg: fmt.Sprintf("Connection timed out during banner exchange\nConnection to %s port %d timed out", cfg.HostName, cfg.Port), Err: err}
	}
	if errors.Is(err, io.EOF) {
		return &Error{Msg: fmt.Sprintf("Connection closed by %s port %d", cfg.HostName, cfg.Port), Err: err}
	}
	return &Error{Msg: "ssh: " + strings.TrimPrefix(err.Error(), "ssh: "), Err: err}
}

// Close ends the connection.
func (c *Client) Close() error {
	err := c.ssh.Close()
	c.auth.Close()
	return err
}

// Session is one remote command with its stdin and stdout.
type Session struct {
	Stdin  io.WriteCloser
	Stdout io.Reader
	s      *ssh.Session
	stderr *termsafe.Writer
}

// Start runs command on the remote host, the way `ssh host command` would.
// The remote stderr is copied to ours, sanitised.
func (c *Client) Start(command string) (*Session, error) {
	s, err := c.ssh.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open session on %s: %w", c.dest, err)
	}
	sess := &Session{s: s, stderr: termsafe.NewWriter(c.stderr)}
	s.Stderr = sess.stderr
	if sess.Stdin, err = s.StdinPipe(); err == nil {
		sess.Stdout, err = s.StdoutPipe()
	}
	if err == nil {
		err = s.Start(command)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("run %q on %s: %w", command, c.dest, err)
	}
	return sess, nil
}

// Wait waits for the remote command; it returns nil when it exited 0.
func (s *Session) Wait() error {
	err := s.s.Wait()
	s.stderr.Close()
	return err
}

// Close ends the session without waiting.
func (s *Session) Close() error { return s.s.Close() }
