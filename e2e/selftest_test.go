package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestHarnessDetects shows the differential comparison can fail: programs
// that are almost OpenSSH's scp must each be caught on some case.
func TestHarnessDetects(t *testing.T) {
	needOpenSSH(t)
	byName := map[string]dcase{}
	for _, c := range cases {
		byName[c.name] = c
	}
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name, "scp")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := sshdtest.Start(t, sshdtest.Config{})
	umask := script("umask", `umask 077; exec /usr/bin/scp "$@"`)
	badServer := sshdtest.Start(t, sshdtest.Config{RemotePath: filepath.Dir(umask)})
	checkRemoteSCP(t, badServer, umask)

	ref := side{name: "openssh", prog: opensshSCP, pre: L{"-O"}, srv: plain}
	tests := []struct {
		name, cas string
		s         side
		want      string // text one of the differences contains
	}{
		{"does nothing", "up-file", side{prog: script("nothing", "exit 0"), srv: plain}, "tree: remote/dest/a.txt: missing"},
		{"wrong exit status", "up-missing-among-good", side{prog: script("exit", `/usr/bin/scp -O "$@"; exit 0`), srv: plain}, "exit status: got 0, OpenSSH 1"},
		{"extra stderr", "up-file", side{prog: script("chatty", `/usr/bin/scp -O "$@"; s=$?; echo hello >&2; exit $s`), srv: plain}, `"hello\n"`},
		{"wrong content", "down-file", side{prog: script("content", `/usr/bin/scp -O "$@"; s=$?; echo x >> dest/a.txt; exit $s`), srv: plain}, "tree: local/dest/a.txt:"},
		{"drops -p", "up-p-files", side{prog: script("nop", `for a; do shift; [ "$a" = -p ] || set -- "$@" "$a"; done; exec /usr/bin/scp -O "$@"`), srv: plain}, "mtime="},
		{"wrong atime", "down-p-file", side{prog: script("atime", `/usr/bin/scp -O "$@"; s=$?; touch -a dest/y.log; exit $s`), srv: plain}, "atime="},
		{"touches source", "up-file", side{prog: script("touch", `/usr/bin/scp -O "$@"; s=$?; touch a.txt; exit $s`), srv: plain}, "tree: local/a.txt:"},
		{"server umask", "up-file", side{prog: opensshSCP, pre: L{"-O"}, srv: badServer}, "file 0600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.cas]
			if !ok {
				t.Fatalf("no case %q", tt.cas)
			}
			base := t.TempDir()
			token := newToken()
			r := runCase(t, c, ref, base, token)
			if d := checkExpectations(c, r, token); len(d) > 0 {
				t.Fatalf("reference run: %s", strings.Join(d, "\n"))
			}
			tt.s.name = "fake"
			got := runCase(t, c, tt.s, base, token)
			d := strings.Join(compare(c, r, got), "\n")
			if !strings.Contains(d, tt.want) {
				t.Errorf("differences do not mention %q:\n%s", tt.want, d)
			}
		})
	}
}

func TestNormalise(t *testing.T) {
	v := vars{R: "/tmp/x/run-1/remote", L: "/tmp/x/run-1/local", root: "/tmp/x/run-1", N: "goscp-e2e-00", port: 2222}
	in := "/usr/bin/scp: unknown option -- Z\r\n" +
		"scp: /tmp/x/run-1/remote/a: No such file or directory\n" +
		"/tmp/x/run-1/local/b and /tmp/x/run-1/c goscp-e2e-00\n" +
		"ssh: connect to host 127.0.0.1 port 2222: Connection refused\n" +
		"size 12222 [127.0.0.1]:2222\n"
	want := "scp: unknown option -- Z\r\n" +
		"scp: {R}/a: No such file or directory\n" +
		"{L}/b and {ROOT}/c {N}\n" +
		"ssh: connect to host 127.0.0.1 port {PORT}: Connection refused\n" +
		"size 12222 [127.0.0.1]:{PORT}\n"
	if got := v.normalise(in); got != want {
		t.Errorf("normalise:\n got %q\nwant %q", got, want)
	}
}

func TestTimeClass(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(stampBase, 0), "1000000000"},
		{time.Unix(stampBase+5, 250), "1000000005.000000250"},
		{time.Now(), "new"},
	} {
		if got := timeClass(tt.t); got != tt.want {
			t.Errorf("timeClass(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestPreservesTimes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{L{"-p", "a", "b"}, true},
		{L{"-rp", "a", "b"}, true},
		{L{"-r", "-p", "a", "b"}, true},
		{L{"-P", "22", "a", "b"}, false},
		{L{"-ip", "a", "b"}, false}, // -i takes "p" as its argument
		{L{"a", "-p"}, false},
		{L{"--", "-p", "b"}, false},
	} {
		if got := (dcase{args: tt.args}).preservesTimes(); got != tt.want {
			t.Errorf("preservesTimes(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
