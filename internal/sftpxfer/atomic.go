package sftpxfer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// An atomic copy (Options.Atomic, scp's -X atomic) writes a temporary
// file in the target's directory and renames it over the target once the
// copy is complete and -p's times and modes are set on it: a reader sees
// the old file or the new one, never a part. A failed or interrupted copy
// removes the temporary file and leaves the target as it was; only a
// broken connection leaves a remote one behind, under its dot name.
//
// A remote target is replaced with posix-rename@openssh.com. Without that
// extension a plain rename still makes a new target (it refuses to
// replace, and so cannot clobber one made meanwhile), but an existing
// target is refused before anything is sent. Without -p, a target that
// existed keeps its permission bits, as an ordinary copy leaves them.

// CleanupBound bounds the wait for the removal of a remote temporary file
// after ^C, when the server may be the reason for the ^C.
const CleanupBound = 10 * time.Second

// tempName is the temporary name beside dir+base: "." base "." and 16
// random hex digits. A long base is shortened to stay within NAME_MAX.
func tempName(dir, base string) string {
	if len(base) > 200 {
		base = base[:200]
	}
	var r [8]byte
	rand.Read(r[:])
	return dir + "." + base + "." + hex.EncodeToString(r[:])
}

// uploadAtomic is Upload under Options.Atomic.
func (x *Transfer) uploadAtomic(src, dst string, o Options) error {
	o.Atomic = false
	old, err := x.Client.Stat(x.Ctx, dst)
	if ConnLost(err) {
		return err
	}
	exists := err == nil
	posix := x.Client.HasExtension("posix-rename@openssh.com")
	if exists && !posix {
		x.errorf("replace \"%s\": the server cannot rename over a file (no posix-rename@openssh.com)", dst)
		return ErrReported
	}
	tmp := tempName(path.Split(dst))
	err = x.Upload(src, tmp, o)
	if err == nil && !x.interrupted() {
		if exists && !o.Preserve {
			keep := &sftp.Attributes{Flags: sftp.AttrPermissions, Mode: old.Attrs.Mode & 0o7777}
			err = x.warnFailed(x.Client.Setstat(x.Ctx, tmp, keep), "remote setstat: %s")
		}
		if err == nil {
			err = x.renameRemote(tmp, dst, posix)
		}
	}
	if err != nil || x.interrupted() {
		x.removeRemote(tmp)
	}
	return err
}

// renameRemote moves tmp over dst.
func (x *Transfer) renameRemote(tmp, dst string, posix bool) error {
	rename := x.Client.Rename
	if posix {
		rename = x.Client.PosixRename
	}
	if err := rename(x.Ctx, tmp, dst); err != nil {
		return x.remoteFailed(err, "Couldn't rename file \"%s\" to \"%s\": %s", tmp, dst, FxText(err))
	}
	return nil
}

// removeRemote removes a temporary file, also after ^C, waiting a
// bounded time for the server: it handles the requests in order, so the
// removal comes after the writes still in flight.
func (x *Transfer) removeRemote(tmp string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(x.Ctx), CleanupBound)
	defer cancel()
	x.Client.Remove(ctx, tmp)
}

// downloadAtomic is Download under Options.Atomic: the temporary file
// is local, so it is removed whatever happened.
func (x *Transfer) downloadAtomic(src, dst string, a *sftp.Attributes, o Options) error {
	o.Atomic = false
	old, statErr := os.Stat(dst)
	tmp := tempName(filepath.Split(dst))
	err := x.Download(src, tmp, a, o)
	if err == nil && !x.interrupted() {
		if statErr == nil && !o.Preserve {
			if cerr := os.Chmod(tmp, old.Mode().Perm()); cerr != nil {
				x.errorf("local chmod \"%s\": %s", tmp, strerror.Text(cerr))
			}
		}
		if rerr := os.Rename(tmp, dst); rerr != nil {
			x.errorf("rename local \"%s\" to \"%s\": %s", tmp, dst, strerror.Text(rerr))
			err = ErrReported
		}
	}
	if err != nil || x.interrupted() {
		os.Remove(tmp)
	}
	return err
}
