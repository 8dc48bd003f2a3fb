package e2e

// Fault injection: the connection cut after N bytes, the remote scp killed
// in the middle of a file, a full disk, permission errors, a source file
// that shrinks while it is sent, and SIGINT/SIGTERM during a transfer.
// Every case expects exit status 1, a message saying what failed, and
// never a partial file passed off as a success; OpenSSH's scp -O runs the
// same case side by side as the reference. Helpers are in faultkit_test.go.
//
// Nothing here waits by sleeping: the remote wrapper hooks (faultWrapper)
// announce the remote scp's pid through a FIFO, truncate a source exactly
// when its C record has gone by, and kill the remote after a byte count.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	faultBig   = 4 << 20 // a multi-MiB file
	faultSmall = 1000
)

// TestFaults runs every fault case against one sshd with the hook wrapper.
func TestFaults(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	e := startFaultEnv(t)
	t.Run("cut", func(t *testing.T) { t.Parallel(); testCut(t, e) })
	t.Run("remote-killed", func(t *testing.T) { t.Parallel(); testRemoteKilled(t, e) })
	t.Run("disk-full", func(t *testing.T) { t.Parallel(); testDiskFull(t, e) })
	t.Run("permission", func(t *testing.T) { t.Parallel(); testPermission(t, e) })
	t.Run("shrink", func(t *testing.T) { t.Parallel(); testShrink(t, e) })
	t.Run("signal", func(t *testing.T) { t.Parallel(); testSignal(t, e) })
}

// fSpace is a fresh, world-readable tree for one run: base/local is the
// client's cwd, base/remote is where remote paths point.
type fSpace struct {
	base, local, remote string
	env                 []string
}

func newFSpace(t *testing.T, e *faultEnv) *fSpace {
	t.Helper()
	base := publicDir(t)
	s := &fSpace{base: base, local: filepath.Join(base, "local"), remote: filepath.Join(base, "remote")}
	for _, d := range []string{s.local, s.remote} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.env = clientEnv(base, e.srv.User)
	return s
}

// A combo is a client and a remote scp.
type combo struct{ client, remote string }

func (c combo) String() string { return "client-" + c.client + "/remote-" + c.remote }

var (
	allCombos  = []combo{{whoOpenSSH, whoOpenSSH}, {whoOurs, whoOpenSSH}, {whoOurs, whoOurs}, {whoOpenSSH, whoOurs}}
	bothClient = []combo{{whoOpenSSH, whoOpenSSH}, {whoOurs, whoOpenSSH}}
)

// remoteHook is the hook line that picks the remote scp of c.
func (e *faultEnv) remoteHook(c combo) string {
	if c.remote == whoOurs {
		return e.remoteOurs()
	}
	return "real=/usr/bin/scp"
}

// forCombos runs fn for each combo as parallel subtests.
func forCombos(t *testing.T, combos []combo, fn func(t *testing.T, c combo)) {
	for _, c := range combos {
		t.Run(c.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, c)
		})
	}
}

// wantPartialNotWhole checks that a file left by a failed copy is not a
// complete copy of the source (it may be absent or partial).
func wantPartialNotWhole(t *testing.T, who, dst, src string) {
	t.Helper()
	fi, err := os.Stat(dst)
	if err != nil {
		t.Logf("%s: no %s left", who, dst)
		return
	}
	t.Logf("%s: left %s with %d bytes", who, dst, fi.Size())
	if sumFile(dst) == sumFile(src) {
		t.Errorf("%s: %s is a complete copy although the run failed: the fault was not injected", who, dst)
	}
}

// Case 1: the TCP connection is cut after 1 MiB of a 4 MiB file in the
// data's direction, by a proxy between the client and sshd.
func testCut(t *testing.T, e *faultEnv) {
	const limit = 1 << 20
	for _, dir := range []string{"upload", "download", "remote-to-remote-3", "parallel-upload"} {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			runs := map[string]clientRun{}
			for _, who := range []string{whoOpenSSH, whoOurs} {
				s := newFSpace(t, e)
				px := startCutProxy(t, e.srv.Addr, limit, dir != "download")
				cfg := aliasConfig(t, e.srv, "cut", px.port)
				var args []string
				var src, dst string
				switch dir {
				case "upload":
					src, dst = filepath.Join(s.local, "big"), filepath.Join(s.remote, "big")
					args = []string{"big", "cut:" + s.remote + "/"}
				case "download":
					src, dst = filepath.Join(s.remote, "big"), filepath.Join(s.local, "big")
					args = []string{"cut:" + src, "."}
				case "parallel-upload": // a tree large enough for several sessions
					src, dst = filepath.Join(s.local, "tree", "big"), filepath.Join(s.remote, "tree", "big")
					if err := os.Mkdir(filepath.Join(s.local, "tree"), 0o755); err != nil {
						t.Fatal(err)
					}
					for i := range 40 {
						writeRandom(t, filepath.Join(s.local, "tree", fmt.Sprintf("f%02d", i)), faultSmall, 0o644)
					}
					args = []string{"-r", "tree", "cut:" + s.remote + "/"}
				default:
					src, dst = filepath.Join(s.base, "big"), filepath.Join(s.remote, "big")
					args = []string{"-3", "sshdtest:" + src, "cut:" + s.remote + "/"}
				}
				writeRandom(t, src, faultBig, 0o644)
				r := client(t, who, cfg, s.local, s.env, args...).run(t)
				runs[who] = r
				r.wantExit(t, 1)
				if px.cutCount() == 0 {
					t.Errorf("%s: the proxy never cut a connection", who)
				}
				wantPartialNotWhole(t, who, dst, src)
			}
			o, r := runs[whoOpenSSH], runs[whoOurs]
			if r.exit != o.exit {
				t.Errorf("exit status: ours %d, OpenSSH %d", r.exit, o.exit)
			}
			// OpenSSH says `lost connection` or nothing beyond ssh's own
			// line; ours must always say what happened.
			r.wantStderr(t, "lost connection")
		})
	}
}

// Case 2: the remote scp is SIGKILLed after 64 KiB of the file's stream.
func testRemoteKilled(t *testing.T, e *faultEnv) {
	// Upload: the sink reads its stdin through a FIFO fed by dd, so it is
	// still running (and waiting for more) when it is killed. (dd, not
	// head: head's stdio buffer would hold back the protocol records.)
	const upHook = `fifo="$path.fifo"
mkfifo "$fifo" || exit 1
"$real" "$@" <"$fifo" &
pid=$!
exec 3>"$fifo"
dd bs=65536 count=65536 iflag=count_bytes >&3 2>/dev/null
kill -9 $pid && echo killed >"$path.killed"
wait $pid 2>/dev/null
exit 1`
	// Download: the source writes into a FIFO of which dd passes 64 KiB.
	const downHook = `fifo="$path.fifo"
mkfifo "$fifo" || exit 1
exec 4<&0
"$real" "$@" <&4 >"$fifo" &
pid=$!
exec 3<"$fifo"
dd bs=65536 count=65536 iflag=count_bytes <&3 2>/dev/null
kill -9 $pid && echo killed >"$path.killed"
wait $pid 2>/dev/null
exit 1`
	wantKilled := func(t *testing.T, path string) {
		t.Helper()
		if _, err := os.Stat(path + ".killed"); err != nil {
			t.Errorf("the remote scp was not killed mid-file (it had ended already)")
		}
	}
	t.Run("upload", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			src := filepath.Join(s.local, "big")
			writeRandom(t, src, faultBig, 0o644)
			target := filepath.Join(s.remote, "in")
			if err := os.Mkdir(target, 0o755); err != nil {
				t.Fatal(err)
			}
			hook(t, target, e.remoteHook(c)+"\n"+upHook)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "big", "sshdtest:"+target).run(t)
			wantKilled(t, target)
			r.wantExit(t, 1)
			r.wantStderr(t, "lost connection")
			wantPartialNotWhole(t, c.client, filepath.Join(target, "big"), src)
		})
	})
	t.Run("download", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			src := filepath.Join(s.remote, "big")
			writeRandom(t, src, faultBig, 0o644)
			hook(t, src, e.remoteHook(c)+"\n"+downHook)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "sshdtest:"+src, ".").run(t)
			wantKilled(t, src)
			r.wantExit(t, 1)
			if c.client == whoOurs {
				r.wantStderr(t, "lost connection")
			} else if r.stderr == "" {
				t.Logf("openssh: no message")
			}
			wantPartialNotWhole(t, c.client, filepath.Join(s.local, "big"), src)
		})
	})
}

// mountSmallTmpfs mounts a 1 MiB tmpfs at dir, unmounted after the test; it
// skips the test where that is impossible.
func mountSmallTmpfs(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// Case 3: a 3 MiB file into a 1 MiB file system, remote and local.
func testDiskFull(t *testing.T, e *faultEnv) {
	const size = 3 << 20
	t.Run("upload", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			full := filepath.Join(s.remote, "full")
			mountSmallTmpfs(t, full)
			writeRandom(t, filepath.Join(s.local, "f"), size, 0o644)
			hook(t, full, e.remoteHook(c))
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "f", "sshdtest:"+full).run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "scp: "+full+"/f: No space left on device\n")
			wantPartialNotWhole(t, c.client, filepath.Join(full, "f"), filepath.Join(s.local, "f"))
		})
	})
	t.Run("download", func(t *testing.T) {
		t.Parallel()
		forCombos(t, bothClient, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			full := filepath.Join(s.local, "full")
			mountSmallTmpfs(t, full)
			src := filepath.Join(s.remote, "f")
			writeRandom(t, src, size, 0o644)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "sshdtest:"+src, "full").run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "full/f: No space left on device\n")
			wantPartialNotWhole(t, c.client, filepath.Join(full, "f"), src)
		})
	})
}

// asNobody is a hook that runs the remote scp as the nobody user.
const asNobody = `exec setpriv --reuid=65534 --regid=65534 --clear-groups "$real" "$@"`

const nobodyID = 65534

func needNobody(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("switching to the nobody user needs root")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv not available")
	}
}

// Case 4: permission errors, with one side running as nobody (root would
// bypass file permissions). Each run copies more than the failing file;
// the rest must still arrive.
func testPermission(t *testing.T, e *faultEnv) {
	needNobody(t)
	// The remote sink cannot open an existing root-owned file for writing;
	// the next file of the same command is still written.
	t.Run("remote-unwritable", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			target := filepath.Join(s.remote, "w")
			if err := os.Mkdir(target, 0o777); err != nil {
				t.Fatal(err)
			}
			os.Chmod(target, 0o777)
			if err := os.WriteFile(filepath.Join(target, "a"), []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			writeRandom(t, filepath.Join(s.local, "a"), faultSmall, 0o644)
			writeRandom(t, filepath.Join(s.local, "b"), faultSmall, 0o644)
			hook(t, target, e.remoteHook(c)+"\n"+asNobody)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "a", "b", "sshdtest:"+target).run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "scp: "+target+"/a: Permission denied\n")
			if b, _ := os.ReadFile(filepath.Join(target, "a")); string(b) != "old\n" {
				t.Errorf("%s: w/a changed to %d bytes", c.client, len(b))
			}
			wantSame(t, c.client, filepath.Join(target, "b"), filepath.Join(s.local, "b"))
		})
	})
	// The remote sink cannot create a file in a 0555 directory.
	t.Run("remote-readonly-dir", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			target := filepath.Join(s.remote, "ro")
			if err := os.Mkdir(target, 0o555); err != nil {
				t.Fatal(err)
			}
			writeRandom(t, filepath.Join(s.local, "a"), faultSmall, 0o644)
			hook(t, target, e.remoteHook(c)+"\n"+asNobody)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "a", "sshdtest:"+target).run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "scp: "+target+"/a: Permission denied\n")
			if _, err := os.Lstat(filepath.Join(target, "a")); err == nil {
				t.Errorf("%s: ro/a was created", c.client)
			}
		})
	})
	// A local tree with one file the client (nobody) cannot read, sent with -r.
	t.Run("local-unreadable-in-tree", func(t *testing.T) {
		t.Parallel()
		forCombos(t, []combo{{whoOpenSSH, whoOpenSSH}, {whoOurs, whoOpenSSH}, {whoOurs, whoOurs}}, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			tree := filepath.Join(s.local, "tree")
			makeTree(t, tree)
			cfg, env := nobodyClient(t, e, s)
			target := filepath.Join(s.remote, "dst")
			if err := os.Mkdir(target, 0o755); err != nil {
				t.Fatal(err)
			}
			hook(t, target, e.remoteHook(c))
			p := client(t, c.client, cfg, s.local, env, "-r", "tree", "sshdtest:"+target)
			if c.client == whoOurs {
				p.cmd.Path = e.oursPub // nobody cannot enter the build directory
			}
			p.cmd.SysProcAttr.Credential = &syscall.Credential{Uid: nobodyID, Gid: nobodyID, Groups: []uint32{}}
			r := p.run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "tree/secret: Permission denied\n")
			checkTreeCopy(t, c.client, tree, filepath.Join(target, "tree"))
		})
	})
	// A remote tree with one file the remote (nobody) cannot read, fetched with -r.
	t.Run("remote-unreadable-in-tree", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			tree := filepath.Join(s.remote, "tree")
			makeTree(t, tree)
			hook(t, tree, e.remoteHook(c)+"\n"+asNobody)
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "-r", "sshdtest:"+tree, ".").run(t)
			r.wantExit(t, 1)
			r.wantStderr(t, "scp: "+tree+"/secret: Permission denied\n")
			checkTreeCopy(t, c.client, tree, filepath.Join(s.local, "tree"))
		})
	})
}

// makeTree makes tree/{a,secret,sub/b}: everything world-readable but
// secret (root's, 0600).
func makeTree(t *testing.T, tree string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(tree, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeRandom(t, filepath.Join(tree, "a"), faultSmall, 0o644)
	writeRandom(t, filepath.Join(tree, "secret"), faultSmall, 0o600)
	writeRandom(t, filepath.Join(tree, "sub", "b"), faultSmall, 0o644)
}

// checkTreeCopy checks that got holds intact copies of a and sub/b and no secret.
func checkTreeCopy(t *testing.T, who, want, got string) {
	t.Helper()
	wantSame(t, who, filepath.Join(got, "a"), filepath.Join(want, "a"))
	wantSame(t, who, filepath.Join(got, "sub", "b"), filepath.Join(want, "sub", "b"))
	if fi, err := os.Lstat(filepath.Join(got, "secret")); err == nil {
		t.Errorf("%s: tree/secret exists (%d bytes) although it could not be read", who, fi.Size())
	}
}

// nobodyClient returns an ssh_config and environment the nobody user can
// use: its own copy of the client key and known_hosts, and a home of its own.
func nobodyClient(t *testing.T, e *faultEnv, s *fSpace) (string, []string) {
	t.Helper()
	dir := filepath.Join(s.base, "nobody")
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string, mode os.FileMode) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(to, nobodyID, nobodyID); err != nil {
			t.Fatal(err)
		}
	}
	key, kh := filepath.Join(dir, "key"), filepath.Join(dir, "known_hosts")
	copyFile(e.srv.ClientKey, key, 0o600)
	copyFile(e.srv.KnownHosts, kh, 0o644)
	conf, err := os.ReadFile(e.srv.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	c := strings.NewReplacer(e.srv.ClientKey, key, e.srv.KnownHosts, kh).Replace(string(conf))
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, home} {
		if err := os.Chown(p, nobodyID, nobodyID); err != nil {
			t.Fatal(err)
		}
	}
	env := append([]string(nil), s.env...)
	for i, v := range env {
		if strings.HasPrefix(v, "HOME=") {
			env[i] = "HOME=" + home
		}
	}
	return cfg, env
}

// Case 5: the source file shrinks after its size was sent. The hook
// truncates it exactly when the C record has gone by, before any data:
// upload, the remote sink's wrapper reads the record and then truncates
// the local file; download, the wrapper sees the record on its way out.
func testShrink(t *testing.T, e *faultEnv) {
	const keep = 100000
	// Upload: answer the client's connect ourselves, read the C record,
	// truncate, then give the real sink the record and the rest (and drop
	// its own first \0).
	const upHook = `printf '\000'
IFS= read -r rec
truncate -s @KEEP@ @SRC@
{ printf '%s\n' "$rec"; exec cat; } | "$real" "$@" | { dd bs=1 count=1 of=/dev/null 2>/dev/null; exec cat; }
exit`
	const downHook = `"$real" "$@" | { IFS= read -r rec; truncate -s @KEEP@ @SRC@; printf '%s\n' "$rec"; exec cat; }
exit`
	expand := func(h, src string) string {
		return strings.NewReplacer("@KEEP@", fmt.Sprint(keep), "@SRC@", shq(src)).Replace(h)
	}
	wantShrunk := func(t *testing.T, who, got string, orig []byte) {
		t.Helper()
		b, err := os.ReadFile(got)
		if err != nil {
			t.Logf("%s: no %s", who, got)
			return
		}
		if bytes.Equal(b, orig) {
			t.Errorf("%s: %s is the original content: the source did not shrink in time", who, got)
		}
	}
	t.Run("upload", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			big := filepath.Join(s.local, "big")
			orig := writeRandom(t, big, faultBig, 0o644)
			writeRandom(t, filepath.Join(s.local, "small"), faultSmall, 0o644)
			target := filepath.Join(s.remote, "in")
			if err := os.Mkdir(target, 0o755); err != nil {
				t.Fatal(err)
			}
			hook(t, target, e.remoteHook(c)+"\n"+expand(upHook, big))
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "big", "small", "sshdtest:"+target).run(t)
			if fi, err := os.Stat(big); err != nil || fi.Size() != keep {
				t.Fatalf("the hook did not truncate big: %v", err)
			}
			r.wantExit(t, 1)
			r.wantStderr(t, "big: Broken pipe\n")
			wantSame(t, c.client, filepath.Join(target, "small"), filepath.Join(s.local, "small"))
			wantShrunk(t, c.client, filepath.Join(target, "big"), orig)
		})
	})
	t.Run("download", func(t *testing.T) {
		t.Parallel()
		forCombos(t, allCombos, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			big := filepath.Join(s.remote, "big.bin")
			orig := writeRandom(t, big, faultBig, 0o644)
			small := filepath.Join(s.remote, "small.bin")
			writeRandom(t, small, faultSmall, 0o644)
			// The remote shell globs *.bin to "big.bin small.bin": one
			// source session, the hook keyed on the last operand.
			hook(t, small, e.remoteHook(c)+"\n"+expand(downHook, big))
			r := client(t, c.client, e.srv.ConfigFile, s.local, s.env, "sshdtest:"+s.remote+"/*.bin", ".").run(t)
			if fi, err := os.Stat(big); err != nil || fi.Size() != keep {
				t.Fatalf("the hook did not truncate big.bin: %v", err)
			}
			r.wantExit(t, 1)
			r.wantStderr(t, "scp: "+big+": Broken pipe\n")
			wantSame(t, c.client, filepath.Join(s.local, "small.bin"), small)
			wantShrunk(t, c.client, filepath.Join(s.local, "big.bin"), orig)
		})
	})
}

// Case 6: SIGINT and SIGTERM while a rate-limited (-l) copy runs: exit
// status 1, the remote scp gone, and on a terminal its settings unchanged.
func testSignal(t *testing.T, e *faultEnv) {
	type sigCase struct {
		name string
		sig  syscall.Signal
	}
	sigs := []sigCase{{"SIGINT", syscall.SIGINT}, {"SIGTERM", syscall.SIGTERM}}
	// setup makes the files of one run and returns the client arguments,
	// the remote path the hook is keyed on and the pid waiter.
	setup := func(t *testing.T, c combo, s *fSpace, up bool) ([]string, func(*testing.T, *proc) int) {
		var args []string
		var key string
		if up {
			writeRandom(t, filepath.Join(s.local, "big"), faultBig, 0o644)
			key = filepath.Join(s.remote, "in")
			if err := os.Mkdir(key, 0o755); err != nil {
				t.Fatal(err)
			}
			args = []string{"-l", "800", "big", "sshdtest:" + key}
		} else {
			key = filepath.Join(s.remote, "big")
			writeRandom(t, key, faultBig, 0o644)
			args = []string{"-l", "800", "sshdtest:" + key, "."}
		}
		line, waitPid := announce(t, key)
		hook(t, key, e.remoteHook(c)+"\n"+line)
		return args, waitPid
	}
	// gone checks that the remote scp has exited and nothing runs with the
	// run's unique directory on its command line.
	gone := func(t *testing.T, pid int, s *fSpace) {
		t.Helper()
		if !waitGone(t, pid, 10*time.Second) {
			t.Errorf("stray remote scp: pid %d still running 10s after the client exited: %s", pid, pgrep(t, s.base))
			syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		if ps := pgrep(t, s.base); ps != "" {
			t.Errorf("stray processes: %s", ps)
		}
	}
	for _, sc := range sigs {
		for _, up := range []bool{true, false} {
			name := sc.name + "/download"
			if up {
				name = sc.name + "/upload"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				forCombos(t, allCombos, func(t *testing.T, c combo) {
					s := newFSpace(t, e)
					args, waitPid := setup(t, c, s, up)
					p := client(t, c.client, e.srv.ConfigFile, s.local, s.env, args...)
					p.start()
					pid := waitPid(t, p)
					if err := p.cmd.Process.Signal(sc.sig); err != nil {
						t.Fatal(err)
					}
					r := p.wait(t)
					r.wantExit(t, 1)
					gone(t, pid, s)
				})
			})
		}
	}
	// ^C typed on the controlling terminal: the tty driver sends SIGINT to
	// the foreground process group (the client and, for OpenSSH, its ssh).
	t.Run("tty-ctrl-c", func(t *testing.T) {
		t.Parallel()
		forCombos(t, bothClient, func(t *testing.T, c combo) {
			s := newFSpace(t, e)
			args, waitPid := setup(t, c, s, true)
			master, slave := openPTY(t)
			defer master.Close()
			defer slave.Close()
			before := termios(t, slave)
			if before.Lflag&syscall.ISIG == 0 {
				t.Skip("the pseudo-terminal does not generate signals")
			}
			var screen bytes.Buffer
			drained := make(chan struct{})
			go func() {
				defer close(drained)
				screen.ReadFrom(master) // until the master is closed
			}()
			p := client(t, c.client, e.srv.ConfigFile, s.local, s.env, args...)
			p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, slave
			p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			p.start()
			pid := waitPid(t, p)
			if _, err := master.Write([]byte{before.Cc[syscall.VINTR]}); err != nil {
				t.Fatal(err)
			}
			r := p.wait(t)
			after := termios(t, slave)
			master.Close()
			<-drained
			t.Logf("%s: terminal output %q", c.client, screen.String())
			r.wantExit(t, 1)
			if after != before {
				t.Errorf("%s: terminal attributes changed:\n  before %+v\n  after  %+v", c.client, before, after)
			}
			gone(t, pid, s)
		})
	})
}
