package sftpcli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// xferSession is a session from newTestSession with its temporary
// directory and its output buffers at hand.
type xferSession struct {
	*session
	dir            string
	stdout, stderr *bytes.Buffer
}

func newXferSession(t *testing.T) *xferSession {
	t.Helper()
	s := newTestSession(t)
	return &xferSession{s, s.pwd, s.stdout.(*bytes.Buffer), s.stderr.(*bytes.Buffer)}
}

// newXferSessionIn is newXferSession working in dir.
func newXferSessionIn(t *testing.T, dir string) *xferSession {
	t.Helper()
	x := newXferSession(t)
	x.dir, x.pwd, x.startDir = dir, dir, dir
	return x
}

// oldTime is the mtime of every file a comparison starts with: a copy
// that shows it was made with -p.
var oldTime = time.Unix(1234567890, 0)

// xferCase is a session run twice, by /usr/bin/sftp and by us, on two
// identical trees at the same path; outputs and trees must be the same.
type xferCase struct {
	name  string
	setup func(t *testing.T, dir string) // dir is both working directories
	lines []string
	batch bool   // sftp -b -: quiet
	quiet bool   // sftp -q
	flags string // sftp's -a, -f, -p and -r, for every get and put
}

func runXferCases(t *testing.T, cases []xferCase) {
	if _, err := os.Stat("/usr/bin/sftp"); err != nil {
		t.Skip("no /usr/bin/sftp")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "w")
			want := runRealSftp(t, tc, dir)
			got := runOurSftp(t, tc, dir)
			if got.stdout != want.stdout {
				t.Errorf("stdout:\n%s\nwant (sftp):\n%s", got.stdout, want.stdout)
			}
			if got.stderr != want.stderr {
				t.Errorf("stderr:\n%q\nwant (sftp):\n%q", got.stderr, want.stderr)
			}
			if got.tree != want.tree {
				t.Errorf("tree:\n%s\nwant (sftp):\n%s", got.tree, want.tree)
			}
		})
	}
}

type xferResult struct{ stdout, stderr, tree string }

// xferSetup makes dir afresh for one run.
func xferSetup(t *testing.T, tc xferCase, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		xferChmodAll(dir)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tc.setup(t, dir)
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode()&(os.ModeType&^os.ModeDir) == 0 {
			os.Chtimes(p, oldTime, oldTime)
		}
		return nil
	})
	t.Cleanup(func() { xferChmodAll(dir) })
}

// xferChmodAll makes a tree removable.
func xferChmodAll(dir string) {
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

func runRealSftp(t *testing.T, tc xferCase, dir string) xferResult {
	t.Helper()
	xferSetup(t, tc, dir)
	args := []string{"-D", sftpServer}
	if tc.batch {
		args = append(args, "-b", "-")
	}
	if tc.quiet {
		args = append(args, "-q")
	}
	if tc.flags != "" {
		args = append(args, tc.flags)
	}
	cmd := exec.Command("/usr/bin/sftp", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(strings.Join(tc.lines, "\n") + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && !tc.batch {
		t.Fatalf("sftp: %v; stderr %q", err, stderr.String())
	}
	errs := strings.TrimPrefix(stderr.String(), "Attached to "+sftpServer+".\n")
	return xferResult{stdout.String(), errs, xferSnapshot(t, dir)}
}

// runOurSftp runs the lines as sftp's loop does, get and put only: the
// echo, then the command; a batch stops at the first error.
func runOurSftp(t *testing.T, tc xferCase, dir string) xferResult {
	t.Helper()
	xferSetup(t, tc, dir)
	t.Chdir(dir)
	x := newXferSessionIn(t, dir)
	x.quiet = tc.batch || tc.quiet
	x.logQuiet = tc.quiet
	x.global.resume = strings.Contains(tc.flags, "a")
	x.global.fsync = strings.Contains(tc.flags, "f")
	x.global.preserve = strings.Contains(tc.flags, "p")
	x.global.recursive = strings.Contains(tc.flags, "r")
	for _, line := range tc.lines {
		x.printf("sftp> %s\n", line)
		cmd, err := parseLine(line)
		if err != nil {
			x.errorf("%s", err)
		} else {
			switch cmd.id {
			case cmdChdir: // enough of cd for these tests
				x.pwd, err = x.client.Realpath(x.ctx, makeAbsolute(cmd.path1, x.pwd))
			case cmdGet, cmdReget:
				err = x.get(cmd)
			case cmdPut, cmdReput:
				err = x.put(cmd)
			default:
				t.Fatalf("%q is not a transfer", line)
			}
		}
		if err != nil && tc.batch && !cmd.ignoreErrors {
			break
		}
	}
	return xferResult{x.stdout.String(), x.stderr.String(), xferSnapshot(t, dir)}
}

// xferSnapshot lists a tree: each path's type, mode and size, and its
// mtime when it is oldTime (kept by -p).
func xferSnapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			b.WriteString(" " + readSum(t, p))
		}
		if fi.ModTime().Equal(oldTime) {
			b.WriteString(" old")
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// readSum is a file's size and first bytes, enough to tell copies apart.
func readSum(t *testing.T, name string) string {
	data := xferReadFile(t, name)
	return fmt.Sprintf("%d:%q", len(data), data[:min(len(data), 8)])
}

func TestGetLikeSftp(t *testing.T) {
	runXferCases(t, []xferCase{
		{name: "one file", setup: xferBasic, lines: []string{"get r/a", "get r/a l/", "get r/a l/new", "get r/a l/nodir/x"}},
		{name: "missing", setup: xferBasic, lines: []string{"get r/nope", "get r/nope*", "get", "get r/a l/a extra"}},
		{name: "several", setup: xferBasic, lines: []string{"get r/* l/a", "get r/[ab] l/", "get r/? l/nodir"}},
		{name: "glob into cwd", setup: xferBasic, lines: []string{"get r/?"}},
		{name: "directory", setup: xferBasic, lines: []string{"get r/d", "get r/d l/"}},
		{name: "recursive", setup: xferBasic, lines: []string{"get -r r/d l/", "get -r r/d l/copy", "get -r r/d/ l/copy2"}},
		{name: "recursive preserve", setup: xferBasic, lines: []string{"get -rp r/d l/", "get -p r/a l/"}},
		{name: "recursive batch", setup: xferBasic, batch: true, lines: []string{"get -r r/d l/", "get r/a l/"}},
		{name: "recursive quiet", setup: xferBasic, quiet: true, lines: []string{"get -r r/d l/", "reget r/a l/a", "reget r/a l/a"}},
		{name: "batch stops", setup: xferBasic, batch: true, lines: []string{"get r/nope", "get r/a l/"}},
		{name: "batch ignores", setup: xferBasic, batch: true, lines: []string{"-get r/nope", "get r/a l/"}},
		{name: "symlink", setup: xferBasic, lines: []string{"get r/link l/", "get r/dirlink l/", "get -r r/dirlink l/"}},
		{name: "resume", setup: xferResume, lines: []string{"reget r/a l/a", "get -a r/b l/b", "reget r/c l/c", "reget r/a l/new"}},
		{name: "onto a file", setup: xferBasic, lines: []string{"get -r r/d l/a"}},
		{name: "read-only directory", setup: xferBasic, lines: []string{"get -r r/ro l/"}},
		{name: "write error", setup: xferBasic, lines: []string{"get r/b /dev/full", "get r/a /dev/null"}},
		{name: "global -r -p", setup: xferBasic, flags: "-rp", lines: []string{"get r/d l/", "get r/a l/"}},
		{name: "global -a", setup: xferResume, flags: "-a", lines: []string{"get r/a l/a", "get r/c l/c"}},
		{name: "after cd", setup: xferBasic, lines: []string{"cd r", "get a l/", "get * l/", "get -r d", "get ../r/b l/b2"}},
		{name: "metacharacters in pwd", setup: xferMeta, lines: []string{"cd \"m[1]*\"", "get * l/", "get -r ? l/"}},
		{name: "escaped pattern", setup: xferEscapes, lines: []string{`get "r/a*" l/`, `get r/a\* l/`, `get r/a? l/`}},
	})
}

// xferBasic is a remote tree r and a local directory l.
func xferBasic(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/r/a", "hello\n", 0o640)
	xferWriteFile(t, dir+"/r/b", xferData(300000), 0o600)
	xferWriteFile(t, dir+"/r/d/x", "x\n", 0o644)
	xferWriteFile(t, dir+"/r/d/sub/y", "y\n", 0o755)
	xferWriteFile(t, dir+"/r/ro/z", "z\n", 0o644)
	xferWriteFile(t, dir+"/l/a", "local\n", 0o644)
	for _, l := range [][2]string{{"a", "r/link"}, {"d", "r/dirlink"}, {"../a", "r/d/link"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir+"/r/ro", 0o555); err != nil {
		t.Fatal(err)
	}
}

// xferMeta has a directory whose name is a pattern.
func xferMeta(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/m[1]*/f", "f\n", 0o644)
	xferWriteFile(t, dir+"/m[1]*/d/g", "g\n", 0o644)
	xferWriteFile(t, dir+"/m1x/nope", "nope\n", 0o644)
	xferWriteFile(t, dir+"/l/keep", "", 0o644)
}

// xferEscapes has a name with a glob metacharacter.
func xferEscapes(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/r/a*", "star\n", 0o644)
	xferWriteFile(t, dir+"/r/ab", "ab\n", 0o644)
	xferWriteFile(t, dir+"/l/keep", "", 0o644)
}

// xferResume is remote files with partial local copies.
func xferResume(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/r/a", xferData(200000), 0o644)
	xferWriteFile(t, dir+"/l/a", xferData(200000)[:70000], 0o644)
	xferWriteFile(t, dir+"/r/b", "same\n", 0o644)
	xferWriteFile(t, dir+"/l/b", "same\n", 0o644)
	xferWriteFile(t, dir+"/r/c", "short\n", 0o644)
	xferWriteFile(t, dir+"/l/c", "longer one\n", 0o644)
}
