package sftpcli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// globFlags select the glob(3) behaviours sftp asks for.
type globFlags uint

const (
	// globMark appends "/" to directories and to symlinks to them.
	globMark globFlags = 1 << iota
	// globNoCheck makes a pattern that matches nothing its own result,
	// with its escapes removed.
	globNoCheck
	// globBrace expands "{a,b}" alternatives first (ls only).
	globBrace
	// globNoSort keeps the order the directories were read in.
	globNoSort
)

// errNoMatch is a pattern that matched nothing without globNoCheck, or
// that glob(3) refuses (longer than PATH_MAX). sftp's get says
// `File "%s" not found.`, its ls `Can't ls: "%s" not found`.
var errNoMatch = errors.New("no match")

// errListFailed is a directory the server would not list; the reason
// has been printed.
var errListFailed = errors.New("cannot list directory")

// maxPath is PATH_MAX: glob(3) refuses longer patterns and paths.
const maxPath = 4096

// globMatch is one result of a glob.
type globMatch struct {
	path string
	// info is the match's lstat, or its stat for a symlink that globMark
	// followed (as glob(3) keeps it for GLOB_KEEPSTAT); nil for the
	// pattern that globNoCheck returns.
	info fs.FileInfo
}

// globFS is what the glob engine reads: directories, lstat and stat.
// A nil error with a nil result means "not there": the engine skips it.
// An error ends the glob.
type globFS interface {
	readDir(dir string) ([]dirEntry, error)
	lstat(name string) (fs.FileInfo, error)
	stat(name string) (fs.FileInfo, error)
}

// dirEntry is a name a directory listing gave, with its lstat when the
// listing carried one (nil: not known), which spares a round trip for
// every remote match.
type dirEntry struct {
	name string
	info fs.FileInfo
}

// remoteGlob expands pattern on the server as sftp's remote_glob does:
// glob(3) over SFTP readdir, lstat and stat. It fails with errNoMatch, or
// with the error that broke the connection or ended s.ctx.
func (s *session) remoteGlob(pattern string, flags globFlags) ([]globMatch, error) {
	return glob(remoteFS{s}, pattern, flags)
}

// localGlob expands pattern on the local file system, as sftp's put does
// with glob(3).
func localGlob(pattern string, flags globFlags) ([]string, error) {
	matches, err := glob(localFS{}, pattern, flags)
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(matches))
	for i, m := range matches {
		paths[i] = m.path
	}
	return paths, nil
}

// matched counts the results that are matches, not a globNoCheck pattern
// (glob(3)'s gl_matchc).
func matched(matches []globMatch) int {
	n := 0
	for _, m := range matches {
		if m.info != nil {
			n++
		}
	}
	return n
}

// glob is the engine behind remoteGlob and localGlob.
func glob(fsys globFS, pattern string, flags globFlags) ([]globMatch, error) {
	if len(pattern) >= maxPath {
		return nil, fmt.Errorf("glob %q: %w", pattern, errNoMatch)
	}
	g := &globber{fsys: fsys, flags: flags}
	p := unescape(pattern)
	var err error
	if flags&globBrace != 0 {
		err = expandBraces(p, g.expand)
	} else {
		err = g.expand(p)
	}
	if err != nil {
		return nil, err
	}
	if len(g.matches) == 0 {
		return nil, fmt.Errorf("glob %q: %w", pattern, errNoMatch)
	}
	return g.matches, nil
}

// globber collects the matches of one glob.
type globber struct {
	fsys    globFS
	flags   globFlags
	matches []globMatch
}

// expand globs one pattern (one alternative of a brace expansion) and
// adds its results, sorted unless globNoSort.
func (g *globber) expand(p []pchar) error {
	start := len(g.matches)
	toks, ok := compile(p, g.flags&globNoCheck != 0)
	if !ok {
		return nil
	}
	if len(toks) > 0 {
		if err := g.walk("", toks); err != nil {
			return err
		}
	}
	batch := g.matches[start:]
	if len(batch) == 0 {
		if g.flags&globNoCheck != 0 {
			g.matches = append(g.matches, globMatch{path: plain(p)})
		}
		return nil
	}
	if g.flags&globNoSort == 0 {
		sort.SliceStable(batch, func(i, j int) bool { return batch[i].path < batch[j].path })
	}
	return nil
}

// walk adds to path the literal components of rest, then either checks
// that the path exists (rest used up) or reads the directory for the next
// component with wildcards and walks on from each name it matches.
func (g *globber) walk(path string, rest []token) error {
	for {
		if len(rest) == 0 {
			return g.found(path, nil)
		}
		seg := segment(rest)
		if hasWildcard(seg) {
			return g.readDir(path, seg, rest[len(seg):])
		}
		var b strings.Builder
		b.WriteString(path)
		for _, t := range seg {
			b.WriteByte(t.c)
		}
		rest = rest[len(seg):]
		for len(rest) > 0 && rest[0].isSlash() {
			b.WriteByte('/')
			rest = rest[1:]
		}
		path = b.String()
		if len(path) >= maxPath-1 {
			return fmt.Errorf("glob: path too long: %w", errNoMatch)
		}
	}
}

// readDir walks on from every name in dir that matches seg.
func (g *globber) readDir(dir string, seg, rest []token) error {
	name := dir
	if name == "" {
		name = "."
	}
	entries, err := g.fsys.readDir(name)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := e.name
		// A leading dot must be matched by a literal one.
		if strings.HasPrefix(n, ".") && !(len(seg) > 0 && seg[0].kind == tokLiteral && seg[0].c == '.') {
			continue
		}
		if !match(n, seg) {
			continue
		}
		if len(dir)+len(n) >= maxPath-1 {
			return fmt.Errorf("glob: path too long: %w", errNoMatch)
		}
		if len(rest) == 0 {
			err = g.found(dir+n, e.info)
		} else {
			err = g.walk(dir+n, rest)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// found adds path if it exists, marked as globMark asks; fi is its lstat
// when known.
func (g *globber) found(path string, fi fs.FileInfo) error {
	if fi == nil {
		var err error
		if fi, err = g.fsys.lstat(path); err != nil || fi == nil {
			return err
		}
	}
	if g.flags&globMark != 0 && !strings.HasSuffix(path, "/") {
		if fi.Mode()&fs.ModeSymlink != 0 {
			// glob(3) keeps the target's stat when it has one.
			st, err := g.fsys.stat(path)
			if err != nil {
				return err
			}
			if st != nil {
				fi = st
			}
		}
		if fi.IsDir() {
			path += "/"
		}
	}
	g.matches = append(g.matches, globMatch{path: path, info: fi})
	return nil
}

// remoteFS is globFS over the session's SFTP connection. Status replies
// mean "not there"; anything else (a lost connection, ^C) ends the glob.
type remoteFS struct{ s *session }

// readDir takes the attributes of the listing as the entries' lstat, as
// sftp-server's readdir gives them, when they hold a type.
func (r remoteFS) readDir(dir string) ([]dirEntry, error) {
	list, err := r.s.listDir(dir)
	if errors.Is(err, errListFailed) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	entries := make([]dirEntry, len(list))
	for i, fi := range list {
		entries[i].name = fi.Name()
		if fi.Attrs.Flags&sftp.AttrPermissions != 0 {
			entries[i].info = fi
		}
	}
	return entries, nil
}

// listDir reads the directory dir as sftp's do_readdir does. A failure the
// server reports is printed and returned as errListFailed; names that
// could lead out of dir are printed and dropped.
func (s *session) listDir(dir string) ([]*sftp.FileInfo, error) {
	list, err := s.client.ReadDir(s.ctx, dir)
	if err != nil {
		var se *sftp.StatusError
		if !errors.As(err, &se) {
			return nil, err
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Op == "opendir" {
			s.errorf("remote readdir(\"%s\"): %s", dir, se)
		} else {
			s.errorf("Couldn't read directory: %s", se)
		}
		return nil, errListFailed
	}
	entries := list[:0]
	for _, fi := range list {
		n := fi.Name()
		// "/" could lead out of dir (sftp refuses it too); NUL would
		// end the name in C, and "" names dir itself.
		if n == "" || strings.ContainsAny(n, "/\x00") {
			s.errorf("Server sent suspect path \"%s\" during readdir of \"%s\"", n, dir)
			continue
		}
		entries = append(entries, fi)
	}
	return entries, nil
}

func (r remoteFS) lstat(name string) (fs.FileInfo, error) {
	return remoteInfo(r.s.client.Lstat(r.s.ctx, name))
}

func (r remoteFS) stat(name string) (fs.FileInfo, error) {
	return remoteInfo(r.s.client.Stat(r.s.ctx, name))
}

func remoteInfo(fi *sftp.FileInfo, err error) (fs.FileInfo, error) {
	var se *sftp.StatusError
	switch {
	case errors.As(err, &se):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return fi, nil
}

// localFS is globFS over the local file system; like glob(3) without an
// error callback it skips what it cannot read.
type localFS struct{}

func (localFS) readDir(dir string) ([]dirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, nil
	}
	// readdir(3) has them, and ".*" matches them.
	entries := []dirEntry{{name: "."}, {name: ".."}}
	for _, n := range names {
		entries = append(entries, dirEntry{name: n})
	}
	return entries, nil
}

func (localFS) lstat(name string) (fs.FileInfo, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, nil
	}
	return fi, nil
}

func (localFS) stat(name string) (fs.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil
	}
	return fi, nil
}

// pchar is one byte of a pattern after its backslash escapes are removed;
// a quoted byte is never a wildcard.
type pchar struct {
	c      byte
	quoted bool
}

func (p pchar) is(c byte) bool { return p.c == c && !p.quoted }

// unescape turns pattern into pchars: "\x" is a quoted x, and a final
// backslash a quoted backslash.
func unescape(pattern string) []pchar {
	p := make([]pchar, 0, len(pattern))
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '\\' {
			p = append(p, pchar{c: c})
			continue
		}
		if i+1 < len(pattern) {
			i++
			c = pattern[i]
		}
		p = append(p, pchar{c: c, quoted: true})
	}
	return p
}

// plain is p without its escapes: what globNoCheck returns.
func plain(p []pchar) string {
	b := make([]byte, len(p))
	for i, c := range p {
		b[i] = c.c
	}
	return string(b)
}

// indexUnquoted returns the index of the first unquoted c in p, or -1.
func indexUnquoted(p []pchar, c byte) int {
	for i, x := range p {
		if x.is(c) {
			return i
		}
	}
	return -1
}

// expandBraces calls emit with each pattern that p's first "{...}" gives,
// recursively, as glob(3) with GLOB_BRACE does, quirks included: an
// unbalanced "{" leaves only what precedes it, "[...]" hides braces and
// commas, and an alternative holding a "[" starts at the last one.
func expandBraces(p []pchar, emit func([]pchar) error) error {
	if len(p) == 2 && p[0].is('{') && p[1].is('}') {
		return emit(p)
	}
	open := indexUnquoted(p, '{')
	if open < 0 {
		return emit(p)
	}
	end := closingBrace(p, open)
	if end < 0 {
		return emit(p[:open])
	}
	prefix, suffix := p[:open], p[end+1:]
	depth, from := 0, open+1
	for i := open + 1; i <= end; i++ {
		switch {
		case p[i].is('['):
			from = i
			if j := indexUnquoted(p[i+1:], ']'); j >= 0 {
				i += 1 + j
			}
		case p[i].is('{'):
			depth++
		case p[i].is('}') && depth > 0:
			depth--
		case (p[i].is('}') || p[i].is(',')) && depth == 0:
			alt := make([]pchar, 0, len(prefix)+i-from+len(suffix))
			alt = append(append(append(alt, prefix...), p[from:i]...), suffix...)
			if err := expandBraces(alt, emit); err != nil {
				return err
			}
			from = i + 1
		}
	}
	return nil
}

// closingBrace returns the index of the "}" that closes the "{" at open,
// or -1.
func closingBrace(p []pchar, open int) int {
	depth := 0
	for i := open + 1; i < len(p); i++ {
		switch {
		case p[i].is('['):
			if j := indexUnquoted(p[i+1:], ']'); j >= 0 {
				i += 1 + j
			}
		case p[i].is('{'):
			depth++
		case p[i].is('}'):
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

type tokenKind uint8

const (
	tokLiteral tokenKind = iota // one byte
	tokAny                      // ?
	tokStar                     // *
	tokSet                      // [...]
	tokNever                    // a [...] holding "/": glob(3) matches nothing
)

// token is one element of a compiled pattern.
type token struct {
	kind tokenKind
	c    byte     // tokLiteral
	set  *byteSet // tokSet
}

func (t token) isSlash() bool { return t.kind == tokLiteral && t.c == '/' }

// byteSet is a bracket expression.
type byteSet struct {
	negate  bool
	ranges  [][2]byte
	classes []func(byte) bool
}

func (s *byteSet) has(b byte) bool {
	in := false
	for _, r := range s.ranges {
		in = in || r[0] <= b && b <= r[1]
	}
	for _, f := range s.classes {
		in = in || f(b)
	}
	return in != s.negate
}

// compile turns p into tokens. ok is false when p names an unknown
// character class and noCheck is not set: glob(3) then gives up on p.
func compile(p []pchar, noCheck bool) (toks []token, ok bool) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c.quoted:
			toks = append(toks, token{kind: tokLiteral, c: c.c})
		case c.c == '?':
			toks = append(toks, token{kind: tokAny})
		case c.c == '*':
			if len(toks) == 0 || toks[len(toks)-1].kind != tokStar {
				toks = append(toks, token{kind: tokStar})
			}
		case c.c == '[':
			t, n, err := compileSet(p[i+1:], noCheck)
			if err != nil {
				return nil, false
			}
			if n == 0 {
				toks = append(toks, token{kind: tokLiteral, c: '['})
				continue
			}
			toks = append(toks, t)
			i += n
		default:
			toks = append(toks, token{kind: tokLiteral, c: c.c})
		}
	}
	return toks, true
}

// errBadClass is a "[:name:]" glob(3) does not know.
var errBadClass = errors.New("unknown character class")

// compileSet compiles the bracket expression whose "[" precedes p and
// returns how many pchars it took; 0 means the "[" is a literal one. The
// first member may be "]"; "[:class:]" names a class; "a-z" is a range.
// A set that runs to the end of the pattern (glob(3) reads past it then)
// ends there.
func compileSet(p []pchar, noCheck bool) (token, int, error) {
	set := &byteSet{}
	j := 0
	if len(p) > 0 && p[0].is('!') {
		set.negate = true
		j++
	}
	if j >= len(p) || indexUnquoted(p[j+1:], ']') < 0 {
		return token{}, 0, nil
	}
	slash := false
	for first := true; j < len(p); first = false {
		c := p[j]
		j++
		if c.is(']') && !first {
			break
		}
		if c.is('[') && j < len(p) && p[j].is(':') {
			var closed bool
			var err error
			c, j, closed, err = compileClasses(set, p, j, noCheck)
			if err != nil {
				return token{}, 0, err
			}
			if closed {
				break
			}
		}
		slash = slash || c.c == '/'
		lo, hi := c.c, c.c
		if j+1 < len(p) && p[j].is('-') && !p[j+1].is(']') {
			hi = p[j+1].c
			slash = slash || hi == '/'
			j += 2
		}
		set.ranges = append(set.ranges, [2]byte{lo, hi})
	}
	if slash {
		return token{kind: tokNever}, j, nil
	}
	return token{kind: tokSet, set: set}, j, nil
}

// compileClasses adds the classes in a run of "[:name:]" to set; p[j] is
// the ":" after a "[". It returns the member that follows (the "[" itself
// when the run does not start with a class), where to go on, and whether
// that member closed the set.
func compileClasses(set *byteSet, p []pchar, j int, noCheck bool) (pchar, int, bool, error) {
	c := pchar{c: '['}
	for c.is('[') && j < len(p) && p[j].is(':') {
		end := indexUnquoted(p[j+1:], ':')
		if end < 0 || j+1+end+1 >= len(p) || !p[j+1+end+1].is(']') {
			return c, j, false, nil // not a class: "[" is a member
		}
		f := charClass(p[j+1 : j+1+end])
		if f == nil {
			if !noCheck {
				return c, j, false, errBadClass
			}
			return c, j, false, nil
		}
		set.classes = append(set.classes, f)
		j += end + 3
		if j >= len(p) {
			return pchar{c: ']'}, j, true, nil
		}
		c = p[j]
		j++
	}
	return c, j, c.is(']'), nil
}

// charClass returns the test of the named class in the C locale, or nil.
func charClass(name []pchar) func(byte) bool {
	var b strings.Builder
	for _, c := range name {
		if c.quoted {
			return nil
		}
		b.WriteByte(c.c)
	}
	return classes[b.String()]
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }
func isLower(b byte) bool { return 'a' <= b && b <= 'z' }
func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isAlpha(b byte) bool { return isUpper(b) || isLower(b) }
func isGraph(b byte) bool { return '!' <= b && b <= '~' }

var classes = map[string]func(byte) bool{
	"alnum":  func(b byte) bool { return isAlpha(b) || isDigit(b) },
	"alpha":  isAlpha,
	"blank":  func(b byte) bool { return b == ' ' || b == '\t' },
	"cntrl":  func(b byte) bool { return b < ' ' || b == 0x7f },
	"digit":  isDigit,
	"graph":  isGraph,
	"lower":  isLower,
	"print":  func(b byte) bool { return b == ' ' || isGraph(b) },
	"punct":  func(b byte) bool { return isGraph(b) && !isAlpha(b) && !isDigit(b) },
	"space":  func(b byte) bool { return b == ' ' || '\t' <= b && b <= '\r' },
	"upper":  isUpper,
	"xdigit": func(b byte) bool { return isDigit(b) || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' },
}

// segment returns the tokens of rest's first path component.
func segment(rest []token) []token {
	for i, t := range rest {
		if t.isSlash() {
			return rest[:i]
		}
	}
	return rest
}

func hasWildcard(seg []token) bool {
	for _, t := range seg {
		if t.kind != tokLiteral {
			return true
		}
	}
	return false
}

// match reports whether name matches the component pattern pat. It
// backtracks only to the last "*", so it stays linear per star.
func match(name string, pat []token) bool {
	ni, pi := 0, 0
	starP, starN := -1, 0
	for {
		if pi < len(pat) {
			t := pat[pi]
			if t.kind == tokStar {
				starP, starN = pi, ni
				pi++
				continue
			}
			if ni < len(name) && t.matches(name[ni]) {
				ni++
				pi++
				continue
			}
		} else if ni == len(name) {
			return true
		}
		if starP < 0 || starN >= len(name) {
			return false
		}
		starN++
		ni, pi = starN, starP+1
	}
}

func (t token) matches(b byte) bool {
	switch t.kind {
	case tokLiteral:
		return t.c == b
	case tokAny:
		return true
	case tokSet:
		return t.set.has(b)
	}
	return false
}
