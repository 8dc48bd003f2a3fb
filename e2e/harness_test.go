package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

// A node is one entry of a test tree. Paths are relative to the run root
// ("local/…", "remote/…") and may contain placeholders (see vars).
type node struct {
	kind    byte // 'f' file, 'd' directory, 'l' symlink, 'p' named pipe
	path    string
	content string // file content; symlink target
	mode    fs.FileMode
	random  int // if > 0, a file of this many deterministic pseudo-random bytes
}

func file(path, content string, mode fs.FileMode) node {
	return node{kind: 'f', path: path, content: content, mode: mode}
}
func dir(path string, mode fs.FileMode) node  { return node{kind: 'd', path: path, mode: mode} }
func link(path, target string) node           { return node{kind: 'l', path: path, content: target} }
func fifo(path string, mode fs.FileMode) node { return node{kind: 'p', path: path, mode: mode} }
func random(path string, size int, mode fs.FileMode) node {
	return node{kind: 'f', path: path, mode: mode, random: size}
}

// randomBytes returns size bytes that depend only on size and path.
func randomBytes(size int, seed string) []byte {
	var s [32]byte
	copy(s[:], seed)
	r := rand.NewChaCha8(s)
	b := make([]byte, size)
	r.Read(b)
	return b
}

// vars are the placeholders of a run. In arguments, tree paths, home names
// and expectations:
//
//	{R}    absolute path of the run's "remote" directory (reached through sshd)
//	{L}    absolute path of the run's "local" directory (the client's cwd)
//	{N}    a token unique to the case, the same in all its runs
//	{PORT} the sshd port of the run
//	{USER} the login user
//
// In normalised stderr the same placeholders replace the values.
type vars struct {
	R, L, root, N, user string
	port                int
}

func (v vars) expand(s string) string {
	return strings.NewReplacer(
		"{R}", v.R, "{L}", v.L, "{N}", v.N,
		"{PORT}", strconv.Itoa(v.port), "{USER}", v.user,
	).Replace(s)
}

var argv0RE = regexp.MustCompile(`(?m)^(?:\S*/)?scp: `)

// normalise replaces the run's variable parts of an output by placeholders.
func (v vars) normalise(s string) string {
	s = strings.NewReplacer(v.R, "{R}", v.L, "{L}", v.root, "{ROOT}", v.N, "{N}").Replace(s)
	p := strconv.Itoa(v.port)
	s = regexp.MustCompile(`(:|port )`+p+`\b`).ReplaceAllString(s, "${1}{PORT}")
	// argv0: OpenSSH prints it as typed in getopt and fatal messages. Runs
	// pass "scp", but a wrapper (SCP_UNDER_TEST) may exec with a path.
	if ours != "" {
		s = regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(ours)+`: `).ReplaceAllString(s, "scp: ")
	}
	return argv0RE.ReplaceAllString(s, "scp: ")
}

// side is how a run is made: which client, which server.
type side struct {
	name string
	prog string   // client program
	pre  []string // arguments before the case's (after -F CONFIG)
	srv  *sshdtest.Server
}

// entry is the recorded state of one path after a run.
type entry struct {
	kind   byte // 'f', 'd', 'l', 'o' (other)
	perm   uint32
	size   int64
	sum    string // sha256 of a file's content
	target string // symlink target
	mtime  time.Time
	atime  time.Time
}

// result is what a run produced.
type result struct {
	exit   int
	stdout string // normalised
	stderr string // normalised
	tree   map[string]entry
	err    error // the harness could not run the case properly
	argv   []string
	// initial holds the tree paths the run started with (the same for
	// every run of a case).
	initial map[string]bool
}

const (
	// stampBase is the mtime given to every entry of a fresh tree (plus a
	// distinct offset each). Anything before stampLimit is a preserved or
	// untouched time; anything after was set by the run ("new").
	stampBase  = 1_000_000_000 // 2001-09-09
	stampLimit = 1_500_000_000 // 2017-07-14
	runTimeout = time.Minute
)

// runCase runs c once with side s in a fresh root under base.
func runCase(t *testing.T, c dcase, s side, base, token string) result {
	t.Helper()
	root, err := os.MkdirTemp(base, s.name+"-")
	if err != nil {
		t.Fatal(err)
	}
	v := vars{R: filepath.Join(root, "remote"), L: filepath.Join(root, "local"), root: root, N: token, user: s.srv.User, port: s.srv.Port}
	initial := map[string]bool{"local": true, "remote": true}
	stamps := []string{v.L, v.R}
	for _, p := range stamps {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	for _, n := range append(stdTree(c.opt&big != 0), manyTree(c.opt&many != 0)...) {
		rel := v.expand(n.path)
		p := filepath.Join(root, rel)
		if err := makeNode(p, n); err != nil {
			t.Fatalf("setup: %v", err)
		}
		initial[rel] = true
		if n.kind != 'l' {
			stamps = append(stamps, p)
		}
	}
	home := homeEntries(t, c, v)
	for _, h := range home {
		os.RemoveAll(h.abs)
		if h.create {
			if err := os.WriteFile(h.abs, []byte(h.content), 0o644); err != nil {
				t.Fatalf("setup: %v", err)
			}
			initial["~/"+h.name] = true
			stamps = append(stamps, h.abs)
		}
	}
	defer func() {
		for _, h := range home {
			os.RemoveAll(h.abs)
		}
	}()
	// Children first: creating an entry changes its parent's mtime.
	sort.SliceStable(stamps, func(i, j int) bool { return strings.Count(stamps[i], "/") > strings.Count(stamps[j], "/") })
	for i, p := range stamps {
		mt := time.Unix(stampBase+int64(i)*1000, 0)
		if err := os.Chtimes(p, mt.Add(7*time.Second), mt); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}

	args := []string{"-F", s.srv.ConfigFile}
	args = append(args, s.pre...)
	for _, a := range c.args {
		args = append(args, v.expand(a))
	}
	res := result{argv: append([]string{s.prog}, args...), initial: initial}
	p := command(t, s.name, s.prog, v.L, clientEnv(base, s.srv.User), runTimeout, args...)
	p.cmd.WaitDelay = 10 * time.Second
	p.start()
	res.exit, _, res.err = p.end()
	if res.exit < 0 {
		res.err = fmt.Errorf("client died: %v", p.cmd.ProcessState)
	}
	res.stdout = v.normalise(p.stdout.String())
	res.stderr = v.normalise(p.stderr.String())

	res.tree = map[string]entry{}
	for _, sub := range []string{"local", "remote"} {
		if err := snapshot(res.tree, filepath.Join(root, sub), sub); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	for _, h := range home {
		if err := snapshot(res.tree, h.abs, "~/"+h.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("snapshot: %v", err)
		}
	}
	return res
}

func clientEnv(base, user string) []string {
	home := filepath.Join(base, "home")
	os.MkdirAll(home, 0o700)
	return []string{
		"PATH=/usr/local/bin:/usr/bin:/bin", // OpenSSH runs `cp` for local copies
		"HOME=" + home,                      // no ~/.ssh
		"LC_ALL=C.UTF-8",
		"USER=" + user,
		"LOGNAME=" + user,
	}
}

type homeEntry struct {
	name, abs, content string
	create             bool
}

// homeEntries resolves c.home: names in the remote user's home directory
// (sshd runs on this machine as the current user). Each must contain the
// case token, so the suite never touches anything else there.
func homeEntries(t *testing.T, c dcase, v vars) []homeEntry {
	if len(c.home) == 0 {
		return nil
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	var hs []homeEntry
	for _, h := range c.home {
		name, content, create := strings.Cut(h, "=")
		name = v.expand(name)
		if !strings.Contains(name, v.N) || strings.Contains(name, "/") {
			t.Fatalf("home entry %q must be one name containing {N}", h)
		}
		hs = append(hs, homeEntry{name: name, abs: filepath.Join(u.HomeDir, name), content: content, create: create})
	}
	return hs
}

func makeNode(p string, n node) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	switch n.kind {
	case 'd':
		if err := os.Mkdir(p, 0o700); err != nil {
			return err
		}
	case 'l':
		return os.Symlink(n.content, p)
	case 'p':
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			return fmt.Errorf("mkfifo %s: %w", p, err)
		}
	case 'f':
		b := []byte(n.content)
		if n.random > 0 {
			b = randomBytes(n.random, n.path)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return err
		}
	}
	return os.Chmod(p, n.mode)
}

// snapshot records the tree at path (not following symlinks) under the
// name prefix.
func snapshot(tree map[string]entry, path, prefix string) error {
	if _, err := os.Lstat(path); err != nil {
		return err
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(path, p)
		name := prefix
		if rel != "." {
			name = prefix + "/" + filepath.ToSlash(rel)
		}
		fi, err := os.Lstat(p) // before reading: keep the atime
		if err != nil {
			return err
		}
		e := entry{perm: unixPerm(fi.Mode()), mtime: fi.ModTime()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.atime = time.Unix(st.Atim.Unix())
		}
		switch {
		case fi.Mode().IsRegular():
			e.kind = 'f'
			e.size = fi.Size()
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			e.sum = hex.EncodeToString(h.Sum(nil))
		case fi.IsDir():
			e.kind = 'd'
		case fi.Mode()&fs.ModeSymlink != 0:
			e.kind = 'l'
			e.target, err = os.Readlink(p)
			if err != nil {
				return err
			}
		default:
			e.kind = 'o'
		}
		tree[name] = e
		return nil
	})
}

func unixPerm(m fs.FileMode) uint32 {
	p := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		p |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		p |= 0o1000
	}
	return p
}

func timeClass(t time.Time) string {
	if t.Unix() < stampLimit {
		if t.Nanosecond() != 0 {
			return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	return "new"
}

// render is the comparable text of an entry. Times are shown as classes
// (see timeClass). Directory mtimes (which any temporary file disturbs)
// and file atimes are included only when the case preserves times, and
// atimes only for paths the run created: the atime of a source file is
// whatever reading it did.
func (e entry) render(times, atime bool) string {
	switch e.kind {
	case 'f':
		s := fmt.Sprintf("file %04o size=%d sha256=%.16s mtime=%s", e.perm, e.size, e.sum, timeClass(e.mtime))
		if times && atime {
			s += " atime=" + timeClass(e.atime)
		}
		return s
	case 'd':
		if times {
			return fmt.Sprintf("dir  %04o mtime=%s", e.perm, timeClass(e.mtime))
		}
		return fmt.Sprintf("dir  %04o", e.perm)
	case 'l':
		return fmt.Sprintf("link -> %s", e.target)
	}
	return fmt.Sprintf("other %04o", e.perm)
}

// compare returns the differences of got from the reference run; none
// means they agree.
func compare(c dcase, ref, got result) []string {
	var d []string
	if got.err != nil {
		d = append(d, "run: "+got.err.Error())
	}
	if got.exit != ref.exit {
		d = append(d, fmt.Sprintf("exit status: got %d, OpenSSH %d", got.exit, ref.exit))
	}
	if got.stdout != ref.stdout {
		d = append(d, fmt.Sprintf("stdout:\n  got     %q\n  OpenSSH %q", got.stdout, ref.stdout))
	}
	gs, rs := got.stderr, ref.stderr
	if c.opt&sortStderr != 0 {
		gs, rs = sortLines(gs), sortLines(rs)
	}
	if gs != rs {
		d = append(d, "stderr:\n"+lineDiff(gs, rs))
	}
	return append(d, treeDiff(got.tree, ref.tree, ref.initial, nil, c.preservesTimes())...)
}

// treeDiff compares got's tree with OpenSSH's (ref) entry by entry, over
// the names of both and of extra (nil for none); an entry not in initial
// is a new one, whose access time counts.
func treeDiff(got, ref map[string]entry, initial, extra map[string]bool, times bool) []string {
	names := maps.Clone(extra)
	if names == nil {
		names = map[string]bool{}
	}
	for n := range ref {
		names[n] = true
	}
	for n := range got {
		names[n] = true
	}
	var d []string
	for _, n := range slices.Sorted(maps.Keys(names)) {
		g, gok := got[n]
		r, rok := ref[n]
		gs, rs := g.render(times, !initial[n]), r.render(times, !initial[n])
		switch {
		case !gok && !rok:
		case !rok:
			d = append(d, fmt.Sprintf("tree: %s: only in ours: %s", n, gs))
		case !gok:
			d = append(d, fmt.Sprintf("tree: %s: missing (OpenSSH: %s)", n, rs))
		case gs != rs:
			d = append(d, fmt.Sprintf("tree: %s:\n  got     %s\n  OpenSSH %s", n, gs, rs))
		}
	}
	return d
}

func sortLines(s string) string {
	l := strings.SplitAfter(s, "\n")
	sort.Strings(l)
	return strings.Join(l, "")
}

func lineDiff(got, ref string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(got, "\n") {
		if l != "" {
			fmt.Fprintf(&b, "  got     %q\n", l)
		}
	}
	for _, l := range strings.SplitAfter(ref, "\n") {
		if l != "" {
			fmt.Fprintf(&b, "  OpenSSH %q\n", l)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// checkExpectations tests the reference run against what the case says
// OpenSSH does, so a case cannot pass by both sides failing the same way.
func checkExpectations(c dcase, ref result, token string) []string {
	var d []string
	if ref.err != nil {
		d = append(d, "run: "+ref.err.Error())
	}
	if ref.exit != c.exit {
		d = append(d, fmt.Sprintf("exit status %d, case expects %d", ref.exit, c.exit))
	}
	switch {
	case c.errs == "" && ref.stderr != "":
		d = append(d, fmt.Sprintf("stderr %q, case expects none", ref.stderr))
	case c.errs != "" && !strings.Contains(ref.stderr, c.errs):
		d = append(d, fmt.Sprintf("stderr %q, case expects it to contain %q", ref.stderr, c.errs))
	}
	for _, w := range c.want {
		w = strings.ReplaceAll(w, "{N}", token)
		switch {
		case strings.HasPrefix(w, "!"):
			if _, ok := ref.tree[w[1:]]; ok {
				d = append(d, fmt.Sprintf("%s exists, case expects it not to", w[1:]))
			}
		case strings.Contains(w, "->"):
			p, target, _ := strings.Cut(w, "->")
			if e, ok := ref.tree[p]; !ok || e.kind != 'l' || e.target != target {
				d = append(d, fmt.Sprintf("%s is %s, case expects a symlink to %s", p, ref.tree[p].render(false, false), target))
			}
		case strings.HasSuffix(w, "/"):
			p := strings.TrimSuffix(w, "/")
			if e, ok := ref.tree[p]; !ok || e.kind != 'd' {
				d = append(d, fmt.Sprintf("%s is not a directory (%q), case expects one", p, ref.tree[p].render(false, false)))
			}
		case strings.Contains(w, "="):
			p, content, _ := strings.Cut(w, "=")
			sum := sha256.Sum256([]byte(content))
			if e, ok := ref.tree[p]; !ok || e.kind != 'f' || e.sum != hex.EncodeToString(sum[:]) {
				d = append(d, fmt.Sprintf("%s is %q, case expects a file holding %q", p, ref.tree[p].render(false, false), content))
			}
		case strings.Contains(w, "@"): // path@MODE
			p, mode, _ := strings.Cut(w, "@")
			m, _ := strconv.ParseUint(mode, 8, 32)
			if e, ok := ref.tree[p]; !ok || e.perm != uint32(m) {
				d = append(d, fmt.Sprintf("%s is %q, case expects mode %s", p, ref.tree[p].render(false, false), mode))
			}
		default:
			if _, ok := ref.tree[w]; !ok {
				d = append(d, fmt.Sprintf("%s does not exist, case expects it", w))
			}
		}
	}
	return d
}
