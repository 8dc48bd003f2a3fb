package e2e

// Uploads large enough to run on several sessions at once (internal/cli's
// parallel upload), side by side with OpenSSH's scp -O and with ours made
// serial (-X serial): the exit status, stderr and the tree written must be
// the same, contents and modes always, and the mtimes of files and
// directories with -p. A second sshd allows two sessions per connection
// (MaxSessions 2), so that most sessions are refused, and a third runs a
// remote scp that refuses -d.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

func TestParallelUpload(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	// An scp that refuses -d, as a remote scp that cannot serve every
	// session would refuse some: the copy must not count on them.
	noD := t.TempDir()
	script := "#!/bin/sh\ncase \" $* \" in *\" -d \"*) echo 'scp: no -d here' >&2; exit 1;; esac\nexec /usr/bin/scp \"$@\"\n"
	if err := os.WriteFile(filepath.Join(noD, "scp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	servers := []struct {
		name string
		cfg  sshdtest.Config
	}{
		{"default", sshdtest.Config{}},
		{"MaxSessions-2", sshdtest.Config{Extra: []string{"MaxSessions 2"}}},
		{"scp-without-d", sshdtest.Config{RemotePath: noD}},
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := sshdtest.Start(t, s.cfg)
			for _, c := range parallelCases() {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					testParallelCase(t, srv, c)
				})
			}
		})
	}
}

type parallelCase struct {
	name string
	// args after -F CONFIG; "R" is the remote directory, "tree" the local
	// tree, "FILES" all files directly in it.
	args []string
	// remote prepares the remote directory.
	remote   func(t *testing.T, dir string)
	preserve bool // compare mtimes too
}

func parallelCases() []parallelCase {
	mkdir := func(names ...string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for _, n := range names {
				if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return []parallelCase{
		{name: "r-new-target", args: L{"-r", "tree", "sshdtest:R/new"}},
		{name: "r-existing-target", args: L{"-r", "tree", "sshdtest:R/ex"}, remote: mkdir("ex")},
		{name: "rp-existing-target", args: L{"-rp", "tree", "sshdtest:R/ex"}, remote: mkdir("ex"), preserve: true},
		{name: "rp-new-target", args: L{"-rp", "tree", "sshdtest:R/new"}, preserve: true},
		{name: "r-two-trees", args: L{"-r", "tree", "tree/sub", "sshdtest:R/ex"}, remote: mkdir("ex")},
		{name: "files-to-dir", args: L{"FILES", "sshdtest:R/flat"}, remote: mkdir("flat")},
		{name: "p-files-to-dir", args: L{"-p", "FILES", "sshdtest:R/flat"}, remote: mkdir("flat"), preserve: true},
		{name: "files-to-missing-dir", args: L{"FILES", "sshdtest:R/nodir"}},
		{name: "r-missing-parent", args: L{"-r", "tree", "sshdtest:R/nodir/new"}},
		{name: "r-onto-a-file", args: L{"-r", "tree", "sshdtest:R/file"}, remote: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "file"), []byte("keep\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "files-to-a-file", args: L{"FILES", "sshdtest:R/file"}, remote: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "file"), []byte("keep\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "r-collisions", args: L{"-r", "tree", "sshdtest:R/col"}, remote: func(t *testing.T, dir string) {
			mkdir("col/tree/f07", "col/tree/empty")(t, dir)
			for _, f := range []string{"col/tree/sub", "col/tree/deep/f2"} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte("in the way\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
	}
}

// parallelTree writes the local tree: 90 small files, a subdirectory of 20
// with a mode of its own, a deeper one with three big files, an empty
// directory and names with spaces, every mtime fixed.
func parallelTree(t *testing.T, root string) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	write := func(name string, size int, mode os.FileMode) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		if err := os.WriteFile(p, b, mode); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 90 {
		write(fmt.Sprintf("tree/f%02d", i), 100+i, 0o644)
	}
	write("tree/with space", 10, 0o600)
	write("tree/x.sh", 20, 0o755)
	for i := range 20 {
		write(fmt.Sprintf("tree/sub/s%02d", i), 4096, 0o640)
	}
	for i := range 3 {
		write(fmt.Sprintf("tree/deep/er/big%d", i), 300<<10+i, 0o644)
	}
	write("tree/deep/f2", 5, 0o644)
	if err := os.Mkdir(filepath.Join(root, "tree/empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		name string
		mode os.FileMode
	}{{"tree/sub", 0o750}, {"tree/deep/er", 0o700}} {
		if err := os.Chmod(filepath.Join(root, d.name), d.mode); err != nil {
			t.Fatal(err)
		}
	}
	// Children first: setting times on an entry leaves its parent's alone,
	// creating one does not.
	var paths []string
	filepath.Walk(filepath.Join(root, "tree"), func(p string, _ os.FileInfo, err error) error {
		paths = append(paths, p)
		return err
	})
	slices.Reverse(paths)
	for i, p := range paths {
		mt := time.Unix(1500000000+int64(i)*1000, 0)
		if err := os.Chtimes(p, mt.Add(time.Hour), mt); err != nil {
			t.Fatal(err)
		}
	}
}

func testParallelCase(t *testing.T, srv *sshdtest.Server, c parallelCase) {
	type outcome struct {
		run  clientRun
		tree map[string]treeEntry
	}
	var outs []outcome
	for _, who := range []string{whoOpenSSH, whoOursSerial, whoOurs} {
		base := t.TempDir()
		local, remote := filepath.Join(base, "local"), filepath.Join(base, "remote")
		parallelTree(t, local)
		if err := os.Mkdir(remote, 0o755); err != nil {
			t.Fatal(err)
		}
		if c.remote != nil {
			c.remote(t, remote)
		}
		before := snapTree(t, remote)
		var args []string
		for _, a := range c.args {
			switch {
			case a == "FILES":
				names, _ := filepath.Glob(filepath.Join(local, "tree", "f*"))
				for _, n := range names {
					args = append(args, strings.TrimPrefix(n, local+"/"))
				}
			default:
				args = append(args, strings.Replace(a, "sshdtest:R", "sshdtest:"+remote, 1))
			}
		}
		r := client(t, who, srv.ConfigFile, local, nil, args...).run(t)
		r.stderr = strings.ReplaceAll(r.stderr, base, "BASE")
		tree := snapTree(t, remote)
		// What was there before is not a copy: its mtime is the last write.
		for p := range before {
			if e, ok := tree[p]; ok && e.desc == before[p].desc {
				e.mtime = time.Time{}
				tree[p] = e
			}
		}
		outs = append(outs, outcome{r, tree})
	}
	ref := outs[0]
	for _, o := range outs[1:] {
		who := o.run.who
		if o.run.exit != ref.run.exit {
			t.Errorf("%s: exit %d, OpenSSH %d", who, o.run.exit, ref.run.exit)
		}
		if o.run.stderr != ref.run.stderr {
			t.Errorf("%s: stderr\n%s\nOpenSSH\n%s", who, o.run.stderr, ref.run.stderr)
		}
		for _, d := range parallelTreeDiff(ref.tree, o.tree, c.preserve) {
			t.Errorf("%s: %s", who, d)
		}
	}
}

// parallelTreeDiff lists the differences of got from want: entries, their
// kinds, modes, sizes and contents, and with times their mtimes.
func parallelTreeDiff(want, got map[string]treeEntry, times bool) []string {
	var d []string
	for _, p := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[p]
		w := want[p]
		switch {
		case !ok:
			d = append(d, "missing "+p+": "+w.desc)
		case g.desc != w.desc:
			d = append(d, fmt.Sprintf("%s: %s, OpenSSH %s", p, g.desc, w.desc))
		case times && !g.mtime.Equal(w.mtime):
			d = append(d, fmt.Sprintf("%s: mtime %v, OpenSSH %v", p, g.mtime, w.mtime))
		}
	}
	for _, p := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[p]; !ok {
			d = append(d, "extra "+p+": "+got[p].desc)
		}
	}
	return d
}

// TestParallelUploadInterrupted sends SIGINT to ours in the middle of a
// parallel upload (once a big file has started to arrive): exit 1, and no
// remote scp left behind.
func TestParallelUploadInterrupted(t *testing.T) {
	needOurs(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	base := t.TempDir()
	local, remote := filepath.Join(base, "local"), filepath.Join(base, "remote")
	parallelTree(t, local)
	// Sparse, so quick to make, and big enough to be under way for a while.
	big, err := os.Create(filepath.Join(local, "tree", "huge"))
	if err == nil {
		err = big.Truncate(4 << 30)
	}
	if err == nil {
		err = big.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(remote, 0o755); err != nil {
		t.Fatal(err)
	}
	p := client(t, whoOurs, srv.ConfigFile, local, nil, "-r", "tree", "sshdtest:"+remote)
	p.start()
	arrived := filepath.Join(remote, "tree", "huge")
	for {
		if fi, err := os.Stat(arrived); err == nil && fi.Size() > 0 {
			break
		}
		select {
		case <-p.done:
			t.Fatalf("ours ended before the big file arrived: %s", p.wait(t))
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	r := p.wait(t)
	r.wantExit(t, 1)
	if fi, err := os.Stat(arrived); err == nil && fi.Size() == 4<<30 {
		t.Errorf("the big file arrived whole: the copy was not interrupted")
	}
	// Every remote scp of the copy goes when the connection does.
	deadline := time.Now().Add(time.Minute)
	for pgrep(t, remote) != "" {
		if time.Now().After(deadline) {
			t.Fatalf("remote processes left: %s", pgrep(t, remote))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestParallelDownload downloads several remote operands of one host, which
// ours fetches on sessions running at once, side by side with OpenSSH's
// scp -O and ours made serial: the same exit status, stderr and local tree.
// The server that refuses -d refuses every download of several operands:
// each is then copied serially in its turn.
func TestParallelDownload(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	noD := t.TempDir()
	script := "#!/bin/sh\ncase \" $* \" in *\" -d \"*) echo 'scp: no -d here' >&2; exit 1;; esac\nexec /usr/bin/scp \"$@\"\n"
	if err := os.WriteFile(filepath.Join(noD, "scp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	servers := []struct {
		name string
		cfg  sshdtest.Config
	}{
		{"default", sshdtest.Config{}},
		{"MaxSessions-2", sshdtest.Config{Extra: []string{"MaxSessions 2"}}},
		{"scp-without-d", sshdtest.Config{RemotePath: noD}},
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := sshdtest.Start(t, s.cfg)
			for _, c := range parallelDownloadCases() {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					testParallelDownloadCase(t, srv, c)
				})
			}
		})
	}
}

func parallelDownloadCases() []parallelCase {
	in := func(t *testing.T, dir string, names ...string) {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			var err error
			if strings.HasSuffix(n, "/") {
				err = os.Mkdir(p, 0o755)
			} else {
				err = os.WriteFile(p, []byte("in the way\n"), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return []parallelCase{
		{name: "files", args: L{"FILES", "dst"}},
		{name: "p-files", args: L{"-p", "FILES", "dst"}, preserve: true},
		{name: "r-dirs", args: L{"-r", "sshdtest:R/tree/sub", "sshdtest:R/tree/deep", "sshdtest:R/tree/empty", "sshdtest:R/tree/f01", "dst"}},
		{name: "rp-dirs", args: L{"-rp", "sshdtest:R/tree/sub", "sshdtest:R/tree/deep/", "sshdtest:R/tree/x.sh", "dst"}, preserve: true},
		{name: "missing-and-dirs", args: L{"sshdtest:R/tree/f01", "sshdtest:R/nope", "sshdtest:R/tree/f02", "sshdtest:R/tree/sub", "sshdtest:R/tree/f03", "dst"}},
		{name: "local-collisions", args: L{"-r", "sshdtest:R/tree/sub", "sshdtest:R/tree/deep", "sshdtest:R/tree/f05", "dst"}, remote: func(t *testing.T, dir string) {
			in(t, dir, "sub", "deep/f2/", "f05/")
		}},
		{name: "same-names", args: L{"sshdtest:R/tree/deep/f2", "sshdtest:R/tree/f02", "sshdtest:R/tree/deep/er/../f2", "dst"}},
		{name: "glob", args: L{"sshdtest:R/tree/f0*", "sshdtest:R/tree/x.sh", "dst"}},
	}
}

// testParallelDownloadCase runs a download case: c.remote prepares the
// local dst directory, "FILES" is 20 files of the remote tree.
func testParallelDownloadCase(t *testing.T, srv *sshdtest.Server, c parallelCase) {
	type outcome struct {
		run  clientRun
		tree map[string]treeEntry
	}
	var outs []outcome
	for _, who := range []string{whoOpenSSH, whoOursSerial, whoOurs} {
		base := t.TempDir()
		local, remote := filepath.Join(base, "local"), filepath.Join(base, "remote")
		parallelTree(t, remote)
		dst := filepath.Join(local, "dst")
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		if c.remote != nil {
			c.remote(t, dst)
		}
		before := snapTree(t, dst)
		var args []string
		for _, a := range c.args {
			switch {
			case a == "FILES":
				// 20: OpenSSH logs in once per remote operand.
				names, _ := filepath.Glob(filepath.Join(remote, "tree", "f[01]*"))
				for _, n := range names {
					args = append(args, "sshdtest:"+n)
				}
			default:
				args = append(args, strings.Replace(a, "sshdtest:R", "sshdtest:"+remote, 1))
			}
		}
		r := client(t, who, srv.ConfigFile, local, nil, args...).run(t)
		r.stderr = strings.ReplaceAll(r.stderr, base, "BASE")
		tree := snapTree(t, dst)
		for p := range before {
			if e, ok := tree[p]; ok && e.desc == before[p].desc {
				e.mtime = time.Time{}
				tree[p] = e
			}
		}
		outs = append(outs, outcome{r, tree})
	}
	ref := outs[0]
	for _, o := range outs[1:] {
		who := o.run.who
		if o.run.exit != ref.run.exit {
			t.Errorf("%s: exit %d, OpenSSH %d", who, o.run.exit, ref.run.exit)
		}
		if o.run.stderr != ref.run.stderr {
			t.Errorf("%s: stderr\n%s\nOpenSSH\n%s", who, o.run.stderr, ref.run.stderr)
		}
		for _, d := range parallelTreeDiff(ref.tree, o.tree, c.preserve) {
			t.Errorf("%s: %s", who, d)
		}
	}
}

// TestParallelDownloadFallback downloads several remote operands from
// servers without scp, which ours fetches at once and, finding no scp,
// copies again in their turn over SFTP: the tree of OpenSSH's scp in SFTP
// mode against a plain server, and nothing on stderr.
func TestParallelDownloadFallback(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	trees := map[string]map[string]entry{}
	for _, run := range sftpOnlyRuns(t, prog) {
		root := t.TempDir()
		remote, dst := filepath.Join(root, "remote"), filepath.Join(root, "local", "dst")
		parallelTree(t, remote)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		args := L{"-F", run.srv.ConfigFile, "-r"}
		for _, op := range []string{"tree/sub", "tree/f01", "tree/deep", "tree/empty", "tree/f02"} {
			args = append(args, "sshdtest:"+filepath.Join(remote, op))
		}
		args = append(args, "dst")
		r := command(t, run.name, run.prog, filepath.Join(root, "local"), clientEnv(t.TempDir(), run.srv.User), clientTimeout, args...).run(t)
		if r.exit != 0 || r.stdout != "" || r.stderr != "" {
			t.Errorf("%s", r)
		}
		trees[run.name] = map[string]entry{}
		if err := snapshot(trees[run.name], dst, "dst"); err != nil {
			t.Fatal(err)
		}
	}
	if len(trees["openssh-sftp"]) < 20 {
		t.Errorf("OpenSSH copied %d entries", len(trees["openssh-sftp"]))
	}
	for _, ours := range []string{"ours-no-scp", "ours-sftp-only"} {
		if d := treeDiff(trees[ours], trees["openssh-sftp"], nil, nil, false); len(d) > 0 {
			t.Errorf("%s: tree:\n%s", ours, strings.Join(d, "\n"))
		}
	}
}
