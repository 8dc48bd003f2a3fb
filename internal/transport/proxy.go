package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshconfig"
)

// startProxyCommand runs a ProxyCommand as ssh does, `$SHELL -c "exec
// CMD"` (SHELL defaulting to /bin/sh), and returns its stdin and stdout as
// the connection. Its stderr is ours.
func startProxyCommand(command string, stderr io.Writer) (net.Conn, error) {
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	// Our ends are created by os.Pipe so they support deadlines.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, &Error{Msg: "pipe: " + err.Error(), Err: err}
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, &Error{Msg: "pipe: " + err.Error(), Err: err}
	}
	cmd := exec.Command(shell, "-c", "exec "+command)
	cmd.Stdin, cmd.Stdout = inR, outW
	cmd.Stderr = stderr
	if stderr == nil {
		cmd.Stderr = os.Stderr
	}
	// A grandchild keeping a copied stderr open must not hold up Wait.
	cmd.WaitDelay = time.Second
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		// ssh's child reports "exec(...): strerror" and ssh then sees EOF.
		return nil, &Error{Msg: fmt.Sprintf("exec(%s): %s", shell, connectReason(err)), Err: err}
	}
	c := &commandConn{r: outR, w: inW, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// commandConn is a net.Conn over a proxy command's stdout and stdin.
type commandConn struct {
	r, w      *os.File
	cmd       *exec.Cmd
	exited    chan struct{}
	closeOnce sync.Once
}

func (c *commandConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *commandConn) Write(b []byte) (int, error) { return c.w.Write(b) }

// Close closes the pipes and, like ssh, hangs up the command; one that
// ignores the hangup is killed rather than waited for.
func (c *commandConn) Close() error {
	c.closeOnce.Do(func() {
		c.w.Close()
		c.r.Close()
		select {
		case <-c.exited:
			return
		default:
		}
		c.cmd.Process.Signal(syscall.SIGHUP)
		select {
		case <-c.exited:
		case <-time.After(time.Second):
			c.cmd.Process.Kill()
		}
	})
	return nil
}

func (c *commandConn) LocalAddr() net.Addr  { return pipeAddr{} }
func (c *commandConn) RemoteAddr() net.Addr { return pipeAddr{} }

func (c *commandConn) SetDeadline(t time.Time) error {
	if err := c.r.SetReadDeadline(t); err != nil {
		return err
	}
	return c.w.SetWriteDeadline(t)
}
func (c *commandConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *commandConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// pipeAddr is the address of a proxy command's end: ssh calls it UNKNOWN.
type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "UNKNOWN" }

// dialJump reaches cfg's destination through the ProxyJump hops. As ssh
// does (it runs `ssh [-l U] [-p P] [-J REST] [-F CFG] -W [%h]:%p LAST`),
// the last hop is evaluated from ssh_config with its own user and port and
// the earlier hops as its ProxyJump, recursively; the destination is then
// reached with a direct-tcpip channel from the last hop.
// proxyClosed is what ssh says when its proxy ends before the SSH banner.
const proxyClosed = "kex_exchange_identification: Connection closed by remote host\nConnection closed by UNKNOWN port 65535"

// errorText is the message of a dial error: what ssh printed for it.
func errorText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

func dialJump(ctx context.Context, cfg *sshconfig.Config, opts Options, log func(int, string), jump string, depth int) (net.Conn, *Client, error) {
	if depth >= maxHops {
		return nil, nil, &Error{Msg: "ProxyJump: too many hops"}
	}
	rest, last := "", jump
	if i := strings.LastIndexByte(jump, ','); i >= 0 {
		rest, last = jump[:i], jump[i+1:]
	}
	user, host, port, err := parseHop(last)
	if err != nil {
		return nil, nil, &Error{Msg: fmt.Sprintf("Invalid ProxyJump \"%s\"", jump), Err: err}
	}
	req := sshconfig.Request{Host: host, User: user, Port: port, ConfigFile: opts.ConfigFile,
		LogFlags: strings.Repeat("v", cfg.Verbose)}
	if rest != "" {
		req.Options = []string{"ProxyJump=" + rest}
	}
	// ssh's words for the ssh it would run; we do the same in-process.
	log(1, "Setting implicit ProxyCommand from ProxyJump: "+jumpCommand(req, rest, host))
	hopCfg, err := sshconfig.Evaluate(req)
	if err != nil {
		return nil, nil, &Error{Msg: err.Error(), Err: err}
	}
	hopOpts := opts
	hopOpts.Cipher = "" // ssh does not pass -c to the jump ssh
	hop, err := dial(ctx, hopCfg, hopOpts, depth+1)
	if err != nil {
		// The jump ssh failed; the ssh running it would then have seen its
		// proxy close before any banner, and said so.
		return nil, nil, &Error{Msg: errorText(err) + "\n" + proxyClosed, Err: err}
	}
	hop.log(1, fmt.Sprintf("channel_connect_stdio_fwd: %s:%d", cfg.HostName, cfg.Port))
	addr := net.JoinHostPort(cfg.HostName, strconv.Itoa(cfg.Port))
	conn, err := hop.ssh.Dial("tcp", addr)
	if err != nil {
		hop.Close()
		// The jump ssh's words for a refused -W forwarding, then ours.
		reason := strings.TrimPrefix(err.Error(), "ssh: ")
		var open *ssh.OpenChannelError
		if errors.As(err, &open) {
			reason = open.Reason.String()
			if open.Message != "" {
				reason += ": " + open.Message
			}
		}
		msg := "channel 0: open failed: " + reason + "\nstdio forwarding failed\n" + proxyClosed
		return nil, nil, &Error{Msg: msg, Err: err}
	}
	return conn, hop, nil
}

// jumpCommand is the command ssh sets as ProxyCommand for a ProxyJump:
// ssh [-l user] [-p port] [-J earlier hops] [-F file] [-v…] -W '[%h]:%p' host.
func jumpCommand(req sshconfig.Request, rest, host string) string {
	var b strings.Builder
	b.WriteString("ssh")
	if req.User != "" {
		b.WriteString(" -l " + req.User)
	}
	if req.Port > 0 {
		b.WriteString(" -p " + strconv.Itoa(req.Port))
	}
	if rest != "" {
		b.WriteString(" -J " + rest)
	}
	if req.ConfigFile != "" {
		b.WriteString(" -F " + req.ConfigFile)
	}
	if req.LogFlags != "" {
		b.WriteString(" -" + req.LogFlags)
	}
	return b.String() + " -W '[%h]:%p' " + host
}

// parseHop parses one ProxyJump hop, [user@]host[:port] or
// ssh://[user@]host[:port]; port is 0 when absent.
func parseHop(s string) (user, host string, port int, err error) {
	bad := fmt.Errorf("invalid jump host %q", s)
	if rest, ok := strings.CutPrefix(s, "ssh://"); ok {
		u, err := url.Parse("ssh://" + strings.TrimSuffix(rest, "/"))
		if err != nil || u.Hostname() == "" || u.Path != "" {
			return "", "", 0, bad
		}
		if u.User != nil {
			user, _, _ = strings.Cut(u.User.Username(), ";")
		}
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
				return "", "", 0, bad
			}
		}
		return user, u.Hostname(), port, nil
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		user, s = s[:i], s[i+1:]
	}
	hostPart, portPart := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", 0, bad
		}
		hostPart, portPart = s[1:end], s[end+1:]
		if portPart != "" && !strings.HasPrefix(portPart, ":") {
			return "", "", 0, bad
		}
		portPart = strings.TrimPrefix(portPart, ":")
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		hostPart, portPart = s[:i], s[i+1:]
	}
	if hostPart == "" {
		return "", "", 0, bad
	}
	if portPart != "" {
		if port, err = strconv.Atoi(portPart); err != nil || port <= 0 || port > 65535 {
			return "", "", 0, bad
		}
	}
	return user, hostPart, port, nil
}
