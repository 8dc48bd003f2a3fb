package sftpcli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// xferWriteFile writes a test file with the given mode, whatever the umask.
func xferWriteFile(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func xferReadFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// xferData is data larger than a few requests, so transfers pipeline.
func xferData(n int) string {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString(strings.Repeat(string(rune('a'+i%26)), 1000))
	}
	return b.String()[:n]
}

func TestDownload(t *testing.T) {
	data := xferData(3<<20 + 17)
	tests := []struct {
		name     string
		local    *string // the local file before, if any
		remote   string
		opts     xferOpts
		want     string
		wantErr  bool
		stderr   string
		wantMode os.FileMode
	}{
		{name: "new", remote: data, want: data},
		{name: "truncates", local: xferPtr("old contents longer than the new"), remote: "new", want: "new"},
		{name: "empty", remote: "", want: ""},
		{name: "resume", local: xferPtr(data[:100000]), remote: data, opts: xferOpts{resume: true}, want: data},
		{name: "resume from nothing", local: xferPtr(""), remote: "abc", opts: xferOpts{resume: true}, want: "abc"},
		{name: "resume same size", local: xferPtr("abc"), remote: "abc", opts: xferOpts{resume: true}, want: "abc",
			stderr: "File \"DST\" was not modified\r\n"},
		{name: "resume larger", local: xferPtr("abcd"), remote: "abc", opts: xferOpts{resume: true}, want: "abcd",
			wantErr: true, stderr: "Unable to resume download of \"DST\": local file is larger than remote\r\n"},
		{name: "fsync", remote: "abc", opts: xferOpts{fsync: true}, want: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newXferSession(t)
			src := filepath.Join(x.dir, "src")
			dst := filepath.Join(t.TempDir(), "dst")
			xferWriteFile(t, src, tt.remote, 0o640)
			if tt.local != nil {
				xferWriteFile(t, dst, *tt.local, 0o600)
			}
			err := x.download(src, dst, nil, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("download: %v, want error %v", err, tt.wantErr)
			}
			if got := xferReadFile(t, dst); got != tt.want {
				t.Errorf("local file has %d bytes, want %d", len(got), len(tt.want))
			}
			if want := strings.ReplaceAll(tt.stderr, "DST", dst); x.stderr.String() != want {
				t.Errorf("stderr %q, want %q", x.stderr, want)
			}
		})
	}
}

func xferPtr[T any](v T) *T { return &v }

func TestDownloadModes(t *testing.T) {
	x := newXferSession(t)
	src := filepath.Join(x.dir, "src")
	xferWriteFile(t, src, "abc", 0o4751)
	mtime := time.Unix(1234567890, 0)
	if err := os.Chtimes(src, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	umask := xferUmask(t)
	tests := []struct {
		name     string
		preserve bool
		want     os.FileMode
	}{
		// Without -p, the umask applies and the owner can always write.
		{"plain", false, (0o751 | 0o200) &^ umask},
		// With -p, the mode exactly, but never setuid.
		{"preserve", true, 0o751},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst")
			if err := x.download(src, dst, nil, xferOpts{preserve: tt.preserve}); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(dst)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode() != tt.want {
				t.Errorf("mode %v, want %v", st.Mode(), tt.want)
			}
			if tt.preserve && !st.ModTime().Equal(mtime) {
				t.Errorf("mtime %v, want %v", st.ModTime(), mtime)
			}
		})
	}
}

func TestDownloadFails(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, remote, local string) (src, dst string)
		stderr string
		exists bool // the local file is left behind
	}{
		{name: "missing", setup: func(t *testing.T, remote, local string) (string, string) {
			return remote + "/nope", local + "/x"
		}, stderr: "stat remote: No such file or directory\r\n"},
		{name: "directory", setup: func(t *testing.T, remote, local string) (string, string) {
			return remote, local + "/x"
		}, stderr: "download REMOTE: not a regular file\r\n"},
		{name: "unreadable", setup: func(t *testing.T, remote, local string) (string, string) {
			if os.Geteuid() == 0 {
				t.Skip("root reads anything")
			}
			xferWriteFile(t, remote+"/f", "abc", 0)
			return remote + "/f", local + "/x"
		}, stderr: "remote open \"REMOTE/f\": Permission denied\r\n"},
		{name: "no local directory", setup: func(t *testing.T, remote, local string) (string, string) {
			xferWriteFile(t, remote+"/f", "abc", 0o644)
			return remote + "/f", local + "/no/x"
		}, stderr: "open local \"LOCAL/no/x\": No such file or directory\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newXferSession(t)
			local := t.TempDir()
			src, dst := tt.setup(t, x.dir, local)
			if err := x.download(src, dst, nil, xferOpts{}); err != errReported {
				t.Fatalf("download: %v, want errReported", err)
			}
			want := strings.NewReplacer("REMOTE", x.dir, "LOCAL", local).Replace(tt.stderr)
			if x.stderr.String() != want {
				t.Errorf("stderr %q, want %q", x.stderr, want)
			}
			if _, err := os.Stat(dst); (err == nil) != tt.exists {
				t.Errorf("local file left: %v, want %v", err == nil, tt.exists)
			}
		})
	}
}

// xferUmask reads the process's umask from /proc, without setting it.
func xferUmask(t *testing.T) os.FileMode {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			var m uint32
			for _, c := range strings.TrimSpace(v) {
				m = m*8 + uint32(c-'0')
			}
			return os.FileMode(m)
		}
	}
	t.Skip("no umask in /proc/self/status")
	return 0
}
