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
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/goscp/goscp/auth"
	"github.com/goscp/goscp/internal/session"
	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/strerror"
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
	// Cipher is -c as typed (a list in ssh_config's Ciphers syntax); like
	// ssh's -c it overrides any Ciphers setting.
	Cipher string
	// ConfigFile is -F, used again to evaluate each ProxyJump hop as ssh
	// passes it to the ssh it runs for the jump.
	ConfigFile string
	// Debug, if not nil, prints one line of ssh's debug log ("debug1: ...",
	// no line end); LogLevel decides which lines come.
	Debug func(line string)
}

// Client is an authenticated connection to one host.
type Client struct {
	ssh      *ssh.Client
	sessions *session.Opener
	auth     *auth.Auth
	stderr   io.Writer
	quiet    bool // LogLevel below INFO: no keepalive timeout message
	dest     string

	// agentSock is the agent to forward to the remote commands (-A,
	// ForwardAgent), "" for none.
	agentSock string
	agentOnce sync.Once
	agentErr  error
	conn      net.Conn // what the SSH connection runs over
	via       *Client  // the previous ProxyJump hop, closed after us
	closeOnce sync.Once
	closed    chan struct{}
	closeErr  error

	log func(level int, msg string) // ssh's debug log for this connection
	// sendEnv and setEnv are SendEnv's patterns and SetEnv's NAME=value
	// pairs, sent before each command.
	sendEnv, setEnv []string
	channels        atomic.Int32 // sessions opened, which numbers them in the log
}

// Dial connects and logs in to the destination described by cfg: directly
// over TCP (ConnectionAttempts times), through ProxyCommand, or through
// the ProxyJump hops, each evaluated from ssh_config like ssh does.
func Dial(ctx context.Context, cfg *sshconfig.Config, opts Options) (*Client, error) {
	c, err := dial(ctx, cfg, opts, 0)
	if err != nil {
		if quiet(cfg) {
			// ssh -q says nothing of its own, even when it fails.
			return nil, &Error{Err: err}
		}
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			c.Close()
		case <-c.closed:
		}
	}()
	return c, nil
}

// maxHops bounds ProxyJump recursion through the hops' own configurations.
const maxHops = 16

func dial(ctx context.Context, cfg *sshconfig.Config, opts Options, depth int) (*Client, error) {
	if err := checkSupported(cfg); err != nil {
		return nil, err
	}
	log := debugLog(cfg, opts)
	printVersion(cfg, opts)
	printConfigLog(cfg, opts, log)
	logIgnored(cfg, log)
	algs, err := algorithms(cfg, opts.Cipher)
	if err != nil {
		return nil, err
	}
	a, err := auth.New(authOptions(cfg, opts))
	if err != nil {
		return nil, &Error{Msg: err.Error(), Err: err}
	}
	conn, via, err := connect(ctx, cfg, opts, log, depth)
	if err != nil {
		a.Close()
		return nil, err
	}
	proxied := via != nil || cfg.ProxyCommand != ""
	fail := func(err error) (*Client, error) {
		a.Close()
		conn.Close()
		if via != nil {
			via.Close()
		}
		return nil, err
	}
	clientConfig := a.ClientConfig()
	if empty := algs.apply(clientConfig); empty != nil {
		return fail(negotiationFailure(conn, cfg, proxied, empty))
	}
	clientConfig.BannerCallback = func(msg string) error {
		if !showsInfo(cfg) {
			return nil
		}
		_, err := io.WriteString(opts.Stderr, termsafe.String(msg))
		return err
	}
	active := &activityConn{Conn: conn}
	ident := &identConn{Conn: active, log: log, identified: func() {
		log(1, fmt.Sprintf("Authenticating to %s:%d as '%s'", cfg.HostName, cfg.Port, cfg.User))
	}}
	addr := net.JoinHostPort(cfg.HostName, strconv.Itoa(cfg.Port))
	client, err := handshake(ctx, ident, addr, clientConfig, cfg.ConnectTimeout)
	if err != nil {
		return fail(loginError(a, cfg, proxied, err))
	}
	a.Authenticated(client)
	c := &Client{ssh: client, sessions: session.New(client), auth: a, stderr: opts.Stderr, dest: cfg.HostName, quiet: !showsInfo(cfg),
		conn: conn, via: via, closed: make(chan struct{}), agentSock: forwardedAgent(cfg),
		log: log, sendEnv: cfg.All("SendEnv"), setEnv: cfg.All("SetEnv")}
	if c.agentSock != "" && a.Distrusted() {
		fmt.Fprint(opts.Stderr, "Agent forwarding is disabled to avoid man-in-the-middle attacks.\r\n")
		c.agentSock = ""
	}
	if interval, countMax := aliveSettings(cfg); interval > 0 {
		go c.keepalive(active, interval, countMax)
	}
	return c, nil
}

// connect opens what the SSH connection runs over; via is the jump host's
// client when the connection goes through one.
func connect(ctx context.Context, cfg *sshconfig.Config, opts Options, log func(int, string), depth int) (net.Conn, *Client, error) {
	if jump := cfg.Get("ProxyJump"); jump != "" && jump != "none" {
		return dialJump(ctx, cfg, opts, log, jump, depth)
	}
	if cfg.ProxyCommand != "" {
		log(1, "Executing proxy command: exec "+cfg.ProxyCommand)
		conn, err := startProxyCommand(cfg.ProxyCommand, opts.Stderr)
		return conn, nil, err
	}
	conn, err := dialTCP(ctx, cfg, log)
	return conn, nil, err
}

// quiet reports LogLevel QUIET (scp -q passes ssh -q; ssh -G and
// sshconfig spell it SILENT): no log lines.
func quiet(cfg *sshconfig.Config) bool {
	return cfg.Get("LogLevel") == "SILENT"
}

// showsInfo reports whether LogLevel shows what ssh logs at INFO (logit),
// such as the server's banner or a keepalive timeout.
func showsInfo(cfg *sshconfig.Config) bool {
	switch cfg.Get("LogLevel") {
	case "SILENT", "QUIET", "FATAL", "ERROR":
		return false
	}
	return true
}

// checkSupported refuses settings we cannot honour yet rather than
// silently connecting somewhere else than ssh would.
func checkSupported(cfg *sshconfig.Config) error {
	if cfg.ProxyCommand != "" && cfg.Get("ProxyUseFdpass") == "yes" {
		return &Error{Msg: "ProxyUseFdpass is not supported yet"}
	}
	return nil
}

// dialContext is the TCP dialer; tests replace it to count attempts.
var dialContext = func(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	return d.DialContext(ctx, network, addr)
}

// retryDelay is how long ssh sleeps between ConnectionAttempts.
var retryDelay = time.Second

// dialTCP connects like ssh_connect_direct: the name is resolved once,
// then ConnectionAttempts tries, one second apart, of each address in
// turn, each bounded by ConnectTimeout.
func dialTCP(ctx context.Context, cfg *sshconfig.Config, log func(int, string)) (net.Conn, error) {
	network := "tcp"
	switch cfg.Get("AddressFamily") {
	case "inet":
		network = "tcp4"
	case "inet6":
		network = "tcp6"
	}
	addrs, err := resolve(ctx, network, cfg.HostName)
	if err != nil {
		return nil, &Error{Msg: dialMessage(cfg, err), Err: err}
	}
	attempts := 1
	if n, err := strconv.Atoi(cfg.Get("ConnectionAttempts")); err == nil && n > 1 {
		attempts = n
	}
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(retryDelay)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, &Error{Msg: dialMessage(cfg, ctx.Err()), Err: ctx.Err()}
			case <-t.C:
			}
			log(1, "Trying again...")
		}
		var conn net.Conn
		if conn, err = dialAddrs(ctx, cfg, network, addrs, log); err == nil {
			log(1, "Connection established.")
			return conn, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &Error{Msg: dialMessage(cfg, err), Err: err}
}

// dialAddrs tries each address in turn and returns the first connection,
// or the last failure.
func dialAddrs(ctx context.Context, cfg *sshconfig.Config, network string, addrs []string, log func(int, string)) (net.Conn, error) {
	var err error
	for _, addr := range addrs {
		log(1, fmt.Sprintf("Connecting to %s [%s] port %d.", cfg.HostName, addr, cfg.Port))
		d := net.Dialer{Timeout: cfg.ConnectTimeout}
		var conn net.Conn
		if conn, err = dialContext(ctx, &d, network, net.JoinHostPort(addr, strconv.Itoa(cfg.Port))); err == nil {
			return conn, nil
		}
		log(1, fmt.Sprintf("connect to address %s port %d: %s", addr, cfg.Port, connectReason(err)))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// errFamily is an address literal of the other family than -4 or -6 asks.
var errFamily = errors.New("address family for hostname not supported")

// resolve returns the addresses of host for network, as ssh's getaddrinfo
// call does: an address literal stands for itself.
func resolve(ctx context.Context, network, host string) ([]string, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		if network == "tcp4" && ip.Is6() || network == "tcp6" && ip.Is4() {
			return nil, errFamily
		}
		return []string{ip.String()}, nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip"+strings.TrimPrefix(network, "tcp"), host)
	var addrErr *net.AddrError
	if errors.As(err, &addrErr) {
		// Only addresses of the other family (-4, -6): ssh's getaddrinfo
		// then finds no such name.
		return nil, &net.DNSError{Err: addrErr.Err, Name: host, IsNotFound: true}
	}
	if err != nil {
		return nil, err
	}
	addrs := make([]string, len(ips))
	for i, ip := range ips {
		addrs[i] = ip.String()
	}
	return addrs, nil
}

// dialMessage words a dial failure as ssh does.
func dialMessage(cfg *sshconfig.Config, err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, errFamily):
		return fmt.Sprintf("ssh: Could not resolve hostname %s: Address family for hostname not supported", cfg.HostName)
	case errors.As(err, &dnsErr):
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
		return strerror.Text(errno)
	case os.IsTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return "Connection timed out"
	}
	return err.Error()
}

// handshake runs the SSH handshake, bounded by ConnectTimeout as ssh bounds
// its banner exchange. A connection without deadlines (a channel through a
// jump host) is closed when the time is up.
func handshake(ctx context.Context, conn net.Conn, addr string, config *ssh.ClientConfig, timeout time.Duration) (*ssh.Client, error) {
	// ^C must end a login that waits on a silent server.
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	var expired atomic.Bool
	if timeout > 0 {
		var timer *time.Timer
		if conn.SetDeadline(time.Now().Add(timeout)) != nil {
			timer = time.AfterFunc(timeout, func() {
				expired.Store(true)
				conn.Close()
			})
			defer timer.Stop()
		}
		// As in ssh, the timeout covers reaching the server, not the time
		// the user takes at the host-key, passphrase or password prompts.
		check := config.HostKeyCallback
		config.HostKeyCallback = func(host string, remote net.Addr, key ssh.PublicKey) error {
			conn.SetDeadline(time.Time{})
			if timer != nil {
				timer.Stop()
			}
			return check(host, remote, key)
		}
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, config)
	if err != nil {
		if expired.Load() {
			err = fmt.Errorf("%w: %w", os.ErrDeadlineExceeded, err)
		}
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// loginError turns a handshake failure into ssh's words. Through a proxy
// ssh knows no peer address and says "UNKNOWN port 65535".
func loginError(a *auth.Auth, cfg *sshconfig.Config, proxied bool, err error) error {
	peer := fmt.Sprintf("%s port %d", cfg.HostName, cfg.Port)
	if proxied {
		peer = "UNKNOWN port 65535"
	}
	var hk *auth.HostKeyError
	if errors.As(err, &hk) {
		return &Error{Msg: hk.Error(), Err: err}
	}
	if msg, ok := a.PermissionDenied(err); ok {
		return &Error{Msg: msg, Err: err}
	}
	var neg *ssh.AlgorithmNegotiationError
	if errors.As(err, &neg) {
		return &Error{Msg: noMatch(peer, neg.What, neg.RequestedAlgorithms), Err: err}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) { // x/crypto wraps it, os.IsTimeout does not look inside
		return &Error{Msg: fmt.Sprintf("Connection timed out during banner exchange\nConnection to %s timed out", peer), Err: err}
	}
	if proxied && (errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE)) {
		// A proxy that ends before the banner, as ssh words it.
		return &Error{Msg: proxyClosed, Err: err}
	}
	if errors.Is(err, io.EOF) {
		return &Error{Msg: "Connection closed by " + peer, Err: err}
	}
	return &Error{Msg: "ssh: " + strings.TrimPrefix(err.Error(), "ssh: "), Err: err}
}

// Close ends the connection, then the jump hosts and proxy it ran over.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.closeErr = c.ssh.Close()
		c.conn.Close()
		if c.via != nil {
			c.via.Close()
		}
		c.auth.Close()
	})
	return c.closeErr
}

// Session is one remote command with its stdin and stdout: a session
// channel of a Client, or an external ssh program (-S).
type Session struct {
	Stdin  io.WriteCloser
	Stdout io.Reader
	proc   process
}

// process is what runs a session's command.
type process interface {
	Wait() error  // the command's end; nil when it exited 0
	Close() error // end it without waiting
}

// sshProcess is a command on an SSH session channel.
type sshProcess struct {
	s          *ssh.Session
	ended      func() // called once Wait saw the session end
	stderr     *termsafe.Writer
	stderrDone chan struct{} // closed once the remote stderr is all copied
	channel    int           // its number in the log
	log        func(level int, msg string)
}

// afterStderr is a session's stdout that, at its end, waits until the
// remote stderr has been copied out too. Both end with the channel, so the
// wait is short; it puts what the command printed before it ended ahead
// of our messages about how it ended ("lost connection").
type afterStderr struct {
	r    io.Reader
	done <-chan struct{}
}

func (a afterStderr) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil {
		<-a.done
	}
	return n, err
}

func (p *sshProcess) Wait() error {
	err := p.s.Wait()
	p.ended()
	<-p.stderrDone // it ends with the channel, which Wait saw end
	p.stderr.Close()
	p.logExit(err)
	return err
}

// logExit logs how the command ended as ssh does: the request that said
// so, then ssh's own exit status (one ssh per command in OpenSSH's scp).
func (p *sshProcess) logExit(err error) {
	var exit *ssh.ExitError
	switch {
	case err == nil:
		p.log(1, fmt.Sprintf("client_input_channel_req: channel %d rtype exit-status reply 0", p.channel))
		p.log(1, "Exit status 0")
	case errors.As(err, &exit) && exit.Signal() != "":
		p.log(1, fmt.Sprintf("client_input_channel_req: channel %d rtype exit-signal reply 0", p.channel))
		p.log(1, "Exit status -1")
	case errors.As(err, &exit):
		p.log(1, fmt.Sprintf("client_input_channel_req: channel %d rtype exit-status reply 0", p.channel))
		p.log(1, fmt.Sprintf("Exit status %d", exit.ExitStatus()))
	}
}

func (p *sshProcess) Close() error { return p.s.Close() }

// SSH returns the connection, for sessions of other kinds than Start's.
func (c *Client) SSH() *ssh.Client { return c.ssh }

// Start runs command on the remote host, the way `ssh host command` would.
// The remote stderr is copied to ours, sanitised.
func (c *Client) Start(command string) (*Session, error) {
	return c.start(command, false, c.stderr)
}

// StartSubsystem starts the named subsystem ("sftp"), the way `ssh -s host
// name` would. The remote stderr is copied to ours, sanitised.
func (c *Client) StartSubsystem(name string) (*Session, error) {
	return c.start(name, true, c.stderr)
}

// StartTo is Start with the remote stderr copied to w, sanitised.
func (c *Client) StartTo(command string, w io.Writer) (*Session, error) {
	return c.start(command, false, w)
}

// StartSubsystemTo is StartSubsystem with the remote stderr copied to w,
// sanitised.
func (c *Client) StartSubsystemTo(name string, w io.Writer) (*Session, error) {
	return c.start(name, true, w)
}

// StartSilent is Start with the command's stderr thrown away: for extra
// sessions whose remote shell would repeat what the first one showed.
func (c *Client) StartSilent(command string) (*Session, error) {
	return c.start(command, false, io.Discard)
}

// start runs command, or the subsystem of that name, on a new session.
func (c *Client) start(command string, subsystem bool, stderr io.Writer) (*Session, error) {
	s, err := c.sessions.Open()
	if err != nil {
		return nil, fmt.Errorf("open session on %s: %w", c.dest, err)
	}
	channel := int(c.channels.Add(1) - 1)
	c.log(1, fmt.Sprintf("channel %d: new session [client-session] (inactive timeout: 0)", channel))
	c.forwardAgent(s)
	p := &sshProcess{s: s, ended: c.sessions.Ended, stderr: termsafe.NewWriter(stderr), stderrDone: make(chan struct{}), channel: channel, log: c.log}
	sess := &Session{proc: p}
	var stdout, remoteStderr io.Reader
	if sess.Stdin, err = s.StdinPipe(); err == nil {
		stdout, err = s.StdoutPipe()
	}
	if err == nil {
		remoteStderr, err = s.StderrPipe()
	}
	if err == nil {
		go func() {
			io.Copy(p.stderr, remoteStderr)
			close(p.stderrDone)
		}()
		sess.Stdout = afterStderr{stdout, p.stderrDone}
	}
	if err == nil {
		err = c.sendEnvironment(s, channel, os.Environ())
	}
	kind := "exec"
	if err == nil && subsystem {
		kind = "subsystem"
		c.log(1, "Sending subsystem: "+command)
		if err = s.RequestSubsystem(command); err != nil {
			s.Close()
			// As ssh words a refusal.
			return nil, &Error{Msg: fmt.Sprintf("subsystem request failed on channel %d", channel), Err: err}
		}
	} else if err == nil {
		c.log(1, "Sending command: "+command)
		err = s.Start(command)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("run %q on %s: %w", command, c.dest, err)
	}
	c.log(2, fmt.Sprintf("%s request accepted on channel %d", kind, channel))
	return sess, nil
}

// forwardedAgent is the agent socket ForwardAgent names: "yes" means
// $SSH_AUTH_SOCK, a path or "$VAR" that socket.
func forwardedAgent(cfg *sshconfig.Config) string {
	switch v := cfg.Get("ForwardAgent"); v {
	case "", "no", "false":
		return ""
	case "yes", "true":
		return auth.AgentSocket("")
	default:
		return auth.AgentSocket(v)
	}
}

// forwardAgent asks for agent forwarding on a session when configured. As
// in ssh, a refusal is not fatal: the command just runs without it.
func (c *Client) forwardAgent(s *ssh.Session) {
	if c.agentSock == "" {
		return
	}
	c.agentOnce.Do(func() { c.agentErr = agent.ForwardToRemote(c.ssh, c.agentSock) })
	if c.agentErr == nil {
		c.log(1, "Requesting authentication agent forwarding.")
		agent.RequestAgentForwarding(s)
	}
}

// Wait waits for the command; it returns nil when it exited 0.
func (s *Session) Wait() error { return s.proc.Wait() }

// Close ends the session without waiting.
func (s *Session) Close() error { return s.proc.Close() }
