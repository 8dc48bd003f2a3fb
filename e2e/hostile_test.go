package e2e

// A hostile server, beyond badinput_test.go: a 16 MiB control line,
// unknown records, a top-level E, absurd T records, directories nested
// 100,000 deep, a D over an existing file, a source that stalls forever
// in the middle of a file, and hostile streams fed straight to the server
// role (`scp [-r] -t DIR`) side by side with OpenSSH's.
//
// Every run is bounded (a hang fails), our client's peak RSS must stay
// under 64 MiB, nothing outside the requested target may change (the whole
// temporary tree is compared, mtimes included) and no raw control byte may
// reach our stdout or stderr. The fake remote scp is badinput_test.go's.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHostile(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	f := startBadFake(t)
	if err := os.Mkdir(filepath.Join(f.dir, "pids"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("long-line", func(t *testing.T) { t.Parallel(); testHostileLongLine(t, f) })
	t.Run("records", func(t *testing.T) { t.Parallel(); testHostileRecords(t, f) })
	t.Run("deep", func(t *testing.T) { t.Parallel(); testHostileDeep(t, f) })
	t.Run("error-flood", func(t *testing.T) { t.Parallel(); testHostileErrorFlood(t, f) })
	t.Run("dir-over-file", func(t *testing.T) { t.Parallel(); testHostileDirOverFile(t, f) })
	t.Run("stall", func(t *testing.T) { t.Parallel(); testHostileStall(t, f) })
	t.Run("server-role", func(t *testing.T) { t.Parallel(); testHostileServerRole(t) })
}

// hClient prepares a run of who's scp (OpenSSH with -O) with -F config and
// args in the space. Our client runs under /usr/bin/time if measure.
func hClient(t *testing.T, who string, s *badSpace, config string, measure bool, args ...string) *hProc {
	t.Helper()
	return hostileCmd(t, who, whoProg(t, who), s.work, s.env, nil, measure && who != whoOpenSSH, clientArgs(who, config, args...)...)
}

// hSpace is a badSpace whose every mtime lies in the past, with its
// snapshot.
func hSpace(t *testing.T, f *badFake, setup func(s *badSpace)) (*badSpace, map[string]treeEntry) {
	t.Helper()
	s := newBadSpace(t, f.srv.User)
	if setup != nil {
		setup(s)
	}
	hostileAge(t, s.base)
	return s, snapTree(t, s.base)
}

// Case 1: a control line of 16 MiB without a newline, the connection left
// open. We stop after MaxLine bytes with a protocol error.
func testHostileLongLine(t *testing.T, f *badFake) {
	sc := f.scenario(t, `ack
printf 'C0644 1 '
head -c 16777216 /dev/zero | tr '\000' n
cat >/dev/null`)
	badBothSides(t, func(t *testing.T, who string) {
		s, before := hSpace(t, f, nil)
		start := time.Now()
		r := hClient(t, who, s, f.srv.ConfigFile, true, "-T", "sshdtest:"+sc+"/f", "dst/").run(t)
		took := time.Since(start)
		f.mustHaveRun(t, sc, "f")
		r.wantExit(t, 1)
		wantUnchanged(t, who, before, snapTree(t, s.base))
		if who == whoOpenSSH {
			return // it splits the line at 2047 bytes (PROTOCOL.md §11.13)
		}
		r.wantStderr(t, "protocol error: control record longer than 8192 bytes\n")
		r.wantClean(t)
		r.wantRSS(t)
		if r.stderrLines != 1 {
			t.Errorf("ours: %d lines on stderr, want 1", r.stderrLines)
		}
		if took > 10*time.Second {
			t.Errorf("ours: took %v to refuse the line", took)
		}
	})
}

// Case 2: unknown records, a top-level E, absurd T records. OpenSSH's exit
// status, stderr and changes to the disk are the reference.
func testHostileRecords(t *testing.T, f *badFake) {
	file := func(rec string) string {
		return "ack\nprintf '%s\\n' '" + rec + "'\nack\nprintf 'C0644 3 a\\n'\nack\nprintf 'abc\\000'\nack\n"
	}
	for _, tt := range []struct {
		name, body string
		exit       int
		wantErr    string
	}{
		{"unknown-first", "ack\nprintf 'X0644 1 a\\n'\ncat >/dev/null", 1, "X0644 1 a\n"},
		{"unknown-after-file", file("T1000000000 0 1000000000 0") + "printf 'X0644 1 a\\n'\ncat >/dev/null", 1,
			"protocol error: expected control record\n"},
		{"E-top-level", "ack\nprintf 'E\\n'\nack\nexit 0", 0, ""},
		{"E-top-level-open", "ack\nprintf 'E\\n'\nack\ncat >/dev/null\nexit 0", 0, ""},
		{"E-then-file", "ack\nprintf 'E\\n'\nack\nprintf 'C0644 3 a\\nabc\\000'\ncat >/dev/null\nexit 0", 0, ""},
		{"E-after-file", file("T1000000000 0 1000000000 0") + "printf 'E\\n'\nack\nprintf 'C0644 3 b\\nabc\\000'\ncat >/dev/null", 0, ""},
		{"T-huge", file("T99999999999999999999 0 1 0"), 0, ""},
		{"T-huge-atime", file("T1 0 99999999999999999999 0"), 0, ""},
		{"T-2^64", file("T18446744073709551616 0 18446744073709551616 0"), 0, ""},
		{"T-2^63", file("T9223372036854775808 0 9223372036854775808 0"), 0, ""},
		{"T-negative", file("T-1 0 1 0"), 1, "protocol error: mtime.sec not present\n"},
		{"T-negative-atime", file("T1 0 -1 0"), 1, "protocol error: atime.sec not present\n"},
		{"T-negative-usec", file("T1 -1 1 0"), 1, ""},
		{"T-usec-huge", file("T1 99999999999999999999 1 0"), 1, "protocol error: mtime.usec not delimited\n"},
		{"T-missing-atime-usec", file("T1 0 1"), 1, "protocol error: atime.sec not delimited\n"},
		{"T-missing-atime", file("T1 0"), 1, "protocol error: mtime.usec not delimited\n"},
		{"T-only", file("T"), 1, "protocol error: mtime.sec not present\n"},
		{"T-trailing", file("T1 0 1 0 x"), 1, "protocol error: atime.usec not delimited\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := f.scenario(t, tt.body)
			var runs [2]hRun
			var diffs [2]string
			for i, who := range bothClients {
				s, before := hSpace(t, f, nil)
				r := hClient(t, who, s, f.srv.ConfigFile, true, "sshdtest:"+sc+"/a", "dst/").run(t)
				f.mustHaveRun(t, sc, "f")
				r.wantExit(t, tt.exit)
				if tt.wantErr != "" {
					r.wantStderr(t, tt.wantErr)
				}
				after := snapTree(t, s.base)
				wantUnchanged(t, who, before, after, "work/dst")
				diffs[i] = hostileDstSummary(after)
				if who == whoOurs {
					r.wantClean(t)
					r.wantRSS(t)
				}
				r.stderr = badNormalise(r.stderr, s.base, "{BASE}")
				runs[i] = r
			}
			if runs[0].exit != runs[1].exit {
				t.Errorf("exit status: ours %d, OpenSSH %d", runs[1].exit, runs[0].exit)
			}
			if runs[0].stderr != runs[1].stderr {
				t.Errorf("stderr differs:\n%s", lineDiff(runs[1].stderr, runs[0].stderr))
			}
			if diffs[0] != diffs[1] {
				t.Errorf("target differs:\n  ours    %s\n  OpenSSH %s", diffs[1], diffs[0])
			}
		})
	}
}

// hostileDstSummary describes work/dst's entries, with each mtime as
// "old" (set by a T record), "now" (written now) or the exact time.
func hostileDstSummary(m map[string]treeEntry) string {
	var b strings.Builder
	for _, p := range sortedKeys(m) {
		if !strings.HasPrefix(p, "work/dst/") {
			continue
		}
		e := m[p]
		when := e.mtime.UTC().Format(time.RFC3339)
		if time.Since(e.mtime).Abs() < time.Hour {
			when = "now"
		}
		fmt.Fprintf(&b, "[%s %s mtime=%s] ", p, e.desc, when)
	}
	return b.String()
}

func sortedKeys(m map[string]treeEntry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// hostileDeepStream is an awk program writing n D records, one per level.
func hostileDeepStream(n int) string {
	return `awk 'BEGIN { for (i = 0; i < ` + strconv.Itoa(n) + `; i++) printf "D0755 0 d\n" }'`
}

// Case 3: D records nested 100,000 deep, then the end of the stream. The
// OS refuses the path long before (File name too long); we must say so,
// not crash or grow, and exit 1. The fake drains our replies, closes its
// output after the last record and stays until we are gone.
func testHostileDeep(t *testing.T, f *badFake) {
	sc := f.scenario(t, `ack
exec 3<&0
cat <&3 >/dev/null 2>&1 &
`+hostileDeepStream(100000)+`
exec >&- 2>&-
wait
exit 0`)
	for _, who := range []string{whoOpenSSH, whoOursSerial, whoOurs} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			s, before := hSpace(t, f, nil)
			r := hClient(t, who, s, f.srv.ConfigFile, true, "-r", "sshdtest:"+sc+"/d", "dst").run(t)
			f.mustHaveRun(t, sc, "f")
			wantUnchanged(t, who, before, snapTree(t, s.base), "work/dst")
			if who == whoOpenSSH {
				// OpenSSH recurses once per level on its stack; it may
				// crash (SIGSEGV) before the path gets too long.
				if r.signal != 0 {
					t.Logf("OpenSSH died of %v: no exit status to compare", r.signal)
				}
				return
			}
			r.wantExit(t, 1)
			r.wantStderr(t, ": File name too long\n")
			if !strings.HasPrefix(r.stderr, "dst/d/d/") {
				t.Errorf("%s: stderr does not start with the refused path: %.200q", who, r.stderr)
			}
			r.wantClean(t)
			r.wantRSS(t)
			if pipelined(who) {
				// Pipelined, the refusal is ours alone: the subtree the
				// source goes on sending is read and dropped, silently,
				// until the stream ends inside it.
				t.Logf("%s: %d lines, %d bytes on stderr; last line %.200q", who, r.stderrLines, r.stderrN, r.stderrTail)
				if r.stderrLines != 2 || r.stderrTail != "lost connection" {
					t.Errorf("%s: want the refusal and \"lost connection\", got %d lines ending %.200q", who, r.stderrLines, r.stderrTail)
				}
				return
			}
			// Like OpenSSH's sink, a serial one goes on after a refused
			// directory (a real source skips its content), so each further
			// D record costs one message of the path's length: ~400 bytes
			// out per byte in. Only the first hostileShown are printed,
			// then "lost connection" (the stream ends inside a directory),
			// then the count of the rest.
			hostileWantBounded(t, r, 1)
		})
	}
}

// pipelined reports whether who's client pipelines (ours, unless the
// whole suite runs it serially).
func pipelined(who string) bool { return who == whoOurs && !oursSerial }

// hostileShown is how many error messages one copy prints before it only
// counts them (scp's maxShown).
const hostileShown int64 = 1000

// hostileWantBounded checks a run that met more than hostileShown errors:
// hostileShown lines, the final messages that ended the copy, then the
// count of the rest, nothing more, and at most a path's worth of bytes per
// line.
func hostileWantBounded(t *testing.T, r hRun, finals int64) {
	t.Helper()
	t.Logf("%s: %d lines, %d bytes on stderr; last line %.200q", r.who, r.stderrLines, r.stderrN, r.stderrTail)
	lines := hostileShown + finals + 1
	if r.stderrLines != lines {
		t.Errorf("%s: %d lines on stderr, want %d", r.who, r.stderrLines, lines)
	}
	if max := lines * (4096 + 100); r.stderrN > max {
		t.Errorf("%s: %d bytes on stderr, want at most %d", r.who, r.stderrN, max)
	}
	if !hostileCountRE.MatchString(r.stderrTail) {
		t.Errorf("%s: last line %.200q, want the count of errors not shown", r.who, r.stderrTail)
	}
}

var hostileCountRE = regexp.MustCompile(`^scp: [0-9]+ more errors not shown$`)

// Case 3b: 100,000 records that each fail, the cheapest way a server can
// make a client print (OpenSSH prints every message). Ours, serial, prints
// the first hostileShown exactly as OpenSSH does, then how many it left out;
// pipelined, it stops at the first record that breaks the protocol (the
// source was told "go on" and must send data or the subtree). Either way it
// exits 1, its memory stays bounded and nothing outside the target changes.
func testHostileErrorFlood(t *testing.T, f *badFake) {
	const n = 100000
	// The fake reads the n error replies while it writes, then leaves, as
	// a real source leaves after the last reply (OpenSSH's client does not
	// close its side of a download before the remote exits). A pipelined
	// client sends no error replies: for it the fake drains whatever comes,
	// closes its output after the last record and stays until we are gone.
	flood := func(rec string, pipelined bool) string {
		records := `awk 'BEGIN { for (i = 0; i < ` + strconv.Itoa(n) + `; i++) printf "` + rec + `\n" }'`
		if pipelined {
			return "ack\nexec 3<&0\ncat <&3 >/dev/null 2>&1 &\n" + records + "\nexec >&- 2>&-\nwait\nexit 0"
		}
		return "ack\n" + records + " &\nhead -n " + strconv.Itoa(n) + " >/dev/null\nwait\nexit 0"
	}
	for _, tt := range []struct {
		name, rec string
		args      []string
		setup     func(t *testing.T, s *badSpace)
		msg       string
		// pipelined is the line after msg that ends a pipelined copy.
		pipelined string
	}{
		// Each D names an existing regular file: "Not a directory".
		{"D-over-file", "D0755 0 x", L{"-r"}, func(t *testing.T, s *badSpace) {
			if err := os.WriteFile(filepath.Join(s.dst, "x"), []byte("precious\n"), 0o640); err != nil {
				t.Fatal(err)
			}
		}, "dst/x: Not a directory\n", "lost connection"},
		// Each C names an existing directory: "Is a directory".
		{"C-over-dir", "C0644 0 x", nil, func(t *testing.T, s *badSpace) {
			if err := os.Mkdir(filepath.Join(s.dst, "x"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "dst/x: Is a directory\n", "C0644 0 x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var runs []hRun
			for _, who := range []string{whoOpenSSH, whoOursSerial, whoOurs} {
				sc := f.scenario(t, flood(tt.rec, pipelined(who)))
				s, before := hSpace(t, f, func(s *badSpace) { tt.setup(t, s) })
				args := append(slices.Clone(tt.args), "sshdtest:"+sc+"/x", "dst")
				r := hClient(t, who, s, f.srv.ConfigFile, true, args...).run(t)
				f.mustHaveRun(t, sc, "f")
				r.wantExit(t, 1)
				wantUnchanged(t, who, before, snapTree(t, s.base))
				switch {
				case who == whoOpenSSH:
					t.Logf("OpenSSH: %d lines, %d bytes on stderr", r.stderrLines, r.stderrN)
					runs = append(runs, r)
				case !pipelined(who):
					r.wantClean(t)
					r.wantRSS(t)
					hostileWantBounded(t, r, 0)
					if want := fmt.Sprintf("scp: %d more errors not shown", n-hostileShown); r.stderrTail != want {
						t.Errorf("%s: last line %q, want %q", who, r.stderrTail, want)
					}
					runs = append(runs, r)
				default:
					r.wantClean(t)
					r.wantRSS(t)
					if want := tt.msg + tt.pipelined + "\n"; r.stderr != want {
						t.Errorf("%s: stderr %.300q, want %q", who, r.stderr, want)
					}
				}
			}
			// Up to the bound, ours prints what OpenSSH prints.
			want := strings.Repeat(tt.msg, int(hostileShown))
			for _, r := range runs {
				if !strings.HasPrefix(r.stderr, want) {
					t.Errorf("%s: stderr does not start with %d × %q: %.300q", r.who, hostileShown, tt.msg, r.stderr)
				}
			}
		})
	}
}

// Case 4: a D record over an existing regular file in the target: "Not a
// directory", the file untouched, exit 1. The fake behaves like a real
// source: on an error reply it skips the directory's content.
func testHostileDirOverFile(t *testing.T, f *badFake) {
	sc := f.scenario(t, `ack
printf 'D0755 0 x\n'
b=$(dd bs=1 count=1 2>/dev/null | od -An -tx1)
case $b in
*00*)
	printf 'C0644 3 evil\n'
	ack
	printf 'abc\000'
	ack
	printf 'E\n'
	ack ;;
*)
	read -r line ;;
esac
exit 0`)
	var runs [2]hRun
	for i, who := range bothClients {
		t.Run(who, func(t *testing.T) {
			s, before := hSpace(t, f, func(s *badSpace) {
				if err := os.WriteFile(filepath.Join(s.dst, "x"), []byte("precious\n"), 0o640); err != nil {
					t.Fatal(err)
				}
			})
			r := hClient(t, who, s, f.srv.ConfigFile, true, "-r", "sshdtest:"+sc+"/x", "dst").run(t)
			f.mustHaveRun(t, sc, "f")
			r.wantExit(t, 1)
			r.wantStderr(t, "dst/x: Not a directory\n")
			wantUnchanged(t, who, before, snapTree(t, s.base))
			if who == whoOurs {
				r.wantClean(t)
				r.wantRSS(t)
			}
			runs[i] = r
		})
	}
	if runs[0].stderr != runs[1].stderr || runs[0].exit != runs[1].exit {
		t.Errorf("ours differs from OpenSSH:\n  ours    %s\n  OpenSSH %s", runs[1], runs[0])
	}
}

// Case 5: a source that sends 10 bytes of a 1,000,000-byte file, then
// nothing, holding the connection open. Keepalives are answered by sshd,
// so ServerAliveInterval does not end the copy: ^C does, leaving no remote
// process behind. With the sshd session process stopped, the keepalives
// go unanswered and the client gives up.
func testHostileStall(t *testing.T, f *badFake) {
	body := `ack
printf 'C0644 1000000 f\n'
ack
printf '0123456789'
echo $$ >'` + f.dir + `/pids/@SC@.tmp'
mv '` + f.dir + `/pids/@SC@.tmp' '` + f.dir + `/pids/@SC@'
sleep 3600`
	newStall := func(t *testing.T) (sc string, pidOf func(p *hProc) int) {
		sc = f.scenario(t, "")
		if err := os.WriteFile(filepath.Join(f.dir, "scenarios", sc), []byte(strings.ReplaceAll(body, "@SC@", sc)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		pidFile := filepath.Join(f.dir, "pids", sc)
		pidOf = func(p *hProc) int {
			t.Helper()
			deadline := time.Now().Add(clientTimeout)
			for time.Now().Before(deadline) {
				if b, err := os.ReadFile(pidFile); err == nil {
					pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
					if err != nil {
						t.Fatalf("the fake wrote pid %q", b)
					}
					// Whatever happens, the fake and its sleep go.
					t.Cleanup(func() { hostileKillTree(pid) })
					return pid
				}
				select {
				case <-p.done:
					t.Fatalf("%s ended before the fake stalled: %s", p.who, p.wait(t))
				case <-time.After(20 * time.Millisecond):
				}
			}
			t.Fatalf("the fake did not stall within %v", clientTimeout)
			return 0
		}
		return sc, pidOf
	}
	alive := []string{"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2"}

	// OpenSSH runs too, for reference only: its outcome is logged.
	t.Run("sigint", func(t *testing.T) {
		badBothSides(t, func(t *testing.T, who string) {
			sc, pidOf := newStall(t)
			s, before := hSpace(t, f, nil)
			p := hClient(t, who, s, f.srv.ConfigFile, false, append(alive, "sshdtest:"+sc+"/f", "dst/")...)
			p.start()
			pidOf(p)
			// Longer than ServerAliveInterval × (CountMax+1): still going.
			select {
			case <-p.done:
				t.Fatalf("%s ended by itself while sshd answers keepalives: %s", who, p.wait(t))
			case <-time.After(4 * time.Second):
			}
			if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			r := p.wait(t)
			// The fake stalls in sleep(1), which no client can end: it
			// never writes again (a real scp would die of SIGPIPE), and
			// this sshd refuses session signals ("session signalling
			// requires privilege separation"). OpenSSH leaves it too; we
			// only clean up.
			if stray := pgrep(t, sc+"/f"); stray != "" {
				t.Logf("%s: remote processes left after exit %d: %q", who, r.exit, stray)
				exec.Command("pkill", "-f", sc+"/f").Run()
			}
			if who == whoOpenSSH {
				return
			}
			r.wantExit(t, 1)
			r.wantClean(t)
			wantUnchanged(t, who, before, snapTree(t, s.base), "work/dst")
			hostileWantPartial(t, s, 1000000)
		})
	})

	t.Run("sshd-stopped", func(t *testing.T) {
		t.Parallel()
		sc, pidOf := newStall(t)
		s, before := hSpace(t, f, nil)
		p := hClient(t, whoOurs, s, f.srv.ConfigFile, false, append(alive, "sshdtest:"+sc+"/f", "dst/")...)
		p.start()
		pid := pidOf(p)
		sshd := hostileSSHDAncestor(t, pid)
		if err := syscall.Kill(sshd, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Kill(sshd, syscall.SIGCONT) })
		start := time.Now()
		r := p.wait(t)
		syscall.Kill(sshd, syscall.SIGCONT)
		t.Logf("ours ended %v after sshd was stopped", time.Since(start).Round(time.Millisecond))
		r.wantExit(t, 1)
		r.wantStderr(t, "Timeout, server 127.0.0.1 not responding.")
		r.wantClean(t)
		wantUnchanged(t, whoOurs, before, snapTree(t, s.base), "work/dst")
		hostileWantPartial(t, s, 1000000)
	})
}

// hostileWantPartial: a partial dst/f may be left, never one that passes
// for the whole file.
func hostileWantPartial(t *testing.T, s *badSpace, size int64) {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(s.dst, "f")); err == nil {
		t.Logf("ours left a partial dst/f of %d bytes", fi.Size())
		if fi.Size() >= size {
			t.Errorf("ours: dst/f has %d bytes; the source sent 10 of %d", fi.Size(), size)
		}
	}
}

// hostileSSHDAncestor returns the nearest ancestor of pid that is an sshd
// process: the session's, which relays the channel.
func hostileSSHDAncestor(t *testing.T, pid int) int {
	t.Helper()
	for p := pid; p > 1; {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			t.Fatalf("ancestors of %d: %v", pid, err)
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		comm := s[strings.IndexByte(s, '(')+1 : i]
		if p != pid && strings.HasPrefix(comm, "sshd") {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
			t.Logf("stopping %d: %q", p, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
			return p
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			t.Fatalf("/proc/%d/stat: %q", p, s)
		}
		p, _ = strconv.Atoi(fields[1])
	}
	t.Fatalf("no sshd among the ancestors of %d", pid)
	return 0
}

// hostileKillTree kills pid's children, then pid (each by its id).
func hostileKillTree(pid int) {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		for _, c := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(c); err == nil {
				syscall.Kill(n, syscall.SIGKILL)
			}
		}
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// Case 6: hostile streams on the server role's stdin, `scp [-r] [-p] -t
// dst`, ours and OpenSSH's side by side: the replies, the exit status and
// the changes under work/dst must agree, except where we are deliberately
// stricter (asserted explicitly); nothing may change outside work/dst.
func testHostileServerRole(t *testing.T) {
	deep := bytes.Repeat([]byte("D0755 0 d\n"), 10000)
	long := append([]byte("C0644 1 "), bytes.Repeat([]byte("n"), 16<<20)...)
	type sinkCase struct {
		name  string
		args  []string
		in    []byte
		setup func(s *badSpace)
		// differ, if set, checks both runs itself: ours deliberately
		// differs from OpenSSH.
		differ func(t *testing.T, ours, openssh hRun, oursDst, opensshDst string)
	}
	cases := []sinkCase{
		{name: "slash-in-C", args: L{"-t", "dst"}, in: []byte("C0644 3 a/b\nabc\x00")},
		{name: "slash-in-nested-C", args: L{"-r", "-t", "dst"}, in: []byte("D0755 0 sub\nC0644 3 ../evil\nabc\x00E\nE\n")},
		{name: "dotdot-nested-D", args: L{"-r", "-t", "dst"}, in: []byte("D0755 0 sub\nD0755 0 ..\nC0644 3 evil\nabc\x00E\nE\n")},
		{name: "slash-nested-D", args: L{"-r", "-t", "dst"}, in: []byte("D0755 0 sub\nD0755 0 ../../outside\nC0644 3 evil\nabc\x00E\nE\n")},
		{name: "setuid-C", args: L{"-t", "dst"}, in: []byte("C6755 3 s\nabc\x00")},
		{name: "setuid-dir", args: L{"-r", "-t", "dst"}, in: []byte("D6755 0 sd\nC4755 3 f\nabc\x00E\n")},
		{name: "setuid-dir-p", args: L{"-r", "-p", "-t", "dst"}, in: []byte("D2755 0 sd\nC4755 3 f\nabc\x00E\n")},
		{name: "setuid-existing", args: L{"-t", "dst"}, in: []byte("C4777 3 x\nabc\x00"), setup: func(s *badSpace) {
			if err := os.WriteFile(filepath.Join(s.dst, "x"), []byte("old content\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "garbage-first", args: L{"-t", "dst"}, in: []byte("garbage\n")},
		{name: "garbage-first-r", args: L{"-r", "-t", "dst"}, in: []byte("\033[2Jgarbage\n")},
		{name: "garbage-after-file", args: L{"-r", "-t", "dst"}, in: []byte("C0644 3 a\nabc\x00garbage\n")},
		{name: "unknown-letter", args: L{"-t", "dst"}, in: []byte("X0644 1 a\na\x00")},
		{name: "E-top-level", args: L{"-t", "dst"}, in: []byte("E\nC0644 3 a\nabc\x00")},
		{name: "dir-over-file", args: L{"-r", "-t", "dst"}, in: []byte("D0755 0 x\nE\n"), setup: func(s *badSpace) {
			if err := os.WriteFile(filepath.Join(s.dst, "x"), []byte("precious\n"), 0o640); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "dir-without-r", args: L{"-t", "dst"}, in: []byte("D0755 0 sub\nE\n")},
		{name: "size-out-of-range", args: L{"-t", "dst"}, in: []byte("C0644 99999999999999999999 a\nabc\x00")},
		{
			// OpenSSH tells the vanished peer "Broken pipe" and loses
			// the partial buffer (PROTOCOL.md §4.4, §11.5, §11.9); we
			// keep what arrived and send nothing to a peer that is gone.
			name: "size-larger-than-sent", args: L{"-t", "dst"}, in: []byte("C0644 100 big\nabc"),
			differ: func(t *testing.T, ours, openssh hRun, oursDst, opensshDst string) {
				if want := "\x00\x00\x01scp: Broken pipe\n"; openssh.stdout != want {
					t.Errorf("OpenSSH replied %q, want %q", openssh.stdout, want)
				}
				if ours.stdout != "\x00\x00" {
					t.Errorf("ours replied %q, want %q", ours.stdout, "\x00\x00")
				}
				if !strings.Contains(oursDst, "work/dst/big file 0644 size=3 ") {
					t.Errorf("ours: dst/big is not the 3 bytes that arrived: %s", oursDst)
				}
			},
		},
		{
			// OpenSSH splits a line at 2047 bytes; we refuse one longer
			// than MaxLine at once (PROTOCOL.md §11.13).
			name: "line-16MiB", args: L{"-t", "dst"}, in: long,
			differ: func(t *testing.T, ours, openssh hRun, oursDst, opensshDst string) {
				if want := "\x00\x01scp: protocol error: control record longer than 8192 bytes\n"; ours.stdout != want {
					t.Errorf("ours replied %.300q, want %q", ours.stdout, want)
				}
				if oursDst != "" {
					t.Errorf("ours created %s", oursDst)
				}
			},
		},
		{
			// OpenSSH recurses on its stack once per level and dies of
			// SIGSEGV near 1,800 levels; we go on until the path is too
			// long, report each refused directory and exit 1.
			name: "D-10000-deep", args: L{"-r", "-t", "dst"}, in: deep,
			differ: func(t *testing.T, ours, openssh hRun, oursDst, opensshDst string) {
				if openssh.signal != 0 {
					t.Logf("OpenSSH died of %v", openssh.signal)
				}
				if !strings.Contains(ours.stdout, ": File name too long\n") || !strings.HasPrefix(ours.stdout, "\x00\x00\x00") {
					t.Errorf("ours replied %.300q…, want \\0 per level then \\1 … File name too long", ours.stdout)
				}
				if !strings.HasPrefix(ours.stdout[strings.IndexByte(ours.stdout, 1):], "\x01scp: dst/d/d/") {
					t.Errorf("ours: first error reply does not name the path: %.200q", ours.stdout[strings.IndexByte(ours.stdout, 1):])
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var runs [2]hRun
			var dsts [2]string
			for i, who := range bothClients {
				s := newBadSpace(t, hostileUser)
				if tc.setup != nil {
					tc.setup(s)
				}
				hostileAge(t, s.base)
				before := snapTree(t, s.base)
				r := hostileCmd(t, who, whoProg(t, who), s.work, s.env, bytes.NewReader(tc.in), who == whoOurs, tc.args...).run(t)
				after := snapTree(t, s.base)
				wantUnchanged(t, who, before, after, "work/dst")
				dsts[i] = hostileDstSummary(after)
				if who == whoOurs {
					r.wantRSS(t)
					if r.stderr != "" {
						t.Errorf("ours: stderr %.300q, want none (the server role reports to the peer)", r.stderr)
					}
					r.wantExit(t, hostileSinkExit(tc.name))
				}
				runs[i] = r
			}
			ours, openssh := runs[1], runs[0]
			if tc.differ != nil {
				tc.differ(t, ours, openssh, dsts[1], dsts[0])
				return
			}
			if ours.exit != openssh.exit || ours.signal != openssh.signal {
				t.Errorf("exit status: ours %d, OpenSSH %d (signal %v)", ours.exit, openssh.exit, openssh.signal)
			}
			if ours.stdout != openssh.stdout {
				t.Errorf("replies differ:\n  ours    %.500q\n  OpenSSH %.500q", ours.stdout, openssh.stdout)
			}
			if dsts[0] != dsts[1] {
				t.Errorf("target differs:\n  ours    %s\n  OpenSSH %s", dsts[1], dsts[0])
			}
		})
	}
}

// hostileUser is the user name in the server role's environment.
var hostileUser = os.Getenv("USER")

// hostileSinkExit is the exit status ours must have in the server role.
func hostileSinkExit(name string) int {
	switch name {
	case "setuid-C", "setuid-dir", "setuid-dir-p", "setuid-existing", "E-top-level":
		return 0
	}
	return 1
}
