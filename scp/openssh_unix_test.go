//go:build unix

package scp

// Differential tests: the same record streams go to OpenSSH's `scp -t` and
// to Receive, and the same trees are read by `scp -f` and by Send; replies,
// exit statuses, record streams and resulting trees must match, except
// where a case documents a difference we chose.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

const opensshScp = "/usr/bin/scp"

func needOpenSSH(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(opensshScp); err != nil {
		t.Skip("no OpenSSH scp:", err)
	}
}

// outcome is what one side did with a stream.
type outcome struct {
	replies string   // with the target directory written as DIR
	exit    int      // 0 or 1
	tree    []string // treeLines of the target directory
}

// exitCode runs cmd and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// treeLines describes every entry under root: path, type, mode, size,
// content digest, and the times when they were set from a T record (that
// is, when they are not within a day of now).
func treeLines(t *testing.T, root string) []string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%q %v %04o", rel, fi.Mode().Type(), unixMode07777(fi.Mode()))
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %d %x", len(data), sha256.Sum256(data))
		}
		now := time.Now()
		atime, mtime := fileTimes(fi)
		for _, tm := range []struct {
			name string
			t    time.Time
		}{{"mtime", mtime}, {"atime", atime}} {
			if d := now.Sub(tm.t); d > 24*time.Hour || d < -24*time.Hour {
				line += fmt.Sprintf(" %s=%d", tm.name, tm.t.Unix())
			}
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

type sinkDiffCase struct {
	name   string
	flags  string // any of -r -p -d, space separated
	setup  func(t *testing.T, dir string)
	target string // below the directory; "" for the directory itself
	in     string
	// differ, if set, is called instead of comparing the outcomes and
	// checks a difference we chose.
	differ func(t *testing.T, openssh, ours outcome)
}

func sinkDiffCases() []sinkDiffCase {
	file := func(name, content string, mode os.FileMode) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, name), []byte(content), mode))
			must(t, os.Chmod(filepath.Join(dir, name), mode))
		}
	}
	mkdir := func(name string, mode os.FileMode) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			must(t, os.Mkdir(filepath.Join(dir, name), mode))
			must(t, os.Chmod(filepath.Join(dir, name), mode))
		}
	}
	link := func(to, name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) { must(t, os.Symlink(to, filepath.Join(dir, name))) }
	}
	steps := func(steps ...func(*testing.T, string)) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for _, step := range steps {
				step(t, dir)
			}
		}
	}
	big := strings.Repeat("big data ", 40000)
	return []sinkDiffCase{
		{name: "empty stream", in: ""},
		{name: "one file", in: "C0644 3 a\nabc\x00"},
		{name: "modes", in: "C0600 0 e\n\x00C0755 2 x\nhi\x00C0444 1 ro\nr\x00C0000 1 none\nn\x00C0777 1 all\nn\x00"},
		{name: "big file", in: fmt.Sprintf("C0644 %d big\n%s\x00", len(big), big)},
		{name: "names with spaces and bytes", in: "C0644 1  a b \nx\x00C0644 1 \xe9\x1b[31m\\\nx\x00"},
		{name: "setuid setgid sticky without -p", in: "C4755 1 s\nx\x00C2755 1 g\nx\x00C1777 1 k\nx\x00C7777 1 all\nx\x00"},
		{name: "setuid setgid sticky with -p", flags: "-p", in: "C4755 1 s\nx\x00C2755 1 g\nx\x00C1777 1 k\nx\x00C7777 1 all\nx\x00"},
		{name: "T without -p", in: "T1000000000 0 1000000001 0\nC0644 1 a\nx\x00C0644 1 b\ny\x00"},
		{name: "T with -p", flags: "-p", in: "T1000000000 0 1000000001 0\nC0640 1 a\nx\x00C0644 1 b\ny\x00"},
		{name: "T beyond 2262", in: "T10000000000 0 10000000001 0\nC0644 1 a\nx\x00T99999999999 0 99999999999 0\nC0644 1 b\ny\x00"},
		{name: "T out of time_t range", in: "T9223372036854775808 0 1 0\nC0644 1 a\nx\x00T1 0 18446744073709551616 0\nC0644 1 b\ny\x00"},
		{name: "T usec parsed like strtol", in: "T1 0 2 \nC0644 1 a\nx\x00T3  +0 4 \v5\nC0644 1 b\ny\x00"},
		{name: "T then E dropped", flags: "-r", in: "D0755 0 d\nT5 0 5 0\nE\nC0644 1 b\nx\x00"},
		{name: "tree", flags: "-r", in: "D0755 0 d\nC0644 1 f\nx\x00D0700 0 e\nE\nE\nC0644 1 g\ny\x00"},
		{name: "read-only tree", flags: "-r", in: "D0555 0 ro\nC0444 1 f\nx\x00D0500 0 sub\nC0400 1 g\ny\x00E\nE\n"},
		{name: "tree with -p and times", flags: "-r -p", in: "T1000000000 0 1000000001 0\nD0750 0 d\nT1000000002 0 1000000003 0\nC0640 1 f\nx\x00E\n"},
		{name: "directory modes without -p", flags: "-r", in: "D1777 0 k\nE\nD2775 0 g\nE\nD4700 0 u\nE\n"},
		{name: "directory modes with -p", flags: "-r -p", in: "D1777 0 k\nE\nD2775 0 g\nE\nD4700 0 u\nE\n"},
		{name: "D without -r", in: "D0755 0 d\nE\n"},
		{name: "D over a file", flags: "-r", setup: file("d", "file", 0644), in: "D0755 0 d\nC0644 1 g\nx\x00"},
		{name: "C over a directory", setup: mkdir("d", 0755), in: "C0644 1 d\nC0644 1 g\nx\x00"},
		{name: "existing longer file", setup: file("a", "0123456789", 0600), in: "C0755 3 a\nabc\x00"},
		{name: "existing longer file with -p", flags: "-p", setup: file("a", "0123456789", 0600), in: "C0755 3 a\nabc\x00"},
		{name: "existing directory", flags: "-r", setup: mkdir("d", 0700), in: "D0755 0 d\nC0644 1 f\nx\x00E\n"},
		{name: "existing directory with -p", flags: "-r -p", setup: mkdir("d", 0700), in: "T1000000000 0 1000000001 0\nD0751 0 d\nE\n"},
		{name: "new target file", target: "new", in: "C0644 3 a\nabc\x00"},
		{name: "several files to a new target", target: "new", in: "C0644 5 a\nabcde\x00C0600 2 b\nxy\x00"},
		{name: "target is a file", setup: file("f", "old", 0644), target: "f", in: "C0600 3 a\nnew\x00"},
		{name: "new target directory", flags: "-r", target: "new", in: "D0750 0 d\nC0644 1 f\nx\x00E\n"},
		{name: "target is a symlink to a directory", setup: steps(mkdir("d", 0755), link("d", "l")), target: "l", in: "C0644 1 a\nx\x00"},
		{name: "target is a symlink to /dev/null", setup: link("/dev/null", "null"), target: "null", in: "C0600 3 a\nabc\x00"},
		{name: "file over a dangling symlink", setup: link("gone", "a"), in: "C0600 3 a\nabc\x00"},
		{name: "-d missing", flags: "-d", target: "nope", in: "C0644 1 a\nx\x00"},
		{name: "-d with a trailing slash", flags: "-d", setup: mkdir("d", 0755), target: "d/", in: "C0644 1 a\nx\x00"},
		{name: "-d on a file", flags: "-d", setup: file("f", "", 0644), target: "f", in: "C0644 1 a\nx\x00"},
		{name: "-d on a directory", flags: "-d -r", in: "D0755 0 d\nC0644 1 a\nx\x00E\n"},
		{name: "name empty", in: "C0644 1 \nx\x00"},
		{name: "name .", in: "C0644 1 .\nx\x00"},
		{name: "name ..", in: "C0644 1 ..\nx\x00"},
		{name: "name a/b", setup: mkdir("a", 0755), in: "C0644 1 a/b\nx\x00"},
		{name: "absolute name", in: "C0644 1 /tmp/pwned\nx\x00"},
		{name: "D ..", flags: "-r", in: "D0755 0 ..\nC0644 1 x\nx\x00E\n"},
		{name: "D . with -p", flags: "-r -p", in: "T1 0 1 0\nD0777 0 .\nE\n"},
		{name: "name cut at NUL", in: "C0644 1 a\x00/../../x\nx\x00"},
		{name: "record starting with NUL", in: "\x00hello\n"},
		{name: "first record garbage", in: "No match.\n"},
		{name: "first record garbage in a directory", flags: "-r", in: "D0755 0 d\nWelcome\n"},
		{name: "garbage after T", in: "T1 0 1 0\nNo match.\n"},
		{name: "later garbage", in: "C0644 1 a\nx\x00garbage\n"},
		{name: "empty record", in: "\n"},
		{name: "bad mode", in: "C0844 1 a\nx\x00"},
		{name: "mode not delimited", in: "C06444 1 a\nx\x00"},
		{name: "size not present", in: "C0644 -1 a\nx\x00"},
		{name: "size not delimited", in: "C0644 1x a\nx\x00"},
		{name: "size out of range", in: "C0644 9223372036854775808 a\nx\x00"},
		{name: "mtime not present", in: "Tx\n"},
		{name: "mtime usec", in: "T1 1000000 1 0\n"},
		{name: "atime not delimited", in: "T1 0 1\n"},
		{name: "atime usec trailing", in: "T1 0 1 0 \n"},
		{name: "\\1 records", in: "\x01scp: x: No such file or directory\nC0644 1 a\nx\x00\x01scp: y: not a regular file\n"},
		{name: "\\2 record", in: "\x02scp: fatal\nC0644 1 a\nx\x00"},
		{name: "source warning after data", in: "T1 0 2 0\nC0644 3 a\nab\x00\x01scp: a: Broken pipe\nC0644 1 b\nx\x00"},
		{name: "E at the top level", in: "E\nC0644 1 a\nx\x00"},
		{name: "E inside and after", flags: "-r", in: "D0755 0 d\nE\nE\nC0644 1 a\nx\x00"},
		{name: "EOF inside a record", in: "C0644 3 a"},
		{name: "long directory name", flags: "-r", in: "D0755 0 " + strings.Repeat("n", 300) + "\nE\nC0644 1 g\nx\x00"},
		{
			name: "EOF in the data",
			in:   "C0644 10 a\nabc",
			differ: func(t *testing.T, openssh, ours outcome) {
				// OpenSSH replies with strerror (Broken pipe) to a peer that
				// is gone and drops the partial buffer; we keep what arrived.
				if openssh.replies != "\x00\x00\x01scp: Broken pipe\n" || ours.replies != "\x00\x00" {
					t.Errorf("replies: openssh %q, ours %q", openssh.replies, ours.replies)
				}
				if openssh.exit != 1 || ours.exit != 1 {
					t.Errorf("exit: openssh %d, ours %d", openssh.exit, ours.exit)
				}
			},
		},
		{
			name:  "EOF inside a directory",
			flags: "-r",
			in:    "D0755 0 d\nC0644 1 f\nx\x00",
			differ: func(t *testing.T, openssh, ours outcome) {
				// OpenSSH takes it as the end; the missing E is an error for us.
				if openssh.replies != ours.replies || !slices.Equal(openssh.tree, ours.tree) {
					t.Errorf("openssh %+v\nours %+v", openssh, ours)
				}
				if openssh.exit != 0 || ours.exit != 1 {
					t.Errorf("exit: openssh %d, ours %d", openssh.exit, ours.exit)
				}
			},
		},
		{
			name:  "times of a failed file are not carried to the next",
			setup: mkdir("d", 0755),
			in:    "T1 0 1 0\nC0644 1 d\nC0644 1 b\nx\x00",
			differ: func(t *testing.T, openssh, ours outcome) {
				// OpenSSH keeps the T after the open failure and applies it
				// to the next file, b; we apply a T to its own file only.
				if openssh.replies != ours.replies || openssh.exit != ours.exit {
					t.Errorf("openssh %+v\nours %+v", openssh, ours)
				}
				if !strings.Contains(openssh.tree[1], "mtime=1") || strings.Contains(ours.tree[1], "mtime") {
					t.Errorf("b: openssh %s, ours %s", openssh.tree[1], ours.tree[1])
				}
			},
		},
		{
			name: "a time of exactly 2^63-1",
			in:   "T9223372036854775807 0 9223372036854775807 0\nC0644 1 a\nx\x00",
			differ: func(t *testing.T, openssh, ours outcome) {
				// The largest time_t is applied by OpenSSH (and clamped by the
				// file system); we take it for an out-of-range time and skip it.
				if openssh.replies != ours.replies || openssh.exit != ours.exit {
					t.Errorf("openssh %+v\nours %+v", openssh, ours)
				}
				if !strings.Contains(openssh.tree[1], "mtime=") || strings.Contains(ours.tree[1], "mtime") {
					t.Errorf("a: openssh %s, ours %s", openssh.tree[1], ours.tree[1])
				}
			},
		},
		{
			name: "record longer than 2047 bytes",
			in:   "C0644 1 " + strings.Repeat("n", 2100) + "\nC0644 1 g\nx\x00",
			differ: func(t *testing.T, openssh, ours outcome) {
				// OpenSSH splits the line and fails on its remainder; we
				// read it whole (up to MaxLine) and go on with the next file.
				if !strings.HasSuffix(openssh.replies, "protocol error: expected control record\n") || openssh.exit != 1 {
					t.Errorf("openssh %+v", openssh)
				}
				if !strings.HasSuffix(ours.replies, "File name too long\n\x00\x00") || ours.exit != 1 || len(ours.tree) != 2 {
					t.Errorf("ours %+v", ours)
				}
			},
		},
	}
}

// TestReceiveVsOpenSSH feeds each stream to `scp -t` and to Receive.
func TestReceiveVsOpenSSH(t *testing.T) {
	needOpenSSH(t)
	for _, tc := range sinkDiffCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var results [2]outcome
			for i, ours := range []bool{false, true} {
				dir := t.TempDir()
				if tc.setup != nil {
					tc.setup(t, dir)
				}
				target := dir
				if tc.target != "" {
					target = filepath.Join(dir, tc.target)
				}
				var replies bytes.Buffer
				var exit int
				if ours {
					opt := Options{
						Recursive:   strings.Contains(tc.flags, "-r"),
						Preserve:    strings.Contains(tc.flags, "-p"),
						TargetIsDir: strings.Contains(tc.flags, "-d"),
					}
					err := Receive(context.Background(), strings.NewReader(tc.in), &replies, OS{}, target, opt)
					if err != nil {
						exit = 1
					}
				} else {
					args := append(strings.Fields(tc.flags), "-t", target)
					cmd := exec.Command(opensshScp, args...)
					cmd.Stdin = strings.NewReader(tc.in)
					cmd.Stdout = &replies
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					exit = exitCode(t, cmd)
					if stderr.Len() != 0 {
						t.Logf("openssh stderr: %s", stderr.String())
					}
				}
				results[i] = outcome{
					replies: strings.ReplaceAll(replies.String(), dir, "DIR"),
					exit:    exit,
					tree:    treeLines(t, dir),
				}
			}
			openssh, ours := results[0], results[1]
			if tc.differ != nil {
				tc.differ(t, openssh, ours)
				return
			}
			if openssh.replies != ours.replies {
				t.Errorf("replies\nopenssh %q\nours    %q", openssh.replies, ours.replies)
			}
			if openssh.exit != ours.exit {
				t.Errorf("exit: openssh %d, ours %d", openssh.exit, ours.exit)
			}
			if !slices.Equal(openssh.tree, ours.tree) {
				t.Errorf("tree\nopenssh\n%s\nours\n%s", strings.Join(openssh.tree, "\n"), strings.Join(ours.tree, "\n"))
			}
		})
	}
}

// acker plays a sink that accepts everything except the records refuse
// picks, and returns the transcript of what the source sent.
func acker(r io.Reader, w io.Writer, refuse func(line string) bool) []string {
	br := bufio.NewReader(r)
	var transcript []string
	reply := func(ok bool) bool {
		b := []byte("\x00")
		if !ok {
			b = []byte("\x01scp: refused\n")
		}
		_, err := w.Write(b)
		return err == nil
	}
	if !reply(true) {
		return append(transcript, "write failed")
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if line != "" {
				transcript = append(transcript, fmt.Sprintf("partial %q", line))
			}
			return transcript
		}
		line = strings.TrimSuffix(line, "\n")
		transcript = append(transcript, fmt.Sprintf("%q", line))
		rec, err := ParseRecord([]byte(line))
		if err != nil {
			transcript = append(transcript, err.Error())
			return transcript
		}
		if rec.Kind == KindWarning || rec.Kind == KindFatal {
			continue
		}
		ok := refuse == nil || !refuse(line)
		if !reply(ok) {
			return append(transcript, "write failed")
		}
		if rec.Kind != KindFile || !ok {
			continue
		}
		data := make([]byte, rec.Size)
		if _, err := io.ReadFull(br, data); err != nil {
			return append(transcript, "short data")
		}
		transcript = append(transcript, fmt.Sprintf("data %d %x", len(data), sha256.Sum256(data)))
		status, err := br.ReadByte()
		if err != nil {
			return append(transcript, "no status")
		}
		text := ""
		if status != 0 {
			if text, err = br.ReadString('\n'); err != nil {
				return append(transcript, fmt.Sprintf("partial status %q", text))
			}
		}
		transcript = append(transcript, fmt.Sprintf("status %q", string(status)+text))
		if !reply(true) {
			return append(transcript, "write failed")
		}
	}
}

// sourceDiffTree builds the tree both sources read. Every atime is in the
// future, so that reading does not change it under relatime.
func sourceDiffTree(t *testing.T) string {
	root := filepath.Join(t.TempDir(), "src")
	files := []struct {
		name    string
		mode    os.FileMode
		content string
	}{
		{"f", 0644, "hello\n"},
		{"empty", 0600, ""},
		{"big", 0640, strings.Repeat("0123456789", 30000)},
		{"suid", 0755 | os.ModeSetuid, "s"},
		{"sgid", 0755 | os.ModeSetgid, "g"},
		{"sticky", 0644 | os.ModeSticky, "k"},
		{"with space", 0644, "sp"},
		{"nl\nname", 0644, "nl"},
		{"bs\\\n\xe9\xa0\x01", 0644, "vis"},
		{"d/a", 0644, "a"},
		{"d/sub/b", 0600, "b"},
		{"d/emptydir/", 0555, ""},
		{"d/sub/", 0700, ""},
		{"d/", 0755, ""},
		{"stickydir/in", 0644, "in"},
		{"stickydir/", 0777 | os.ModeSticky, ""},
		{"loopdir/", 0755, ""},
	}
	must(t, os.Mkdir(root, 0755))
	for _, f := range files {
		p := filepath.Join(root, f.name)
		if strings.HasSuffix(f.name, "/") {
			must(t, os.MkdirAll(p, 0755))
		} else {
			must(t, os.MkdirAll(filepath.Dir(p), 0755))
			must(t, os.WriteFile(p, []byte(f.content), 0644))
		}
		must(t, os.Chmod(p, f.mode))
	}
	must(t, os.Symlink("f", filepath.Join(root, "link")))
	must(t, os.Symlink("d", filepath.Join(root, "dlink")))
	must(t, os.Symlink("nowhere", filepath.Join(root, "dangling")))
	must(t, os.Symlink(".", filepath.Join(root, "loopdir", "loop")))
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo"), 0644))
	future := time.Unix(4102444800, 0) // 2100
	i := int64(0)
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&(fs.ModeSymlink|fs.ModeNamedPipe) != 0 {
			return err
		}
		i++
		return os.Chtimes(p, future, time.Unix(1000000000+i, 0))
	}))
	return root
}

// TestSendVsOpenSSH reads the same tree with `scp -f` and with Send and
// compares the record streams.
func TestSendVsOpenSSH(t *testing.T) {
	needOpenSSH(t)
	root := sourceDiffTree(t)
	fi, err := os.Stat(filepath.Join(root, "f"))
	must(t, err)
	fMtime := fi.ModTime().Unix()
	refuseName := func(names ...string) func(string) bool {
		return func(line string) bool {
			for _, n := range names {
				if strings.HasSuffix(line, " "+n) {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name   string
		flags  string
		paths  []string
		refuse func(line string) bool
	}{
		{name: "one file", paths: []string{"f"}},
		{name: "files", paths: []string{"f", "empty", "big", "with space"}},
		{name: "files with -p", flags: "-p", paths: []string{"f", "big"}},
		{name: "missing file", paths: []string{"nope", "f"}},
		{name: "file in a file", paths: []string{"f/x"}},
		{name: "directory without -r", paths: []string{"d", "f"}},
		{name: "tree", flags: "-r", paths: []string{"d"}},
		{name: "tree with -p", flags: "-r -p", paths: []string{"d", "f"}},
		{name: "setuid setgid sticky", paths: []string{"suid", "sgid", "sticky"}},
		{name: "sticky directory", flags: "-r", paths: []string{"stickydir"}},
		{name: "symlink to a file", paths: []string{"link"}},
		{name: "symlink to a directory", flags: "-r", paths: []string{"dlink"}},
		{name: "dangling symlink", paths: []string{"dangling", "f"}},
		{name: "FIFO", paths: []string{"fifo", "f"}},
		{name: "device", paths: []string{"/dev/null", "f"}},
		{name: "trailing slashes", flags: "-r", paths: []string{"d///", "f/"}},
		{name: "name with a newline", paths: []string{"nl\nname"}},
		{name: "vis encoding", paths: []string{"bs\\\n\xe9\xa0\x01"}},
		{name: "dot", flags: "-r", paths: []string{"d/sub/."}},
		{name: "symlink loop", flags: "-r", paths: []string{"loopdir"}},
		{name: "C refused", paths: []string{"f", "empty"}, refuse: refuseName("f")},
		{name: "D refused", flags: "-r", paths: []string{"d", "f"}, refuse: refuseName("sub")},
		{name: "T refused", flags: "-p", paths: []string{"f", "empty"}, refuse: func(l string) bool { return strings.HasPrefix(l, fmt.Sprintf("T%d ", fMtime)) }},
		{name: "everything", flags: "-r -p", paths: []string{"."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.paths {
				if !strings.HasPrefix(p, "/") {
					p = root + "/" + p
				}
				paths = append(paths, p)
			}

			// OpenSSH.
			cmd := exec.Command(opensshScp, append(append(strings.Fields(tt.flags), "-f"), paths...)...)
			stdin, err := cmd.StdinPipe()
			must(t, err)
			stdout, err := cmd.StdoutPipe()
			must(t, err)
			must(t, cmd.Start())
			theirs := acker(stdout, stdin, tt.refuse)
			stdin.Close()
			theirExit := 0
			if err := cmd.Wait(); err != nil {
				theirExit = 1
			}

			// Ours.
			ackR, ackW := io.Pipe()
			outR, outW := io.Pipe()
			done := make(chan error, 1)
			opt := Options{Recursive: strings.Contains(tt.flags, "-r"), Preserve: strings.Contains(tt.flags, "-p")}
			go func() {
				err := Send(context.Background(), ackR, outW, OS{}, paths, opt)
				outW.Close()
				ackR.Close()
				done <- err
			}()
			ours := acker(outR, ackW, tt.refuse)
			ourExit := 0
			if <-done != nil {
				ourExit = 1
			}

			if !slices.Equal(theirs, ours) {
				t.Errorf("records\nopenssh\n%s\nours\n%s", strings.Join(theirs, "\n"), strings.Join(ours, "\n"))
			}
			if theirExit != ourExit {
				t.Errorf("exit: openssh %d, ours %d", theirExit, ourExit)
			}
			if len(ours) == 0 {
				t.Error("nothing sent")
			}
		})
	}
}

// TestInteropOpenSSH copies a tree with -r -p from Send to `scp -t` and from
// `scp -f` to Receive: both copies must equal the original.
func TestInteropOpenSSH(t *testing.T) {
	needOpenSSH(t)
	root := sourceDiffTree(t)
	names := []string{"d", "f", "big", "empty", "suid", "sgid", "with space"}
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(root, n))
	}
	opt := Options{Recursive: true, Preserve: true}
	// talk runs OpenSSH's scp with args and our side of the copy against it.
	talk := func(args []string, ours func(r io.Reader, w io.Writer) error) {
		cmd := exec.Command(opensshScp, args...)
		stdin, err := cmd.StdinPipe()
		must(t, err)
		stdout, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		err = ours(stdout, stdin)
		stdin.Close()
		if werr := cmd.Wait(); err == nil {
			err = werr
		}
		if err != nil {
			t.Errorf("scp %s: %v", strings.Join(args, " "), err)
		}
	}
	up, down := t.TempDir(), t.TempDir()
	talk([]string{"-r", "-p", "-t", up}, func(r io.Reader, w io.Writer) error {
		return Send(context.Background(), r, w, OS{}, paths, opt)
	})
	talk(append([]string{"-r", "-p", "-f"}, paths...), func(r io.Reader, w io.Writer) error {
		return Receive(context.Background(), r, w, OS{}, down, opt)
	})

	var want []string
	for _, line := range treeLines(t, root) {
		for _, n := range names {
			if strings.HasPrefix(line, fmt.Sprintf("%q ", n)) || strings.HasPrefix(line, `"`+n+`/`) {
				want = append(want, line)
			}
		}
	}
	for _, dir := range []string{up, down} {
		if got := treeLines(t, dir)[1:]; !slices.Equal(got, want) {
			t.Errorf("copy in %s\n%s\nwant\n%s", dir, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestPipelineVsOpenSSH copies a tree with -r -p from OpenSSH's `scp -f`
// and to its `scp -t`, into a target where some names are taken by the other
// kind (a directory where a file goes, files where directories go): a
// pipelined client must report the same messages, return the same result
// and leave the same tree as a serial one.
func TestPipelineVsOpenSSH(t *testing.T) {
	needOpenSSH(t)
	root := sourceDiffTree(t)
	var paths []string
	for _, n := range []string{"d", "f", "nope", "big", "with space"} {
		paths = append(paths, filepath.Join(root, n))
	}
	type outcome struct {
		msgs []string
		err  error
		tree []string
	}
	copyOnce := func(t *testing.T, download, pipeline bool) outcome {
		dir := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(dir, "d", "a"), 0755))
		must(t, os.WriteFile(filepath.Join(dir, "d", "sub"), []byte("x"), 0644))
		must(t, os.WriteFile(filepath.Join(dir, "d", "emptydir"), nil, 0644))
		args := []string{"-r", "-p", "-t", dir}
		if download {
			args = append([]string{"-r", "-p", "-f"}, paths...)
		}
		cmd := exec.Command(opensshScp, args...)
		stdin, err := cmd.StdinPipe()
		must(t, err)
		stdout, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		var o outcome
		opt := Options{Recursive: true, Preserve: true, Pipeline: pipeline}
		opt.Report = func(m string) { o.msgs = append(o.msgs, strings.ReplaceAll(m, dir, "DIR")) }
		if download {
			o.err = Receive(context.Background(), stdout, stdin, OS{}, dir, opt)
		} else {
			o.err = Send(context.Background(), stdout, stdin, OS{}, paths, opt)
		}
		stdin.Close()
		cmd.Wait()
		o.tree = treeLines(t, dir)
		return o
	}
	for _, download := range []bool{true, false} {
		name := map[bool]string{true: "download", false: "upload"}[download]
		t.Run(name, func(t *testing.T) {
			serial, piped := copyOnce(t, download, false), copyOnce(t, download, true)
			if len(serial.msgs) < 3 {
				t.Errorf("serial copy reported only %q", serial.msgs)
			}
			if !slices.Equal(piped.msgs, serial.msgs) {
				t.Errorf("messages\npipelined %q\nserial    %q", piped.msgs, serial.msgs)
			}
			if !sameErr(piped.err, serial.err) {
				t.Errorf("result: pipelined %v, serial %v", piped.err, serial.err)
			}
			if !slices.Equal(piped.tree, serial.tree) {
				t.Errorf("tree\npipelined\n%s\nserial\n%s", strings.Join(piped.tree, "\n"), strings.Join(serial.tree, "\n"))
			}
		})
	}
}
