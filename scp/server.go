package scp

import (
	"context"
	"io"
)

// Role is the side a server plays: what `scp -t` or `scp -f` asked for.
type Role int

const (
	// RoleSink receives files, as `scp -t TARGET`.
	RoleSink Role = iota
	// RoleSource sends files, as `scp -f PATH...`.
	RoleSource
)

// Serve runs the remote side of a copy on r and w, the way OpenSSH's scp
// does when started by a client with -t or -f. opt.Report should be nil: a
// server prints nothing locally and tells the client instead.
func Serve(ctx context.Context, r io.Reader, w io.Writer, fsys FS, role Role, paths []string, opt Options) error {
	opt.serving = true
	if role == RoleSource {
		return Send(ctx, r, w, fsys, paths, opt)
	}
	if len(paths) != 1 {
		c := newConn(ctx, r, w, &opt)
		c.runErr("ambiguous target")
		c.flush()
		return ErrIncomplete
	}
	return Receive(ctx, r, w, fsys, paths[0], opt)
}
