package sftpcli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUpload(t *testing.T) {
	data := xferData(3<<20 + 17)
	tests := []struct {
		name    string
		remote  *string // the remote file before, if any
		local   string
		opts    xferOpts
		want    string
		wantErr bool
		stderr  string
	}{
		{name: "new", local: data, want: data},
		{name: "truncates", remote: xferPtr("old contents longer than the new"), local: "new", want: "new"},
		{name: "empty", local: "", want: ""},
		{name: "resume", remote: xferPtr(data[:100000]), local: data, opts: xferOpts{resume: true}, want: data},
		{name: "resume same size", remote: xferPtr("abc"), local: "abc", opts: xferOpts{resume: true}, want: "abc",
			wantErr: true, stderr: "resume \"SRC\": destination file same size or larger\r\n"},
		{name: "resume larger", remote: xferPtr("abcd"), local: "abc", opts: xferOpts{resume: true}, want: "abcd",
			wantErr: true, stderr: "resume \"SRC\": destination file same size or larger\r\n"},
		{name: "resume missing", local: "abc", opts: xferOpts{resume: true},
			wantErr: true, stderr: "stat remote: No such file or directory\r\n"},
		{name: "fsync", local: "abc", opts: xferOpts{fsync: true}, want: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newXferSession(t)
			src := filepath.Join(t.TempDir(), "src")
			dst := filepath.Join(x.dir, "dst")
			xferWriteFile(t, src, tt.local, 0o640)
			if tt.remote != nil {
				xferWriteFile(t, dst, *tt.remote, 0o600)
			}
			err := x.upload(src, dst, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("upload: %v, want error %v", err, tt.wantErr)
			}
			if tt.remote != nil || !tt.wantErr {
				if got := xferReadFile(t, dst); got != tt.want {
					t.Errorf("remote file has %d bytes, want %d", len(got), len(tt.want))
				}
			}
			if want := strings.ReplaceAll(tt.stderr, "SRC", src); x.stderr.String() != want {
				t.Errorf("stderr %q, want %q", x.stderr, want)
			}
		})
	}
}

func TestUploadModes(t *testing.T) {
	x := newXferSession(t)
	src := filepath.Join(t.TempDir(), "src")
	xferWriteFile(t, src, "abc", 0o4751)
	mtime := time.Unix(1234567890, 0)
	if err := os.Chtimes(src, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	umask := xferUmask(t)
	tests := []struct {
		name     string
		existing bool
		preserve bool
		want     os.FileMode
	}{
		{"new", false, false, 0o751 &^ umask},
		{"existing keeps its mode", true, false, 0o600},
		{"preserve", true, true, 0o751},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(x.dir, strings.ReplaceAll(tt.name, " ", "-"))
			if tt.existing {
				xferWriteFile(t, dst, "old", 0o600)
			}
			if err := x.upload(src, dst, xferOpts{preserve: tt.preserve}); err != nil {
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

func TestUploadFails(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, local, remote string) (src, dst string)
		stderr string
	}{
		{name: "missing", setup: func(t *testing.T, local, remote string) (string, string) {
			return local + "/nope", remote + "/x"
		}, stderr: "open local \"LOCAL/nope\": No such file or directory\r\n"},
		{name: "directory", setup: func(t *testing.T, local, remote string) (string, string) {
			return local, remote + "/x"
		}, stderr: "local \"LOCAL\" is not a regular file\r\n"},
		{name: "no remote directory", setup: func(t *testing.T, local, remote string) (string, string) {
			xferWriteFile(t, local+"/f", "abc", 0o644)
			return local + "/f", remote + "/no/x"
		}, stderr: "dest open \"REMOTE/no/x\": No such file or directory\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newXferSession(t)
			local := t.TempDir()
			src, dst := tt.setup(t, local, x.dir)
			if err := x.upload(src, dst, xferOpts{}); err != errReported {
				t.Fatalf("upload: %v, want errReported", err)
			}
			want := strings.NewReplacer("REMOTE", x.dir, "LOCAL", local).Replace(tt.stderr)
			if x.stderr.String() != want {
				t.Errorf("stderr %q, want %q", x.stderr, want)
			}
		})
	}
}
