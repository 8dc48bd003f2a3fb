package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/goscp/goscp/internal/bwlimit"
	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/dialer"
	"github.com/goscp/goscp/internal/localcopy"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp"
)

// run is one client invocation: the operands, the connections opened for
// them and the error count that decides the exit status.
type run struct {
	argv0  string
	ctx    context.Context
	opts   *Options
	stdout io.Writer
	stderr io.Writer
	meter  progress.Meter
	dialer *dialer.Dialer
	// errs counts failures, like OpenSSH's errs; any makes the exit 1.
	errs int
	// mustBeDir is OpenSSH's targetshouldbedir: several sources, or -d.
	mustBeDir bool
	// fatal, when not 0, is the exit status of an error that ended the run.
	fatal int
	// fellBack is set while a copy runs over the protocol it fell back
	// to, and sftpFailed, in a legacy copy, is the SFTP failure it reports
	// if the remote has no scp either (fallback.go).
	fellBack   bool
	sftpFailed *sftpFailure
	// spare is the SFTP connection a fallback found working, for the copy.
	spare *sftpConn
}

func (r *run) main() int {
	sources, target := r.opts.Operands[:len(r.opts.Operands)-1], r.opts.Operands[len(r.opts.Operands)-1]
	r.mustBeDir = len(sources) > 1 || r.opts.TargetDir
	tgt, err := ParseOperand(target)
	if err != nil {
		r.print(err.Error())
		return 1
	}
	if r.opts.Recursive {
		r.meter.BeginTransfer(r.uploadCount(sources, tgt))
	}
	switch {
	case tgt.Remote && r.opts.SFTP:
		r.toRemoteSFTP(sources, tgt)
	case tgt.Remote:
		r.toRemote(sources, tgt)
	default:
		if r.mustBeDir {
			if err := scp.CheckDir(scp.OS{}, tgt.Path); err != nil {
				r.print(err.Error())
				return 1
			}
		}
		if r.opts.SFTP {
			r.toLocalSFTP(sources, tgt.Path)
		} else if !r.parallelDownload(sources, tgt.Path) {
			r.toLocal(sources, tgt.Path)
		}
	}
	if r.ctx.Err() == nil { // after ^C, only the way out
		r.meter.EndTransfer()
	}
	r.dialer.Close()
	switch {
	case r.fatal != 0:
		return r.fatal
	case r.errs > 0 || r.ctx.Err() != nil:
		return 1
	}
	return 0
}

// print writes one message for the user, sanitised.
func (r *run) print(msg string) {
	fmt.Fprintln(r.stderr, termsafe.String(msg))
}

// printSSH writes a message of the SSH layer the way ssh's log writes it,
// each line ending in CR LF.
func (r *run) printSSH(msg string) {
	if msg == "" {
		return // ssh -q
	}
	msg = termsafe.String(strings.TrimSuffix(msg, "\n"))
	fmt.Fprint(r.stderr, strings.ReplaceAll(msg, "\n", "\r\n")+"\r\n")
}

func (r *run) debug(msg string) {
	if r.opts.Verbose > 0 {
		r.print(msg)
	}
}

// parseSource parses a source operand and applies OpenSSH's checks; it
// reports and counts a bad one.
func (r *run) parseSource(s string) (Operand, bool) {
	op, err := ParseOperand(s)
	if err != nil {
		r.print(err.Error())
		r.errs++
		return op, false
	}
	if op.Remote && op.User != "" && !CheckUser(op.User) {
		r.print(op.User + ": invalid user name")
		r.errs++
		return op, false
	}
	return op, true
}

// toRemote handles the sources in command-line order, as OpenSSH does,
// which decides what wins when names collide: local ones go over one
// session, started at the first of them, remote ones over their own.
func (r *run) toRemote(sources []string, tgt Operand) {
	var started *transport.Session
	if allLocal(sources) {
		var done bool
		if done, started = r.parallelUpload(sources, tgt); done {
			return
		}
	}
	var up *upload
	defer func() {
		if up != nil {
			r.finish(up.sess, up.Close())
		}
	}()
	for i, s := range sources {
		if r.ctx.Err() != nil {
			return
		}
		op, ok := r.parseSource(s)
		if !ok {
			continue
		}
		if op.Remote && up != nil && up.Sync() != nil {
			return // the copy cannot go on; finish reports why
		}
		switch {
		case op.Remote && r.opts.RemoteDirect:
			r.remoteDirect(op, tgt)
		case op.Remote:
			r.relay(op, tgt)
		default:
			if up == nil {
				if up = r.startUpload(tgt, started); up == nil {
					if r.spare != nil { // the target has no scp but SFTP
						r.fellBack = true
						r.toRemoteSFTP(sources[i:], tgt)
						r.fellBack = false
					}
					return
				}
			}
			if up.Send(s) != nil {
				return // the copy cannot go on; finish reports why
			}
		}
		if r.fatal != 0 {
			return
		}
	}
}

// allLocal reports whether every source is a local path.
func allLocal(sources []string) bool {
	for _, s := range sources {
		if op, err := ParseOperand(s); err != nil || op.Remote {
			return false
		}
	}
	return true
}

// upload is the session that local sources go over.
type upload struct {
	*scp.Sender
	sess *transport.Session
}

// startUpload starts the session for the local sources, unless sess is
// one started already. It returns nil when the copy cannot go on, or goes
// on over SFTP (r.spare).
func (r *run) startUpload(tgt Operand, sess *transport.Session) *upload {
	var err error
	if sess == nil {
		sess, err = r.start(tgt, "-t", tgt.Path)
	}
	if err != nil {
		// ssh's own message, then what OpenSSH's scp adds on upload.
		r.printSSH(err.Error())
		r.print("lost connection")
		r.errs++
		return nil
	}
	if f, ok := r.watchStart(sess, tgt); ok {
		// The sink speaks first: its first reply decides now.
		if f.decide(); f.taken {
			endTaken(sess)
			return nil
		}
	}
	in, out := r.limit(sess.Stdout, sess.Stdin)
	return &upload{Sender: scp.NewSender(r.ctx, in, out, scp.OS{}, r.engineOptions()), sess: sess}
}

// remoteDirect copies from one remote host to another directly (-R): the
// source host runs scp with the target as its operand and connects to the
// target itself, with its own keys or the agent we forward with -A.
func (r *run) remoteDirect(src, tgt Operand) {
	if tgt.Port != 0 && tgt.Port != 22 {
		io.WriteString(r.stderr, cmdline.LogLine(r.argv0, "target port not supported with two remote hosts and the -R option"))
		r.fatal = 255
		return
	}
	if tgt.User != "" && !CheckUser(tgt.User) {
		r.print(tgt.User + ": invalid user name")
		r.errs++
		return
	}
	dest := tgt.Host + ":" + tgt.Path
	if tgt.User != "" {
		dest = tgt.User + "@" + dest
	}
	sess, err := r.exec(src, r.scpCommand()+" "+src.Path+" "+dest)
	if err != nil {
		r.printSSH(err.Error())
		r.errs++
		return
	}
	sess.Stdin.Close()
	out := termsafe.NewWriter(r.stdout)
	io.Copy(out, sess.Stdout)
	out.Close()
	if sess.Wait() != nil {
		r.errs++
	}
}

func (r *run) toLocal(sources []string, target string) {
	for _, s := range sources {
		if r.ctx.Err() != nil {
			return
		}
		op, ok := r.parseSource(s)
		if !ok {
			continue
		}
		if !op.Remote {
			r.localCopy(s, target)
			continue
		}
		if !r.download(op, target) {
			return
		}
	}
}

// download copies the remote source op to target; it returns false when
// the run cannot go on.
func (r *run) download(op Operand, target string) bool {
	opts := r.engineOptions()
	if !r.opts.Recursive && !r.opts.NoNameCheck {
		check, err := scp.NewNameCheck(op.Path)
		if err != nil {
			io.WriteString(r.stderr, cmdline.LogLine(r.argv0, err.Error()))
			r.fatal = 255
			return false
		}
		opts.NameCheck = check
	}
	sess, err := r.start(op, "-f", op.Path)
	if err != nil {
		r.printSSH(err.Error())
		r.errs++
		return true
	}
	f, _ := r.watchStart(sess, op)
	in, out := r.limit(sess.Stdout, sess.Stdin)
	err = scp.Receive(r.ctx, in, out, scp.OS{}, target, opts)
	if f == nil || !f.taken {
		r.finish(sess, err)
		return true
	}
	// The remote has no scp: the copy went to SFTP, or failed there first.
	endTaken(sess)
	if c := r.spare; c != nil {
		r.spare, r.fellBack = nil, true
		r.sinkSFTP(c, target, op.Path)
		c.close(r)
		r.fellBack = false
	}
	return r.fatal == 0
}

// finish ends a session after the engine is done with it. The remote exit
// status counts only when nothing else failed, as in OpenSSH.
func (r *run) finish(sess *transport.Session, engineErr error) {
	if f, ok := sess.Stdout.(*firstReply); ok {
		f.hold.release() // in case the engine never read
	}
	sess.Stdin.Close()
	if engineErr != nil {
		r.errs++
		if engineErr != scp.ErrIncomplete {
			// The copy did not run to its end: the remote may be blocked
			// writing, or be hostile and never stop on its own.
			sess.Close()
		}
	}
	if err := sess.Wait(); err != nil && r.errs == 0 {
		r.errs++
	}
}

// engineOptions are the protocol options for the client's side of a copy.
func (r *run) engineOptions() scp.Options {
	o := scp.Options{
		Recursive:   r.opts.Recursive,
		Preserve:    r.opts.Preserve,
		TargetIsDir: r.mustBeDir,
		Report:      r.print,
		Progress:    r.meter,
		Pipeline:    !r.opts.Serial,
	}
	if r.opts.Verbose > 0 {
		o.Debug = r.print
	}
	return o
}

// remoteCommand is the command line OpenSSH's scp runs on the other side;
// the path goes unquoted so the remote shell expands it as users expect.
func (r *run) remoteCommand(flag, path string) string {
	return commandLine(r.scpCommand(), flag, path)
}

// commandLine is the command scp (with its flags) flag path, as the remote
// shell gets it.
func commandLine(scp, flag, path string) string {
	if strings.HasPrefix(path, "-") {
		path = "-- " + path
	}
	return scp + " " + flag + " " + path
}

// scpCommand is "scp" with the flags the remote side shares with us.
func (r *run) scpCommand() string {
	var b strings.Builder
	b.WriteString("scp")
	if r.opts.Verbose > 0 {
		b.WriteString(" -v")
	}
	if r.opts.Recursive {
		b.WriteString(" -r")
	}
	if r.opts.Preserve {
		b.WriteString(" -p")
	}
	if r.mustBeDir {
		b.WriteString(" -d")
	}
	return b.String()
}

// start connects to op's host (reusing a connection to the same
// destination) and runs the remote scp with flag and path.
// Its first reply can tell that the remote has no scp (firstReply).
func (r *run) start(op Operand, flag, path string) (*transport.Session, error) {
	return r.startCommand(op, r.remoteCommand(flag, path))
}

// startCommand is start with the remote scp's command line as it is.
func (r *run) startCommand(op Operand, cmd string) (*transport.Session, error) {
	hold, stderr := r.heldStderr()
	sess, err := r.execTo(op, cmd, stderr)
	if err == nil && hold != nil {
		sess.Stdout = &firstReply{r: sess.Stdout, hold: hold}
	}
	return sess, err
}

// exec runs cmd on op's host: over our connection to it (reused for the
// same destination), or through the -S program.
func (r *run) exec(op Operand, cmd string) (*transport.Session, error) {
	return r.execTo(op, cmd, r.stderr)
}

// execTo is exec with the remote stderr going to stderr.
func (r *run) execTo(op Operand, cmd string, stderr io.Writer) (*transport.Session, error) {
	user := op.User
	if user == "" {
		user = "(unspecified)"
	}
	if r.opts.Program == "" {
		// As OpenSSH, the line comes before the connection is attempted.
		r.debug(fmt.Sprintf("Executing: program built-in ssh host %s, user %s, command %s", op.Host, user, cmd))
		c, err := r.connect(op)
		if err != nil {
			return nil, err
		}
		return c.StartTo(cmd, stderr)
	}
	// -S: the program is the transport, one run per session, as OpenSSH.
	port := r.opts.PortNum
	if op.Port != 0 {
		port = op.Port
	}
	r.debug(fmt.Sprintf("Executing: program %s host %s, user %s, command %s", r.opts.Program, op.Host, user, cmd))
	args := transport.ProgramArgs(op.Host, op.User, port, r.opts.SSHArgs)
	return transport.StartProgram(r.ctx, r.opts.Program, args, cmd, stderr)
}

func (r *run) connect(op Operand) (*transport.Client, error) {
	port := r.opts.PortNum
	if op.Port != 0 {
		port = op.Port
	}
	return r.dialer.Client(r.ctx, op.Host, op.User, port)
}

// localCopy copies within this machine as OpenSSH does by running
// `cp [-r] [-p] -- SRC TARGET`, natively: the same result and messages.
func (r *run) localCopy(src, target string) {
	if r.opts.Verbose > 0 {
		// Debian's scp quotes every word of the command it runs.
		words := []string{"Executing: cp"}
		if r.opts.Recursive {
			words = append(words, "'-r'")
		}
		if r.opts.Preserve {
			words = append(words, "'-p'")
		}
		words = append(words, "'--'", "'"+src+"'", "'"+target+"'")
		r.debug(strings.Join(words, " "))
	}
	opts := localcopy.Options{Recursive: r.opts.Recursive, Preserve: r.opts.Preserve, Stderr: r.stderr, Context: r.ctx}
	if !localcopy.Copy(src, target, opts) {
		r.errs++
	}
}

// limit applies -l to a session's streams: everything sent and received,
// records and replies included, stays under the limit together.
func (r *run) limit(in io.Reader, out io.Writer) (io.Reader, io.Writer) {
	if r.opts.LimitKbps == 0 {
		return in, out
	}
	return bwlimit.Pair(in, out, r.opts.LimitKbps)
}
