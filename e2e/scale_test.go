//go:build scale

package e2e

// The scale suite (go test -tags scale -run TestScale ./e2e): a sparse
// 4.5 GiB file, a 20,000-file tree, a tree nested 200 levels deep and
// 255-byte names, each uploaded and downloaded by our client with our
// binary as the remote scp too. Content is compared by SHA-256 and the
// client's peak RSS is logged and bounded: memory must not scale with file
// size or count (DESIGN.md).

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

const (
	scaleTimeout = 15 * time.Minute
	scaleMaxRSS  = 64 << 20 // bytes
	scaleBigSize = 4608 << 20
)

func TestScale(t *testing.T) {
	needOurs(t)
	srv := sshdtest.Start(t, sshdtest.Config{RemotePath: oursBin})
	checkRemoteSCP(t, srv, filepath.Join(oursBin, "scp"))
	t.Run("sparse-4.5GiB", func(t *testing.T) { testScaleBig(t, srv) })
	t.Run("20000-files", func(t *testing.T) {
		testScaleTree(t, srv, func(root string) { makeWide(t, root, 100, 200) })
	})
	t.Run("200-deep", func(t *testing.T) {
		testScaleTree(t, srv, func(root string) { makeDeep(t, root, 200) })
	})
	t.Run("255-byte-names", func(t *testing.T) {
		testScaleTree(t, srv, func(root string) { makeLongNames(t, root) })
	})
}

// scaleRun runs our client with args in dir and checks exit 0 and the peak
// RSS. ProcessState.SysUsage's Maxrss is not used alone: Go starts children
// with vfork (CLONE_VM), and Linux carries the shared mm's high-water mark
// (this test process's RSS) into the child's maxrss at exec, so small runs
// would report the test's own size. /usr/bin/time, a small process that
// really forks, measures the client alone; SysUsage is the fallback (an
// upper bound).
func scaleRun(t *testing.T, srv *sshdtest.Server, label, dir string, args ...string) {
	t.Helper()
	args = append([]string{"-F", srv.ConfigFile}, args...)
	prog := needOurs(t)
	var timeOut string
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		timeOut = filepath.Join(t.TempDir(), "maxrss")
		args = append([]string{"-o", timeOut, "-f", "%M", prog}, args...)
		prog = "/usr/bin/time"
	}
	p := command(t, whoOurs, prog, dir, clientEnv(t.TempDir(), srv.User), scaleTimeout, args...)
	start := time.Now()
	r := p.run(t)
	r.wantExit(t, 0)
	if r.rusage == nil {
		t.Fatalf("%s: no rusage", label)
	}
	rss := r.rusage.Maxrss * 1024 // KiB on Linux
	how := "SysUsage, includes the test process's own high-water mark"
	if timeOut != "" {
		b, err := os.ReadFile(timeOut)
		if err != nil {
			t.Fatalf("%s: /usr/bin/time: %v", label, err)
		}
		if _, err := fmt.Sscan(string(b), &rss); err != nil {
			t.Fatalf("%s: /usr/bin/time wrote %q", label, b)
		}
		rss *= 1024
		how = fmt.Sprintf("/usr/bin/time; SysUsage said %.1f MiB", float64(r.rusage.Maxrss)/1024)
	}
	t.Logf("%s: peak RSS %.1f MiB (%s), %v", label, float64(rss)/(1<<20), how, time.Since(start).Round(time.Millisecond))
	if rss > scaleMaxRSS {
		t.Errorf("%s: peak RSS %d MiB exceeds %d MiB", label, rss>>20, scaleMaxRSS>>20)
	}
}

// testScaleBig sends a sparse 4.5 GiB file with random blocks scattered in
// it up, then down, comparing SHA-256 each way. Each copy is written out in
// full, so the run needs about 9 GiB of free disk at its peak.
func testScaleBig(t *testing.T, srv *sshdtest.Server) {
	var st syscall.Statfs_t
	base := t.TempDir()
	if err := syscall.Statfs(base, &st); err == nil && int64(st.Bavail)*st.Bsize < 2*scaleBigSize+(1<<30) {
		t.Skipf("needs %d GiB free in %s", (2*scaleBigSize+(1<<30))>>30, base)
	}
	src := filepath.Join(base, "src")
	up := filepath.Join(base, "up")
	down := filepath.Join(base, "down")
	for _, d := range []string{src, up, down} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(src, "big"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(scaleBigSize); err != nil {
		t.Fatal(err)
	}
	block := randomBytes(1<<20, "scale")
	for _, off := range []int64{0, 1 << 30, 2<<30 + 12345, 4<<30 - 7, scaleBigSize - 1<<20} {
		if _, err := f.WriteAt(block, off); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	want := sumFile(filepath.Join(src, "big"))

	scaleRun(t, srv, "upload 4.5 GiB", src, "big", "sshdtest:"+up)
	if got := sumFile(filepath.Join(up, "big")); got != want {
		t.Fatalf("upload: sha256 %s, want %s", got, want)
	}
	scaleRun(t, srv, "download 4.5 GiB", down, "sshdtest:"+filepath.Join(up, "big"), ".")
	if got := sumFile(filepath.Join(down, "big")); got != want {
		t.Errorf("download: sha256 %s, want %s", got, want)
	}
}

// testScaleTree makes a tree with mk, copies it up and down with -r, and
// compares each copy with the original.
func testScaleTree(t *testing.T, srv *sshdtest.Server, mk func(root string)) {
	base := t.TempDir()
	src, up, down := filepath.Join(base, "src"), filepath.Join(base, "up"), filepath.Join(base, "down")
	for _, d := range []string{src, up, down} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mk(filepath.Join(src, "tree"))
	want := treeSums(t, filepath.Join(src, "tree"))
	t.Logf("tree: %d entries", len(want))

	scaleRun(t, srv, "upload", src, "-r", "tree", "sshdtest:"+up)
	diffTrees(t, "upload", want, treeSums(t, filepath.Join(up, "tree")))
	scaleRun(t, srv, "download", down, "-r", "sshdtest:"+filepath.Join(up, "tree"), ".")
	diffTrees(t, "download", want, treeSums(t, filepath.Join(down, "tree")))
}

// treeSums maps each path under root to its kind and content hash.
func treeSums(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			m[rel] = "dir"
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		m[rel] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return m
}

func diffTrees(t *testing.T, label string, want, got map[string]string) {
	t.Helper()
	n := 0
	for p, w := range want {
		if g, ok := got[p]; !ok || g != w {
			if n++; n <= 10 {
				t.Errorf("%s: %s: got %q, want %q", label, p, g, w)
			}
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			if n++; n <= 10 {
				t.Errorf("%s: %s: unexpected", label, p)
			}
		}
	}
	if n > 10 {
		t.Errorf("%s: %d differences in all", label, n)
	}
}

// makeWide makes dirs directories of files files each.
func makeWide(t *testing.T, root string, dirs, files int) {
	t.Helper()
	for d := range dirs {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := range files {
			content := fmt.Sprintf("file %d/%d\n", d, f)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d", f)), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// makeDeep makes root/d/d/…/d, depth levels, with a file at each level.
func makeDeep(t *testing.T, root string, depth int) {
	t.Helper()
	p := root
	for i := range depth {
		p = filepath.Join(p, "d")
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "f"), []byte(fmt.Sprintf("level %d\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// makeLongNames makes files and a directory whose names are 255 bytes
// (ASCII and multi-byte UTF-8).
func makeLongNames(t *testing.T, root string) {
	t.Helper()
	ascii := strings.Repeat("n", 255)
	utf := strings.Repeat("é", 127) + "x" // 255 bytes
	dir := filepath.Join(root, strings.Repeat("D", 255))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(root, ascii), filepath.Join(root, utf), filepath.Join(dir, ascii)} {
		if err := os.WriteFile(p, randomBytes(4096, p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
