package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goscp/goscp/internal/bwlimit"
	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp/sftp"
)

// sftpConn is one SFTP connection of scp's SFTP mode (-s) and the
// session or program it runs over.
type sftpConn struct {
	client *sftp.Client
	sess   *transport.Session
	// program: the session is a program run here (-S, -D), whose exit
	// status counts; a subsystem channel has none to wait for.
	program bool
	pool    *sftpxfer.Pool // big files' extra sessions; nil: none
}

// logf prints an error as OpenSSH's log does for scp: "scp: MSG\r\n", with
// \a and \b escaped too, since the message may hold the server's names.
func (r *run) logf(format string, args ...any) {
	io.WriteString(r.stderr, cmdline.ServerLogLine(r.argv0, fmt.Sprintf(format, args...)))
}

// openSFTP connects to op's host and starts its SFTP server: the
// subsystem over our connection, or the -S program with "-s", or the -D
// program run here. A failure is reported and ends the run.
func (r *run) openSFTP(op Operand) *sftpConn {
	c, fail := r.dialSFTP(op)
	if fail != nil {
		fail.report(r)
	}
	return c
}

// dialSFTP is openSFTP without the report; the connection a fallback
// found working comes first (r.spare).
func (r *run) dialSFTP(op Operand) (*sftpConn, *sftpFailure) {
	if c := r.spare; c != nil {
		r.spare = nil
		return c, nil
	}
	hold, stderr := r.heldStderr()
	sess, err := r.startSFTP(op, stderr)
	if err != nil {
		return nil, &sftpFailure{err: err, ssh: true, missing: sftpMissing(err, true), hold: hold}
	}
	stdout := &firstBytes{r: sess.Stdout}
	// The client reads replies while it writes: each direction is paced
	// on its own, as OpenSSH's sftp client paces them.
	in, out := bwlimit.Split(stdout, sess.Stdin, r.opts.LimitKbps)
	buffer, requests := r.transferOptions()
	client, err := sftp.NewClient(r.ctx, in, out, &sftp.Options{BufferSize: buffer, Requests: requests})
	program := r.opts.SFTPServer != "" || r.opts.Program != ""
	if err != nil {
		sess.Close()
		if program {
			sess.Wait() // its stderr goes out before our message, as in OpenSSH
		}
		closed := errors.Is(err, sftp.ErrConnLost) && !stdout.any.Load()
		return nil, &sftpFailure{err: err, closed: closed, missing: sftpMissing(err, stdout.any.Load()), hold: hold}
	}
	hold.release()
	return &sftpConn{client: client, sess: sess, program: program, pool: r.splitPool(op)}, nil
}

// startSFTP starts the server end of an SFTP connection to op's host; the
// remote stderr goes to stderr.
func (r *run) startSFTP(op Operand, stderr io.Writer) (*transport.Session, error) {
	user := op.User
	if user == "" {
		user = "(unspecified)"
	}
	if srv := r.opts.SFTPServer; srv != "" {
		r.debug(fmt.Sprintf("Executing: program %s host %s, user (unspecified), command sftp", srv, op.Host))
		return transport.StartProgram(r.ctx, srv, []string{"--", op.Host}, "sftp", stderr)
	}
	port := r.opts.PortNum
	if op.Port != 0 {
		port = op.Port
	}
	if r.opts.Program == "" {
		r.debug(fmt.Sprintf("Executing: program built-in ssh host %s, user %s, command sftp", op.Host, user))
		ctx, up := r.ctx, func() {}
		if r.opts.Atomic {
			// The transport closes the connection when ctx ends: after
			// ^C, temporary files are still to be removed.
			ctx, up = graceContext(r.ctx, sftpxfer.CleanupBound)
		}
		c, err := r.dialer.Client(ctx, op.Host, op.User, port)
		if err != nil {
			return nil, err
		}
		up()
		return c.StartSubsystemTo("sftp", stderr)
	}
	r.debug(fmt.Sprintf("Executing: program %s host %s, user %s, command sftp", r.opts.Program, op.Host, user))
	args := transport.ProgramArgs(op.Host, op.User, port, r.opts.SSHArgs)
	// "-s" goes before the "--" that ends the options.
	args = append(args[:len(args)-2:len(args)-2], "-s", "--", op.Host)
	return transport.StartProgram(r.ctx, r.opts.Program, args, "sftp", stderr)
}

// transferOptions are -X buffer= and nrequests=, the last of each; 0 for
// the library's default.
func (r *run) transferOptions() (buffer, requests int) {
	for _, x := range r.opts.SFTPOpts {
		b, n, _ := cmdline.TransferOption(x)
		if b != 0 {
			buffer = b
		}
		if n != 0 {
			requests = n
		}
	}
	return buffer, requests
}

// connClosed reports a broken SFTP connection as OpenSSH's scp does:
// "Connection closed", exit 255.
func (r *run) connClosed() {
	r.logf("Connection closed")
	r.fatal = 255
}

// close ends the connection and waits for its server; a failed one
// counts as an error, as OpenSSH counts ssh's exit status.
func (c *sftpConn) close(r *run) {
	if c.pool != nil {
		c.pool.Close()
	}
	c.client.Close()
	if !c.program {
		c.sess.Close()
		return
	}
	if err := c.sess.Wait(); err != nil && r.fatal == 0 {
		r.errs++
	}
}

// transfer is the shared transfer core, speaking as scp does.
func (r *run) transfer(c *sftpConn) *sftpxfer.Transfer {
	return &sftpxfer.Transfer{
		Ctx:          r.ctx,
		Client:       c.client,
		Stdout:       r.stdout,
		Log:          func(msg string) { r.logf("%s", msg) },
		Debug:        r.debug,
		Meter:        r.meter,
		ProgressOnly: true,
		FollowLinks:  true,
		InPlace:      true,
		Split:        c.pool,
	}
}

// xferResult counts a copy's failure; a lost connection ends the run.
func (r *run) xferResult(err error) bool {
	switch {
	case err == nil:
		return true
	case sftpxfer.ConnLost(err):
		r.connClosed()
	}
	r.errs++
	return false
}

// remotePath is prepare_remote_path of OpenSSH's scp: the SFTP server
// starts in the home directory, so "~" and "~/" are dropped; "~user"
// needs the expand-path extension. ok is false after an error was
// printed (or the connection broke).
func (r *run) remotePath(c *sftpConn, p string) (string, bool) {
	switch {
	case p == "" || p == "~":
		return ".", true
	case !strings.HasPrefix(p, "~"):
		return p, true
	case strings.HasPrefix(p, "~/"):
		if rest := strings.TrimLeft(p[2:], "/"); rest != "" {
			return rest, true
		}
		return ".", true
	case !c.client.HasExtension("expand-path@openssh.com"):
		r.logf("server expand-path extension is required for ~user paths in SFTP mode")
		return "", false
	}
	exp, err := c.client.ExpandPath(r.ctx, p)
	if err != nil {
		if sftpxfer.ConnLost(err) {
			r.connClosed()
		} else {
			r.logf("expand %s: %s", p, sftpxfer.StatusText(err))
		}
		return "", false
	}
	return exp, true
}

// graceContext returns a context that ends when parent does until up is
// called, and grace after parent ends from then on: a ^C leaves what it
// guards time to clean up.
func graceContext(parent context.Context, grace time.Duration) (ctx context.Context, up func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	var isUp atomic.Bool
	context.AfterFunc(parent, func() {
		if isUp.Load() {
			time.AfterFunc(grace, cancel)
		} else {
			cancel()
		}
	})
	return ctx, func() { isUp.Store(true) }
}
