package sftpcli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/scp/sftp"
)

// TestComplete completes lines against the real sftp-server (remote paths)
// and a local directory; the results are what OpenSSH 9.2's sftp gives on
// the same trees.
func TestComplete(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "a b", "file1", "file2", "other/", `q"x`, "sub dir/", "subway/", ".hidden", "st*r", "tab\tx", "s*t/", "s*t/fab", "s*t/fac",
		"link->other", "dangling->nowhere")
	local := t.TempDir()
	makeTree(t, local, "lfile", "l x", "ldir/")
	t.Chdir(local)

	all := make([]string, len(commandTable))
	for i, c := range commandTable {
		all[i] = c.name
	}
	remote := len(s.pwd) + 1 // the listing leaves out the directory
	tests := []struct {
		line    string
		pos     int // -1: the end of the line
		want    string
		wantPos int // -1: the end of want
		ok      bool
		list    []string // candidates listed
		skip    int
	}{
		// Commands.
		{"", -1, "", -1, true, all, 0},
		{"  ", -1, "  ", -1, true, all, 0},
		{"pw", -1, "pwd ", -1, true, nil, 0},
		{"ls", -1, "ls ", -1, true, nil, 0},
		{"GE", -1, "GEt ", -1, true, nil, 0},
		{"c", -1, "c", -1, true, []string{"cd", "chdir", "chgrp", "chmod", "chown", "copy", "cp"}, 0},
		{"chm", -1, "chmod ", -1, true, nil, 0},
		{"re", -1, "re", -1, true, []string{"reget", "rename", "reput"}, 0},
		{"lm", -1, "lmkdir ", -1, true, nil, 0},
		{"xyz", -1, "xyz", -1, false, nil, 0},
		{"pw x", 2, "pwd x", 3, true, nil, 0},
		{"ge", 1, "ge", 1, false, nil, 0}, // inside a word

		// Remote paths.
		{"get f", -1, "get file", -1, true, []string{s.pwd + "/file1", s.pwd + "/file2"}, remote},
		{"get file1", -1, "get file1 ", -1, true, nil, 0},
		{"get a", -1, `get a\ b `, -1, true, nil, 0},
		{`get "a`, -1, `get "a b" `, -1, true, nil, 0},
		{`get 'q`, -1, `get 'q"x' `, -1, true, nil, 0},
		{"get q", -1, `get q\"x `, -1, true, nil, 0},
		{"get st", -1, `get st\*r `, -1, true, nil, 0},
		{"get ta", -1, "get ta", -1, false, nil, 0}, // no control characters on the line
		{"get su", -1, "get sub", -1, true, []string{s.pwd + "/sub dir/", s.pwd + "/subway/"}, remote},
		{`get sub\ d`, -1, `get sub\ dir/`, -1, true, nil, 0},
		{"get o", -1, "get other/", -1, true, nil, 0},
		{`get s\*t/f`, -1, `get s\*t/fa`, -1, true, []string{s.pwd + "/s*t/fab", s.pwd + "/s*t/fac"}, remote + 4},
		{"get l", -1, "get link/", -1, true, nil, 0},
		{"get -r o", -1, "get -r other/", -1, true, nil, 0},
		{"get o x", 5, "get other/ x", 10, true, nil, 0},
		{"get x", -1, "get x", -1, false, nil, 0},
		{"get .", -1, "get .", -1, true, []string{s.pwd + "/../", s.pwd + "/./", s.pwd + "/.hidden"}, remote},
		{"get f*", -1, "get f*", -1, true, []string{s.pwd + "/file1", s.pwd + "/file2"}, remote},
		{"get fi", 5, "get fi", 5, false, nil, 0},
		{"get " + s.pwd + "/fi", -1, "get " + s.pwd + "/file", -1, true, []string{s.pwd + "/file1", s.pwd + "/file2"}, remote},
		{"cd ot", -1, "cd other/", -1, true, nil, 0},
		{"rm d", -1, "rm dangling ", -1, true, nil, 0},

		// Local paths: the second argument of get, the first of put.
		{"get file1 ld", -1, "get file1 ldir/", -1, true, nil, 0},
		{"put l", -1, "put l", -1, true, []string{"l x", "ldir/", "lfile"}, 0},
		{"put lf", -1, "put lfile ", -1, true, nil, 0},
		{"lcd ", -1, "lcd ", -1, true, []string{"l x", "ldir/", "lfile"}, 0},
		// An escaped space still ends the word for sftp: the second
		// argument, local.
		{`get sub\ `, -1, `get sub\ `, -1, true, []string{"l x", "ldir/", "lfile"}, 0},

		// Nothing to complete.
		{"help ", -1, "help ", -1, false, nil, 0},
		{"version ", -1, "version ", -1, false, nil, 0},
	}
	for _, tt := range tests {
		pos := tt.pos
		if pos < 0 {
			pos = len(tt.line)
		}
		wantPos := tt.wantPos
		if wantPos < 0 {
			wantPos = len(tt.want)
		}
		got, gotPos, ok := s.complete(tt.line, pos)
		stdout, stderr := testOutput(s)
		if got != tt.want || gotPos != wantPos || ok != tt.ok {
			t.Errorf("complete(%q, %d) = %q, %d, %v; want %q, %d, %v", tt.line, pos, got, gotPos, ok, tt.want, wantPos, tt.ok)
		}
		wantList := ""
		if tt.list != nil {
			wantList = columns(tt.list, tt.skip, stdinWidth())
		}
		if stdout != wantList {
			t.Errorf("complete(%q) listed %q; want %q", tt.line, stdout, wantList)
		}
		if stderr != "" {
			t.Errorf("complete(%q) stderr %q", tt.line, stderr)
		}
	}
}

// TestCompleteEndedContext completes remote paths when s.ctx is a
// finished command's.
func TestCompleteEndedContext(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "file1")
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	s.ctx = ctx
	if got, _, ok := s.complete("get f", 5); got != "get file1 " || !ok {
		t.Errorf("complete = %q, %v; want %q, true", got, ok, "get file1 ")
	}
	if s.ctx != ctx {
		t.Error("s.ctx was not put back")
	}
}

// TestCompleteSanitises lists a server's name with a terminal escape as
// visible octal, and never inserts it into the line.
func TestCompleteSanitises(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "e\x1b[2Jx", "e\x1b[2Jy")
	got, _, ok := s.complete("get e", 5)
	stdout, _ := testOutput(s)
	if ok || got != "get e" {
		t.Errorf("complete = %q, %v; want the line unchanged, false", got, ok)
	}
	if strings.Contains(stdout, "\x1b") || !strings.Contains(stdout, `e\033[2Jx`) {
		t.Errorf("listing %q: want the escape as \\033", stdout)
	}
}

func TestPatternDir(t *testing.T) {
	tests := []struct {
		pattern string
		dirLen  int
		hadGlob bool
	}{
		{"*", 0, false},
		{"fi*", 0, false},
		{"/d/fi*", 3, false},
		{`/s\*t/f*`, 5, false}, // the matches have "/s*t/"
		{`a\/b*`, 2, false},
		{"/d/f*x*", 3, true},
		{"/d/?/f*", 3, true},
		{"/d*", 1, false},
	}
	for _, tt := range tests {
		dirLen, hadGlob := patternDir(tt.pattern)
		if dirLen != tt.dirLen || hadGlob != tt.hadGlob {
			t.Errorf("patternDir(%q) = %d, %v; want %d, %v", tt.pattern, dirLen, hadGlob, tt.dirLen, tt.hadGlob)
		}
	}
}

// TestCompleteMultibyte extends names only by whole characters.
func TestCompleteMultibyte(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "x\u00e91", "x\u00e81")
	got, gotPos, ok := s.complete("get x", 5)
	stdout, _ := testOutput(s)
	if got != "get x" || gotPos != 5 || !ok {
		t.Errorf("complete = %q, %d, %v; want the line unchanged, true", got, gotPos, ok)
	}
	want := termsafe.String(columns([]string{s.pwd + "/x\u00e81", s.pwd + "/x\u00e91"}, len(s.pwd)+1, stdinWidth()))
	if stdout != want {
		t.Errorf("listed %q; want %q", stdout, want)
	}
}

func TestTrimPartialRune(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"a\u00e9", "a\u00e9"},
		{"a\xc3", "a"},
		{"a\u20ac"[:3], "a"},
		{"\xe2\x82", ""},
		{"a\U0001F600", "a\U0001F600"},
		{"a\U0001F600"[:4], "a"},
	}
	for _, tt := range tests {
		if got := trimPartialRune(tt.in); got != tt.want {
			t.Errorf("trimPartialRune(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestColumns(t *testing.T) {
	tests := []struct {
		names []string
		skip  int
		width int
		want  string
	}{
		{[]string{"file1", "file2"}, 0, 80, "\nfile1  file2  \n"},
		{[]string{"/d/file1", "/d/file2"}, 3, 80, "\nfile1  file2  \n"},
		{[]string{"ab", "cd", "ef"}, 0, 8, "\nab  cd  \nef  \n"},
		{[]string{"ab", "cd"}, 0, 8, "\nab  cd  \n\n"},
		{[]string{"abcdef", "x"}, 0, 4, "\nabcdef\nx   \n\n"},
		{[]string{"ab", "cd"}, 0, 0, "\nab\ncd\n\n"},
		{[]string{"/d", "/d/x"}, 3, 80, "\n   x  \n"},
	}
	for _, tt := range tests {
		if got := columns(tt.names, tt.skip, tt.width); got != tt.want {
			t.Errorf("columns(%q, %d, %d) = %q; want %q", tt.names, tt.skip, tt.width, got, tt.want)
		}
	}
}

func TestSplitForCompletion(t *testing.T) {
	tests := []struct {
		line       string
		words      []string
		quote      byte
		terminated bool
		ok         bool
	}{
		{"", nil, 0, true, true},
		{"get a", []string{"get", "a"}, 0, true, true},
		{`get "a b`, []string{"get", "a b"}, '"', false, true},
		{`get 'a"b`, []string{"get", `a"b`}, '\'', false, true},
		{`get "a b" `, []string{"get", "a b"}, '"', true, true},
		{`get a"b c`, []string{"get", "ab c"}, 0, false, true},
		{`get a\ b`, []string{"get", "a b"}, 0, true, true},
		{`get "a*`, []string{"get", `a\*`}, '"', false, true},
		{"get a # b", []string{"get", "a"}, 0, true, true},
		{`get "a\`, nil, 0, false, false},
	}
	for _, tt := range tests {
		words, quote, terminated, ok := splitForCompletion(tt.line)
		if strings.Join(words, "|") != strings.Join(tt.words, "|") || quote != tt.quote || terminated != tt.terminated || ok != tt.ok {
			t.Errorf("splitForCompletion(%q) = %q, %q, %v, %v; want %q, %q, %v, %v",
				tt.line, words, quote, terminated, ok, tt.words, tt.quote, tt.terminated, tt.ok)
		}
	}
}

func TestCompletionKind(t *testing.T) {
	tests := []struct {
		cmd  string
		n    int
		want argKind
	}{
		{"get", 1, argRemote},
		{"get", 2, argLocal},
		{"GET", 2, argLocal},
		{"getx", 1, argRemote}, // sftp takes the first entry cmd begins with
		{"put", 1, argLocal},
		{"put", 2, argRemote},
		{"rmdir", 1, argRemote},
		{"lls", 1, argLocal},
		{"help", 1, argNone},
		{"get", 3, argNone},
		{"get", 0, argNone},
		{"nope", 1, argNone},
	}
	for _, tt := range tests {
		if got := completionKind(tt.cmd, tt.n); got != tt.want {
			t.Errorf("completionKind(%q, %d) = %v; want %v", tt.cmd, tt.n, got, tt.want)
		}
	}
}

func TestQuoteCompletion(t *testing.T) {
	tests := []struct {
		text  string
		quote byte
		want  string
	}{
		{"plain", 0, "plain"},
		{`a b'c"d\e[f#g*h?i]`, 0, `a\ b\'c\"d\\e\[f\#g\*h?i]`},
		{`a b'c"d`, '"', `a b'c\"d`},
		{`a b'c"d`, '\'', `a b\'c"d`},
		{"t\tu", 0, "t\\\tu"},
	}
	for _, tt := range tests {
		if got := quoteCompletion(tt.text, tt.quote); got != tt.want {
			t.Errorf("quoteCompletion(%q, %q) = %q; want %q", tt.text, tt.quote, got, tt.want)
		}
	}
}

// FuzzComplete completes any line at any position against sftp-server:
// no panic, and only ever an insertion at the cursor, of nothing that is
// unsafe on a terminal.
func FuzzComplete(f *testing.F) {
	s := fuzzSession(f)
	for _, name := range []string{"file1", "file2", "a b", "dir/x", `q"x`} {
		os.MkdirAll(filepath.Join(s.pwd, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(s.pwd, name), nil, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Chdir(s.pwd)
	f.Add("get f", 5)
	f.Fuzz(func(t *testing.T, line string, pos int) {
		pos = int(uint(pos) % uint(len(line)+1))
		got, gotPos, ok := s.complete(line, pos)
		s.stdout.(*bytes.Buffer).Reset()
		s.stderr.(*bytes.Buffer).Reset()
		if !ok {
			if got != line || gotPos != pos {
				t.Fatalf("complete(%q, %d) = %q, %d, false: the line changed", line, pos, got, gotPos)
			}
			return
		}
		if gotPos < pos || gotPos > len(got) || got[:pos] != line[:pos] || got[gotPos:] != line[pos:] {
			t.Fatalf("complete(%q, %d) = %q, %d: not an insertion at the cursor", line, pos, got, gotPos)
		}
		if ins := got[pos:gotPos]; !lineSafe(ins) {
			t.Fatalf("complete(%q, %d) inserted %q", line, pos, ins)
		}
	})
}

// fuzzSession is newTestSession for a whole fuzz run: one sftp-server
// for every input.
func fuzzSession(f *testing.F) *session {
	if _, err := os.Stat(sftpServer); err != nil {
		f.Skipf("no %s: %v", sftpServer, err)
	}
	dir := f.TempDir()
	cmd := exec.Command(sftpServer)
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		f.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		f.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		f.Fatal(err)
	}
	client, err := sftp.NewClient(f.Context(), out, in, nil)
	if err != nil {
		in.Close()
		cmd.Wait()
		f.Fatalf("sftp-server: %v", err)
	}
	f.Cleanup(func() {
		client.Close()
		cmd.Wait()
	})
	return &session{ctx: context.Background(), client: client, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, pwd: dir, startDir: dir}
}
