package scp

import (
	"context"
	"io"
	"io/fs"
	"path"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/bwlimit"
	"github.com/goscp/goscp/internal/engine"
	"github.com/goscp/goscp/internal/session"
)

// A Client copies files to and from one SSH server by running scp there
// (`scp -t` to upload, `scp -f` to download), one session per call. Its
// methods may be called from several goroutines at once.
//
// Remote paths are quoted for the remote shell unless CopyOptions.Expand
// says otherwise. A path the remote scp cannot find or write, or a local
// file that cannot be read or written, does not stop the copy: each such
// problem is a *FileError, and they are joined into the returned error
// together with [ErrIncomplete].
type Client struct {
	// start starts a remote command; extra is true for the sessions a copy
	// opens beyond its first, whose stderr would repeat the first one's.
	start func(ctx context.Context, cmd string, extra bool, stderr io.Writer) (*Process, error)
	close func() error
	conn  *ssh.Client
}

// A Process is a remote command that a Client copies over (see
// [NewClientFunc]): the protocol goes to its Stdin and comes from its
// Stdout. Every field must be set.
type Process struct {
	Stdin  io.WriteCloser // closing it ends the command's input
	Stdout io.Reader
	Wait   func() error // waits for the command's end: nil when it exited 0
	Close  func() error // ends the command without waiting for it
}

// CopyOptions control one copy. The zero value (or nil) copies files, not
// directories, without their times, with modes limited by the receiving
// side's umask, as scp does without -r and -p.
type CopyOptions struct {
	Recursive bool // copy directories and what they hold (scp -r)
	// Preserve sends and applies modification and access times and exact
	// modes (scp -p).
	Preserve bool
	// Progress, if not nil, is told about the data of each file as it
	// moves. Names are sanitised unless RawMessages is set. An upload
	// runs on one session with it, unless it is a [ProgressBoard].
	Progress Progress
	// LimitKbps bounds the bandwidth of the copy, both directions together,
	// in Kbit/s (1024 bit/s) as scp's -l; 0 means no limit.
	LimitKbps int64
	// Serial waits for the remote side's reply to every record, as
	// OpenSSH's scp does, instead of keeping the stream moving (see
	// Options.Pipeline). The files written and the errors are the same.
	Serial bool
	// Expand hands remote paths to the remote shell as written, as the
	// scp command does, so that it expands ~, $VAR, globs and braces.
	// Without it each remote path is one literal name, quoted for a
	// POSIX shell.
	Expand bool
	// RawMessages passes on text from the server (messages, names) as
	// sent. Without it, control characters are shown as \ooo escapes so
	// that nothing the server sends can drive a terminal.
	RawMessages bool
	// Sessions is how many sessions of the connection an upload of local
	// files (Upload, UploadFS) may run on at once: 0 chooses as the scp
	// command does (one for fewer than 32 files, up to 10 for more), 1
	// copies on one session, more allows up to that many; DownloadAll
	// fetches that many paths at once (0: up to 10). The files
	// written, their modes and times, and the messages and their order are
	// those of a copy on one session. A copy for which that cannot be
	// promised runs on one session: names that collide, symlinks or
	// special files inside the trees, directories their owner cannot write
	// (embed.FS's), more than 20000 entries, and copies with LimitKbps or
	// a Progress that is not a ProgressBoard set, or Serial with Sessions
	// 0. A server that allows fewer
	// sessions (sshd's MaxSessions) gets fewer.
	Sessions int
	// Report, if not nil, receives each message of the copy as the scp
	// command prints it, in the same order whatever Sessions is, and at most
	// the first 1000 of them and then the number left out, instead of
	// their being joined into the returned error as *FileError values. It
	// is called from the goroutine that called the Client, sanitised
	// unless RawMessages is set.
	Report func(msg string)
}

// NewClient returns a Client that runs its copies over conn, which the
// caller keeps and closes. What the remote scp writes to its stderr is kept,
// up to 4 KiB a copy, for the *CommandError of a copy that fails.
func NewClient(conn *ssh.Client) *Client {
	sessions := session.New(conn)
	start := func(_ context.Context, cmd string, extra bool, stderr io.Writer) (*Process, error) {
		s, err := sessions.Open()
		if err != nil {
			return nil, err
		}
		stdin, err := s.StdinPipe()
		if err == nil {
			var stdout io.Reader
			stdout, err = s.StdoutPipe()
			if !extra {
				s.Stderr = stderr
			}
			if err == nil {
				err = s.Start(cmd)
			}
			if err == nil {
				wait := func() error {
					defer sessions.Ended()
					return s.Wait()
				}
				return &Process{Stdin: stdin, Stdout: stdout, Wait: wait, Close: s.Close}, nil
			}
		}
		s.Close()
		return nil, err
	}
	return &Client{start: start, conn: conn}
}

// NewClientFunc returns a Client that runs each remote scp by calling start
// with the command line for the remote shell, for a connection of another
// kind than an *ssh.Client: an ssh program, a multiplexed connection, a
// pipe in a test. ctx is the copy's. extra is true for the sessions a copy
// opens beyond its first ([CopyOptions.Sessions]): what they write to
// their stderr would repeat what the first one writes. SSHClient returns
// nil for such a Client.
func NewClientFunc(start func(ctx context.Context, command string, extra bool) (*Process, error)) *Client {
	return &Client{start: func(ctx context.Context, cmd string, extra bool, _ io.Writer) (*Process, error) {
		return start(ctx, cmd, extra)
	}}
}

// SSHClient returns the connection the Client copies over, for other uses
// of it such as an SFTP session
// ([github.com/goscp/goscp/scp/sftp.NewSSHClient]).
func (c *Client) SSHClient() *ssh.Client { return c.conn }

// Close ends a Client made by Dial, closing its connection. It does nothing
// for one made by NewClient, whose connection is the caller's.
func (c *Client) Close() error {
	if c.close == nil {
		return nil
	}
	return c.close()
}

// Upload copies local files (and, with Recursive, directories) to target on
// the server: into it when it is a directory, which it must be when there
// is more than one path; otherwise to that name.
func (c *Client) Upload(ctx context.Context, paths []string, target string, opts *CopyOptions) error {
	return c.send(ctx, OS{}, engine.OS{}, paths, target, opts)
}

// UploadFS is Upload with the files read from fsys (an embed.FS, an
// fstest.MapFS, os.DirFS), named as fs.FS names them; "." stands for
// everything at the top of fsys. Their modes are fsys's: embed.FS gives
// 0444 for files and 0555 for directories.
func (c *Client) UploadFS(ctx context.Context, fsys fs.FS, paths []string, target string, opts *CopyOptions) error {
	var names []string
	for _, p := range paths {
		if p != "." {
			names = append(names, p)
			continue
		}
		// A directory named "." would be refused by the remote scp.
		top, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return err
		}
		for _, e := range top {
			names = append(names, e.Name())
		}
	}
	return c.send(ctx, ioFS{fsys: fsys}, fsTree{fsys: fsys}, names, target, opts)
}

// Put writes size bytes read from r to the file remotePath on the server,
// created with mode (less the remote umask, unless Preserve is set). A
// reader that ends early is an error, and the remote file is padded with
// zeros to size. The end of ctx stops the copy once a read of r returns.
func (c *Client) Put(ctx context.Context, r io.Reader, size int64, mode fs.FileMode, remotePath string, opts *CopyOptions) error {
	name := path.Base(remotePath)
	if name == "/" || name == "." {
		return &fs.PathError{Op: "put", Path: remotePath, Err: fs.ErrInvalid}
	}
	return c.send(ctx, &readerFS{name: name, r: r, size: size, mode: mode}, nil, []string{name}, remotePath, opts)
}

// Download copies the remote path (and, with Recursive, the tree under it)
// to target on the local disk: into it when it is an existing directory,
// otherwise to that name. Unless Recursive is set, or Expand and the path
// is a pattern, the server may send nothing but the file asked for.
func (c *Client) Download(ctx context.Context, remotePath, target string, opts *CopyOptions) error {
	return c.receive(ctx, OS{}, remotePath, target, opts, true)
}

// Get writes the content of the remote file remotePath to w.
func (c *Client) Get(ctx context.Context, remotePath string, w io.Writer, opts *CopyOptions) error {
	o := CopyOptions{}
	if opts != nil {
		o = *opts
	}
	o.Recursive = false // a directory cannot go to w
	// No name check: whatever the file is called, only its data is
	// written, and only one file's (writerFS).
	return c.receive(ctx, &writerFS{w: w}, remotePath, path.Base(remotePath), &o, false)
}

// send runs an upload; tree, if not nil, is fsys for a plan of a parallel
// upload.
func (c *Client) send(ctx context.Context, fsys FS, tree engine.Tree, paths []string, target string, opts *CopyOptions) error {
	o := options(opts)
	flags := o.flags()
	if len(paths) > 1 {
		flags += " -d"
	}
	cmd := remoteCommand(flags, "-t", target, o.Expand)
	var par *parallelUpload
	if plan := o.plan(tree, paths); plan != nil {
		par = &parallelUpload{plan: plan, files: fsys, workerCmd: remoteCommand(o.flags()+" -d", "-t", target, o.Expand), mustBeDir: len(paths) > 1, workers: o.Sessions - 1, progress: o.Progress, raw: o.RawMessages}
	} else if engine.SerialDeclined(ctx) {
		return engine.ErrDeclined
	}
	return c.run(ctx, cmd, o, par, func(r io.Reader, w io.Writer, opt Options) error {
		return Send(ctx, r, w, fsys, paths, opt)
	})
}

// receive runs a download; checkNames refuses, without Recursive, names
// that were not asked for.
func (c *Client) receive(ctx context.Context, fsys FS, remotePath, target string, opts *CopyOptions, checkNames bool) error {
	o := options(opts)
	var check *NameCheck
	if checkNames && !o.Recursive {
		requested := remotePath
		if !o.Expand {
			requested = escapePattern(requested)
		}
		var err error
		if check, err = NewNameCheck(requested); err != nil {
			return err
		}
	}
	cmd := remoteCommand(o.flags(), "-f", remotePath, o.Expand)
	return c.run(ctx, cmd, o, nil, func(r io.Reader, w io.Writer, opt Options) error {
		opt.NameCheck = check
		return Receive(ctx, r, w, fsys, target, opt)
	})
}

func options(opts *CopyOptions) *CopyOptions {
	if opts == nil {
		return &CopyOptions{}
	}
	return opts
}

// flags are the remote scp's options that match ours.
func (o *CopyOptions) flags() string {
	f := ""
	if o.Recursive {
		f += " -r"
	}
	if o.Preserve {
		f += " -p"
	}
	return f
}

// run starts cmd and lets copy speak the protocol with it, unless par, if
// not nil, runs the copy on several sessions instead; then it gathers what
// went wrong into one error (see Client).
func (c *Client) run(ctx context.Context, cmd string, o *CopyOptions, par *parallelUpload, copy func(r io.Reader, w io.Writer, opt Options) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stderr := &headWriter{max: maxStderr}
	p, err := c.start(ctx, cmd, false, stderr)
	if err != nil {
		return &CommandError{Command: cmd, Err: err}
	}
	// The protocol stops between records when ctx ends; closing the
	// session also ends a read or write that is blocked.
	stop := context.AfterFunc(ctx, func() { p.Close() })
	defer stop()
	errs := &collector{raw: o.RawMessages, report: o.Report}
	opt := Options{
		Recursive: o.Recursive,
		Preserve:  o.Preserve,
		Report:    errs.add,
		Pipeline:  !o.Serial,
	}
	if o.Progress != nil {
		opt.Progress = o.Progress
		if !o.RawMessages {
			opt.Progress = safeProgress{o.Progress}
		}
	}
	if par != nil {
		if done, err := par.run(ctx, c, p, cmd, opt, errs); done {
			return err
		}
		if engine.SerialDeclined(ctx) {
			return engine.ErrDeclined
		}
	}
	in, out := p.Stdout, io.Writer(p.Stdin)
	if o.LimitKbps > 0 {
		in, out = bwlimit.Pair(in, out, o.LimitKbps)
	}
	res := copy(in, out, opt)
	p.Stdin.Close() // the remote scp ends when its input does
	if res != nil && res != ErrIncomplete {
		// The copy stopped early: the remote side may be blocked
		// writing, or never stop on its own.
		p.Close()
	}
	werr := p.Wait()
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return errs.result(res, c.commandError(cmd, res, werr, stderr.String(), o.RawMessages))
}

// commandError is the *CommandError to join to a copy's result, or nil:
// a remote scp that exited with an error although the copy went well, or
// that had something to say on stderr when the copy broke.
func (c *Client) commandError(cmd string, res, werr error, stderr string, raw bool) error {
	broke := res != nil && res != ErrIncomplete
	if (res == nil && werr != nil) || (broke && stderr != "") {
		return &CommandError{Command: cmd, Stderr: sanitize(stderr, raw), Err: werr}
	}
	return nil
}

// maxStderr bounds the remote stderr kept for a *CommandError.
const maxStderr = 4 << 10

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	max int
	buf []byte
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headWriter) String() string { return string(h.buf) }
