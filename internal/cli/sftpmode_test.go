package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sftpServer = "/usr/lib/openssh/sftp-server"

// sftpFixture is the tree every SFTP-mode case starts from, in the
// current directory.
func sftpFixture(t *testing.T) {
	t.Helper()
	for _, d := range []string{"src/d", "dst"} {
		must(t, os.MkdirAll(d, 0o755))
	}
	for name, body := range map[string]string{"src/a": "hi\n", "src/b": "yo\n", "src/d/f": "z\n"} {
		must(t, os.WriteFile(name, []byte(body), 0o644))
	}
	must(t, os.Symlink("a", "src/la"))
	old := time.Unix(1_000_000_000, 0)
	must(t, os.Chtimes("src/b", old, old))
}

// runSCP runs Main as `scp -s -D sftp-server ARGS` in the current
// directory and returns its exit status and stderr.
func runSCP(t *testing.T, args ...string) (int, string) {
	t.Helper()
	stdout, err := os.CreateTemp(t.TempDir(), "stdout")
	must(t, err)
	stderr, err := os.CreateTemp(t.TempDir(), "stderr")
	must(t, err)
	defer stdout.Close()
	defer stderr.Close()
	argv := append([]string{"scp", "-s", "-D", sftpServer}, args...)
	code := Main(argv, strings.NewReader(""), stdout, stderr)
	msg, err := os.ReadFile(stderr.Name())
	must(t, err)
	return code, string(msg)
}

// TestSFTPMode checks scp -s against the messages, exit statuses and
// files of OpenSSH 9.2's scp in its SFTP mode, with the real sftp-server
// as a child (-D), as OpenSSH's regress does.
func TestSFTPMode(t *testing.T) {
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skip("no sftp-server:", err)
	}
	for _, tt := range []struct {
		name   string
		setup  func(t *testing.T)
		args   []string
		code   int
		stderr string
		files  map[string]string // path: content, after the run
	}{
		{name: "upload into dir", args: []string{"src/a", "h:dst/"}, files: map[string]string{"dst/a": "hi\n"}},
		{name: "upload as name", args: []string{"src/a", "h:dst/x"}, files: map[string]string{"dst/x": "hi\n"}},
		{name: "upload ~/", args: []string{"src/a", "h:~/dst"}, files: map[string]string{"dst/a": "hi\n"}},
		{name: "upload symlink", args: []string{"src/la", "h:dst/"}, files: map[string]string{"dst/la": "hi\n"}},
		{name: "upload missing", args: []string{"nonexist", "h:dst/"}, code: 255,
			stderr: "scp: stat local \"nonexist\": No such file or directory\r\n"},
		{name: "upload dir without -r", args: []string{"src", "h:dst/"}, code: 1,
			stderr: "scp: local \"src\" is not a regular file\r\nscp: failed to upload file src to dst/\r\n"},
		{name: "several make the dir", args: []string{"src/a", "src/b", "h:dst/new"},
			files: map[string]string{"dst/new/a": "hi\n", "dst/new/b": "yo\n"}},
		{name: "several, no parent", args: []string{"src/a", "src/b", "h:nodir/x"}, code: 255,
			stderr: "scp: remote mkdir \"nodir/x\": No such file or directory\r\n"},
		{name: "upload -r", args: []string{"-r", "src", "h:dst/r"},
			files: map[string]string{"dst/r/a": "hi\n", "dst/r/d/f": "z\n", "dst/r/la": "hi\n"}},
		{name: "upload in place", setup: longTarget, args: []string{"src/b", "h:dst/a"},
			files: map[string]string{"dst/a": "yo\n"}},
		{name: "download", args: []string{"h:src/a", "dst/"}, files: map[string]string{"dst/a": "hi\n"}},
		{name: "download glob", args: []string{"h:src/[ab]", "dst/"},
			files: map[string]string{"dst/a": "hi\n", "dst/b": "yo\n"}},
		{name: "download glob makes dir", args: []string{"h:src/[ab]", "dst/new"},
			files: map[string]string{"dst/new/a": "hi\n", "dst/new/b": "yo\n"}},
		{name: "download glob onto file", setup: longTarget, args: []string{"h:src/*", "dst/a"}, code: 1,
			stderr: "scp: Multiple files match pattern, but destination \"dst/a\" is not a directory\r\n"},
		{name: "download no match", args: []string{"h:src/zz*", "dst/"}, code: 1,
			stderr: "scp: src/zz*: No such file or directory\r\n"},
		{name: "download missing", args: []string{"h:nonexist/x", "dst/"}, code: 1,
			stderr: "scp: nonexist/x: No such file or directory\r\n"},
		{name: "download dir without -r", args: []string{"h:src/d", "dst/"}, code: 1,
			stderr: "scp: download src/d/: not a regular file\r\n"},
		{name: "download -r", args: []string{"-r", "h:src", "dst/r"},
			files: map[string]string{"dst/r/a": "hi\n", "dst/r/d/f": "z\n", "dst/r/la": "hi\n"}},
		{name: "download -r literal", setup: bracketDir, args: []string{"-r", "h:g[12]", "dst/r"},
			files: map[string]string{"dst/r/f": "x\n"}},
		{name: "download in place", setup: longTarget, args: []string{"h:src/b", "dst/a"},
			files: map[string]string{"dst/a": "yo\n"}},
		{name: "download -X", args: []string{"-X", "buffer=1024", "-X", "nrequests=2", "h:src/a", "dst/"},
			files: map[string]string{"dst/a": "hi\n"}},
		{name: "~user unknown", args: []string{"h:~nouser-scps/x", "dst/"}, code: 1,
			stderr: "scp: expand ~nouser-scps/x: no such user\r\n"},
		{name: "remote to remote", args: []string{"h:src/a", "h:dst/y"}, files: map[string]string{"dst/y": "hi\n"}},
		{name: "remote to remote -r", args: []string{"-3", "-r", "h:src", "h:dst/r"},
			files: map[string]string{"dst/r/a": "hi\n", "dst/r/d/f": "z\n", "dst/r/la": "hi\n"}},
		{name: "remote to remote glob", args: []string{"h:src/[ab]", "h:dst/"},
			files: map[string]string{"dst/a": "hi\n", "dst/b": "yo\n"}},
		{name: "remote to remote, no dir", args: []string{"h:src/a", "h:src/b", "h:dst/nd"}, code: 1,
			stderr: "scp: dst/nd: destination is not a directory\r\nscp: dst/nd: destination is not a directory\r\n"},
		{name: "remote to remote missing", args: []string{"h:nonexist", "h:dst/"}, code: 1,
			stderr: "scp: nonexist: No such file or directory\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			sftpFixture(t)
			if tt.setup != nil {
				tt.setup(t)
			}
			code, stderr := runSCP(t, tt.args...)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("scp %q = %d, %q; want %d, %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
			for name, want := range tt.files {
				if got, err := os.ReadFile(name); err != nil || string(got) != want {
					t.Errorf("%s = %q, %v; want %q", name, got, err, want)
				}
			}
		})
	}
}

// longTarget puts a file longer than the sources where they go.
func longTarget(t *testing.T) {
	must(t, os.WriteFile("dst/a", []byte("a much longer old file\n"), 0o644))
}

// bracketDir is a directory whose name is a pattern that does not match
// it.
func bracketDir(t *testing.T) {
	must(t, os.Mkdir("g[12]", 0o755))
	must(t, os.WriteFile("g[12]/f", []byte("x\n"), 0o644))
}

// TestSFTPModePreserve checks -p both ways: the times and the mode.
func TestSFTPModePreserve(t *testing.T) {
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skip("no sftp-server:", err)
	}
	for _, args := range [][]string{{"-p", "h:src/b", "dst/"}, {"-p", "src/b", "h:dst/"}} {
		t.Run(args[1], func(t *testing.T) {
			t.Chdir(t.TempDir())
			sftpFixture(t)
			must(t, os.Chmod("src/b", 0o600))
			if code, stderr := runSCP(t, args...); code != 0 || stderr != "" {
				t.Fatalf("scp %q = %d, %q", args, code, stderr)
			}
			st, err := os.Stat(filepath.Join("dst", "b"))
			must(t, err)
			if st.ModTime().Unix() != 1_000_000_000 || st.Mode().Perm() != 0o600 {
				t.Errorf("dst/b: mtime %v, mode %v; want %v, 0600", st.ModTime(), st.Mode(), time.Unix(1_000_000_000, 0))
			}
		})
	}
}

func TestGraceContext(t *testing.T) {
	for _, tt := range []struct {
		name string
		up   bool
	}{{"ends with its parent before up", false}, {"ends after the grace once up", true}} {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			ctx, up := graceContext(parent, time.Millisecond)
			if tt.up {
				up()
			}
			if ctx.Err() != nil {
				t.Fatal("ended before its parent")
			}
			cancel()
			<-ctx.Done() // the test's own bound ends a context that never does
		})
	}
}
