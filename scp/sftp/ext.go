package sftp

import (
	"context"
	"errors"
	"fmt"
)

// ext is an extension this package speaks, in the version it speaks.
type ext struct {
	name    string
	version int
}

var (
	extPosixRename = ext{"posix-rename@openssh.com", 1}
	extStatVFS     = ext{"statvfs@openssh.com", 2}
	extFstatVFS    = ext{"fstatvfs@openssh.com", 2}
	extHardlink    = ext{"hardlink@openssh.com", 1}
	extFsync       = ext{"fsync@openssh.com", 1}
	extLsetstat    = ext{"lsetstat@openssh.com", 1}
	extLimits      = ext{"limits@openssh.com", 1}
	extExpandPath  = ext{"expand-path@openssh.com", 1}
	extCopyData    = ext{"copy-data", 1}
	extHomeDir     = ext{"home-directory", 1}
	extUsersGroups = ext{"users-groups-by-id@openssh.com", 1}
)

// extended sends an SSH_FXP_EXTENDED request whose fields are appended
// by body, after checking that the server offers the extension.
func (c *Client) extended(ctx context.Context, e ext, body func([]byte) []byte) (message, error) {
	if !c.supports(e) {
		return nil, fmt.Errorf("sftp: server does not support the %s extension: %w", e.name, errors.ErrUnsupported)
	}
	data := body(nil)
	return c.roundTrip(ctx, func(id uint32) message {
		return &extendedMsg{Type: fxpExtended, ID: id, Name: e.name, Data: data}
	})
}

// extendedStatus is extended for requests answered by a STATUS.
func (c *Client) extendedStatus(ctx context.Context, e ext, body func([]byte) []byte) error {
	m, err := c.extended(ctx, e, body)
	if err != nil {
		return err
	}
	return statusOf(m)
}

// extendedReply is extended for requests answered by an EXTENDED_REPLY:
// it returns a decoder over the reply's data.
func (c *Client) extendedReply(ctx context.Context, e ext, body func([]byte) []byte) (*decoder, error) {
	m, err := c.extended(ctx, e, body)
	if err != nil {
		return nil, err
	}
	r, ok := m.(*extendedMsg)
	if !ok || r.Type != fxpExtendedReply {
		return nil, unexpected(m)
	}
	return &decoder{b: r.Data}, nil
}

func strings2(a, b string) func([]byte) []byte {
	return func(p []byte) []byte { return appendString(appendString(p, a), b) }
}

func string1(a string) func([]byte) []byte {
	return func(p []byte) []byte { return appendString(p, a) }
}

// PosixRename renames with POSIX semantics (an existing newpath is
// replaced), using posix-rename@openssh.com.
func (c *Client) PosixRename(ctx context.Context, oldpath, newpath string) error {
	if err := c.extendedStatus(ctx, extPosixRename, strings2(oldpath, newpath)); err != nil {
		return &LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Link creates a hard link newpath to oldpath (hardlink@openssh.com).
func (c *Client) Link(ctx context.Context, oldpath, newpath string) error {
	if err := c.extendedStatus(ctx, extHardlink, strings2(oldpath, newpath)); err != nil {
		return &LinkError{Op: "link", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Lsetstat is Setstat that does not follow a final symlink
// (lsetstat@openssh.com).
func (c *Client) Lsetstat(ctx context.Context, name string, a *Attributes) error {
	err := c.extendedStatus(ctx, extLsetstat, func(p []byte) []byte { return a.appendTo(appendString(p, name)) })
	if err != nil {
		return pathErr("lsetstat", name, err)
	}
	return nil
}

// ExpandPath canonicalises a path on the server, expanding "~" and
// "~user" (expand-path@openssh.com).
func (c *Client) ExpandPath(ctx context.Context, name string) (string, error) {
	s, err := oneName(c.extended(ctx, extExpandPath, string1(name)))
	if err != nil {
		return "", pathErr("expand-path", name, err)
	}
	return s, nil
}

// HomeDirectory returns the home directory of user, or of the logged-in
// user when user is "" (home-directory).
func (c *Client) HomeDirectory(ctx context.Context, user string) (string, error) {
	s, err := oneName(c.extended(ctx, extHomeDir, string1(user)))
	if err != nil {
		return "", fmt.Errorf("sftp: home directory of %q: %w", user, err)
	}
	return s, nil
}

// StatVFS is a file system's statistics, as statvfs(3) gives them.
type StatVFS struct {
	Bsize, Frsize, Blocks, Bfree, Bavail, Files, Ffree, Favail, Fsid, Flag, Namemax uint64
}

// Flag bits of [StatVFS].
const (
	StatVFSReadOnly = 0x1
	StatVFSNoSUID   = 0x2
)

func decodeStatVFS(d *decoder) (*StatVFS, error) {
	s := &StatVFS{}
	for _, f := range []*uint64{&s.Bsize, &s.Frsize, &s.Blocks, &s.Bfree, &s.Bavail, &s.Files,
		&s.Ffree, &s.Favail, &s.Fsid, &s.Flag, &s.Namemax} {
		*f = d.u64()
	}
	if err := d.end(); err != nil {
		return nil, fmt.Errorf("sftp: statvfs reply: %w", err)
	}
	return s, nil
}

// StatVFS returns the statistics of the file system holding the named
// file (statvfs@openssh.com).
func (c *Client) StatVFS(ctx context.Context, name string) (*StatVFS, error) {
	d, err := c.extendedReply(ctx, extStatVFS, string1(name))
	if err == nil {
		var s *StatVFS
		if s, err = decodeStatVFS(d); err == nil {
			return s, nil
		}
	}
	return nil, pathErr("statvfs", name, err)
}

// Limits are the server's limits (limits@openssh.com); zero means the
// server sets none.
type Limits struct {
	MaxPacketLength, MaxReadLength, MaxWriteLength, MaxOpenHandles uint64
}

// Limits asks the server for its limits (limits@openssh.com). NewClient
// has already used them to size transfers.
func (c *Client) Limits(ctx context.Context) (*Limits, error) {
	d, err := c.extendedReply(ctx, extLimits, func(p []byte) []byte { return p })
	if err != nil {
		return nil, fmt.Errorf("sftp: limits: %w", err)
	}
	l := &Limits{MaxPacketLength: d.u64(), MaxReadLength: d.u64(), MaxWriteLength: d.u64(), MaxOpenHandles: d.u64()}
	if err := d.end(); err != nil {
		return nil, fmt.Errorf("sftp: limits reply: %w", err)
	}
	return l, nil
}

// UsersGroupsByID maps numeric user and group ids to names
// (users-groups-by-id@openssh.com). The results are in the order of the
// arguments, with "" for an unknown id; the names are untrusted.
func (c *Client) UsersGroupsByID(ctx context.Context, uids, gids []uint32) (users, groups []string, err error) {
	ids := func(p []byte, l []uint32) []byte {
		p = appendU32(p, uint32(4*len(l)))
		for _, id := range l {
			p = appendU32(p, id)
		}
		return p
	}
	d, err := c.extendedReply(ctx, extUsersGroups, func(p []byte) []byte { return ids(ids(p, uids), gids) })
	if err != nil {
		return nil, nil, fmt.Errorf("sftp: users-groups-by-id: %w", err)
	}
	ub, gb := d.bytes(), d.bytes()
	if err := d.end(); err != nil {
		return nil, nil, fmt.Errorf("sftp: users-groups-by-id reply: %w", err)
	}
	if users, err = names(ub, len(uids)); err == nil {
		groups, err = names(gb, len(gids))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sftp: users-groups-by-id reply: %w", err)
	}
	return users, groups, nil
}

// names decodes want strings packed in b.
func names(b []byte, want int) ([]string, error) {
	d := &decoder{b: b}
	out := make([]string, 0, want)
	for range want {
		out = append(out, d.str())
	}
	return out, d.end()
}
