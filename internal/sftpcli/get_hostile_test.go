package sftpcli

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// TestGetHostileNames runs get -r against the real sftp-server whose
// directory listings are rewritten on the way, as a hostile server would
// send them: names with "/" and "..", and "." and ".." as regular files.
// Nothing may be written outside the target, and the rest still comes.
func TestGetHostileNames(t *testing.T) {
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skipf("no %s: %v", sftpServer, err)
	}
	dir := t.TempDir()
	// Each name is rewritten to the one after it.
	renames := map[string]string{
		"up1":   "../escaped",
		"slash": "sub/../../escaped2",
		"dot":   ".",
		"dots":  "..",
		"empty": "",
		"nul":   "a\x00b",
	}
	for name := range renames {
		xferWriteFile(t, dir+"/r/d/"+name, "evil", 0o644)
	}
	xferWriteFile(t, dir+"/r/d/good", "good", 0o644)
	xferWriteFile(t, dir+"/l/keep", "", 0o644)
	t.Chdir(dir)
	x := newHostileSession(t, dir, func(p []byte) ([]byte, error) {
		if p[0] != fxpName {
			return p, nil
		}
		return renameEntries(p, renames)
	})

	err := xferRun(x, "get -r r/d l/d")
	if err != nil {
		t.Errorf("get -r: %v", err)
	}
	if got := xferReadFile(t, dir+"/l/d/good"); got != "good" {
		t.Errorf("l/d/good = %q", got)
	}
	var found []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.HasPrefix(p, dir+"/r/") {
			found = append(found, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	if want := "l/d/good l/keep"; strings.Join(found, " ") != want {
		t.Errorf("local files %q, want %q", found, want)
	}
	for _, name := range []string{"../escaped", "sub/../../escaped2"} {
		msg := `Server sent suspect path "` + name + `" during readdir of "` + dir + `/r/d"` + "\r\n"
		if !strings.Contains(x.stderr.String(), msg) {
			t.Errorf("stderr %q lacks %q", x.stderr, msg)
		}
	}
}

// TestGetSizeLie: a server whose file ends before the size it gave makes
// get fail, keeping what arrived.
func TestGetSizeLie(t *testing.T) {
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skipf("no %s: %v", sftpServer, err)
	}
	dir := t.TempDir()
	data := xferData(100000)
	xferWriteFile(t, dir+"/r/a", data, 0o644)
	xferWriteFile(t, dir+"/l/a", "old", 0o644)
	t.Chdir(dir)
	x := newHostileSession(t, dir, func(p []byte) ([]byte, error) {
		// The size of every ATTRS reply, one byte more.
		if p[0] == fxpAttrs && binary.BigEndian.Uint32(p[5:])&sftp.AttrSize != 0 {
			binary.BigEndian.PutUint64(p[9:], binary.BigEndian.Uint64(p[9:])+1)
		}
		return p, nil
	})
	if err := xferRun(x, "get r/a l/a"); err != errReported {
		t.Errorf("get: %v, want errReported", err)
	}
	want := `read remote "` + dir + `/r/a" : file ended before its size` + "\r\n"
	if x.stderr.String() != want {
		t.Errorf("stderr %q, want %q", x.stderr, want)
	}
	if got := xferReadFile(t, dir+"/l/a"); got != data {
		t.Errorf("l/a has %d bytes, want the %d that came", len(got), len(data))
	}
}

// newHostileSession is a session on sftp-server in dir whose replies
// pass through fix on their way, if fix is not nil.
func newHostileSession(tb testing.TB, dir string, fix func(p []byte) ([]byte, error)) *xferSession {
	tb.Helper()
	cmd := exec.Command(sftpServer)
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	var replies io.Reader = out
	if fix != nil {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(rewritePackets(out, pw, fix)) }()
		replies = pr
	}
	client, err := sftp.NewClient(tb.Context(), replies, in, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		client.Close()
		cmd.Wait()
	})
	x := &xferSession{dir: dir, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	x.session = &session{ctx: tb.Context(), client: client, stdout: x.stdout, stderr: x.stderr, pwd: dir, startDir: dir}
	return x
}

const (
	fxpName  = 104
	fxpAttrs = 105
)

// rewritePackets copies SFTP packets from r to w through fix.
func rewritePackets(r io.Reader, w io.Writer, fix func(p []byte) ([]byte, error)) error {
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return err
		}
		p := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(r, p); err != nil {
			return err
		}
		if len(p) > 9 {
			var err error
			if p, err = fix(p); err != nil {
				return err
			}
		}
		out := binary.BigEndian.AppendUint32(nil, uint32(len(p)))
		if _, err := w.Write(append(out, p...)); err != nil {
			return err
		}
	}
}

// renameEntries rewrites a NAME packet: type, id, count, then per entry
// a name, a longname and attributes.
func renameEntries(p []byte, renames map[string]string) ([]byte, error) {
	d := &wire{b: p[9:]}
	out := append([]byte(nil), p[:9]...)
	for n := binary.BigEndian.Uint32(p[5:9]); n > 0; n-- {
		name := d.str()
		if r, ok := renames[name]; ok {
			name = r
		}
		out = binary.BigEndian.AppendUint32(out, uint32(len(name)))
		out = append(out, name...)
		before := d.b
		d.str() // longname
		d.attrs()
		if d.err != nil {
			return nil, d.err
		}
		out = append(out, before[:len(before)-len(d.b)]...)
	}
	return out, nil
}

// wire reads SFTP fields.
type wire struct {
	b   []byte
	err error
}

func (d *wire) n(k int) []byte {
	if len(d.b) < k {
		d.err = errors.New("short packet")
		d.b = nil
		return make([]byte, k)
	}
	v := d.b[:k]
	d.b = d.b[k:]
	return v
}

func (d *wire) u32() uint32 { return binary.BigEndian.Uint32(d.n(4)) }
func (d *wire) str() string { return string(d.n(int(d.u32()))) }

func (d *wire) attrs() {
	flags := d.u32()
	for _, f := range []struct {
		bit   uint32
		bytes int
	}{{sftp.AttrSize, 8}, {sftp.AttrUIDGID, 8}, {sftp.AttrPermissions, 4}, {sftp.AttrACModTime, 8}} {
		if flags&f.bit != 0 {
			d.n(f.bytes)
		}
	}
	if flags&sftp.AttrExtended != 0 {
		for n := d.u32(); n > 0 && d.err == nil; n-- {
			d.str()
			d.str()
		}
	}
}
