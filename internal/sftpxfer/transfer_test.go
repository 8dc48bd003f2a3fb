package sftpxfer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

const sftpServer = "/usr/lib/openssh/sftp-server"

// newClient runs the real sftp-server as a child and speaks SFTP to it.
func newClient(t *testing.T) *sftp.Client {
	t.Helper()
	if _, err := os.Stat(sftpServer); err != nil {
		t.Skip("no sftp-server:", err)
	}
	cmd := exec.Command(sftpServer)
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
	c, err := sftp.NewClient(context.Background(), r, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); cmd.Wait() })
	return c
}

// newTransfer is a Transfer whose output is collected in out.
func newTransfer(t *testing.T, out *strings.Builder) *Transfer {
	return &Transfer{
		Ctx:    context.Background(),
		Client: newClient(t),
		Stdout: out,
		Log:    func(msg string) { out.WriteString("log: " + msg + "\n") },
	}
}

// tree makes src/{a,d/f,la -> a} under a fresh directory and returns it.
func tree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"src/a": "hi\n", "src/d/f": "z\n", "old": "a much longer old file\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a", filepath.Join(dir, "src/la")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTransfer(t *testing.T) {
	for _, tt := range []struct {
		name  string
		set   func(x *Transfer)
		copy  func(x *Transfer, dir string) error
		fails bool
		out   string            // stdout and log lines, dir as {D}
		want  map[string]string // files after the copy; "" for absent
	}{
		{name: "download in place", set: func(x *Transfer) { x.InPlace = true },
			copy: func(x *Transfer, d string) error { return x.Download(d+"/src/a", d+"/old", nil, Options{}) },
			want: map[string]string{"old": "hi\n"}},
		{name: "upload in place", set: func(x *Transfer) { x.InPlace = true },
			copy: func(x *Transfer, d string) error { return x.Upload(d+"/src/a", d+"/old", Options{}) },
			want: map[string]string{"old": "hi\n"}},
		{name: "download tree, sftp's way",
			copy: func(x *Transfer, d string) error { return x.DownloadDir(d+"/src", d+"/dst", Options{}) },
			out:  "Retrieving {D}/src\nRetrieving {D}/src/d\nlog: download \"{D}/src/la\": not a regular file\n",
			want: map[string]string{"dst/a": "hi\n", "dst/d/f": "z\n", "dst/la": ""}},
		{name: "download tree, scp's way", set: func(x *Transfer) { x.ProgressOnly, x.FollowLinks = true, true },
			copy: func(x *Transfer, d string) error { return x.DownloadDir(d+"/src", d+"/dst", Options{}) },
			want: map[string]string{"dst/a": "hi\n", "dst/d/f": "z\n", "dst/la": "hi\n"}},
		{name: "upload tree, scp's way", set: func(x *Transfer) { x.ProgressOnly, x.FollowLinks = true, true },
			copy: func(x *Transfer, d string) error { return x.UploadDir(d+"/src", d+"/dst", Options{}) },
			want: map[string]string{"dst/a": "hi\n", "dst/d/f": "z\n", "dst/la": "hi\n"}},
		{name: "crossload",
			copy: func(x *Transfer, d string) error {
				return x.Crossload(newClient(t), d+"/src/a", d+"/old", nil, Options{})
			},
			want: map[string]string{"old": "hi\n"}},
		{name: "crossload missing",
			copy: func(x *Transfer, d string) error {
				return x.Crossload(newClient(t), d+"/nonexist", d+"/x", nil, Options{})
			},
			fails: true, out: "log: stat remote: No such file or directory\n",
			want: map[string]string{"x": ""}},
		{name: "crossload tree", set: func(x *Transfer) { x.ProgressOnly, x.FollowLinks = true, true },
			copy: func(x *Transfer, d string) error { return x.CrossloadDir(newClient(t), d+"/src", d+"/dst", Options{}) },
			want: map[string]string{"dst/a": "hi\n", "dst/d/f": "z\n", "dst/la": "hi\n"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t)
			var out strings.Builder
			x := newTransfer(t, &out)
			if tt.set != nil {
				tt.set(x)
			}
			err := tt.copy(x, dir)
			if (err != nil) != tt.fails {
				t.Errorf("copy: %v; want failure %v", err, tt.fails)
			}
			if got, want := lines(out.String()), lines(strings.ReplaceAll(tt.out, "{D}", dir)); got != want {
				t.Errorf("output %q; want %q", got, want)
			}
			for name, want := range tt.want {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if want == "" && !os.IsNotExist(err) || want != "" && string(got) != want {
					t.Errorf("%s = %q, %v; want %q", name, got, err, want)
				}
			}
		})
	}
}

// lines sorts the lines of s.
func lines(s string) string {
	l := strings.SplitAfter(s, "\n")
	slices.Sort(l)
	return strings.Join(l, "")
}
