package scp

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/goscp/goscp/internal/engine"
)

// DownloadAll copies remote paths (and, with Recursive, the trees under
// them) into target, an existing local directory, as the scp command copies
// several remote sources: each path with a remote scp of its own. They run
// at once, on up to [CopyOptions].Sessions sessions, when that gives the
// result of one after the other: when no two paths end in the same name,
// none of those names is a symlink in target, and Expand, LimitKbps and
// Progress are not set. Errors, and messages given to Report, come in the
// order of remotePaths.
func (c *Client) DownloadAll(ctx context.Context, remotePaths []string, target string, opts *CopyOptions) error {
	if err := CheckDir(OS{}, target); err != nil {
		return err
	}
	o := options(opts)
	downloads := make([]pathDownload, len(remotePaths))
	if n := o.downloadSessions(remotePaths, target); n > 1 {
		c.downloadAtOnce(ctx, remotePaths, target, o, downloads, n)
	}
	var errs []error
	for i, p := range remotePaths {
		d := &downloads[i]
		if !d.ran {
			// One at a time, or its session could not be started: now
			// it runs in its turn.
			d.err = c.Download(ctx, p, target, o)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, m := range d.msgs {
			o.Report(m)
		}
		errs = append(errs, d.err)
	}
	return errors.Join(errs...)
}

// pathDownload is one path's copy, held until its turn.
type pathDownload struct {
	ran  bool // its remote scp started
	msgs []string
	err  error
}

// downloadSessions is how many paths may be copied at once.
func (o *CopyOptions) downloadSessions(remotePaths []string, target string) int {
	n := o.Sessions
	if n == 0 {
		n = engine.MaxDownloads
		if o.Serial {
			n = 1
		}
	}
	if n < 2 || o.Expand || o.LimitKbps > 0 || o.Progress != nil {
		return 1
	}
	if !engine.SeparateNames(target, remotePaths) {
		return 1
	}
	return min(n, len(remotePaths))
}

// downloadAtOnce runs the downloads on up to n sessions at once, each
// taking the next path when it is done with one. A session that cannot be
// started (the server's MaxSessions, say) leaves its path, and the worker
// that asked for it stops.
func (c *Client) downloadAtOnce(ctx context.Context, remotePaths []string, target string, o *CopyOptions, downloads []pathDownload, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(remotePaths) {
					return
				}
				d := &downloads[i]
				held := *o
				if o.Report != nil {
					held.Report = func(msg string) { d.msgs = append(d.msgs, msg) }
				}
				// A copy of c that tells whether the session started.
				cc := *c
				cc.start = func(ctx context.Context, cmd string, extra bool, stderr io.Writer) (*Process, error) {
					p, err := c.start(ctx, cmd, extra, stderr)
					d.ran = err == nil
					return p, err
				}
				if err := cc.Download(ctx, remotePaths[i], target, &held); d.ran {
					d.err = err
				} else {
					return
				}
			}
		})
	}
	wg.Wait()
}
