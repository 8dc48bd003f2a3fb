package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strings"
	"time"

	"github.com/goscp/goscp/internal/bwlimit"
	"github.com/goscp/goscp/internal/termsafe"
)

// CopyOptions control a copy by [Client.Upload], [Client.UploadFS],
// [Client.Put], [Client.Download] and [Client.Get]. The zero value (or
// nil) copies files, not directories, without their times, with modes
// limited by the receiving side's umask, as sftp's put and get do without
// -r and -p.
type CopyOptions struct {
	Recursive bool // copy directories and what they hold (sftp -r)
	// Preserve copies modification and access times and exact permission
	// bits (sftp -p).
	Preserve bool
	// Progress, if not nil, is told about the data of each file as it
	// moves.
	Progress Progress
	// LimitKbps bounds the bandwidth of each file's data in Kbit/s
	// (1024 bit/s), as sftp's -l; 0 means no limit.
	LimitKbps int64
}

// Progress observes the data of each file of a copy as it moves. Start
// gets the source path, sanitised for a terminal, and the size the source
// gave (-1 when unknown); Finish follows every Start, also after a failure.
type Progress interface {
	Start(name string, size int64)
	Add(n int64)
	Finish()
}

// A TransferError is one file or directory of a copy that was not copied,
// or not completely. The copy goes on with the others; their errors are
// joined (errors.Join) into the one the copy returns, and the copy stops
// at once only when the connection is lost ([ErrConnLost]), the client
// closed or the context ended.
type TransferError struct {
	Op   string // "upload", "download", "put" or "get"
	Path string // the source: local (or fs.FS) for uploads, remote for downloads, untrusted
	Err  error  // why, such as an *fs.PathError, [ErrSymlink] or [ErrUnsafeName]
}

// Error returns the message sanitised for a terminal: the path may come
// from the server.
func (e *TransferError) Error() string {
	return termsafe.String(e.Op + " " + e.Path + ": " + e.Err.Error())
}

func (e *TransferError) Unwrap() error { return e.Err }

// Reasons a file of a copy was skipped, wrapped by a [TransferError].
var (
	// ErrUnsafeName is a name in a remote directory listing that cannot
	// be a local file name below the target: empty, or holding "/" or
	// NUL (or one Windows reserves). "." and ".." are passed over
	// silently.
	ErrUnsafeName = errors.New("sftp: unsafe file name")
	// ErrSymlink is a symlink inside a tree, which a copy never
	// follows, on either side.
	ErrSymlink = errors.New("sftp: symlink not followed")
	// ErrNotRegular is a device, pipe, socket or other file that is
	// neither a regular file nor a directory.
	ErrNotRegular = errors.New("sftp: not a regular file")
	// ErrDirectory is a directory given to a copy without Recursive.
	ErrDirectory = errors.New("sftp: is a directory (not recursive)")
	// ErrTooDeep is a directory more than 64 levels below the top of
	// the copy, as OpenSSH's limit.
	ErrTooDeep = errors.New("sftp: directory tree too deep")
)

// maxDepth bounds the levels of a tree copy, against a server that
// invents directories without end.
const maxDepth = 64

// Put writes what r yields to the file remotePath, created (or truncated)
// with the permission bits of mode, less the server's umask unless
// Preserve is set. With size >= 0, r must yield size bytes: only those
// are written, and a reader that ends sooner is an error wrapping
// io.ErrUnexpectedEOF. With size < 0, r is copied until it ends.
func (c *Client) Put(ctx context.Context, r io.Reader, size int64, mode fs.FileMode, remotePath string, opts *CopyOptions) error {
	o := options(opts)
	if size >= 0 {
		r = io.LimitReader(r, size)
	}
	f, err := c.Create(ctx, remotePath, mode.Perm())
	if err != nil {
		return &TransferError{Op: "put", Path: remotePath, Err: err}
	}
	p := o.start(remotePath, size)
	n, err := f.CopyFrom(ctx, o.reader(r, p), 0)
	if err == nil && size >= 0 && n < size {
		err = shortErr(n, size)
	}
	if err == nil && o.Preserve {
		err = f.Setstat(ctx, &Attributes{Flags: AttrPermissions, Mode: posixPerm(mode)})
	}
	err = closeWith(ctx, f, err)
	p.Finish()
	if err != nil {
		return &TransferError{Op: "put", Path: remotePath, Err: err}
	}
	return nil
}

// Get writes the content of the remote file remotePath to w. An end of
// file before the size the server gave is an error wrapping
// io.ErrUnexpectedEOF.
func (c *Client) Get(ctx context.Context, remotePath string, w io.Writer, opts *CopyOptions) error {
	o := options(opts)
	f, err := c.Open(ctx, remotePath)
	if err != nil {
		return &TransferError{Op: "get", Path: remotePath, Err: err}
	}
	defer closeRead(f)
	p := o.start(remotePath, -1)
	_, err = f.CopyTo(ctx, o.writer(w, p), 0)
	p.Finish()
	if err != nil {
		return &TransferError{Op: "get", Path: remotePath, Err: err}
	}
	return nil
}

func options(opts *CopyOptions) *CopyOptions {
	if opts == nil {
		return &CopyOptions{}
	}
	return opts
}

// start tells the progress observer, if any, about a file.
func (o *CopyOptions) start(name string, size int64) Progress {
	if o.Progress == nil {
		return noProgress{}
	}
	o.Progress.Start(termsafe.String(name), size)
	return o.Progress
}

// reader is r paced and observed as o says.
func (o *CopyOptions) reader(r io.Reader, p Progress) io.Reader {
	if o.LimitKbps > 0 {
		r = bwlimit.Reader(r, o.LimitKbps)
	}
	return progressReader{r, p}
}

// writer is w paced and observed as o says.
func (o *CopyOptions) writer(w io.Writer, p Progress) io.Writer {
	if o.LimitKbps > 0 {
		w = bwlimit.Writer(w, o.LimitKbps)
	}
	return progressWriter{w, p}
}

type noProgress struct{}

func (noProgress) Start(string, int64) {}
func (noProgress) Add(int64)           {}
func (noProgress) Finish()             {}

type progressReader struct {
	r io.Reader
	p Progress
}

func (r progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		r.p.Add(int64(n))
	}
	return n, err
}

type progressWriter struct {
	w io.Writer
	p Progress
}

func (w progressWriter) Write(b []byte) (int, error) {
	n, err := w.w.Write(b)
	if n > 0 {
		w.p.Add(int64(n))
	}
	return n, err
}

// closeWith closes a remote file and returns err, or the close's error:
// a failed close of a written file may mean lost data.
func closeWith(ctx context.Context, f *File, err error) error {
	if cerr := f.Close(ctx); err == nil {
		return cerr
	}
	return err
}

func shortErr(n, size int64) error {
	return fmt.Errorf("read %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
}

// fatal reports whether err ends a whole copy rather than one file.
func fatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrConnLost) || errors.Is(err, ErrClosed)
}

// copyErrs gathers the per-file errors of one copy.
type copyErrs struct {
	ctx  context.Context
	op   string
	errs []error
}

// fail records what went wrong with path, and returns err when it ends
// the whole copy.
func (e *copyErrs) fail(path string, err error) error {
	e.errs = append(e.errs, &TransferError{Op: e.op, Path: path, Err: err})
	if fatal(e.ctx, err) {
		return err
	}
	return nil
}

func (e *copyErrs) result() error { return errors.Join(e.errs...) }

// rjoin joins remote path elements without cleaning: the server decides
// what ".." and symlinks mean.
func rjoin(dir, name string) string {
	if dir == "" {
		return name
	}
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// unixSecs is t as SFTP's unsigned 32-bit seconds, clamped.
func unixSecs(t time.Time) uint32 {
	return uint32(min(max(t.Unix(), 0), math.MaxUint32))
}
