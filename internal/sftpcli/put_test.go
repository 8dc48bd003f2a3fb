package sftpcli

import (
	"os"
	"testing"
)

func TestPutLikeSftp(t *testing.T) {
	runXferCases(t, []xferCase{
		{name: "one file", setup: xferLocal, lines: []string{"put l/a", "put l/a r/", "put l/a r/new", "put l/a r/nodir/x"}},
		{name: "missing", setup: xferLocal, lines: []string{"put l/nope", "put l/nope*", "put", "put l/a r/a extra"}},
		{name: "several", setup: xferLocal, lines: []string{"put l/* r/a", "put l/[ab] r/", "put l/? r/nodir"}},
		{name: "glob into pwd", setup: xferLocal, lines: []string{"put l/?"}},
		{name: "directory", setup: xferLocal, lines: []string{"put l/d", "put l/d r/"}},
		{name: "recursive", setup: xferLocal, lines: []string{"put -r l/d r/", "put -r l/d r/copy", "put -r l/d/ r/copy2", "put -r l/d r/nodir/x"}},
		{name: "recursive preserve", setup: xferLocal, lines: []string{"put -rp l/d r/", "put -p l/a r/"}},
		{name: "recursive batch", setup: xferLocal, batch: true, lines: []string{"put -r l/d r/", "put l/a r/"}},
		{name: "recursive quiet", setup: xferLocal, quiet: true, lines: []string{"put -r l/d r/", "reput l/a r/a"}},
		{name: "batch stops", setup: xferLocal, batch: true, lines: []string{"put l/nope", "put l/a r/"}},
		{name: "symlink", setup: xferLocal, lines: []string{"put l/link r/", "put l/dirlink r/", "put -r l/dirlink r/"}},
		{name: "resume", setup: xferPutResume, lines: []string{"reput l/a r/a", "put -a l/b r/b", "reput l/c r/c", "reput l/a r/new"}},
		{name: "onto a file", setup: xferLocal, lines: []string{"put -r l/d r/a"}},
		{name: "read-only directory", setup: xferLocal, lines: []string{"put -r l/ro r/", "put -rp l/ro r/ro2"}},
		{name: "global -r -p -f", setup: xferLocal, flags: "-rpf", lines: []string{"put l/d r/", "put l/a r/"}},
		{name: "global -a", setup: xferPutResume, flags: "-a", lines: []string{"put l/a r/a", "put l/c r/c"}},
		{name: "after cd", setup: xferLocal, lines: []string{"cd r", "put l/a", "put l/b x", "put -r l/d", "put l/? ../r2"}},
		{name: "not regular", setup: xferLocal, lines: []string{"put /dev/null r/", "put -r /dev/null r/"}},
		{name: "fsync", setup: xferLocal, lines: []string{"put -f l/a r/", "put -rf l/d r/"}},
	})
}

// xferLocal is a local tree l and a remote directory r.
func xferLocal(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/l/a", "hello\n", 0o640)
	xferWriteFile(t, dir+"/l/b", xferData(300000), 0o600)
	xferWriteFile(t, dir+"/l/d/x", "x\n", 0o644)
	xferWriteFile(t, dir+"/l/d/sub/y", "y\n", 0o755)
	xferWriteFile(t, dir+"/l/ro/z", "z\n", 0o644)
	xferWriteFile(t, dir+"/r/a", "remote\n", 0o644)
	for _, l := range [][2]string{{"a", "l/link"}, {"d", "l/dirlink"}, {"../a", "l/d/link"}} {
		if err := os.Symlink(l[0], dir+"/"+l[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir+"/l/ro", 0o555); err != nil {
		t.Fatal(err)
	}
}

// xferPutResume is local files with partial remote copies.
func xferPutResume(t *testing.T, dir string) {
	xferWriteFile(t, dir+"/l/a", xferData(200000), 0o644)
	xferWriteFile(t, dir+"/r/a", xferData(200000)[:70000], 0o644)
	xferWriteFile(t, dir+"/l/b", "same\n", 0o644)
	xferWriteFile(t, dir+"/r/b", "same\n", 0o644)
	xferWriteFile(t, dir+"/l/c", "short\n", 0o644)
	xferWriteFile(t, dir+"/r/c", "longer one\n", 0o644)
}
