package e2e

// Helpers for hostile_test.go: a bounded client run (runkit_test.go) whose
// output goes to files (a hostile peer may make a client print hundreds of
// megabytes) and whose peak RSS is measured with /usr/bin/time, and a
// snapshot of a whole tree that includes every entry's mtime (which
// badinput_test.go uses too, without the mtimes).

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const (
	// hostileMaxRSS bounds our client's peak RSS.
	hostileMaxRSS = 64 << 20
	// hostileKeep is how much of stdout and stderr a run keeps in memory.
	hostileKeep = 1 << 20
)

// hRun is the outcome of one run.
type hRun struct {
	who            string
	argv           []string
	exit           int
	signal         syscall.Signal // the signal that killed it, or 0
	stdout, stderr string         // the first hostileKeep bytes
	stdoutN        int64          // full sizes
	stderrN        int64
	stderrLines    int64
	stderrTail     string // the last line of stderr
	ctrl           string // the first raw control byte found in stdout/stderr, described
	rss            int64  // peak RSS in bytes, -1 if not measured
}

func (r hRun) String() string {
	s := fmt.Sprintf("%s %q: exit %d", r.who, r.argv, r.exit)
	if r.signal != 0 {
		s += fmt.Sprintf(" (killed by %v)", r.signal)
	}
	return s + fmt.Sprintf(", stdout %d bytes %.120q, stderr %d bytes/%d lines %.300q (last line %.200q), rss %d KiB",
		r.stdoutN, r.stdout, r.stderrN, r.stderrLines, r.stderr, r.stderrTail, r.rss>>10)
}

func (r hRun) wantExit(t *testing.T, want int) {
	t.Helper()
	if r.signal != 0 || r.exit != want {
		t.Errorf("%s: exit status %d (signal %v), want %d", r.who, r.exit, r.signal, want)
	}
}

func (r hRun) wantStderr(t *testing.T, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("%s: stderr %.600q does not contain %q", r.who, r.stderr, m)
		}
	}
}

// wantClean: no raw ESC or other C0 control byte (but \t \n \r) and no DEL
// anywhere in what the run printed.
func (r hRun) wantClean(t *testing.T) {
	t.Helper()
	if r.ctrl != "" {
		t.Errorf("%s: %s", r.who, r.ctrl)
	}
}

// wantRSS checks the peak RSS, when it was measured.
func (r hRun) wantRSS(t *testing.T) {
	t.Helper()
	if r.rss < 0 {
		return
	}
	t.Logf("%s: peak RSS %.1f MiB", r.who, float64(r.rss)/(1<<20))
	if r.rss > hostileMaxRSS {
		t.Errorf("%s: peak RSS %d MiB exceeds %d MiB", r.who, r.rss>>20, hostileMaxRSS>>20)
	}
}

// hProc is a run in progress, its output going to files.
type hProc struct {
	*proc
	dir      string // holds stdout, stderr, maxrss
	measured bool
}

// hostileCmd prepares a run of prog (argv[0] "scp") with args in dir,
// bounded by clientTimeout. If measure, it runs under /usr/bin/time (when
// present) for the peak RSS; the process started is then time's, not
// prog's.
func hostileCmd(t *testing.T, who, prog, dir string, env []string, stdin io.Reader, measure bool, args ...string) *hProc {
	t.Helper()
	p := &hProc{proc: command(t, who, prog, dir, env, clientTimeout, args...), dir: t.TempDir()}
	if _, err := os.Stat("/usr/bin/time"); err == nil && measure {
		p.measured = true
		p.cmd.Path = "/usr/bin/time"
		p.cmd.Args = append([]string{"time", "-o", filepath.Join(p.dir, "maxrss"), "-f", "%M", prog}, args...)
	}
	p.cmd.Stdin = stdin
	out, err := os.Create(filepath.Join(p.dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	errf, err := os.Create(filepath.Join(p.dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close(); errf.Close() })
	p.cmd.Stdout, p.cmd.Stderr = out, errf
	return p
}

// wait waits for the end of the run; one that had to be killed fails the
// test.
func (p *hProc) wait(t *testing.T) hRun {
	t.Helper()
	exit, sig, err := p.end()
	r := hRun{who: p.who, argv: p.cmd.Args, rss: -1}
	r.stdout, r.stdoutN, _, _, r.ctrl = hostileScan(t, filepath.Join(p.dir, "stdout"), "stdout")
	var ctrl string
	r.stderr, r.stderrN, r.stderrLines, r.stderrTail, ctrl = hostileScan(t, filepath.Join(p.dir, "stderr"), "stderr")
	if r.ctrl == "" {
		r.ctrl = ctrl
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", p.who, err, r)
	}
	r.exit, r.signal = exit, sig
	if p.measured {
		b, err := os.ReadFile(filepath.Join(p.dir, "maxrss"))
		if err != nil {
			t.Fatalf("%s: /usr/bin/time: %v", p.who, err)
		}
		// GNU time puts "Command exited with non-zero status N" or
		// "Command terminated by signal N" before the format's output.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if sig, ok := strings.CutPrefix(lines[0], "Command terminated by signal "); ok {
			n, _ := strconv.Atoi(sig)
			r.signal = syscall.Signal(n)
		}
		kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			t.Fatalf("%s: /usr/bin/time wrote %q", p.who, b)
		}
		r.rss = kib << 10
	}
	t.Logf("%s", r)
	return r
}

func (p *hProc) run(t *testing.T) hRun {
	t.Helper()
	p.start()
	return p.wait(t)
}

// hostileScan reads an output file once: its first hostileKeep bytes, its
// size, its line count, its last line and the first raw control byte.
func hostileScan(t *testing.T, path, label string) (head string, n, lines int64, tail, ctrl string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keep bytes.Buffer
	var last []byte
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if keep.Len() < hostileKeep {
				keep.Write(line[:min(len(line), hostileKeep-keep.Len())])
			}
			if ctrl == "" {
				if i := bytes.IndexFunc(line, rawControl); i >= 0 {
					ctrl = fmt.Sprintf("raw control byte %#x in %s at offset %d: %.200q", line[i], label, n+int64(i), line)
				}
			}
			n += int64(len(line))
			if line[len(line)-1] == '\n' {
				lines++
				last = append(last[:0], line[:min(len(line), 4096)]...)
			} else if err == nil || errors.Is(err, bufio.ErrBufferFull) {
				// a part of a very long line
			} else {
				last = append(last[:0], line[:min(len(line), 4096)]...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			break
		}
	}
	return keep.String(), n, lines, strings.TrimRight(string(last), "\n"), ctrl
}

// treeEntry is one path of a snapshot.
type treeEntry struct {
	desc  string // kind, permissions, size, content hash, symlink target
	mtime time.Time
}

// snapTree records every entry under root, mtimes included. It walks
// with directory descriptors (openat, fstatat), so a tree deeper than
// PATH_MAX allows in one absolute path is recorded too.
func snapTree(t *testing.T, root string) map[string]treeEntry {
	t.Helper()
	m := map[string]treeEntry{}
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	m["."] = treeEntry{desc: fmt.Sprintf("dir %04o", st.Mode&07777), mtime: time.Unix(st.Mtim.Unix())}
	if err := snapTreeDir(fd, "", m); err != nil {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	return m
}

// snapTreeDir records the entries of the directory open as fd (which it
// closes), rel being its path relative to the root.
func snapTreeDir(fd int, rel string, m map[string]treeEntry) error {
	d := os.NewFile(uintptr(fd), rel)
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	slices.Sort(names)
	for _, name := range names {
		p := filepath.Join(rel, name)
		var st unix.Stat_t
		if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		e := treeEntry{mtime: time.Unix(st.Mtim.Unix())}
		perm := st.Mode & 07777
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			f, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			file := os.NewFile(uintptr(f), p)
			h := sha256.New()
			n, err := io.Copy(h, file)
			file.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			e.desc = fmt.Sprintf("file %04o size=%d sha256=%.16s", perm, n, hex.EncodeToString(h.Sum(nil)))
		case unix.S_IFDIR:
			e.desc = fmt.Sprintf("dir %04o", perm)
			sub, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if err := snapTreeDir(sub, p, m); err != nil {
				return err
			}
		case unix.S_IFLNK:
			buf := make([]byte, 4096)
			n, _ := unix.Readlinkat(fd, name, buf)
			e.desc = "symlink -> " + string(buf[:max(n, 0)])
		default:
			e.desc = fmt.Sprintf("other %o", st.Mode)
		}
		m[p] = e
	}
	return nil
}

// treeChanges lists how after differs from before, leaving out what
// lies strictly inside one of the allowed directories (relative paths)
// and the mtime of those directories themselves.
func treeChanges(before, after map[string]treeEntry, allowed ...string) []string {
	inside := func(p string) bool {
		return slices.ContainsFunc(allowed, func(a string) bool { return strings.HasPrefix(p, a+"/") })
	}
	var d []string
	for p, a := range after {
		if inside(p) {
			continue
		}
		b, ok := before[p]
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("created %s: %s", p, a.desc))
		case a.desc != b.desc:
			d = append(d, fmt.Sprintf("changed %s: %s -> %s", p, b.desc, a.desc))
		case !a.mtime.Equal(b.mtime) && !slices.Contains(allowed, p):
			d = append(d, fmt.Sprintf("touched %s: mtime %v -> %v", p, b.mtime, a.mtime))
		}
	}
	for p, b := range before {
		if _, ok := after[p]; !ok && !inside(p) {
			d = append(d, fmt.Sprintf("removed %s: %s", p, b.desc))
		}
	}
	slices.Sort(d)
	return d
}

// wantUnchanged fails the test if anything outside allowed changed.
func wantUnchanged(t *testing.T, who string, before, after map[string]treeEntry, allowed ...string) {
	t.Helper()
	if d := treeChanges(before, after, allowed...); len(d) > 0 {
		if len(d) > 20 {
			d = append(d[:20], fmt.Sprintf("… %d more", len(d)-20))
		}
		for i, l := range d {
			if len(l) > 300 {
				d[i] = l[:150] + "…" + l[len(l)-150:]
			}
		}
		t.Errorf("%s changed the disk outside %q:\n  %s", who, allowed, strings.Join(d, "\n  "))
	}
}

// hostileAge sets the mtime of every entry under root to a fixed time in
// the past, so a change made by a run is visible whatever the clock's
// granularity.
func hostileAge(t *testing.T, root string) {
	t.Helper()
	old := time.Unix(stampBase, 0)
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink == 0 {
			paths = append(paths, p)
		}
		return nil
	})
	slices.Reverse(paths) // children first
	for _, p := range paths {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
}
