package sftpxfer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// A checked resume (Options.ResumeChecked, scp's -X resume) keeps the
// longest prefix that the existing target shares with the source and
// copies the rest, so the result is the source whatever the target held:
// a target that differs is rewritten from its first differing byte on,
// one that is longer is cut. The prefix is compared byte for byte: OpenSSH's
// sftp-server has no hash extension ("check-file" and "md5-hash" are not
// in 9.2), so the server's part is read back either way, and reading it
// finds the first difference, where a hash would only say that there is
// one.

// compareSize is how much of the local file is read at a time to compare.
const compareSize = 64 << 10

// errStop ends a read-back once the comparison is decided.
var errStop = errors.New("sftpxfer: comparison decided")

// openChecked opens the remote target of a checked resume for reading
// and writing, without truncating it. A target that cannot be read is
// opened as an ordinary copy would open it, to be rewritten whole.
func (x *Transfer) openChecked(dst string, perm os.FileMode) (f *sftp.File, readable bool, err error) {
	f, err = x.Client.OpenFile(x.Ctx, dst, os.O_RDWR|os.O_CREATE, perm)
	if err == nil || ConnLost(err) || x.interrupted() {
		return f, err == nil, err
	}
	f, err = x.Client.OpenFile(x.Ctx, dst, os.O_WRONLY|os.O_CREATE, perm)
	return f, false, err
}

// matchRemote reads the open remote target f back and returns how many
// of its first bytes equal those of local (size bytes long). A read that
// fails ends the comparison where it failed: what was compared still
// counts. The error is a lost connection's or the local file's (with the
// bytes found equal before it).
func (x *Transfer) matchRemote(f *sftp.File, local *os.File, size int64) (int64, error) {
	fi, err := f.Stat(x.Ctx)
	if err != nil || fi.Attrs.Flags&sftp.AttrSize == 0 {
		if ConnLost(err) {
			return 0, err
		}
		return 0, nil
	}
	had := int64(min(fi.Attrs.Size, 1<<62))
	c := &comparer{local: local, end: min(had, size)}
	if c.end > 0 {
		_, err = f.CopyTo(x.Ctx, c, 0)
	}
	switch {
	case c.err != nil:
		return c.pos, &localError{c.err}
	case ConnLost(err):
		return 0, err
	}
	x.debugResume(f.Name(), c.pos, had, size)
	return c.pos, nil
}

// comparer takes the bytes of a remote file in order and compares them
// with local's up to end; it stops the read at the first difference.
type comparer struct {
	local *os.File
	end   int64
	pos   int64 // bytes found equal
	buf   []byte
	err   error // local's
}

func (c *comparer) Write(p []byte) (int, error) {
	n, err := c.match(p)
	if err == nil && c.pos >= c.end {
		err = errStop
	}
	return n, err
}

// match advances pos over the bytes of p that equal local's, up to end;
// it returns errStop at a difference, the local error when reading fails.
func (c *comparer) match(p []byte) (int, error) {
	if c.buf == nil {
		c.buf = make([]byte, compareSize)
	}
	n := 0
	for n < len(p) && c.pos < c.end {
		k := int(min(int64(len(p)-n), int64(len(c.buf)), c.end-c.pos))
		got, err := c.local.ReadAt(c.buf[:k], c.pos)
		same := commonPrefix(c.buf[:got], p[n:n+got])
		c.pos += int64(same)
		n += same
		switch {
		case same < got:
			return n, errStop
		case err == io.EOF:
			c.end = c.pos // the local file shrank: what follows differs
			return n, errStop
		case err != nil:
			c.err = err
			return n, err
		}
	}
	return n, nil
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i += compareSize {
		j := min(i+compareSize, n)
		if !bytes.Equal(a[i:j], b[i:j]) {
			for k := i; ; k++ {
				if a[k] != b[k] {
					return k
				}
			}
		}
	}
	return n
}

// keeper is a download's local end under a checked resume: it compares
// the first bytes that arrive with the local file's and writes from the
// first difference, or the local file's end, on.
type keeper struct {
	c       *comparer
	have    int64 // the local file's size before the copy
	writing bool
	kept    int64 // bytes kept when writing began
}

func newKeeper(local *os.File, have int64) *keeper {
	return &keeper{c: &comparer{local: local, end: have}, have: have}
}

func (k *keeper) Write(p []byte) (int, error) {
	n := 0
	if !k.writing {
		m, err := k.c.match(p)
		if err != nil && err != errStop {
			return m, err
		}
		n = m
		if n == len(p) && k.c.pos < k.c.end {
			return n, nil
		}
		k.writing, k.kept = true, k.c.pos
	}
	m, err := k.c.local.WriteAt(p[n:], k.c.pos)
	k.c.pos += int64(m)
	return n + m, err
}

// keptBytes is how many of the local file's bytes were kept.
func (k *keeper) keptBytes() int64 {
	if k.writing {
		return k.kept
	}
	return k.c.pos
}

// localHave is the size of the open local target of a checked resume.
func (x *Transfer) localHave(local *os.File) (int64, error) {
	st, err := local.Stat()
	if err != nil {
		x.errorf("stat local \"%s\": %s", local.Name(), strerror.Text(err))
		return 0, ErrReported
	}
	return st.Size(), nil
}

// debugResume says with -v how much of the target a checked resume kept.
func (x *Transfer) debugResume(target string, kept, had, size int64) {
	if x.Debug != nil {
		x.Debug(fmt.Sprintf("resume \"%s\": keeping %d of its %d bytes, copying %d", target, kept, had, size-kept))
	}
}
