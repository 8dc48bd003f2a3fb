package e2e

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

// Big files in SFTP mode move over several SFTP sessions at once (issue 12
// §3; internal/sftpxfer/split.go, threshold 32 MiB): the result, the
// messages and the exit status must still be OpenSSH's scp -s's.

// splitMiB is the split threshold of internal/sftpxfer.
const splitMiB = 32 << 20

// startCountingSFTP starts an sshd (with extra config lines) whose sftp
// subsystem is sftp-server behind a script that adds a line to the
// returned file at each start: how many sessions a copy opened.
func startCountingSFTP(t *testing.T, extra ...string) (*sshdtest.Server, string) {
	t.Helper()
	starts := filepath.Join(t.TempDir(), "starts")
	return startSFTPScript(t, "echo >>"+starts+"\nexec /usr/lib/openssh/sftp-server\n", extra...), starts
}

// startSFTPScript starts an sshd (with extra config lines) whose sftp
// subsystem is the shell script body, run in a directory of its own.
func startSFTPScript(t *testing.T, body string, extra ...string) *sshdtest.Server {
	t.Helper()
	dir := t.TempDir()
	sub := filepath.Join(dir, "sftp-script")
	if err := os.WriteFile(sub, []byte("#!/bin/sh\ncd "+dir+" || exit 1\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, "sshd-wrapper")
	script := `#!/bin/sh
prev= conf=
for a; do [ "$prev" = -f ] && conf=$a; prev=$a; done
sed -i 's|^Subsystem[[:space:]].*|Subsystem sftp ` + sub + `|' "$conf" && exec ` + sshdtest.SSHD + ` "$@"
`
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return sshdtest.Start(t, sshdtest.Config{Program: wrapper, Extra: extra})
}

// sessions returns how many sftp sessions started since the last call.
func sessions(t *testing.T, starts string, seen *int) int {
	t.Helper()
	b, err := os.ReadFile(starts)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := strings.Count(string(b), "\n")
	d := n - *seen
	*seen = n
	return d
}

// writeBig writes size bytes of random data at path; a sparse file has
// data in one 64 KiB block of every MiB and holes between, a hole at the
// end included.
func writeBig(t *testing.T, path string, size int64, sparse bool, mode fs.FileMode, seed uint64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(seed, 5))
	block := make([]byte, 64<<10)
	for off := int64(0); off < size; off += int64(len(block)) {
		if sparse && (off%(1<<20) != 0 || off+int64(len(block)) >= size) {
			continue
		}
		for i := range block {
			block[i] = byte(rng.Uint32())
		}
		if _, err := f.WriteAt(block[:min(int64(len(block)), size-off)], off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	mt := time.Unix(1_200_000_000+int64(seed), 0)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

// digest lists a tree: each path with its type, mode, size, a SHA-256 of
// its bytes and, with times, its mtime.
func digest(t *testing.T, root string, times bool) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%s %v %d", rel, st.Mode(), st.Size())
		if times {
			fmt.Fprintf(&b, " %d", st.ModTime().Unix())
		}
		if st.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSplitSFTPMode copies a tree of big files (at the threshold, not a
// multiple of the range, sparse) up and down with -r -p, and one file
// over a longer one, with OpenSSH's scp -s and ours -s on the same sshd:
// the same exit status, output and trees, and ours used more sessions.
func TestSplitSFTPMode(t *testing.T) {
	skipSerial(t)
	needOpenSSH(t)
	prog := needOurs(t)
	srv, starts := startCountingSFTP(t)
	root := t.TempDir()
	src := filepath.Join(root, "src")
	if err := os.Mkdir(src, 0o750); err != nil {
		t.Fatal(err)
	}
	writeBig(t, filepath.Join(src, "exact"), splitMiB, false, 0o640, 1)
	writeBig(t, filepath.Join(src, "odd"), splitMiB+(1<<20)+12345, false, 0o755, 2)
	writeBig(t, filepath.Join(src, "sparse"), splitMiB+(8<<20)+1, true, 0o600, 3)
	writeBig(t, filepath.Join(src, "small"), 1000, false, 0o644, 4)
	want := digest(t, src, true)

	seen := 0
	for _, tc := range []struct {
		name string
		args func(to string) []string
		from string // what the result must equal
	}{
		{"up -r -p", func(to string) []string { return []string{"-r", "-p", src, "sshdtest:" + to} }, src},
		{"down -r -p", func(to string) []string { return []string{"-r", "-p", "sshdtest:" + src, to} }, src},
		{"up over a longer file", func(to string) []string {
			writeBig(t, to, splitMiB+(4<<20), false, 0o644, 9)
			return []string{filepath.Join(src, "odd"), "sshdtest:" + to}
		}, filepath.Join(src, "odd")},
		{"down over a longer file", func(to string) []string {
			writeBig(t, to, splitMiB+(4<<20), false, 0o644, 9)
			return []string{"sshdtest:" + filepath.Join(src, "sparse"), to}
		}, filepath.Join(src, "sparse")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var outs [2]string
			var trees [2]string
			for i, who := range []string{"openssh", "ours"} {
				p := opensshSCP
				if who == "ours" {
					p = prog
				}
				to := filepath.Join(root, strings.ReplaceAll(tc.name, " ", "-")+"-"+who)
				args := append([]string{"-s", "-F", srv.ConfigFile}, tc.args(to)...)
				sessions(t, starts, &seen)
				code, stdout, stderr := runClient(t, p, args)
				n := sessions(t, starts, &seen)
				outs[i] = fmt.Sprintf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
				if code != 0 {
					t.Errorf("%s: %s", who, outs[i])
				}
				trees[i] = digest(t, to, tc.from == src)
				if who == "ours" && n < 2 {
					t.Errorf("ours used %d sftp session(s); want several", n)
				}
			}
			if outs[0] != outs[1] {
				t.Errorf("OpenSSH: %s\nours:    %s", outs[0], outs[1])
			}
			if trees[0] != trees[1] {
				t.Errorf("trees differ:\nOpenSSH:\n%s\nours:\n%s", trees[0], trees[1])
			}
			if tc.from == src && trees[1] != want {
				t.Errorf("the copy differs from the source:\n%s\nsource:\n%s", trees[1], want)
			}
			if tc.from != src {
				a, _ := os.ReadFile(tc.from)
				b, _ := os.ReadFile(filepath.Join(root, strings.ReplaceAll(tc.name, " ", "-")+"-ours"))
				if string(a) != string(b) {
					t.Errorf("the copy (%d bytes) differs from the source (%d bytes)", len(b), len(a))
				}
			}
		})
	}
}

// TestSplitMaxSessions: with sshd's MaxSessions 2, ours gets one more
// session, takes the refusal of the others quietly, and copies a big
// file whole both ways, exit 0 and nothing printed.
func TestSplitMaxSessions(t *testing.T) {
	skipSerial(t)
	prog := needOurs(t)
	srv, starts := startCountingSFTP(t, "MaxSessions 2")
	root := t.TempDir()
	src := filepath.Join(root, "odd")
	writeBig(t, src, splitMiB+(3<<20)+7, false, 0o644, 6)
	seen := 0
	for _, args := range [][]string{
		{src, "sshdtest:" + filepath.Join(root, "up")},
		{"sshdtest:" + src, filepath.Join(root, "down")},
	} {
		code, stdout, stderr := runClient(t, prog, append([]string{"-s", "-F", srv.ConfigFile}, args...))
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
		if n := sessions(t, starts, &seen); n != 2 {
			t.Errorf("%q: %d sftp sessions; want 2", args, n)
		}
	}
	for _, name := range []string{"up", "down"} {
		a, _ := os.ReadFile(src)
		b, _ := os.ReadFile(filepath.Join(root, name))
		if string(a) != string(b) {
			t.Errorf("%s: %d bytes, differs from the source (%d bytes)", name, len(b), len(a))
		}
	}
}

// TestSplitSessionLost: the first extra session's sftp-server goes away
// after 20 reads of its input or output (dd passes each read on at once,
// where head's stdio would hold the server's first reply), in the middle
// of a big file. The file fails with one
// message in the serial copy's words (exit 1), is not reported as
// copied, and what is left is a prefix of the source.
func TestSplitSessionLost(t *testing.T) {
	skipSerial(t)
	prog := needOurs(t)
	root := t.TempDir()
	src := filepath.Join(root, "odd")
	writeBig(t, src, splitMiB+(3<<20)+7, false, 0o644, 8)
	for _, tc := range []struct {
		name, cut string // cut: the extra session's server, its input or output cut short
		args      []string
		msg       string
	}{
		{"up", "dd bs=64k count=20 2>/dev/null | /usr/lib/openssh/sftp-server",
			L{src, "sshdtest:" + filepath.Join(root, "up")},
			"scp: write remote \"" + filepath.Join(root, "up") + "\": Connection lost\r\nscp: failed to upload file " + src + " to " + filepath.Join(root, "up") + "\r\n"},
		{"down", "/usr/lib/openssh/sftp-server | dd bs=64k count=20 2>/dev/null",
			L{"sshdtest:" + src, filepath.Join(root, "down")},
			"scp: read remote \"" + src + "\" : Connection lost\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The first start is the copy's own session; the first extra
			// one to make the directory "cut" gets the short server.
			srv := startSFTPScript(t, `if [ -e first ] && mkdir cut 2>/dev/null; then `+tc.cut+`; exit; fi
touch first
exec /usr/lib/openssh/sftp-server
`)
			code, stdout, stderr := runClient(t, prog, append([]string{"-s", "-F", srv.ConfigFile}, tc.args...))
			if code != 1 || stdout != "" || stderr != tc.msg {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, \"\", %q", code, stdout, stderr, tc.msg)
			}
			a, _ := os.ReadFile(src)
			b, _ := os.ReadFile(filepath.Join(root, tc.name))
			if len(b) >= len(a) || !strings.HasPrefix(string(a), string(b)) {
				t.Errorf("the target (%d bytes) is not a short prefix of the source (%d bytes)", len(b), len(a))
			}
		})
	}
}

// skipSerial skips a test of big files split across sessions when ours
// runs with -X serial (make test-serial), which copies on one session.
func skipSerial(t *testing.T) {
	t.Helper()
	if oursSerial {
		t.Skip("-X serial copies on one session: nothing is split")
	}
}
