package e2e

// Bad input from the peer and from the command line: a fake remote `scp`
// that prints shell banners, drops the connection, sends names nobody asked
// for, hostile names, escape sequences, setuid modes and garbage status
// bytes; and odd operands (unbalanced braces, `host:`, empty operands, a
// target host that is down). Where OpenSSH's behaviour is the reference,
// /usr/bin/scp -O runs side by side with ours against the same fake.
//
// The fake remote is a POSIX sh script named `scp`, first on the remote
// PATH (sshdtest.Config.RemotePath). It parses `scp [-v] [-r] [-p] [-d]
// -t|-f [--] PATH` and runs the scenario named by PATH's first component:
// a test registers a scenario body and asks for `sshdtest:NAME/file`, so
// one sshd serves every case and parallel cases never share a scenario.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// badFakeDispatcher is the remote `scp`. @DIR@ is replaced by the fake's
// directory. ack reads N bytes (default 1: a status byte) from the client
// without reading ahead, so a scenario stays in step with the protocol.
const badFakeDispatcher = `#!/bin/sh
# Fake remote scp for e2e/badinput_test.go.
mode= path=
while [ $# -gt 0 ]; do
	case $1 in
	-f) mode=f ;;
	-t) mode=t ;;
	--) shift; path=$1; break ;;
	-*) ;;
	*) path=$1; break ;;
	esac
	shift
done
scenario=${path%%/*}
printf '%s %s %s\n' "$scenario" "$mode" "$path" >>'@DIR@/calls'
ack() { dd bs=1 count="${1:-1}" of=/dev/null 2>/dev/null; }
if [ ! -f '@DIR@/scenarios/'"$scenario" ]; then
	printf '\002scp: fake scp: no scenario %s\n' "$scenario"
	exit 1
fi
. '@DIR@/scenarios/'"$scenario"
`

// badFake is an sshd whose remote scp is the fake.
type badFake struct {
	srv *sshdtest.Server
	dir string
	n   atomic.Int64
}

func startBadFake(t *testing.T) *badFake {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "scenarios"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := strings.ReplaceAll(badFakeDispatcher, "@DIR@", dir)
	if err := os.WriteFile(filepath.Join(dir, "scp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	f := &badFake{dir: dir}
	f.srv = sshdtest.Start(t, sshdtest.Config{RemotePath: dir})
	checkRemoteSCP(t, f.srv, filepath.Join(dir, "scp"))
	return f
}

// scenario registers a sh body (run with the helpers of the dispatcher:
// $mode, $path, ack) and returns its name, the first path component to
// request.
func (f *badFake) scenario(t *testing.T, body string) string {
	t.Helper()
	name := fmt.Sprintf("s%d", f.n.Add(1))
	if err := os.WriteFile(filepath.Join(f.dir, "scenarios", name), []byte(body+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// calls returns the modes ("f", "t") the fake was run with for a scenario.
func (f *badFake) calls(name string) []string {
	b, _ := os.ReadFile(filepath.Join(f.dir, "calls"))
	var modes []string
	for _, l := range strings.Split(string(b), "\n") {
		if s, rest, ok := strings.Cut(l, " "); ok && s == name {
			m, _, _ := strings.Cut(rest, " ")
			modes = append(modes, m)
		}
	}
	return modes
}

// mustHaveRun fails the test unless the fake ran scenario name in mode: an
// "exit 1" would otherwise pass for the wrong reason.
func (f *badFake) mustHaveRun(t *testing.T, name, mode string) {
	t.Helper()
	if !slices.Contains(f.calls(name), mode) {
		t.Errorf("the fake remote scp never ran scenario %s with -%s (calls: %q)", name, mode, f.calls(name))
	}
}

// badSpace is a fresh tree for one client run: base/work is the client's
// cwd, holding dst/ (an empty directory) and whatever the test adds;
// base/outside/ is a directory nothing may be written into.
type badSpace struct {
	base, work, dst, outside string
	env                      []string
}

func newBadSpace(t *testing.T, user string) *badSpace {
	t.Helper()
	base := t.TempDir()
	s := &badSpace{
		base:    base,
		work:    filepath.Join(base, "work"),
		dst:     filepath.Join(base, "work", "dst"),
		outside: filepath.Join(base, "outside"),
	}
	for _, d := range []string{s.work, s.dst, s.outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.outside, "keep.txt"), []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = clientEnv(base, user) // creates base/home
	return s
}

func (s *badSpace) write(t *testing.T, name string, content []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.work, name), content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree records every entry under the space (see snapTree), times left
// out.
func (s *badSpace) tree(t *testing.T) map[string]treeEntry {
	t.Helper()
	m := snapTree(t, s.base)
	for p, e := range m {
		m[p] = treeEntry{desc: e.desc}
	}
	return m
}

// badClient runs who's scp with `-F config` and args in the space, bounded
// by clientTimeout. A run that has to be killed fails the test.
func badClient(t *testing.T, who string, s *badSpace, config string, args ...string) clientRun {
	t.Helper()
	return client(t, who, config, s.work, s.env, args...).run(t)
}

// badExec runs prog (argv[0] "scp") in dir with env and stdin.
func badExec(t *testing.T, who, prog, dir string, env []string, stdin []byte, args ...string) clientRun {
	t.Helper()
	p := command(t, who, prog, dir, env, clientTimeout, args...)
	if stdin != nil {
		p.cmd.Stdin = bytes.NewReader(stdin)
	}
	return p.run(t)
}

// wantNoFile checks that name (relative to the space) does not exist.
func (s *badSpace) wantNoFile(t *testing.T, who, name string) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(s.base, name)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s: %s exists (or cannot be checked: %v); it must not", who, name, err)
	}
}

// badUmask is the test process's umask, which the clients inherit.
func badUmask(t *testing.T) uint32 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Umask:"); ok {
				if u, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(u)
				}
			}
		}
	}
	t.Skipf("cannot read the umask: %v", err)
	return 0
}

// badNormalise replaces the run's variable parts by placeholders, for
// comparing whole outputs.
func badNormalise(s string, repl ...string) string {
	s = strings.NewReplacer(repl...).Replace(s)
	if ours != "" {
		s = strings.ReplaceAll(s, ours+": ", "scp: ")
	}
	return argv0RE.ReplaceAllString(s, "scp: ")
}

// TestBadInput runs every case against one fake remote and one plain sshd.
func TestBadInput(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	f := startBadFake(t)
	// A plain sshd (OpenSSH's remote scp) for the operand cases. Started
	// here, it lives until every parallel subtest is done.
	plain := sshdtest.Start(t, sshdtest.Config{})

	t.Run("banner", func(t *testing.T) { t.Parallel(); testBadBanner(t, f) })
	t.Run("drop", func(t *testing.T) { t.Parallel(); testBadDrop(t, f) })
	t.Run("unrequested-name", func(t *testing.T) { t.Parallel(); testBadUnrequested(t, f) })
	t.Run("hostile-names", func(t *testing.T) { t.Parallel(); testBadHostileNames(t, f) })
	t.Run("escapes", func(t *testing.T) { t.Parallel(); testBadEscapes(t, f) })
	t.Run("setuid", func(t *testing.T) { t.Parallel(); testBadSetuid(t, f) })
	t.Run("bad-status", func(t *testing.T) { t.Parallel(); testBadStatus(t, f) })
	t.Run("brace", func(t *testing.T) { t.Parallel(); testBadBrace(t, plain) })
	t.Run("operands", func(t *testing.T) { t.Parallel(); testBadOperands(t, plain) })
	t.Run("target-down", func(t *testing.T) { t.Parallel(); testBadTargetDown(t, plain) })
}

// badBothSides runs fn once for OpenSSH and once for ours, as parallel subtests.
func badBothSides(t *testing.T, fn func(t *testing.T, who string)) {
	for _, who := range bothClients {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			fn(t, who)
		})
	}
}

// A source scenario: wait for the sink's first \0, send records.
const badSourceFile = `ack
printf '%s\n' '@REC@'
ack
printf 'abc\000'
ack`

func badSourceScenario(rec string) string {
	return strings.ReplaceAll(badSourceFile, "@REC@", rec)
}

// Case 1: the remote prints a shell banner on stdout before the protocol.
// OpenSSH shows the line and exits 1.
func testBadBanner(t *testing.T, f *badFake) {
	down := f.scenario(t, `printf 'Welcome to host\n'
`+badSourceScenario("C0644 3 good.txt"))
	up := f.scenario(t, `printf 'Welcome to host\n\000'
cat >/dev/null`)
	t.Run("download", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			r := badClient(t, who, s, f.srv.ConfigFile, "sshdtest:"+down+"/good.txt", "dst/")
			f.mustHaveRun(t, down, "f")
			r.wantExit(t, 1)
			r.wantStderr(t, "Welcome to host\n")
			r.wantClean(t)
			s.wantNoFile(t, who, "work/dst/good.txt")
		})
	})
	t.Run("upload", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			s.write(t, "a.txt", []byte("alpha\n"))
			r := badClient(t, who, s, f.srv.ConfigFile, "a.txt", "sshdtest:"+up+"/")
			f.mustHaveRun(t, up, "t")
			r.wantExit(t, 1)
			r.wantStderr(t, "Welcome to host")
			r.wantClean(t)
		})
	})
}

// Case 2: the connection drops in the middle of a file's data.
func testBadDrop(t *testing.T, f *badFake) {
	const size = 1000000
	down := f.scenario(t, `ack
printf 'C0644 1000000 f\n'
ack
printf '0123456789'`)
	up := f.scenario(t, `printf '\000'
read -r line
printf '\000'
ack 5`)
	t.Run("download", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			r := badClient(t, who, s, f.srv.ConfigFile, "sshdtest:"+down+"/f", "dst/")
			f.mustHaveRun(t, down, "f")
			r.wantExit(t, 1)
			r.wantClean(t)
			if who == whoOurs {
				r.wantStderr(t, "lost connection")
			} else if r.stderr == "" {
				t.Errorf("openssh: no message")
			}
			// A partial file may be left (OpenSSH leaves one), but it
			// must not pass for the whole: never padded to the size.
			if fi, err := os.Stat(filepath.Join(s.dst, "f")); err == nil {
				t.Logf("%s left a partial dst/f of %d bytes", who, fi.Size())
				if fi.Size() >= size {
					t.Errorf("%s: dst/f has %d bytes; the source sent 10 of %d", who, fi.Size(), size)
				}
			}
		})
	})
	t.Run("upload", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			s.write(t, "big.bin", randomBytes(size, "badinput"))
			r := badClient(t, who, s, f.srv.ConfigFile, "big.bin", "sshdtest:"+up+"/")
			f.mustHaveRun(t, up, "t")
			r.wantExit(t, 1)
			r.wantStderr(t, "lost connection")
			r.wantClean(t)
		})
	})
}

// Case 3: CVE-2019-6111, a name the request did not ask for.
func testBadUnrequested(t *testing.T, f *badFake) {
	sc := f.scenario(t, badSourceScenario("C0644 3 evil.txt"))
	t.Run("refused", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			r := badClient(t, who, s, f.srv.ConfigFile, "sshdtest:"+sc+"/good.txt", "dst/")
			f.mustHaveRun(t, sc, "f")
			r.wantExit(t, 1)
			r.wantStderr(t, "protocol error: filename does not match request\n")
			r.wantClean(t)
			s.wantNoFile(t, who, "work/dst/evil.txt")
			s.wantNoFile(t, who, "work/dst/good.txt")
			s.wantNoFile(t, who, "work/evil.txt")
		})
	})
	t.Run("T-accepts", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			s := newBadSpace(t, f.srv.User)
			r := badClient(t, who, s, f.srv.ConfigFile, "-T", "sshdtest:"+sc+"/good.txt", "dst/")
			f.mustHaveRun(t, sc, "f")
			r.wantExit(t, 0)
			if r.stderr != "" {
				t.Errorf("%s: stderr %q, want none", who, r.stderr)
			}
			if b, err := os.ReadFile(filepath.Join(s.dst, "evil.txt")); err != nil || string(b) != "abc" {
				t.Errorf("%s: dst/evil.txt = %q, %v; want \"abc\"", who, b, err)
			}
		})
	})
}

// Case 4: names that would leave the target. Nothing may be written
// anywhere: the whole space must be as it was.
func testBadHostileNames(t *testing.T, f *badFake) {
	lit := func(n string) func(*badSpace) string { return func(*badSpace) string { return n } }
	tests := []struct {
		label string
		name  func(s *badSpace) string // the name the fake sends
		dir   bool                     // a D record (with -r) rather than a C record
	}{
		{"dotdot-slash", lit("../evil"), false},
		{"dotdot-slash-deep", lit("../../outside/evil"), false},
		{"absolute", func(s *badSpace) string { return filepath.Join(s.outside, "evil") }, false},
		{"slash-inside", lit("sub/evil"), false},
		{"dot", lit("."), false},
		{"dotdot", lit(".."), false},
		{"empty", lit(""), false},
		{"dir-dotdot", lit(".."), true},
		{"dir-dot", lit("."), true},
		{"dir-dotdot-slash", lit("../outside"), true},
		{"dir-absolute", func(s *badSpace) string { return s.outside }, true},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			t.Parallel()
			badBothSides(t, func(t *testing.T, who string) {
				s := newBadSpace(t, f.srv.User)
				name := tt.name(s)
				var sc string
				var args []string
				if tt.dir {
					sc = f.scenario(t, badDirScenario(name))
					args = L{"-r", "sshdtest:" + sc + "/x", "dst"}
				} else {
					sc = f.scenario(t, badSourceScenario("C0644 3 "+name))
					args = L{"sshdtest:" + sc + "/x", "dst"}
				}
				before := s.tree(t)
				r := badClient(t, who, s, f.srv.ConfigFile, args...)
				f.mustHaveRun(t, sc, "f")
				r.wantExit(t, 1)
				r.wantStderr(t, "error: unexpected filename: "+name+"\n")
				r.wantClean(t)
				if d := treeChanges(before, s.tree(t)); len(d) > 0 {
					t.Errorf("%s wrote to the disk:\n  %s", who, strings.Join(d, "\n  "))
				}
			})
			// The same records fed to the remote role (`scp [-r] -t dst`):
			// the refusal goes back to the peer; nothing is written.
			t.Run("sink", func(t *testing.T) {
				badBothSides(t, func(t *testing.T, who string) {
					s := newBadSpace(t, f.srv.User)
					name := tt.name(s)
					in := "C0644 3 " + name + "\nabc\x00"
					args := L{"-t", "dst"}
					if tt.dir {
						in = "D0755 0 " + name + "\nC0644 3 evil\nabc\x00E\n"
						args = L{"-r", "-t", "dst"}
					}
					before := s.tree(t)
					r := badExec(t, who, whoProg(t, who), s.work, s.env, []byte(in), args...)
					r.wantExit(t, 1)
					if want := "\x00\x01scp: error: unexpected filename: " + name + "\n"; r.stdout != want {
						t.Errorf("%s: replies %q, want %q", who, r.stdout, want)
					}
					if r.stderr != "" {
						t.Errorf("%s: stderr %q, want none (the remote role reports to the peer)", who, r.stderr)
					}
					if d := treeChanges(before, s.tree(t)); len(d) > 0 {
						t.Errorf("%s wrote to the disk:\n  %s", who, strings.Join(d, "\n  "))
					}
				})
			})
		})
	}
}

// badDirScenario sends a D record named name holding one file.
func badDirScenario(name string) string {
	return `ack
printf '%s\n' 'D0755 0 ` + name + `'
ack
printf 'C0644 3 evil\n'
ack
printf 'abc\000'
ack
printf 'E\n'
ack`
}

// Case 5: escape sequences in a warning record and on the remote stderr.
func testBadEscapes(t *testing.T, f *badFake) {
	const warning = `printf '\001scp: \033[31mred\033]0;title\007\n'`
	const errout = `printf '\033[31mstderr-red\033[0m\n' >&2`
	down := f.scenario(t, "ack\n"+warning+"\n"+errout)
	up := f.scenario(t, errout+"\n"+warning+"\ncat >/dev/null")
	const shown = `scp: \033[31mred\033]0;title\007` + "\n"
	const shownStderr = `\033[31mstderr-red\033[0m`
	for _, tc := range []struct{ name, sc, mode string }{{"download", down, "f"}, {"upload", up, "t"}} {
		t.Run(tc.name, func(t *testing.T) {
			badBothSides(t, func(t *testing.T, who string) {
				s := newBadSpace(t, f.srv.User)
				args := L{"sshdtest:" + tc.sc + "/x", "dst/"}
				if tc.mode == "t" {
					s.write(t, "a.txt", []byte("alpha\n"))
					args = L{"a.txt", "sshdtest:" + tc.sc + "/"}
				}
				r := badClient(t, who, s, f.srv.ConfigFile, args...)
				f.mustHaveRun(t, tc.sc, tc.mode)
				r.wantExit(t, 1)
				r.wantStderr(t, shown)
				if who == whoOpenSSH {
					// OpenSSH passes the remote stderr through raw
					// (CVE-2019-6110); only the protocol text is clean.
					return
				}
				r.wantStderr(t, shownStderr)
				r.wantClean(t)
			})
		})
	}
}

// Case 6: a setuid mode in a C record. Without -p the bit is dropped (and
// the umask applied); with -p it is kept. Both as a client (download) and
// as the remote sink (`scp -t` driven directly).
func testBadSetuid(t *testing.T, f *badFake) {
	umask := badUmask(t)
	sc := f.scenario(t, badSourceScenario("C4755 3 s.sh"))
	for _, tt := range []struct {
		name string
		args []string
		want uint32
	}{
		{"without-p", nil, 0o755 &^ umask},
		{"with-p", L{"-p"}, 0o4755},
	} {
		t.Run("download-"+tt.name, func(t *testing.T) {
			badBothSides(t, func(t *testing.T, who string) {
				s := newBadSpace(t, f.srv.User)
				args := append(slices.Clone(tt.args), "sshdtest:"+sc+"/s.sh", "dst/")
				r := badClient(t, who, s, f.srv.ConfigFile, args...)
				f.mustHaveRun(t, sc, "f")
				r.wantExit(t, 0)
				badWantMode(t, who, filepath.Join(s.dst, "s.sh"), tt.want)
			})
		})
		t.Run("sink-"+tt.name, func(t *testing.T) {
			badBothSides(t, func(t *testing.T, who string) {
				s := newBadSpace(t, f.srv.User)
				args := append(slices.Clone(tt.args), "-t", "dst")
				r := badExec(t, who, whoProg(t, who), s.work, s.env, []byte("C4755 3 s.sh\nabc\x00"), args...)
				r.wantExit(t, 0)
				if r.stdout != "\x00\x00\x00" {
					t.Errorf("%s: replies %q, want three \\0", who, r.stdout)
				}
				badWantMode(t, who, filepath.Join(s.dst, "s.sh"), tt.want)
			})
		})
	}
}

func badWantMode(t *testing.T, who, p string, want uint32) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Errorf("%s: %v", who, err)
		return
	}
	if got := unixPerm(fi.Mode()); got != want {
		t.Errorf("%s: %s has mode %04o, want %04o", who, filepath.Base(p), got, want)
	}
}

// Case 7: a status byte that is not 0, 1 or 2, with the remote keeping the
// connection open (reading stdin until it is closed). OpenSSH waits for a
// newline forever here (PROTOCOL.md §11.1), so only ours runs: it must end
// at once, with exit 1, showing what arrived. On upload the fake is the
// sink replying garbage; on download it is a source sending bytes beyond
// the announced size, where the file's status byte belongs.
func testBadStatus(t *testing.T, f *badFake) {
	for _, tt := range []struct {
		name, body string
		download   bool
		want       string
	}{
		{"first-reply", `printf 'X'
cat >/dev/null`, false, "X"},
		{"reply-to-C", `printf '\000'
read -r line
printf 'X'
cat >/dev/null`, false, "X"},
		{"reply-to-data", `printf '\000'
read -r line
printf '\000'
ack 4
printf 'X'
cat >/dev/null`, false, "X"},
		{"reply-to-data-with-text", `printf '\000'
read -r line
printf '\000'
ack 4
printf 'X\033[2Jgarbage'
cat >/dev/null`, false, "X"},
		{"download-bytes-beyond-size", `ack
printf 'C0644 3 f\n'
ack
printf 'abcdef'
cat >/dev/null`, true, "d"},
		{"download-status-X", `ack
printf 'C0644 3 f\n'
ack
printf 'abcX'
cat >/dev/null`, true, "X"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := f.scenario(t, tt.body)
			s := newBadSpace(t, f.srv.User)
			s.write(t, "abc.txt", []byte("abc"))
			args, mode := L{"abc.txt", "sshdtest:" + sc + "/"}, "t"
			if tt.download {
				args, mode = L{"sshdtest:" + sc + "/f", "dst/"}, "f"
			}
			r := badClient(t, whoOurs, s, f.srv.ConfigFile, args...)
			f.mustHaveRun(t, sc, mode)
			r.wantExit(t, 1)
			r.wantStderr(t, tt.want)
			r.wantClean(t)
		})
	}
}

// Case 8: an unbalanced brace or bracket in a remote source: OpenSSH's
// brace_expand fails, fatal, exit 255. Compared whole.
func testBadBrace(t *testing.T, srv *sshdtest.Server) {
	for _, tt := range []struct{ name, path, want string }{
		{"open-brace", "file{", `scp: brace_expand: invalid brace pattern "file{"` + "\r\n"},
		{"close-brace", "a}b", `scp: brace_expand: invalid brace pattern "a}b"` + "\r\n"},
		{"open-bracket", "file[1", `scp: brace_expand: invalid brace pattern "file[1"` + "\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			badCompare(t, srv, func(s *badSpace) []string { return L{"sshdtest:" + tt.path, "dst/"} }, 255, tt.want)
		})
	}
}

// badCompare runs OpenSSH and ours with the same arguments in fresh spaces
// and requires the exit status want from both, stderr containing wantErr,
// the same stdout and the same changes to the disk, and, if exact, the same
// normalised stderr.
func badCompare(t *testing.T, srv *sshdtest.Server, args func(s *badSpace) []string, want int, wantErr string, repl ...string) {
	t.Helper()
	var runs [2]clientRun
	var trees [2][]string
	for i, who := range bothClients {
		s := newBadSpace(t, srv.User)
		s.write(t, "a.txt", []byte("alpha\n"))
		before := s.tree(t)
		r := badClient(t, who, s, srv.ConfigFile, args(s)...)
		r.stderr = badNormalise(r.stderr, append(slices.Clone(repl), s.base, "{BASE}", strconv.Itoa(srv.Port), "{PORT}")...)
		r.wantExit(t, want)
		r.wantStderr(t, wantErr)
		r.wantClean(t)
		runs[i] = r
		trees[i] = treeChanges(before, s.tree(t))
	}
	if runs[0].stderr != runs[1].stderr {
		t.Errorf("stderr differs:\n%s", lineDiff(runs[1].stderr, runs[0].stderr))
	}
	if runs[0].stdout != runs[1].stdout {
		t.Errorf("stdout differs: ours %q, OpenSSH %q", runs[1].stdout, runs[0].stdout)
	}
	if !slices.Equal(trees[0], trees[1]) {
		t.Errorf("changes to the disk differ:\n  ours    %q\n  OpenSSH %q", trees[1], trees[0])
	}
}

// Case 9: `host:` alone (the remote home directory, `.`) and empty operands.
// OpenSSH copies local to local with cp(1); ours copies natively with cp's
// words, so those messages are compared exactly too.
func testBadOperands(t *testing.T, srv *sshdtest.Server) {
	for _, tt := range []struct {
		name    string
		args    []string
		exit    int
		wantErr string
	}{
		{"host-colon-only", L{"sshdtest:", "dst/"}, 1, "scp: .: not a regular file\n"},
		{"empty-source-remote-target", L{"", "sshdtest:{BASE}/work/dst/"}, 1, ": No such file or directory\n"},
		{"empty-target-remote-source", L{"sshdtest:{BASE}/work/a.txt", ""}, 1, ": No such file or directory\n"},
		{"empty-source", L{"", "x"}, 1, "cp: cannot stat '': No such file or directory\n"},
		{"empty-target", L{"a.txt", ""}, 1, "cp: cannot create regular file '': No such file or directory\n"},
		{"empty-both", L{"", ""}, 1, "cp: cannot stat '': No such file or directory\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			badCompare(t, srv, func(s *badSpace) []string {
				var a []string
				for _, x := range tt.args {
					a = append(a, strings.ReplaceAll(x, "{BASE}", s.base))
				}
				return a
			}, tt.exit, tt.wantErr)
		})
	}
}

// Case 10: the target's host is down (nothing listens on its port) while
// the source is fine: a local file, and a file on a working remote host.
func testBadTargetDown(t *testing.T, srv *sshdtest.Server) {
	port := badDeadPort(t)
	cfg := aliasConfig(t, srv, "down", port)
	// The same server reached through the config with the dead host.
	srvDown := &sshdtest.Server{User: srv.User, Port: srv.Port, ConfigFile: cfg}
	refused := "ssh: connect to host 127.0.0.1 port {DOWN}: Connection refused\r\n"
	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"upload", L{"a.txt", "down:dst/"}, refused},
		{"remote-to-remote", L{"sshdtest:{BASE}/work/a.txt", "down:dst/"}, refused},
		{"remote-to-remote-3", L{"-3", "sshdtest:{BASE}/work/a.txt", "down:dst/"}, refused},
		{"upload-uri", L{"a.txt", "scp://127.0.0.1:" + strconv.Itoa(port) + "/dst/"}, refused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			badCompare(t, srvDown, func(s *badSpace) []string {
				var a []string
				for _, x := range tt.args {
					a = append(a, strings.ReplaceAll(x, "{BASE}", s.base))
				}
				return a
			}, 1, tt.wantErr, strconv.Itoa(port), "{DOWN}")
		})
	}
}

// badDeadPort returns a local TCP port nothing listens on: one the kernel
// just handed out and that was closed again.
func badDeadPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}
