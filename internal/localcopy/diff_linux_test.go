//go:build linux

package localcopy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The differential test runs /bin/cp and Copy side by side. Copy runs in
// a child process too (this test binary, re-executed as a cp stand-in) so
// that both can get the same working directory, umask, locale and user.
const (
	helperEnv    = "LOCALCOPY_TEST_HELPER"
	helperUIDEnv = "LOCALCOPY_TEST_UID"
	gnuCp        = "/bin/cp"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// helperMain is `cp [-r] [-p] -- SRC TARGET` done by Copy.
func helperMain(args []string) int {
	if s := os.Getenv(helperUIDEnv); s != "" {
		id, _ := strconv.Atoi(s)
		if err := syscall.Setgroups(nil); err != nil {
			panic(err)
		}
		if err := syscall.Setgid(id); err != nil {
			panic(err)
		}
		if err := syscall.Setuid(id); err != nil {
			panic(err)
		}
	}
	var opts Options
	for len(args) > 0 && args[0] != "--" {
		switch args[0] {
		case "-r":
			opts.Recursive = true
		case "-p":
			opts.Preserve = true
		}
		args = args[1:]
	}
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "helper: want [-r] [-p] -- SRC TARGET")
		return 2
	}
	opts.Stderr = os.Stderr
	if Copy(args[1], args[2], opts) {
		return 0
	}
	return 1
}

type diffCase struct {
	name   string
	flags  string // "", "-r", "-p", "-r -p"
	src    string
	target string
	setup  func(t *testing.T, b *builder)
	wantOK bool
	// unprivileged runs both as nobody (skipped unless the test is root).
	unprivileged bool
	// root: the setup needs root (chown, mknod).
	root  bool
	umask int // 0 means 022
	env   []string
	// volatile: subtrees whose content depends on inode numbers, which
	// differ between the two trees (cp abandons a copy into itself at a
	// point that depends on the order it reads directories in, by inode).
	// Entries there are compared only when both sides have them.
	volatile []string
}

func diffCases() []diffCase {
	tree := func(t *testing.T, b *builder) {
		b.file("d/f", "top file\n", 0o644)
		b.file("d/empty", "", 0o600)
		b.file("d/exec.sh", "#!/bin/sh\necho hi\n", 0o755)
		b.dir("d/sub", 0o755)
		b.file("d/sub/g", "in sub\n", 0o640)
		b.dir("d/sub/deeper/deepest", 0o700)
		b.file("d/sub/deeper/deepest/h", "deep\n", 0o444)
		b.dir("d/emptydir", 0o755)
		b.file("d/with space.txt", "spaces\n", 0o644)
		b.file("d/ünï©ødé-名前.txt", "unicode\n", 0o644)
		b.file("d/it's.txt", "quote\n", 0o644)
		b.symlink("sub/g", "d/rel-link")
		b.symlink("/etc/hostname", "d/abs-link")
		b.symlink("nowhere", "d/dangling")
		b.symlink("sub", "d/dir-link")
		b.file("d/h1", "hard linked\n", 0o644)
		b.hardlink("d/h1", "d/h2")
	}
	specials := func(t *testing.T, b *builder) {
		b.dir("d", 0o755)
		b.fifo("d/fifo", 0o640)
		b.fifo("d/suid-fifo", 0o4755)
		b.socket("d/sock")
		b.chardev("d/null", 1, 3)
		b.file("d/plain", "x\n", 0o644)
	}
	return []diffCase{
		{name: "file-new", src: "a", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "hello\n", 0o644)
		}},
		{name: "file-into-dir", src: "a", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "hello\n", 0o640)
			b.dir("t", 0o755)
		}},
		{name: "file-over-existing-keeps-mode", src: "a", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "short\n", 0o755)
			b.file("b", "a much longer old content that must go\n", 0o600)
		}},
		{name: "file-over-existing-p", flags: "-p", src: "a", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "short\n", 0o640)
			b.file("b", "a much longer old content that must go\n", 0o600)
		}},
		{name: "missing-source", src: "nope", target: "t", setup: func(t *testing.T, b *builder) {
			b.dir("t", 0o755)
		}},
		{name: "dir-without-r", src: "d", target: "t", setup: tree},
		{name: "setuid-stripped", src: "a", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "#!/bin/sh\n", 0o6755)
		}},
		{name: "setuid-p-owner", flags: "-p", src: "a", target: "b", wantOK: true, root: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "#!/bin/sh\n", 0o6755)
			b.chown("a", 12345, 23456)
		}},
		{name: "tree-new", flags: "-r", src: "d", target: "t", wantOK: true, setup: tree},
		{name: "tree-umask-077", flags: "-r", src: "d", target: "t", wantOK: true, umask: 0o077, setup: tree},
		{name: "tree-umask-077-p", flags: "-r -p", src: "d", target: "t", wantOK: true, umask: 0o077, setup: tree},
		{name: "tree-into-existing-dir", flags: "-r", src: "d", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.dir("t/d/sub", 0o700)
			b.file("t/d/f", "old and longer content\n", 0o600)
			b.file("t/d/extra", "stays\n", 0o644)
			b.file("t/d/dangling", "a file where the link goes\n", 0o644)
		}},
		{name: "tree-p", flags: "-r -p", src: "d", target: "t", wantOK: true, root: true, setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.dir("d/ro", 0o500)
			b.file("d/ro/inside", "read-only dir\n", 0o600)
			b.chmod("d/ro", 0o500)
			b.dir("d/sticky", 0o755)
			b.chmod("d/sticky", 0o1777)
			b.dir("d/setgid", 0o755)
			b.chmod("d/setgid", 0o2775)
			b.chown("d/sub/g", 12345, 23456)
			b.lchown("d/rel-link", 12345, 23456)
			b.chmod("d", 0o750)
		}},
		{name: "tree-no-p-special-dir-modes", root: true, flags: "-r", src: "d", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.dir("d/ro", 0o755)
			b.file("d/ro/inside", "read-only dir\n", 0o600)
			b.chmod("d/ro", 0o500)
			b.dir("d/none", 0o755)
			b.chmod("d/none", 0)
			b.dir("d/sticky", 0o755)
			b.chmod("d/sticky", 0o1777)
			b.dir("d/setgid", 0o755)
			b.chmod("d/setgid", 0o2775)
			b.chmod("d", 0o4750)
		}},
		{name: "merge-p-changes-existing-dir", flags: "-r -p", src: "d", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.dir("d", 0o755)
			b.file("d/f", "new\n", 0o600)
			b.chmod("d", 0o710)
			b.dir("t/d", 0o777)
			b.file("t/d/f", "old content\n", 0o666)
		}},
		{name: "symlink-loops-r", flags: "-r", src: "d", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.dir("d", 0o755)
			b.symlink("loop", "d/loop")
			b.symlink("b", "d/a")
			b.symlink("a", "d/b")
			b.symlink(".", "d/self")
			b.symlink("..", "d/parent")
		}},
		{name: "symlink-operand-r", flags: "-r", src: "la", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "target\n", 0o644)
			b.symlink("a", "la")
			b.dir("t", 0o755)
		}},
		{name: "symlink-operand-followed", src: "la", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "target\n", 0o600)
			b.symlink("a", "la")
		}},
		{name: "dir-symlink-operand-r", flags: "-r", src: "ld", target: "x", wantOK: true, setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.symlink("d", "ld")
		}},
		{name: "dir-symlink-operand-trailing-slash-r", flags: "-r", src: "ld/", target: "x", wantOK: true, setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.symlink("d", "ld")
		}},
		{name: "dangling-operand", src: "dang", target: "b", setup: func(t *testing.T, b *builder) {
			b.symlink("nowhere", "dang")
		}},
		{name: "dangling-operand-r", flags: "-r", src: "dang", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.symlink("nowhere", "dang")
		}},
		{name: "loop-operand", src: "loop", target: "b", setup: func(t *testing.T, b *builder) {
			b.symlink("loop", "loop")
		}},
		{name: "same-file", src: "a", target: "a", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
		{name: "same-file-dot", src: "a", target: ".", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
		{name: "same-file-hardlink", src: "a", target: "h", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.hardlink("a", "h")
		}},
		{name: "same-file-through-dest-link-r", flags: "-r", src: "a", target: "sl", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("a", "sl")
		}},
		{name: "symlink-onto-its-referent-r", flags: "-r", src: "la", target: "a", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("a", "la")
		}},
		{name: "hardlinked-symlinks-r", flags: "-r", src: "la", target: "hla", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("a", "la")
			b.hardlink("la", "hla")
		}},
		{name: "dir-into-itself", flags: "-r", src: "d", target: "d", setup: tree, volatile: []string{"d/d"}},
		{name: "dir-into-its-subdir", flags: "-r", src: "d", target: "d/sub", setup: tree, volatile: []string{"d/sub/d"}},
		{name: "dir-into-itself-exact", flags: "-r", src: "d", target: "d", setup: func(t *testing.T, b *builder) {
			b.dir("d", 0o750)
		}},
		{name: "dir-into-its-subdir-exact", flags: "-r", src: "d", target: "d/sub", setup: func(t *testing.T, b *builder) {
			b.dir("d/sub", 0o700)
		}},
		{name: "dir-same-as-dest", flags: "-r", src: "d", target: ".", setup: tree},
		{name: "dir-over-link-to-itself", flags: "-r", src: "d", target: "t", setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.dir("t", 0o755)
			b.symlink("../d", "t/d")
		}},
		{name: "dotdot-into-itself", flags: "-r", src: "d/..", target: "t3", volatile: []string{"t3"}, setup: func(t *testing.T, b *builder) {
			b.file("d/q", "q\n", 0o644)
			b.file("t3/a/x", "x\n", 0o644)
			b.file("top", "top\n", 0o644)
		}},
		{name: "dir-onto-file", flags: "-r", src: "d", target: "f", setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.file("f", "file\n", 0o644)
		}},
		{name: "file-onto-dir", src: "a", target: "t", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.dir("t/a", 0o755)
		}},
		{name: "file-onto-dir-link", src: "a", target: "t", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.dir("od", 0o755)
			b.dir("t", 0o755)
			b.symlink("../od", "t/a")
		}},
		{name: "dangling-dest", src: "a", target: "dang", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("nowhere", "dang")
		}},
		{name: "symlink-over-file-r", flags: "-r", src: "la", target: "ex", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("a", "la")
			b.file("ex", "existing\n", 0o600)
		}},
		{name: "file-through-dest-link-r", flags: "-r", src: "a", target: "lb", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "new\n", 0o644)
			b.file("b", "old and long\n", 0o600)
			b.symlink("b", "lb")
		}},
		{name: "specials-r", flags: "-r", src: "d", target: "t", wantOK: true, root: true, setup: specials},
		{name: "specials-r-p", flags: "-r -p", src: "d", target: "t", wantOK: true, root: true, setup: specials},
		{name: "fifo-operand-r-over-file", flags: "-r", src: "p", target: "ex", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.fifo("p", 0o600)
			b.file("ex", "existing\n", 0o644)
		}},
		{name: "socket-operand-without-r", src: "s", target: "b", setup: func(t *testing.T, b *builder) {
			b.socket("s")
		}},
		{name: "dev-null-operand", src: "/dev/null", target: "b", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("b", "old content\n", 0o640)
		}},
		{name: "permission-denied-file-in-tree", flags: "-r", src: "d", target: "t", unprivileged: true, setup: func(t *testing.T, b *builder) {
			b.file("d/a", "a\n", 0o644)
			b.file("d/secret", "secret\n", 0o644)
			b.chmod("d/secret", 0)
			b.file("d/sub/x", "x\n", 0o644)
			b.file("d/z", "z\n", 0o644)
		}},
		{name: "permission-denied-dir-in-tree", root: true, flags: "-r", src: "d", target: "t", unprivileged: true, setup: func(t *testing.T, b *builder) {
			b.file("d/a", "a\n", 0o644)
			b.file("d/locked/inside", "x\n", 0o644)
			b.chmod("d/locked", 0o750)
			b.chmod("d/locked", 0)
			b.file("d/z", "z\n", 0o644)
		}},
		{name: "owner-rwx-trick-unprivileged", root: true, flags: "-r", src: "d", target: "t", wantOK: true, unprivileged: true, setup: func(t *testing.T, b *builder) {
			b.file("d/ro/inside", "x\n", 0o644)
			b.file("d/ro/deeper/y", "y\n", 0o644)
			b.chmod("d/ro/deeper", 0o500)
			b.chmod("d/ro", 0o500)
		}},
		{name: "p-unprivileged", flags: "-r -p", src: "d", target: "t", wantOK: true, unprivileged: true, setup: tree},
		{name: "p-unprivileged-foreign-owners", flags: "-r -p", src: "d", target: "t", wantOK: true, unprivileged: true, root: true, setup: func(t *testing.T, b *builder) {
			for _, f := range []struct {
				name string
				mode uint32
				uid  int
			}{{"su", 0o4755, 0}, {"sg", 0o2755, 0}, {"stk", 0o1755, 0}, {"own", 0o4755, -1}, {"mine", 0o6755, -2}} {
				b.file("d/"+f.name, f.name+"\n", 0o644)
				b.chmod("d/"+f.name, f.mode)
				switch f.uid {
				case 0:
					b.chown("d/"+f.name, 0, 0)
				case -1:
					b.chown("d/"+f.name, b.owner, 0) // own user, foreign group
				}
			}
			for _, d := range []struct {
				name string
				mode uint32
			}{{"sud", 0o4755}, {"sgd", 0o2755}, {"sd", 0o1777}} {
				b.dir("d/"+d.name, 0o755)
				b.file("d/"+d.name+"/f", "f\n", 0o644)
				b.chmod("d/"+d.name, d.mode)
				b.chown("d/"+d.name, 0, 0)
			}
			b.fifo("d/sfifo", 0o4755)
			b.chown("d/sfifo", 0, 0)
			b.symlink("su", "d/lsu")
			b.lchown("d/lsu", 0, 0)
		}},
		{name: "unwritable-target-dir", src: "a", target: "ro", unprivileged: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.dir("ro", 0o555)
		}},
		{name: "unwritable-existing-file", src: "a", target: "ex", unprivileged: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.file("ex", "old\n", 0o444)
		}},
		{name: "big-3MiB", src: "big", target: "t", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.dir("t", 0o755)
			b.random("big", 3<<20)
		}},
		{name: "sparse", flags: "-p", src: "sparse", target: "copy", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.sparse("sparse", 8<<20)
		}},
		{name: "quoting-utf8", src: "it's\n\x01é\xff\u200b\u2028 x", target: "t", env: []string{"LC_ALL=C.UTF-8"}, setup: func(t *testing.T, b *builder) {
			b.dir("t", 0o755)
		}},
		{name: "quoting-c-locale", src: "it's\n\x01é\xff x", target: "t", env: []string{"LC_ALL=C"}, setup: func(t *testing.T, b *builder) {
			b.dir("t", 0o755)
		}},
		{name: "quoting-apostrophe-dir", src: "it's", target: "t", setup: func(t *testing.T, b *builder) {
			b.dir("it's", 0o755)
		}},
		{name: "quoting-in-tree", flags: "-r", src: "d", target: "t", unprivileged: true, env: []string{"LANG=C.UTF-8"}, setup: func(t *testing.T, b *builder) {
			b.file("d/a'b\tc", "x\n", 0o644)
			b.chmod("d/a'b\tc", 0)
		}},
		{name: "trailing-slash-new-file", src: "a", target: "nodir/", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
		{name: "trailing-slash-file-target", src: "a", target: "b/", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.file("b", "y\n", 0o644)
		}},
		{name: "trailing-slashes-r", flags: "-r", src: "d//", target: "x/", wantOK: true, setup: tree},
		{name: "trailing-slash-existing-r", flags: "-r", src: "d/", target: "t//", wantOK: true, setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.dir("t", 0o755)
		}},
		{name: "symlink-onto-dangling-r", flags: "-r", src: "la", target: "dang", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.symlink("a", "la")
			b.symlink("nowhere", "dang")
		}},
		{name: "fifo-onto-dangling-r", flags: "-r", src: "p", target: "dang", wantOK: true, setup: func(t *testing.T, b *builder) {
			b.fifo("p", 0o644)
			b.symlink("nowhere", "dang")
		}},
		{name: "dir-onto-dangling-r", flags: "-r", src: "d", target: "dang", setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.symlink("nowhere", "dang")
		}},
		{name: "dir-over-link-to-other-dir", flags: "-r", src: "d", target: "t", setup: func(t *testing.T, b *builder) {
			tree(t, b)
			b.dir("od", 0o755)
			b.dir("t", 0o755)
			b.symlink("../od", "t/d")
		}},
		{name: "dot-into-new-subdir", flags: "-r", src: ".", target: "sub", volatile: []string{"sub"}, setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
			b.dir("e", 0o755)
		}},
		{name: "several-denied-in-one-dir", flags: "-r", src: "d", target: "t", unprivileged: true, setup: func(t *testing.T, b *builder) {
			for _, n := range []string{"s1", "ok1", "s2", "s3", "ok2"} {
				b.file("d/"+n, n+"\n", 0o644)
				if n[0] == 's' {
					b.chmod("d/"+n, 0)
				}
			}
		}},
		{name: "write-error", src: "a", target: "/dev/full", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
		{name: "read-error", src: "/proc/self/mem", target: "m", setup: func(t *testing.T, b *builder) {}},
		{name: "missing-parent", src: "a", target: "no/such", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
		{name: "missing-parent-r", flags: "-r", src: "d", target: "no/such", setup: tree},
		{name: "source-not-a-dir", src: "a/", target: "b", setup: func(t *testing.T, b *builder) {
			b.file("a", "x\n", 0o644)
		}},
	}
}

func TestDifferentialWithGNUCp(t *testing.T) {
	if _, err := os.Stat(gnuCp); err != nil {
		t.Skipf("%s: %v", gnuCp, err)
	}
	if out, err := exec.Command(gnuCp, "--version").Output(); err != nil || !bytes.Contains(out, []byte("GNU coreutils")) {
		t.Skipf("%s is not GNU coreutils cp", gnuCp)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	nobody := -1
	if u, err := user.Lookup("nobody"); err == nil {
		nobody, _ = strconv.Atoi(u.Uid)
	}
	cases := diffCases()
	if len(cases) < 25 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && !root {
				t.Skip("needs root")
			}
			uid := -1
			if tc.unprivileged && root {
				if nobody < 0 {
					t.Skip("no user nobody")
				}
				uid = nobody
			}
			base := t.TempDir()
			t.Cleanup(func() { makeRemovable(base) })
			for _, d := range []string{filepath.Dir(base), base} {
				if err := os.Chmod(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cpDir, ourDir := filepath.Join(base, "cp"), filepath.Join(base, "ours")
			for _, d := range []string{cpDir, ourDir} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
				b := &builder{t: t, root: d, owner: uid}
				tc.setup(t, b)
				b.finish()
			}
			sameOrder := sameInodeOrder(t, cpDir, ourDir)
			args := append(strings.Fields(tc.flags), "--", tc.src, tc.target)
			umask := tc.umask
			if umask == 0 {
				umask = 0o022
			}
			old := syscall.Umask(umask)
			cpRes := runCopy(t, cpDir, gnuCp, "cp", args, tc.env, uid, false)
			ourRes := runCopy(t, ourDir, self, "helper", args, tc.env, uid, true)
			syscall.Umask(old)

			t.Logf("cp %q: succeeded=%v stderr=%q", args, cpRes.ok, cpRes.stderr)
			if cpRes.ok != tc.wantOK {
				t.Errorf("cp succeeded=%v, the case expects %v (stderr %q)", cpRes.ok, tc.wantOK, cpRes.stderr)
			}
			if ourRes.ok != cpRes.ok {
				t.Errorf("success: cp %v, Copy %v", cpRes.ok, ourRes.ok)
			}
			cpErr, ourErr := cpRes.stderr, ourRes.stderr
			if !sameOrder {
				// Both copy a directory in inode order, and the two trees
				// got their inodes in different orders: the same messages,
				// in an order of their own.
				t.Logf("the trees' inode orders differ: messages compared unordered")
				cpErr, ourErr = sortedLines(cpErr), sortedLines(ourErr)
			}
			if ourErr != cpErr {
				t.Errorf("stderr differs\ncp:   %q\nCopy: %q", cpRes.stderr, ourRes.stderr)
			}
			compareTrees(t, snapshot(t, cpDir), snapshot(t, ourDir), tc.volatile)
		})
	}
}

// sameInodeOrder reports whether every directory of tree a lists its
// entries in the same inode order as the same directory of tree b.
func sameInodeOrder(t *testing.T, a, b string) bool {
	t.Helper()
	same := true
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || !same {
			return nil
		}
		rel, _ := filepath.Rel(a, p)
		an, errA := readDirNames(p)
		bn, errB := readDirNames(filepath.Join(b, rel))
		same = errA != nil || errB != nil || slices.Equal(an, bn)
		return nil
	})
	return same
}

func sortedLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "")
}

type result struct {
	ok     bool
	stderr string
}

func runCopy(t *testing.T, dir, prog, argv0 string, args, env []string, uid int, helper bool) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Args[0] = argv0
	cmd.Dir = dir
	cmd.Env = testEnv(env)
	if helper {
		cmd.Env = append(cmd.Env, helperEnv+"=1")
		if uid >= 0 {
			cmd.Env = append(cmd.Env, helperUIDEnv+"="+strconv.Itoa(uid))
		}
	} else if uid >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s timed out", argv0)
	}
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("%s: %v", argv0, err)
	}
	return result{ok: err == nil, stderr: stderr.String()}
}

// testEnv is the environment without locale settings, then env, with
// C.UTF-8 by default.
func testEnv(env []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") || k == "POSIXLY_CORRECT" || k == helperEnv || k == helperUIDEnv {
			continue
		}
		out = append(out, kv)
	}
	if len(env) == 0 {
		env = []string{"LC_ALL=C.UTF-8"}
	}
	return append(out, env...)
}

// makeRemovable gives the owner access to every directory under root,
// which the cases take away.
func makeRemovable(root string) {
	var walk func(string)
	walk = func(dir string) {
		os.Chmod(dir, 0o700)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() {
				walk(filepath.Join(dir, e.Name()))
			}
		}
	}
	walk(root)
}

// builder makes a case's starting tree.
type builder struct {
	t     *testing.T
	root  string
	owner int // chown everything to it at the end when >= 0
	// chmods are applied last, after the chown that would clear setuid
	// bits.
	chmods []func()
	owned  []string // paths chown set
}

func (b *builder) path(rel string) string { return filepath.Join(b.root, rel) }

func (b *builder) check(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) dir(rel string, perm fs.FileMode) {
	b.t.Helper()
	b.check(os.MkdirAll(b.path(rel), 0o755))
	b.check(os.Chmod(b.path(rel), perm))
}

func (b *builder) parent(rel string) {
	b.t.Helper()
	b.check(os.MkdirAll(filepath.Dir(b.path(rel)), 0o755))
}

func (b *builder) file(rel, content string, perm fs.FileMode) {
	b.t.Helper()
	b.parent(rel)
	b.check(os.WriteFile(b.path(rel), []byte(content), 0o600))
	b.chmod(rel, uint32(perm.Perm()))
}

func (b *builder) chmod(rel string, perm uint32) {
	p := b.path(rel)
	b.chmods = append(b.chmods, func() { b.check(unix.Chmod(p, perm)) })
}

// chown sets an owner that finish keeps.
func (b *builder) chown(rel string, uid, gid int) {
	b.check(os.Chown(b.path(rel), uid, gid))
	b.owned = append(b.owned, b.path(rel))
}

func (b *builder) lchown(rel string, uid, gid int) {
	b.check(os.Lchown(b.path(rel), uid, gid))
	b.owned = append(b.owned, b.path(rel))
}

func (b *builder) symlink(to, rel string) {
	b.t.Helper()
	b.parent(rel)
	b.check(os.Symlink(to, b.path(rel)))
}

func (b *builder) hardlink(old, rel string) {
	b.t.Helper()
	b.check(os.Link(b.path(old), b.path(rel)))
}

func (b *builder) fifo(rel string, perm uint32) {
	b.t.Helper()
	b.parent(rel)
	b.check(unix.Mkfifo(b.path(rel), 0o600))
	b.chmod(rel, perm)
}

func (b *builder) chardev(rel string, major, minor uint32) {
	b.t.Helper()
	b.parent(rel)
	b.check(unix.Mknod(b.path(rel), unix.S_IFCHR|0o666, int(unix.Mkdev(major, minor))))
}

func (b *builder) socket(rel string) {
	b.t.Helper()
	b.parent(rel)
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	b.check(err)
	defer unix.Close(fd)
	b.check(unix.Bind(fd, &unix.SockaddrUnix{Name: b.path(rel)}))
}

// random writes n reproducible pseudo-random bytes.
func (b *builder) random(rel string, n int) {
	b.t.Helper()
	b.parent(rel)
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	b.check(os.WriteFile(b.path(rel), data, 0o644))
}

// sparse writes a file of size n with data only at both ends.
func (b *builder) sparse(rel string, n int64) {
	b.t.Helper()
	b.parent(rel)
	f, err := os.Create(b.path(rel))
	b.check(err)
	defer f.Close()
	_, err = f.WriteString("start")
	b.check(err)
	_, err = f.WriteAt([]byte("end"), n-3)
	b.check(err)
}

// finish applies the modes, gives the tree to the owner and gives every
// entry a fixed modification time (nanoseconds included), derived from its
// name, so that both trees start equal.
func (b *builder) finish() {
	b.t.Helper()
	var all []string
	b.check(filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		all = append(all, p)
		return err
	}))
	if b.owner >= 0 {
		for _, p := range all {
			if !slices.Contains(b.owned, p) {
				b.check(os.Lchown(p, b.owner, b.owner))
			}
		}
	}
	for _, f := range b.chmods {
		f() // root fills even directories it cannot write
	}
	for _, p := range all {
		rel, _ := filepath.Rel(b.root, p)
		sum := sha256.Sum256([]byte(rel))
		sec := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC).Unix() + int64(sum[0])*1000 + int64(sum[1])
		nsec := int64(sum[2])<<16 | int64(sum[3])<<8 | int64(sum[4])
		ts := []unix.Timespec{{Sec: sec + 10, Nsec: nsec % 1e9}, {Sec: sec, Nsec: nsec % 1e9}}
		b.check(unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW))
	}
}

// entry is what the test compares of one file.
type entry struct {
	kind   string
	perm   octal
	uid    uint32
	gid    uint32
	nlink  uint64
	size   int64
	hash   string
	link   string
	rdev   uint64
	mtime  time.Time
	unread bool
}

type octal uint32

func (o octal) String() string { return fmt.Sprintf("%04o", uint32(o)) }

func snapshot(t *testing.T, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		e := entry{
			perm:  octal(st.Mode & 0o7777),
			uid:   st.Uid,
			gid:   st.Gid,
			nlink: st.Nlink,
			mtime: time.Unix(st.Mtim.Unix()),
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			e.kind, e.size = "file", st.Size
			data, err := os.ReadFile(p)
			if err != nil {
				e.unread = true
			} else {
				sum := sha256.Sum256(data)
				e.hash = hex.EncodeToString(sum[:])
			}
		case unix.S_IFDIR:
			e.kind = "dir"
		case unix.S_IFLNK:
			e.kind = "symlink"
			e.link, err = os.Readlink(p)
			if err != nil {
				return err
			}
		case unix.S_IFIFO:
			e.kind = "fifo"
		case unix.S_IFCHR:
			e.kind, e.rdev = "char", st.Rdev
		case unix.S_IFSOCK:
			e.kind = "socket"
		default:
			e.kind = fmt.Sprintf("mode %o", st.Mode)
		}
		out[rel] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func under(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if name == p || strings.HasPrefix(name, p+"/") {
			return true
		}
	}
	return false
}

// setupEpoch: the builder dates every file before it; a copy dates its
// files after it (unless -p).
var setupEpoch = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

// compareTrees wants the same entries with the same attributes. A
// modification time from the setup must be the same on both sides; one
// set by the copies only needs to be new on both.
func compareTrees(t *testing.T, cp, ours map[string]entry, volatile []string) {
	t.Helper()
	var names []string
	for n := range cp {
		names = append(names, n)
	}
	for n := range ours {
		if _, ok := cp[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		a, inCp := cp[n]
		b, inOurs := ours[n]
		if under(n, volatile) {
			if !inCp || !inOurs {
				t.Logf("%q: only one side has it (cp %v, Copy %v), in a subtree that depends on inode order", n, inCp, inOurs)
				continue
			}
			if a.kind == "dir" {
				a.nlink, b.nlink = 0, 0
			}
		}
		switch {
		case !inCp:
			t.Errorf("%q: made by Copy only (%+v)", n, b)
			continue
		case !inOurs:
			t.Errorf("%q: made by cp only (%+v)", n, a)
			continue
		}
		oldA, oldB := a.mtime.Before(setupEpoch), b.mtime.Before(setupEpoch)
		if oldA != oldB || (oldA && !a.mtime.Equal(b.mtime)) {
			t.Errorf("%q: mtime cp %v, Copy %v", n, a.mtime, b.mtime)
		}
		a.mtime, b.mtime = time.Time{}, time.Time{}
		if a != b {
			t.Errorf("%q differs\ncp:   %+v\nCopy: %+v", n, a, b)
		}
	}
}

// TestQuoteMatchesGNUCp checks the quoting table against cp itself.
func TestQuoteMatchesGNUCp(t *testing.T) {
	if out, err := exec.Command(gnuCp, "--version").Output(); err != nil || !bytes.Contains(out, []byte("GNU coreutils")) {
		t.Skipf("no GNU cp at %s", gnuCp)
	}
	dir := t.TempDir()
	for _, tc := range quoteCases {
		for _, loc := range []struct {
			env  string
			want string
		}{{"LC_ALL=C.UTF-8", tc.utf8}, {"LC_ALL=C", tc.c}} {
			cmd := exec.Command(gnuCp, "--", tc.name, "/nonexistent/x")
			cmd.Args[0] = "cp"
			cmd.Dir = dir
			cmd.Env = testEnv([]string{loc.env})
			out, _ := cmd.CombinedOutput()
			got, ok := strings.CutPrefix(string(out), "cp: cannot stat ")
			got, ok2 := strings.CutSuffix(got, ": No such file or directory\n")
			if !ok || !ok2 {
				t.Errorf("%s cp -- %q: unexpected %q", loc.env, tc.name, out)
				continue
			}
			if got != loc.want {
				t.Errorf("%s: cp quotes %q as %s, the table says %s", loc.env, tc.name, got, loc.want)
			}
		}
	}
}
