package sftpcli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goscp/goscp/scp/sftp"
)

// opensshSftp is the sftp our commands are compared with.
const opensshSftp = "/usr/bin/sftp"

// runOpenSSH runs one command line in OpenSSH's sftp over sftp-server
// (started in dir with serverArgs) and returns its output, without the
// echo of the line, and whether the command failed.
func runOpenSSH(t *testing.T, dir, line string, serverArgs ...string) (stdout, stderr string, failed bool) {
	t.Helper()
	if _, err := os.Stat(opensshSftp); err != nil {
		t.Skipf("no %s: %v", opensshSftp, err)
	}
	server := strings.Join(append([]string{sftpServer}, serverArgs...), " ")
	cmd := exec.Command(opensshSftp, "-b", "-", "-D", server)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(line + "\n")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("sftp: %v", err)
	}
	_, out, _ := strings.Cut(o.String(), "\n") // "sftp> line"
	return out, e.String(), err != nil
}

// runOurs runs one command line in s.
func runOurs(t *testing.T, s *session, line string, run func(*command) error) (stdout, stderr string, failed bool) {
	t.Helper()
	cmd, err := parseLine(line)
	if err != nil {
		t.Fatalf("parseLine(%q): %v", line, err)
	}
	err = run(cmd)
	stdout, stderr = testOutput(s)
	return stdout, stderr, err != nil
}

// lsTree is a directory with entries of several sizes and ages.
func lsTree(t *testing.T, dir string) {
	t.Helper()
	makeTree(t, dir, globTree...)
	makeTree(t, dir, "sub/deep", "sub/.hidden", "with space", "e\xc3\xa9", "c\x01d", `back\slash`)
	now := time.Now()
	for name, size := range map[string]int{"big": 70000, "mid": 1500, "small": 3} {
		if err := os.WriteFile(filepath.Join(dir, name), bytes.Repeat([]byte("x"), size), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	for name, age := range map[string]time.Duration{
		"big": time.Hour, "mid": 2 * time.Hour, "small": 3 * time.Hour,
		"x": 400 * 24 * time.Hour, "xab": -48 * time.Hour, "ab": 24 * time.Hour,
	} {
		when := now.Add(-age)
		if err := os.Chtimes(filepath.Join(dir, name), when, when); err != nil {
			t.Fatal(err)
		}
	}
	for name, mode := range map[string]os.FileMode{"small": 0o755 | os.ModeSetuid, "mid": 0o604 | os.ModeSetgid | os.ModeSticky} {
		if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// lsLines are ls command lines whose output is compared with OpenSSH's;
// "ROOT" stands for the directory listed.
var lsLines = []string{
	"ls", "ls -1", "ls -a", "ls -1a", "ls -l", "ls -la", "ls -n", "ls -lh", "ls -lS", "ls -lSr", "ls -lt",
	"ls -ltr", "ls -lf", "ls -1f", "ls -r", "ls -lr", "ls -h", "dir", "dir -l",
	"ls *", "ls -l *", "ls -1 *", "ls -lS *", "ls -lt *", "ls -ltr *", "ls -lf *", "ls -r *", "ls -n *",
	"ls .*", "ls -la .*", "ls -1 [a-c]*", "ls -l ?", "ls -lh *i*",
	"ls dir", "ls -l dir", "ls dir/", "ls dir/f*", "ls -l dir/f*", "ls sub", "ls -a sub", "ls -la sub",
	"ls ROOT", "ls ROOT/dir", "ls -l ROOT/d*", "ls -1 ROOT/*", "ls -l ROOT/dir/",
	"ls nonexist", "ls nonexist/*", "ls [[:foo:]]", "ls x{y", "ls {xa,a}b", "ls -l {dir,nonexist}",
	"ls linkdir", "ls -l linka", "ls -l linkdir", "ls -l dangling", `ls ""`, "ls .", "ls ./", "ls -l .",
	"ls -lh big", `ls a\*b`, `ls "a*b"`, "ls a*", "ls with*", "ls -l e*", "ls c*", "ls back*",
	"ls //", "ls -1 /", "ls -1 ..",
}

func TestLsMatchesOpenSSH(t *testing.T) {
	for _, server := range [][]string{nil, {"-P", "users-groups-by-id"}} {
		s := newTestSessionArgs(t, server...)
		lsTree(t, s.pwd)
		for _, line := range lsLines {
			line = strings.ReplaceAll(line, "ROOT", s.pwd)
			wantOut, wantErr, wantFailed := runOpenSSH(t, s.pwd, line, server...)
			out, errOut, failed := runOurs(t, s, line, s.ls)
			if out != wantOut || errOut != wantErr || failed != wantFailed {
				t.Errorf("server %q, %q:\n got stdout %q\n     stderr %q, failed %v\nwant stdout %q\n     stderr %q, failed %v",
					server, line, out, errOut, failed, wantOut, wantErr, wantFailed)
			}
		}
	}
}

// Where sftp crashes, ls lists what it can.
func TestLsNoCheckFirst(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "dir/", "dir/f")
	tests := []struct{ line, stdout, stderr string }{
		{"ls {nonexist,dir}", "dir/" + strings.Repeat(" ", 76) + "\nnonexist", ""},
		{"ls -l {nonexist,dir}", "", "no stat information for nonexist\r\n"},
	}
	for _, tt := range tests {
		out, errOut, failed := runOurs(t, s, tt.line, s.ls)
		if !strings.HasPrefix(out, tt.stdout) || errOut != tt.stderr || failed {
			t.Errorf("%q: stdout %q, stderr %q, failed %v; want %q, %q", tt.line, out, errOut, failed, tt.stdout, tt.stderr)
		}
	}
}

func TestLsInterrupted(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "a", "b")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s.ctx = ctx
	for _, line := range []string{"ls", "ls -l", "ls *", "ls a"} {
		if out, errOut, failed := runOurs(t, s, line, s.ls); out != "" || errOut != "" || failed {
			t.Errorf("%q after ^C: stdout %q, stderr %q, failed %v; want nothing", line, out, errOut, failed)
		}
	}
}

func TestLsFile(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.Local)
	recent := uint32(now.Add(-time.Hour).Unix())
	old := uint32(now.AddDate(-1, 0, 0).Unix())
	names := idNames{users: map[uint32]string{0: "root", 7: "averyverylongname"}, groups: map[uint32]string{0: "wheel"}}
	tests := []struct {
		a    sftp.Attributes
		si   bool
		want string
	}{
		{sftp.Attributes{Mode: 0o100644, Size: 12, Mtime: recent}, false,
			"-rw-r--r--    ? root     wheel          12 Jun 15 11:00 f"},
		{sftp.Attributes{Mode: 0o40755, UID: 7, GID: 9, Size: 4096, Mtime: old}, true,
			"drwxr-xr-x    ? averyverylongname 9            4.0K Jun 15  2025 f"},
		{sftp.Attributes{Mode: 0o104711, UID: 1, GID: 1, Mtime: recent}, false,
			"-rws--x--x    ? 1        1               0 Jun 15 11:00 f"},
		{sftp.Attributes{Mode: 0o123654, Mtime: recent}, false,
			"lrw-r-sr-T    ? root     wheel           0 Jun 15 11:00 f"},
		{sftp.Attributes{Mode: 0o102644, Mtime: recent}, false,
			"-rw-r-Sr--    ? root     wheel           0 Jun 15 11:00 f"},
		{sftp.Attributes{Mode: 0o010777 | 0o1000, Mtime: recent}, false,
			"prwxrwxrwt    ? root     wheel           0 Jun 15 11:00 f"},
		{sftp.Attributes{Mode: 0o777, Mtime: uint32(now.Add(time.Minute).Unix())}, false,
			"?rwxrwxrwx    ? root     wheel           0 Jun 15  2026 f"},
	}
	for _, tt := range tests {
		got := lsFile("f", &tt.a, tt.si, names, now)
		if got != tt.want {
			t.Errorf("lsFile(%o) =\n%q; want\n%q", tt.a.Mode, got, tt.want)
		}
	}
	if got := lsFile(strings.Repeat("n", 2000), &sftp.Attributes{}, false, names, now); len(got) != 1023 {
		t.Errorf("a long line is %d bytes; want 1023", len(got))
	}
}

func TestFmtScaled(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {1, "1B"}, {1023, "1023B"}, {1024, "1.0K"}, {1536, "1.5K"}, {4096, "4.0K"},
		{10239, "10.0K"}, {102400, "100K"}, {102911, "101K"}, {103000, "101K"}, {1048575, "1024K"}, {1048576, "1.0M"},
		{1 << 30, "1.0G"}, {270552481792, "252G"}, {-1536, "-1.5K"}, {1<<63 - 1, "8.0E"},
	}
	for _, tt := range tests {
		if got, ok := fmtScaled(tt.n); !ok || got != tt.want {
			t.Errorf("fmtScaled(%d) = %q, %v; want %q", tt.n, got, ok, tt.want)
		}
	}
	if _, ok := fmtScaled(-1 << 63); ok {
		t.Error("fmtScaled(MinInt64) succeeded")
	}
}

// At the root the working directory is "/" and paths strip differently.
func TestLsAtRoot(t *testing.T) {
	s := newTestSession(t)
	s.pwd = "/"
	for _, line := range []string{"ls -1", "ls", "ls -1 u*", "ls -1 /usr/s*", "ls ../etc/host*", "ls -1 etc/", "ls usr/share/doc/openssh-client"} {
		wantOut, wantErr, wantFailed := runOpenSSH(t, "/", line)
		out, errOut, failed := runOurs(t, s, line, s.ls)
		if out != wantOut || errOut != wantErr || failed != wantFailed {
			t.Errorf("%q:\n got stdout %q\n     stderr %q, failed %v\nwant stdout %q\n     stderr %q, failed %v",
				line, out, errOut, failed, wantOut, wantErr, wantFailed)
		}
	}
}
