package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// opt are per-case switches.
type opt uint

const (
	clientOnly opt = 1 << iota // no remote scp involved: only the client role applies
	big                        // add the 5 MiB files (local/big.bin, remote/big.bin)
	sortStderr                 // stderr lines may come in any order (several processes write)
	many                       // add manyTree: many small files, some failing, and a blocked target
)

// dcase is one differential case. args follow `scp -F CONFIG` and may use
// the placeholders of vars; the host alias is "sshdtest".
type dcase struct {
	name string
	opt  opt
	exit int    // OpenSSH's exit status (checked on the reference run)
	errs string // text OpenSSH's normalised stderr contains; "" means stderr is empty
	args []string
	// want are checks of the reference run's tree: "p" exists, "!p" does
	// not, "p/" is a directory, "p=TEXT" is a file holding TEXT, "p@0640"
	// has that mode, "p->T" is a symlink to T. Paths start with local/,
	// remote/ or ~/ (home entries).
	want []string
	// home are names in the remote user's home directory the case uses
	// ("NAME" is recorded and removed, "NAME=TEXT" is also created first);
	// each must contain {N}.
	home []string
}

// L is short for an argument or expectation list in the case table.
type L = []string

// preservesTimes reports whether the case passes -p (then atimes of files
// are compared too).
func (c dcase) preservesTimes() bool {
	for _, a := range c.args {
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			return false
		}
		for _, ch := range a[1:] {
			if strings.ContainsRune("cDFiJlMoPSX", ch) {
				break
			}
			if ch == 'p' {
				return true
			}
		}
	}
	return false
}

// stdTree is the tree every run starts from: the same entries on the local
// side (the client's cwd) and the remote side.
func stdTree(withBig bool) []node {
	var ns []node
	for _, s := range []string{"local", "remote"} {
		ns = append(ns,
			file(s+"/a.txt", "alpha\n", 0o644),
			file(s+"/b.txt", "bravo\n", 0o640),
			file(s+"/empty", "", 0o644),
			file(s+"/ro.txt", "read only\n", 0o444),
			file(s+"/x.sh", "#!/bin/sh\necho x\n", 0o755),
			file(s+"/existing.txt", "old content, longer than alpha\n", 0o600),
			file(s+"/file with spaces.txt", "spaces\n", 0o644),
			file(s+`/it's "quoted".txt`, "quotes\n", 0o644),
			file(s+"/-x", "dash\n", 0o644),
			file(s+"/$(touch {N}).txt", "dollar\n", 0o644),
			file(s+"/ünï©ødé-名前.txt", "unicode\n", 0o644),
			file(s+"/a:b", "colon\n", 0o644),
			file(s+"/x.log", "x log\n", 0o644),
			file(s+"/y.log", "y log\n", 0o600),
			link(s+"/link-a", "a.txt"),
			link(s+"/link-d", "d"),
			dir(s+"/d", 0o750),
			file(s+"/d/one.txt", "one\n", 0o644),
			dir(s+"/d/sub", 0o700),
			file(s+"/d/sub/two.txt", "two\n", 0o600),
			random(s+"/d/sub/three.bin", 20000, 0o644),
			link(s+"/d/sub/ln", "../one.txt"),
			dir(s+"/d/void", 0o755),
			dir(s+"/dest", 0o755),
			file(s+"/suid.sh", "#!/bin/sh\n", 0o755|fs.ModeSetuid),
			file(s+"/nl\nname", "newline\n", 0o644),
			fifo(s+"/fifo", 0o644),
		)
		if withBig {
			ns = append(ns, random(s+"/big.bin", 5<<20, 0o644))
		}
	}
	ns = append(ns, file("local/{N}.txt", "token\n", 0o644))
	return ns
}

// outcome of one case in one role.
type outcome struct {
	cases map[string]map[string]bool // case → role → agrees
	mu    sync.Mutex
}

func (o *outcome) record(c, role string, agree bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cases[c] == nil {
		o.cases[c] = map[string]bool{}
	}
	o.cases[c][role] = agree
}

func (o *outcome) summary() (string, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	agree := 0
	roleTotal, roleAgree := map[string]int{}, map[string]int{}
	var bad []string
	for name, roles := range o.cases {
		all := true
		for r, ok := range roles {
			roleTotal[r]++
			if ok {
				roleAgree[r]++
			} else {
				all = false
				bad = append(bad, name+"/"+r)
			}
		}
		if all {
			agree++
		}
	}
	sort.Strings(bad)
	return fmt.Sprintf("differential: %d cases, %d agree (client role %d/%d, server role %d/%d)",
		len(o.cases), agree, roleAgree["client"], roleTotal["client"], roleAgree["server"], roleTotal["server"]), bad
}

func newToken() string {
	b := make([]byte, 5)
	rand.Read(b)
	return "goscp-e2e-" + hex.EncodeToString(b)
}

// TestDifferential runs the case table (cases_test.go) with OpenSSH and
// with ours in both roles, and logs a summary.
func TestDifferential(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	plain := sshdtest.Start(t, sshdtest.Config{})
	oursRemote := sshdtest.Start(t, sshdtest.Config{RemotePath: oursBin})
	checkRemoteSCP(t, plain, opensshSCP)
	checkRemoteSCP(t, oursRemote, filepath.Join(oursBin, "scp"))

	ref := side{name: "openssh", prog: opensshSCP, pre: L{"-O"}, srv: plain}
	roles := []side{
		{name: "client", prog: prog, srv: plain},                          // ours → OpenSSH's remote scp
		{name: "server", prog: opensshSCP, pre: L{"-O"}, srv: oursRemote}, // OpenSSH → our remote scp
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
	}

	o := &outcome{cases: map[string]map[string]bool{}}
	t.Run("case", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				base := t.TempDir()
				token := newToken()
				r := runCase(t, c, ref, base, token)
				t.Logf("OpenSSH: exit %d, stderr %q", r.exit, r.stderr)
				if d := checkExpectations(c, r, token); len(d) > 0 {
					t.Errorf("OpenSSH reference run does not do what the case expects:\n  argv %q\n  stderr %q\n%s", r.argv, r.stderr, strings.Join(d, "\n"))
				}
				for _, s := range roles {
					if s.name == "server" && c.opt&clientOnly != 0 {
						continue
					}
					t.Run(s.name, func(t *testing.T) {
						got := runCase(t, c, s, base, token)
						d := compare(c, r, got)
						o.record(c.name, s.name, len(d) == 0)
						if len(d) > 0 {
							t.Errorf("%s disagrees with OpenSSH:\n  argv %q\n%s", s.name, got.argv, strings.Join(d, "\n"))
						}
					})
				}
			})
		}
	})
	line, bad := o.summary()
	t.Log(line)
	if len(bad) > 0 {
		t.Logf("disagreeing: %s", strings.Join(bad, " "))
	}
	if len(cases) < 35 {
		t.Errorf("only %d cases; the suite promises at least 35", len(cases))
	}
}

// checkRemoteSCP asserts which scp a command run through srv finds.
func checkRemoteSCP(t *testing.T, srv *sshdtest.Server, want string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/ssh", "-F", srv.ConfigFile, sshdtest.HostAlias, "command -v scp")
	cmd.Env = clientEnv(t.TempDir(), srv.User)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s 'command -v scp': %v\n%s", srv.Addr, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("remote scp on %s is %q, want %q", srv.Addr, got, want)
	}
}
