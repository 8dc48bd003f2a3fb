package sftpcli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeTree creates entries under dir: "name/" is a directory, "name->target"
// a symlink, anything else an empty file.
func makeTree(t *testing.T, dir string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		var err error
		switch name, target, link := strings.Cut(e, "->"); {
		case link:
			err = os.Symlink(target, filepath.Join(dir, name))
		case strings.HasSuffix(e, "/"):
			err = os.Mkdir(filepath.Join(dir, e), 0o755)
		default:
			err = os.WriteFile(filepath.Join(dir, e), nil, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

var globTree = []string{
	"a", "b", "ab", "abc", "a*b", "x", "xab", "x{y", ".dot", ".hid/", "dir/", "dir/f1", "dir/f2", "sub/",
	"linkdir->dir", "linka->a", "dangling->nowhere",
}

// A result that globNoCheck made up is shown with a leading "?".
var globTests = []struct {
	pattern string
	flags   globFlags
	want    []string // nil: errNoMatch
}{
	{"*", globMark, []string{"a", "a*b", "ab", "abc", "b", "dangling", "dir/", "linka", "linkdir/", "sub/", "x", "xab", "x{y"}},
	{"*", 0, []string{"a", "a*b", "ab", "abc", "b", "dangling", "dir", "linka", "linkdir", "sub", "x", "xab", "x{y"}},
	{".*", globMark, []string{"../", "./", ".dot", ".hid/"}},
	{`\.*`, 0, []string{".", "..", ".dot", ".hid"}},
	{"?", 0, []string{"a", "b", "x"}},
	{"a*", 0, []string{"a", "a*b", "ab", "abc"}},
	{`a\*b`, 0, []string{"a*b"}},
	{`a\*c`, 0, nil},
	{`a\*c`, globNoCheck, []string{"?a*c"}},
	{`a\\*c`, globNoCheck, []string{`?a\*c`}},
	{`x\`, globNoCheck, []string{`?x\`}},
	{"[ab]", 0, []string{"a", "b"}},
	{"[a-b]*", 0, []string{"a", "a*b", "ab", "abc", "b"}},
	{"[!a-d]", 0, []string{"x"}},
	{"[]a]", 0, []string{"a"}},
	{"[[:alpha:]]", 0, []string{"a", "b", "x"}},
	{"[[:alpha:]x]b", 0, []string{"ab"}},
	{"[[:foo:]]", 0, nil},
	{"[[:foo:]]", globNoCheck, []string{"?[[:foo:]]"}},
	{"[[:foo:]]*", globNoCheck, []string{"?[[:foo:]]*"}},
	{"[!]", globNoCheck, []string{"?[!]"}},
	{"[a/b]", globNoCheck, []string{"?[a/b]"}},
	{"x[", 0, nil},
	{"x{y", 0, []string{"x{y"}},
	{"x{y", globBrace, []string{"x"}},
	{"{xa,a}b", globBrace, []string{"xab", "ab"}},
	{"a{,b}", globBrace, []string{"a", "ab"}},
	{"{x[a]b,a}", globBrace, []string{"ab", "a"}},
	{"{dir,nonexist}", globBrace | globNoCheck | globMark, []string{"dir/", "?nonexist"}},
	{"{nonexist,dir}", globBrace | globNoCheck | globMark, []string{"?nonexist", "dir/"}},
	{"{b,a}", globBrace, []string{"b", "a"}},
	{"dir/f*", 0, []string{"dir/f1", "dir/f2"}},
	{"*/f1", 0, []string{"dir/f1", "linkdir/f1"}},
	{"*//f1", 0, []string{"dir//f1", "linkdir//f1"}},
	{"nonexist/*", 0, nil},
	{"linka", globMark, []string{"linka"}},
	{"linkdir", globMark, []string{"linkdir/"}},
	{"linkdir", 0, []string{"linkdir"}},
	{"dir/", globMark, []string{"dir/"}},
	{"dangling", globMark, []string{"dangling"}},
	{"nonexist", globNoCheck | globMark, []string{"?nonexist"}},
}

// show renders matches relative to root, "?" marking made-up ones.
func show(root string, matches []globMatch) []string {
	var out []string
	for _, m := range matches {
		p := strings.TrimPrefix(m.path, root+"/")
		if m.info == nil {
			p = "?" + p
		}
		out = append(out, p)
	}
	return out
}

func TestRemoteGlob(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, globTree...)
	for _, tt := range globTests {
		got, err := s.remoteGlob(s.pwd+"/"+tt.pattern, tt.flags)
		checkGlob(t, tt.pattern, tt.flags, s.pwd, got, err, tt.want)
	}
	if _, stderr := testOutput(s); !strings.Contains(stderr, `remote readdir("`+s.pwd+`/nonexist/"): No such file or directory`+"\r\n") {
		t.Errorf("stderr %q lacks the readdir error", stderr)
	}
}

func TestLocalGlob(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, globTree...)
	for _, tt := range globTests {
		got, err := glob(localFS{}, root+"/"+tt.pattern, tt.flags)
		checkGlob(t, tt.pattern, tt.flags, root, got, err, tt.want)
	}
	paths, err := localGlob(root+"/x*", globMark)
	if want := []string{root + "/x", root + "/xab", root + "/x{y"}; err != nil || !slices.Equal(paths, want) {
		t.Errorf("localGlob = %q, %v; want %q", paths, err, want)
	}
}

func checkGlob(t *testing.T, pattern string, flags globFlags, root string, got []globMatch, err error, want []string) {
	t.Helper()
	if want == nil {
		if !errors.Is(err, errNoMatch) {
			t.Errorf("glob(%q, %b) = %q, %v; want errNoMatch", pattern, flags, show(root, got), err)
		}
		return
	}
	if err != nil || !slices.Equal(show(root, got), want) {
		t.Errorf("glob(%q, %b) = %q, %v; want %q", pattern, flags, show(root, got), err, want)
	}
	for _, m := range got {
		if flags&globMark != 0 && m.info != nil && strings.HasSuffix(m.path, "/") != m.info.IsDir() {
			t.Errorf("glob(%q): %q has mode %v", pattern, m.path, m.info.Mode())
		}
	}
}

func TestGlobKeepsTargetStat(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "a", "linka->a", "dangling->nowhere")
	tests := []struct {
		name  string
		flags globFlags
		mode  fs.FileMode
	}{
		{"linka", globMark, 0},
		{"linka", 0, fs.ModeSymlink},
		{"dangling", globMark, fs.ModeSymlink},
	}
	for _, tt := range tests {
		m, err := s.remoteGlob(s.pwd+"/"+tt.name, tt.flags)
		if err != nil || len(m) != 1 || m[0].info.Mode().Type() != tt.mode {
			t.Errorf("remoteGlob(%q, %b) = %v, %v; want type %v", tt.name, tt.flags, m, err, tt.mode)
		}
	}
}

func TestGlobNoSort(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, globTree...)
	m, err := s.remoteGlob(s.pwd+"/*", globNoSort)
	if err != nil {
		t.Fatal(err)
	}
	got := show(s.pwd, m)
	list, err := s.client.ReadDir(s.ctx, s.pwd)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, fi := range list {
		if !strings.HasPrefix(fi.Name(), ".") {
			want = append(want, fi.Name())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("unsorted glob = %q; want the server's order %q", got, want)
	}
}

func TestGlobTooLong(t *testing.T) {
	long := "/" + strings.Repeat("x", maxPath)
	if _, err := localGlob(long, globNoCheck); !errors.Is(err, errNoMatch) {
		t.Errorf("a pattern over PATH_MAX: %v; want errNoMatch", err)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "abc", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*a*a*a*a*a*a*y", strings.Repeat("a", 100) + "x", false},
		{"?", "", false},
		{"??", "ab", true},
		{`\*`, "*", true},
		{`\*`, "a", false},
		{`\?`, "a", false},
		{"[abc]", "b", true},
		{"[!abc]", "b", false},
		{"[!abc]", "d", true},
		{"[a-c]", "b", true},
		{"[c-a]", "b", false},
		{"[a-]", "-", true},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{`[\]]`, "]", true},
		{`[a\-c]`, "b", false},
		{`[a\-c]`, "-", true},
		{"[[:digit:]]", "7", true},
		{"[[:digit:][:upper:]]", "Q", true},
		{"[[:digit:][:upper:]]", "q", false},
		{"[[:space:]]", "\t", true},
		{"[[:punct:]]", "_", true},
		{"[[:xdigit:]]", "F", true},
		{"[[:alpha:]]", "\xe9", false},
		{"[[:alpha:]", "a", true},
		{"[[:alpha]]", "]", false},
		{"[[:alpha]]", "[]", true},
		{"[", "[", true},
		{"[!", "[!", true},
		{"[ab", "[ab", true},
	}
	for _, tt := range tests {
		toks, ok := compile(unescape(tt.pattern), true)
		if !ok {
			t.Errorf("compile(%q) failed", tt.pattern)
			continue
		}
		if got := match(tt.name, toks); got != tt.want {
			t.Errorf("match(%q, %q) = %v; want %v", tt.name, tt.pattern, got, tt.want)
		}
	}
}

func TestExpandBraces(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"abc", []string{"abc"}},
		{"{}", []string{"{}"}},
		{"a{}b", []string{"ab"}},
		{"{a,b}", []string{"a", "b"}},
		{"x{a,b}y{1,2}", []string{"xay1", "xay2", "xby1", "xby2"}},
		{"{a,{b,c}}", []string{"a", "b", "c"}},
		{`\{a,b}`, []string{"{a,b}"}},
		{`{a\,b}`, []string{"a,b"}},
		{"x{a", []string{"x"}},
		{"{a,[,]}", []string{"a", "[,]"}},
		{"{x[a]b,c}", []string{"[a]b", "c"}},
	}
	for _, tt := range tests {
		var got []string
		expandBraces(unescape(tt.pattern), func(p []pchar) error {
			got = append(got, plain(p))
			return nil
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("expandBraces(%q) = %q; want %q", tt.pattern, got, tt.want)
		}
	}
}

// FuzzMatch checks that any pattern compiles and matches without
// panicking, and that a pattern without wildcards matches only itself.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"*", "abc"}, {"[a-z]*", "q"}, {"[[:alpha:]]", "a"}, {`a\*b`, "a*b"}, {"[!]]x", "ax"},
		{"{a,b}c", "ac"}, {"[[:foo:]", "f"}, {"a*a*a*y", "aaaaaaax"}, {"[", "["}, {`\`, `\`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		p := unescape(pattern)
		expandBraces(p, func(alt []pchar) error {
			toks, ok := compile(alt, true)
			if !ok {
				t.Fatalf("compile(%q) failed with globNoCheck", plain(alt))
			}
			got := match(name, toks)
			if !hasWildcard(toks) && !strings.Contains(plain(alt), "/") {
				if want := literal(toks) == name; got != want {
					t.Fatalf("match(%q, %q) = %v; want %v", name, plain(alt), got, want)
				}
			}
			return nil
		})
	})
}

func literal(toks []token) string {
	b := make([]byte, len(toks))
	for i, t := range toks {
		b[i] = t.c
	}
	return string(b)
}

// FuzzLocalGlob globs under a small tree: no panic, and every match exists
// under the tree. Patterns with a "." are skipped, so that ".." cannot take
// the walk out of the tree.
func FuzzLocalGlob(f *testing.F) {
	for _, p := range []string{"*", "*/*", "[a-c]*", "{a,b}*", "d*/f?", `a\*b`, "*/[[:digit:]]", "x{y", "[!a]", "**/*"} {
		f.Add(p, uint8(globMark|globNoCheck|globBrace))
	}
	root := f.TempDir()
	for _, e := range []string{"a", "b", "ab", "a*b", "x{y", "dir/", "dir/f1", "dir/f2", "dir/sub/", "dir/sub/1", "linkdir->dir", "dangling->nowhere"} {
		var err error
		switch name, target, link := strings.Cut(e, "->"); {
		case link:
			err = os.Symlink(target, filepath.Join(root, name))
		case strings.HasSuffix(e, "/"):
			err = os.Mkdir(filepath.Join(root, e), 0o755)
		default:
			err = os.WriteFile(filepath.Join(root, e), nil, 0o644)
		}
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, pattern string, flags uint8) {
		if strings.Contains(pattern, ".") {
			t.Skip()
		}
		matches, err := glob(localFS{}, root+"/"+pattern, globFlags(flags)&(globMark|globNoCheck|globBrace|globNoSort))
		if err != nil && !errors.Is(err, errNoMatch) {
			t.Fatalf("glob(%q): %v", pattern, err)
		}
		for _, m := range matches {
			if m.info == nil {
				continue
			}
			if !strings.HasPrefix(m.path, root+"/") {
				t.Fatalf("glob(%q) matched %q outside the tree", pattern, m.path)
			}
			if _, err := os.Lstat(strings.TrimRight(m.path, "/")); err != nil {
				t.Fatalf("glob(%q) matched %q: %v", pattern, m.path, err)
			}
		}
	})
}
