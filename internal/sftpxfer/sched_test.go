package sftpxfer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/scp/sftp"
)

// nobody is the user the server runs as when the tests run as root, so
// that modes refuse it.
const nobody = 65534

// serverClient runs the real sftp-server, as nobody when we are root,
// and speaks SFTP to it.
func serverClient(t *testing.T) *sftp.Client { return filteredClient(t, "") }

// filteredClient is serverClient, with listings that give dup twice when
// it is not "": see repeatName.
func filteredClient(t *testing.T, dup string) *sftp.Client {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skip("no sftp-server:", err)
	}
	cmd := exec.Command(sftpServer)
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var from io.Reader = r
	if dup != "" {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(repeatName(pw, r, dup)) }()
		from = pr
	}
	c, err := sftp.NewClient(context.Background(), from, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); cmd.Wait() })
	return c
}

// repeatName copies the server's packets from r to w, but a NAME reply
// that lists name gets a regular file of the same reply put before it
// under that name: a listing that names one entry twice, as a hostile
// server's may.
func repeatName(w io.Writer, r io.Reader, name string) error {
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return err
		}
		p := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(r, p); err != nil {
			return err
		}
		if p[0] == 104 { // NAME
			p = withRepeat(p, name)
		}
		if _, err := w.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...)); err != nil {
			return err
		}
	}
}

// withRepeat is the NAME packet p (type, id, count, entries) with a copy
// of its first regular file, renamed name, before the entry name.
func withRepeat(p []byte, name string) []byte {
	var entries [][]byte
	var file []byte
	at := -1
	rest := p[9:]
	for range binary.BigEndian.Uint32(p[5:9]) {
		n, isFile := entryLen(rest)
		e := rest[:n]
		if isFile && file == nil {
			file = e
		}
		if entryName(e) == name {
			at = len(entries)
		}
		entries = append(entries, e)
		rest = rest[n:]
	}
	if at < 0 || file == nil {
		return p
	}
	b := binary.BigEndian.AppendUint32(append([]byte(nil), p[:5]...), uint32(len(entries)+1))
	for i, e := range entries {
		if i == at {
			skip := 4 + len(entryName(file))
			b = append(binary.BigEndian.AppendUint32(b, uint32(len(name))), name...)
			b = append(b, file[skip:]...)
		}
		b = append(b, e...)
	}
	return b
}

// entryName is the name of a NAME entry.
func entryName(e []byte) string { return string(e[4 : 4+binary.BigEndian.Uint32(e)]) }

// entryLen is the length of the NAME entry at the start of b (name,
// longname, attributes) and whether its attributes say regular file.
func entryLen(b []byte) (int, bool) {
	str := func(at int) int { return at + 4 + int(binary.BigEndian.Uint32(b[at:])) }
	at := str(str(0))
	flags := binary.BigEndian.Uint32(b[at:])
	at += 4
	isFile := false
	for _, f := range []struct {
		bit uint32
		n   int
	}{{1, 8}, {2, 8}, {4, 4}, {8, 8}} {
		if flags&f.bit != 0 {
			if f.bit == 4 {
				isFile = binary.BigEndian.Uint32(b[at:])&0o170000 == 0o100000
			}
			at += f.n
		}
	}
	if flags&0x80000000 != 0 {
		count := binary.BigEndian.Uint32(b[at:])
		at += 4
		for range 2 * count {
			at = str(at)
		}
	}
	return at, isFile
}

// sharedDir is a fresh directory the server can reach whoever it runs as.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// step is one thing to make in a tree, relative to its root.
type step struct {
	path  string
	kind  byte        // 'f' file, 'd' directory, 'l' symlink (body: target), 'p' FIFO
	mode  fs.FileMode // applied last, with chmod
	body  string
	chmod bool // set mode once everything is made
}

// chmod is a step that sets the mode of path, made by another step.
func chmod(path string, mode fs.FileMode) step { return step{path: path, mode: mode, chmod: true} }

// build makes steps under root, gives every directory a fixed old time
// of its own, so that -p shows, and sets modes last.
func build(t *testing.T, root string, steps []step) {
	t.Helper()
	for _, s := range steps {
		p := filepath.Join(root, s.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch s.kind {
		case 'f':
			err = os.WriteFile(p, []byte(s.body), 0o644)
		case 'd':
			err = os.Mkdir(p, 0o755)
		case 'l':
			err = os.Symlink(s.body, p)
		case 'p':
			err = syscall.Mkfifo(p, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Every directory gets an old time of its own, deepest first, before
	// modes may lock them.
	var dirs []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return err
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		old := time.Unix(int64(1_000_000_000+i), 0)
		if err := os.Chtimes(dirs[i], old, old); err != nil {
			t.Fatal(err)
		}
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].chmod {
			if err := os.Chmod(filepath.Join(root, steps[i].path), steps[i].mode); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// manyFiles are n files dir/NAME%03d, each with its own body.
func manyFiles(dir, name string, n int) []step {
	var s []step
	for i := range n {
		p := fmt.Sprintf("%s/%s%03d", dir, name, i)
		s = append(s, step{path: p, kind: 'f', body: p + "\n"})
	}
	return s
}

// snapshot describes every name under root: type, mode, size, content
// and, with times, a directory's modification time.
func snapshot(t *testing.T, root string, times bool) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%s %v %d", rel, st.Mode(), st.Size())
		switch {
		case st.IsDir() && st.Mode()&0o500 != 0o500:
			// A refused directory, left as it was made: nothing to compare
			// inside, nor its time.
			b.WriteString("\n")
			return fs.SkipDir
		case st.IsDir() && times:
			fmt.Fprintf(&b, " %d", st.ModTime().Unix())
		case st.Mode().IsRegular():
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %q", body)
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// copyRun is one tree copy: its messages (root and target as {S} and
// {D}), status and the target afterwards.
type copyRun struct {
	out  string
	err  error
	tree string
}

// runCopy copies with files in flight (1: the serial copy) as scp does,
// in a fresh directory made by setup; target is what to compare after,
// with directory times when o preserves them.
func runCopy(t *testing.T, files int, setup func(t *testing.T, dir string), copy func(x *Transfer, dir string, o Options) error, target string, o Options) copyRun {
	t.Helper()
	return runCopyOn(t, serverClient(t), files, setup, copy, target, o)
}

// runCopyOn is runCopy over the client c.
func runCopyOn(t *testing.T, c *sftp.Client, files int, setup func(t *testing.T, dir string), copy func(x *Transfer, dir string, o Options) error, target string, o Options) copyRun {
	t.Helper()
	dir := sharedDir(t)
	setup(t, dir)
	var out strings.Builder
	x := &Transfer{
		Ctx: context.Background(), Client: c, Stdout: &out,
		Log:          func(msg string) { out.WriteString(msg + "\n") },
		ProgressOnly: true, FollowLinks: true, InPlace: true, Files: files,
	}
	err := copy(x, dir, o)
	return copyRun{out: strings.ReplaceAll(out.String(), dir, "{T}"), err: err, tree: snapshot(t, filepath.Join(dir, target), o.Preserve)}
}

// remoteTree is a tree with something refused or missing in several
// places, and directories of their own modes.
var remoteTree = append(append(append(append(manyFiles("src", "f", 120),
	chmod("src/f010", 0o000),                                // unreadable
	step{path: "src/gone", kind: 'l', body: "nowhere"},      // missing
	step{path: "src/fifo", kind: 'p'},                       // not a regular file
	step{path: "src/d2", kind: 'd'}, chmod("src/d2", 0o000), // refused directory
	step{path: "src/d3", kind: 'd'}, chmod("src/d3", 0o555), // its own mode
	step{path: "src/d4/e/h", kind: 'f', body: "deep\n"},                       // nested
	step{path: "src/d4/e/unread", kind: 'f'}, chmod("src/d4/e/unread", 0o200), // unreadable, deeper
	chmod("src/d4/e", 0o750),                                 // nested mode
	step{path: "src/d1/g005", kind: 'f', body: "blocked\n"}), // blocked locally
	manyFiles("src/d1", "g", 40)...),
	manyFiles("src/d3", "h", 30)...),
	manyFiles("src/d4", "i", 30)...)

// TestParallelDownloadIsSerial: a tree download with many files in flight
// prints what the serial copy prints, in its order, ends the same and
// leaves the same tree, -p times and modes of directories included.
func TestParallelDownloadIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		build(t, filepath.Join(dir, "r"), remoteTree)
		// Locally, a directory where a file goes and a file where a
		// directory goes.
		build(t, filepath.Join(dir, "dst"), []step{{path: "d1/g005", kind: 'd'}, {path: "d4", kind: 'f', body: "x"}})
	}
	for _, preserve := range []bool{false, true} {
		t.Run(fmt.Sprintf("preserve=%v", preserve), func(t *testing.T) {
			download := func(x *Transfer, dir string, o Options) error { return x.DownloadDir(dir+"/r/src", dir+"/dst", o) }
			o := Options{Preserve: preserve}
			serial := runCopy(t, 1, setup, download, "dst", o)
			parallel := runCopy(t, 64, setup, download, "dst", o)
			compareRuns(t, serial, parallel, "Permission denied", "No such file", "not a regular file", "Not a directory", "Is a directory")
		})
	}
}

// TestParallelDownloadTopIsSerial: what is fetched ahead of the top
// directory changes nothing when it is missing, refused or no directory.
func TestParallelDownloadTopIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) { build(t, filepath.Join(dir, "r"), remoteTree) }
	for _, top := range []string{"missing", "src/f000", "src/d2", "src/d4/e"} {
		t.Run(top, func(t *testing.T) {
			download := func(x *Transfer, dir string, o Options) error {
				return x.DownloadDir(dir+"/r/"+top, dir+"/dst", o)
			}
			serial := runCopy(t, 1, setup, download, "", Options{})
			parallel := runCopy(t, 64, setup, download, "", Options{})
			compareRuns(t, serial, parallel)
		})
	}
}

// TestParallelRepeatedNameIsSerial: a listing that names a directory
// twice, first as a file, is copied in the serial copy's order: the file
// lands before the directory's walk begins.
func TestParallelRepeatedNameIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) { build(t, filepath.Join(dir, "r"), remoteTree) }
	download := func(x *Transfer, dir string, o Options) error { return x.DownloadDir(dir+"/r/src", dir+"/dst", o) }
	serial := runCopyOn(t, filteredClient(t, "d3"), 1, setup, download, "dst", Options{})
	parallel := runCopyOn(t, filteredClient(t, "d3"), 64, setup, download, "dst", Options{})
	compareRuns(t, serial, parallel, "{T}/dst/d3/h000\": Not a directory")
}

// TestParallelUploadIsSerial is the same for a tree upload.
func TestParallelUploadIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		local := remoteTree[:len(remoteTree):len(remoteTree)]
		build(t, filepath.Join(dir, "l"), append(local, step{path: "src/d3/dangling", kind: 'l', body: "nowhere"}))
		blockedTarget(t, filepath.Join(dir, "dst"))
	}
	for _, preserve := range []bool{false, true} {
		t.Run(fmt.Sprintf("preserve=%v", preserve), func(t *testing.T) {
			upload := func(x *Transfer, dir string, o Options) error { return x.UploadDir(dir+"/l/src", dir+"/dst/src", o) }
			o := Options{Preserve: preserve}
			serial := runCopy(t, 1, setup, upload, "dst/src", o)
			parallel := runCopy(t, 64, setup, upload, "dst/src", o)
			compareRuns(t, serial, parallel, "Permission denied", "No such file", "not a regular file", "not a directory", "Failure")
		})
	}
}

// TestParallelCrossloadIsSerial is the same for a tree copied between
// two servers (scp -3 in SFTP mode), with a listing that names a
// directory twice, first as a file.
func TestParallelCrossloadIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		build(t, filepath.Join(dir, "r"), remoteTree)
		blockedTarget(t, filepath.Join(dir, "dst"))
	}
	for _, preserve := range []bool{false, true} {
		t.Run(fmt.Sprintf("preserve=%v", preserve), func(t *testing.T) {
			to := serverClient(t)
			crossload := func(x *Transfer, dir string, o Options) error {
				return x.CrossloadDir(to, dir+"/r/src", dir+"/dst/src", o)
			}
			o := Options{Preserve: preserve}
			serial := runCopyOn(t, filteredClient(t, "d3"), 1, setup, crossload, "dst/src", o)
			parallel := runCopyOn(t, filteredClient(t, "d3"), 64, setup, crossload, "dst/src", o)
			compareRuns(t, serial, parallel, "Permission denied", "No such file", "not a regular file", "exists but is not a directory", "Failure")
		})
	}
}

// blockedTarget makes the target tree dst/src with, for the server, a
// directory where a file goes, a file where a directory goes and a
// directory it may not write.
func blockedTarget(t *testing.T, dst string) {
	t.Helper()
	build(t, dst, []step{{path: "src/f020", kind: 'd'}, {path: "src/d4", kind: 'f', body: "x"},
		{path: "src/d1", kind: 'd'}, chmod("src/d1", 0o555)})
	serverOwns(t, dst, dst+"/src", dst+"/src/f020", dst+"/src/d4")
}

// serverOwns gives paths to the user the server runs as, when that is
// not us.
func serverOwns(t *testing.T, paths ...string) {
	t.Helper()
	if os.Getuid() != 0 {
		return
	}
	for _, p := range paths {
		if err := os.Chown(p, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// compareRuns checks that a parallel run is the serial one, and that the
// serial one met every failure it was meant to.
func compareRuns(t *testing.T, serial, parallel copyRun, failures ...string) {
	t.Helper()
	for _, f := range failures {
		if !strings.Contains(serial.out, f) {
			t.Errorf("the serial copy never said %q:\n%s", f, serial.out)
		}
	}
	if parallel.out != serial.out {
		t.Errorf("messages differ\nparallel:\n%s\nserial:\n%s", parallel.out, serial.out)
	}
	if !errors.Is(serial.err, ErrReported) || parallel.err != serial.err {
		t.Errorf("status %v in parallel, %v serial; want %v", parallel.err, serial.err, ErrReported)
	}
	if parallel.tree != serial.tree {
		t.Errorf("trees differ\nparallel:\n%s\nserial:\n%s", parallel.tree, serial.tree)
	}
}

// shownMeter is a meter that is not the silent one.
type shownMeter struct{ progress.Meter }

// TestSchedParallelWhenQuiet: files go in flight side by side only when
// nothing per file is shown.
func TestSchedParallelWhenQuiet(t *testing.T) {
	c := serverClient(t)
	for _, tt := range []struct {
		name     string
		x        Transfer
		parallel bool
	}{
		{"scp, quiet", Transfer{ProgressOnly: true, Files: 64}, true},
		{"scp, silent meter", Transfer{ProgressOnly: true, Files: 64, Meter: progress.New(nil, true)}, true},
		{"scp, visible meter", Transfer{ProgressOnly: true, Files: 64, Meter: shownMeter{progress.New(nil, true)}}, false},
		{"sftp's lines", Transfer{Files: 64}, false},
		{"one file", Transfer{ProgressOnly: true, Files: 1}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.x.Client = c
			if got := !tt.x.newSched().serial(); got != tt.parallel {
				t.Errorf("parallel %v; want %v", got, tt.parallel)
			}
		})
	}
}

// TestParallelDownloadAliasIsSerial: in a directory that exists already,
// a symlink to another file of the copy is written in the serial copy's
// order, not at the same time as that file.
func TestParallelDownloadAliasIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		steps := append(manyFiles("src", "f", 40),
			step{path: "src/a", kind: 'f', body: strings.Repeat("A", 1<<20)},
			step{path: "src/b", kind: 'f', body: "bbb\n"})
		build(t, filepath.Join(dir, "r"), steps)
		build(t, filepath.Join(dir, "dst"), []step{{path: "a", kind: 'f', body: "old\n"}, {path: "b", kind: 'l', body: "a"}})
	}
	download := func(x *Transfer, dir string, o Options) error { return x.DownloadDir(dir+"/r/src", dir+"/dst", o) }
	serial := runCopy(t, 1, setup, download, "dst", Options{})
	parallel := runCopy(t, 64, setup, download, "dst", Options{})
	if serial.err != nil || parallel.err != nil {
		t.Fatalf("status %v in parallel, %v serial; want nil", parallel.err, serial.err)
	}
	if parallel.out != serial.out || parallel.tree != serial.tree {
		t.Errorf("parallel differs from serial\nparallel:\n%s%s\nserial:\n%s%s", parallel.out, parallel.tree, serial.out, serial.tree)
	}
}

// TestParallelMatchesIsSerial: the matches of a pattern copied into a
// directory, local or on another server (-3), with files in flight, end
// as one at a time: names that come from several directories (files,
// trees, a file and a tree), "..", failures of every kind, with and
// without -r.
func TestParallelMatchesIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		build(t, filepath.Join(dir, "r"), append(remoteTree[:len(remoteTree):len(remoteTree)],
			step{path: "src/d6/b", kind: 'f', body: strings.Repeat("B", 2<<20)},
			step{path: "src/d7/b", kind: 'f', body: "again, after a big one\n"},
			step{path: "src/d5/f001", kind: 'f', body: "again\n"},
			step{path: "src/d5/d1/g001", kind: 'f', body: "again\n"},
			step{path: "src/d5/d3", kind: 'f', body: "a file named as a directory\n"}))
		dst := filepath.Join(dir, "dst")
		build(t, dst, []step{{path: "d1/g005", kind: 'd'}, {path: "d4", kind: 'f', body: "x"}})
		serverOwns(t, dst, dst+"/d1", dst+"/d1/g005", dst+"/d4")
	}
	to := serverClient(t)
	for _, crossload := range []bool{false, true} {
		for _, recursive := range []bool{false, true} {
			t.Run(fmt.Sprintf("crossload=%v/recursive=%v", crossload, recursive), func(t *testing.T) {
				copy := func(x *Transfer, dir string, o Options) error {
					matches := globMatches(t, dir+"/r/src/d6/b", dir+"/r/src/d7/b", dir+"/r/src/*", dir+"/r/src/d*/*", dir+"/r/src/..")
					if crossload {
						return x.CrossloadMatches(to, matches, dir+"/dst", recursive, o)
					}
					return x.DownloadMatches(matches, dir+"/dst", recursive, o)
				}
				// Without -p: the target's own time, and that of a tree
				// the server may not list, are the clock's.
				serial := runCopy(t, 1, setup, copy, "dst", Options{})
				parallel := runCopy(t, 64, setup, copy, "dst", Options{})
				compareRuns(t, serial, parallel, "Permission denied", "No such file", "not a regular file", "unexpected filename: ..")
			})
		}
	}
}

// globMatches are the local matches of patterns, as a remote glob gives
// them: directories marked, sizes where a stat finds one.
func globMatches(t *testing.T, patterns ...string) []Match {
	t.Helper()
	var list []Match
	for _, pattern := range patterns {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			m := Match{Path: p, Size: -1}
			if fi, err := os.Stat(p); err == nil {
				m.Size = fi.Size()
				if fi.IsDir() {
					m.Path += "/"
				}
			}
			list = append(list, m)
		}
	}
	return list
}

// TestParallelSourcesIsSerial: several local sources uploaded into a
// directory, with files in flight, end as one at a time: names that come
// twice (files, a file and a tree), failures of every kind, with and
// without -r.
func TestParallelSourcesIsSerial(t *testing.T) {
	setup := func(t *testing.T, dir string) {
		var local []step
		for _, s := range remoteTree {
			if s.kind != 'p' { // a FIFO would block its upload's open
				local = append(local, s)
			}
		}
		build(t, filepath.Join(dir, "l"), append(local,
			step{path: "src/d6/b", kind: 'f', body: strings.Repeat("B", 2<<20)},
			step{path: "src/d7/b", kind: 'f', body: "again, after a big one\n"},
			step{path: "src/d7/d3", kind: 'f', body: "a file named as a directory\n"}))
		// Remotely, a directory where a file goes, a file where a
		// directory goes and a file the server may not write.
		dst := filepath.Join(dir, "dst")
		build(t, dst, []step{{path: "f020", kind: 'd'}, {path: "d4", kind: 'f', body: "x"},
			{path: "f030", kind: 'f', body: "kept\n"}, chmod("f030", 0o444), {path: "d3/h005", kind: 'd'}})
		serverOwns(t, dst, dst+"/f020", dst+"/d4", dst+"/d3", dst+"/d3/h005")
	}
	for _, recursive := range []bool{false, true} {
		t.Run(fmt.Sprintf("recursive=%v", recursive), func(t *testing.T) {
			upload := func(x *Transfer, dir string, o Options) error {
				var srcs []Source
				for _, m := range globMatches(t, dir+"/l/src/d6/b", dir+"/l/src/d7/b", dir+"/l/src/*", dir+"/l/src/d7/d*") {
					fi, err := os.Stat(m.Path)
					if err != nil {
						continue // the dangling link: the caller stops there
					}
					srcs = append(srcs, Source{Path: strings.TrimSuffix(m.Path, "/"), Info: fi})
				}
				return x.UploadSources(srcs, dir+"/dst", "TARG", recursive, o)
			}
			serial := runCopy(t, 1, setup, upload, "dst", Options{})
			parallel := runCopy(t, 64, setup, upload, "dst", Options{})
			failures := []string{"Permission denied", "failed to upload file", "Failure"}
			if recursive {
				failures = append(failures, "failed to upload directory {T}/l/src/d3 to TARG")
			}
			compareRuns(t, serial, parallel, failures...)
		})
	}
}
