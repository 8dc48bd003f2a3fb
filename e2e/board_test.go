package e2e

// The meter of a parallel upload on a real terminal (stdout and stderr on
// one pseudo-terminal): a live line for the whole transfer while several
// sessions move files, and, once it is gone, the screen of a serial copy —
// every file's final line in order, the errors in their places.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runOnSharedTerminal runs p with stdout and stderr on one new
// pseudo-terminal that becomes its controlling terminal, in its foreground,
// and returns the run and the bytes the terminal showed.
func runOnSharedTerminal(t *testing.T, p *proc) (clientRun, string) {
	t.Helper()
	_, finish := startOnSharedTerminal(t, p)
	return finish()
}

// startOnSharedTerminal starts runOnSharedTerminal's run and returns the
// terminal's master side, for typing, and what waits for the run's end.
func startOnSharedTerminal(t *testing.T, p *proc) (*os.File, func() (clientRun, string)) {
	t.Helper()
	master, slave := openPTY(t)
	var out bytes.Buffer
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		out.ReadFrom(master) // until EIO, once no one has the slave open
	}()
	p.cmd.Stdout, p.cmd.Stderr = slave, slave
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	p.start()
	slave.Close()
	return master, func() (clientRun, string) {
		t.Helper()
		defer master.Close()
		r := p.wait(t)
		<-drained
		return r, out.String()
	}
}

// screenOf is what a terminal shows after out: \r goes back to the line's
// start, \n down a line, other bytes overwrite. Trailing blanks are dropped;
// partial is what stands on the last line, which no \n ended.
func screenOf(out string) (lines []string, partial string) {
	var cur []byte
	col := 0
	for _, c := range []byte(out) {
		switch c {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, strings.TrimRight(string(cur), " "))
			cur, col = nil, 0
		default:
			if col < len(cur) {
				cur[col] = c
			} else {
				cur = append(cur, c)
			}
			col++
		}
	}
	return lines, strings.TrimRight(string(cur), " ")
}

// boardTree makes tree/ of 40 files and tree/sub/ of 6 under dir: enough
// for a parallel upload (internal/engine's MinFiles is 32).
func boardTree(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "tree", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		writeRandom(t, filepath.Join(dir, "tree", fmt.Sprintf("f%02d", i)), (i%7)*20000+i, 0o644)
	}
	for i := range 6 {
		writeRandom(t, filepath.Join(dir, "tree", "sub", fmt.Sprintf("s%d", i)), 70000*i, 0o644)
	}
}

func TestBoardOnTerminal(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	e := startFaultEnv(t)
	// The rate and the duration, at a line's end (blanks dropped).
	timing := regexp.MustCompile(`[ \d]{2}\d\.\d[KMGT]B/s +(?:\d+:)?\d\d:\d\d(?: ETA)?$`)
	summaryRE := regexp.MustCompile(`^\d+(?: of 46)? files, \d+KB in \d\d:\d\d, +\d+\.\d[KMG]B/s$`)
	for _, tt := range []struct {
		name string
		args L
		up   bool
		live string // the live line's count of files, as a regular expression
	}{
		{"upload", nil, true, `\r\d+/46 files `},
		{"sftp-upload", L{"-s"}, true, `\r[-|/\\] \d+ files? \(`},
		{"sftp-download", L{"-s"}, false, `\r[-|/\\] \d+ files? \(`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newFSpace(t, e)
			src, from := s.local, "tree"
			if !tt.up {
				src = filepath.Join(s.remote, "src")
				from = "sshdtest:" + src + "/tree"
			}
			boardTree(t, src)
			screens := map[string][]string{}
			exits := map[string]int{}
			for _, who := range []string{whoOpenSSH, whoOurs} {
				// Each copy goes to a target of its own, where a directory
				// stands in the way of one file: that file is refused.
				dst, to := filepath.Join(s.remote, who), "sshdtest:"+filepath.Join(s.remote, who)
				if !tt.up {
					dst, to = filepath.Join(s.local, who), who
				}
				if err := os.MkdirAll(filepath.Join(dst, "tree", "f09"), 0o755); err != nil {
					t.Fatal(err)
				}
				args := append(slices.Clone(tt.args), "-r", from, to)
				r, out := runOnSharedTerminal(t, client(t, who, e.srv.ConfigFile, s.local, s.env, args...))
				t.Logf("%s: terminal %q", who, out)
				lines, partial := screenOf(out)
				if partial != "" {
					t.Errorf("%s: left %q on the last line", who, partial)
				}
				if who == whoOurs {
					if n := len(lines); n == 0 || !summaryRE.MatchString(lines[n-1]) {
						t.Errorf("ours: no summary line at the end of %q", lines)
					} else {
						lines = lines[:n-1]
					}
					if !oursSerial && !regexp.MustCompile(tt.live).MatchString(out) {
						t.Errorf("ours: the whole transfer's live line never showed")
					}
				}
				for i, l := range lines {
					l = strings.ReplaceAll(timing.ReplaceAllString(l, "TIMING"), dst, "DST")
					if rest, ok := strings.CutPrefix(l, ours+": "); ok { // the serial wrapper's argv0
						l = "scp: " + rest
					}
					lines[i] = regexp.MustCompile(`([ "])`+regexp.QuoteMeta(to)+`/`).ReplaceAllString(l, "${1}DST/") // a local target, named relative

				}
				screens[who], exits[who] = lines, r.exit
				for i := range 40 {
					if i == 9 {
						continue
					}
					name := fmt.Sprintf("tree/f%02d", i)
					wantSame(t, who, filepath.Join(dst, name), filepath.Join(src, name))
				}
				for i := range 6 {
					name := fmt.Sprintf("tree/sub/s%d", i)
					wantSame(t, who, filepath.Join(dst, name), filepath.Join(src, name))
				}
			}
			want := screens[whoOpenSSH]
			if len(want) < 40 || !slices.ContainsFunc(want, func(l string) bool { return strings.HasPrefix(l, "scp: ") && strings.Contains(l, "f09") }) {
				t.Fatalf("OpenSSH's screen %q: want 45 files' lines and the error", want)
			}
			if got := screens[whoOurs]; !slices.Equal(got, want) {
				t.Errorf("screen\n got %q\nwant %q (OpenSSH's)", got, want)
			}
			if exits[whoOurs] != exits[whoOpenSSH] {
				t.Errorf("exit %d, OpenSSH's %d", exits[whoOurs], exits[whoOpenSSH])
			}
		})
	}
}

// TestBoardInterrupted types ^C on the terminal in the middle of a parallel
// upload with the meter on it: exit 1, and the live line is gone.
func TestBoardInterrupted(t *testing.T) {
	needOurs(t)
	if oursSerial {
		t.Skip("a serial copy draws no live line")
	}
	e := startFaultEnv(t)
	s := newFSpace(t, e)
	boardTree(t, s.local)
	// Sparse, so quick to make, and big enough to be under way for a while.
	if err := os.Truncate(filepath.Join(s.local, "tree", "f05"), 4<<30); err != nil {
		t.Fatal(err)
	}
	p := client(t, whoOurs, e.srv.ConfigFile, s.local, s.env, "-r", "tree", "sshdtest:"+s.remote)
	master, finish := startOnSharedTerminal(t, p)
	arrived := filepath.Join(s.remote, "tree", "f05")
	for {
		if fi, err := os.Stat(arrived); err == nil && fi.Size() > 0 {
			break
		}
		select {
		case <-p.done:
			r, out := finish()
			t.Fatalf("ours ended before the big file arrived: %s\n%q", r, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, err := master.Write([]byte{3}); err != nil { // ^C: SIGINT to the foreground
		t.Fatal(err)
	}
	r, out := finish()
	r.wantExit(t, 1)
	if fi, err := os.Stat(arrived); err == nil && fi.Size() == 4<<30 {
		t.Errorf("the big file arrived whole: the copy was not interrupted")
	}
	if _, partial := screenOf(out); partial != "" && partial != "^C" {
		t.Errorf("left %q on the last line", partial)
	}
}
