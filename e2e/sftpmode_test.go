package e2e

import (
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestDifferentialSFTPMode runs the SFTP-mode table with OpenSSH's scp -s
// and with ours -s on the same sshd (OpenSSH's sftp-server as its sftp
// subsystem) and compares exit status, stdout, stderr and the trees, as
// TestDifferential does for the legacy protocol. (Against an sshd without
// the subsystem OpenSSH fails where ours falls back: TestFallback.)
func TestDifferentialSFTPMode(t *testing.T) {
	needOpenSSH(t)
	prog := needOurs(t)
	plain := sshdtest.Start(t, sshdtest.Config{})
	checkSubsystem(t, plain)
	table := sftpModeTable(t)

	var mu sync.Mutex
	var agree int
	var bad []string
	run := func(t *testing.T, c dcase, srv *sshdtest.Server) {
		t.Parallel()
		ref := side{name: "openssh", prog: opensshSCP, pre: L{"-s"}, srv: srv}
		our := side{name: "ours", prog: prog, pre: L{"-s"}, srv: srv}
		base := t.TempDir()
		token := newToken()
		r, got := runPair(t, c, ref, our, base, token)
		t.Logf("OpenSSH: exit %d, stderr %q", r.exit, r.stderr)
		if d := checkExpectations(c, r, token); len(d) > 0 {
			t.Errorf("OpenSSH reference run does not do what the case expects:\n  argv %q\n  stderr %q\n%s", r.argv, r.stderr, strings.Join(d, "\n"))
		}
		d := compare(c, r, got)
		mu.Lock()
		if len(d) == 0 {
			agree++
		} else {
			bad = append(bad, c.name)
		}
		mu.Unlock()
		if len(d) > 0 {
			t.Errorf("ours disagrees with OpenSSH:\n  argv %q\n%s", got.argv, strings.Join(d, "\n"))
		}
	}
	t.Run("case", func(t *testing.T) {
		for _, c := range table {
			t.Run(c.name, func(t *testing.T) { run(t, c, plain) })
		}
	})
	t.Logf("differential (SFTP mode): %d cases, %d agree", agree+len(bad), agree)
	if len(bad) > 0 {
		sort.Strings(bad)
		t.Logf("disagreeing: %s", strings.Join(bad, " "))
	}
}

// sftpModeReused are the legacy cases that run in SFTP mode too. Left out:
// local-only and usage cases (no SFTP involved), the remote shell's own
// behaviour (-T, name checks of a remote scp) where a reused case does not
// already show that names are literal, some whose SFTP-mode path another
// case takes (to keep the run short), up-fifo (OpenSSH's scp -s opens a
// local FIFO and waits on it for ever) and down-rp-new-target: OpenSSH 9.2
// gives a directory downloaded with -r -p the times of the last symlink
// target it followed inside (a reused buffer), ours its own (a documented
// difference, README); s-down-rp-void is -r -p without a symlink.
var sftpModeReused = []reused{
	{"up-file", nil},
	{"down-file", nil},
	{"down-rename", nil},
	{"up-empty", nil},
	{"up-5MiB", nil},
	{"down-5MiB", nil},
	{"up-missing-among-good", &differs{255, "scp: stat local \"nope.txt\": No such file or directory\r\n", L{"remote/dest/a.txt", "!remote/dest/b.txt"}}},
	{"down-missing-among-good", &differs{1, "scp: {R}/nope.txt: No such file or directory\r\n", nil}},
	{"up-many-target-missing", &differs{0, "", L{"remote/nodir/a.txt=alpha\n", "remote/nodir/b.txt=bravo\n"}}},
	{"down-many-target-missing", nil},
	{"up-many-target-is-file", &differs{255, "scp: remote mkdir \"{R}/existing.txt\": Failure\r\n", nil}},
	{"down-many-target-is-file", nil},
	{"up-dir-without-r", &differs{1, "scp: local \"d\" is not a regular file\r\nscp: failed to upload file d to {R}/dest/\r\n", nil}},
	{"down-dir-without-r", &differs{1, "scp: download {R}/d/: not a regular file\r\n", nil}},
	{"up-r-new-target", nil},
	{"up-r-existing-target", nil},
	{"down-r-new-target", nil},
	{"down-r-existing-target", nil},
	{"down-r-trailing-slash", nil},
	{"up-rp", nil},
	{"up-r-dir-onto-file", &differs{1, "scp: \"{R}/existing.txt\" exists but is not a directory\r\nscp: failed to upload directory d to {R}/existing.txt\r\n", nil}},
	{"down-r-dir-onto-file", &differs{1, "scp: open local \"existing.txt/one.txt\": Not a directory\r\nscp: Download of file {R}/d/one.txt to existing.txt/one.txt failed\r\nscp: mkdir existing.txt/sub: Not a directory\r\n", nil}},
	{"up-p-files", nil},
	{"down-p-file", nil},
	{"up-overwrite-keeps-mode", nil},
	{"down-overwrite-keeps-mode", nil},
	{"up-spaces", nil},
	{"down-spaces-escaped", nil},
	{"up-quotes", nil},
	{"up-leading-dash", nil},
	{"up-remote-dash-target", nil},
	{"down-remote-dash-source", nil},
	{"up-dollar-paren-name", nil},
	{"down-remote-expansion-name-check", &differs{1, "scp: {R}/$(echo a).txt: No such file or directory\r\n", nil}},
	{"down-unicode", nil},
	{"up-symlink-to-file", nil},
	{"down-symlink-to-file", nil},
	{"up-r-symlink-to-dir", nil},
	{"down-r-symlink-to-dir", nil},
	{"down-remote-glob", nil},
	{"down-remote-glob-no-match", &differs{1, "scp: {R}/*.nomatch: No such file or directory\r\n", nil}},
	{"up-remote-target-with-space", &differs{0, "", L{"remote/dest/new name=alpha\n"}}},
	{"up-d-target-is-file", &differs{255, "scp: remote mkdir \"{R}/existing.txt\": Failure\r\n", nil}},
	{"down-d-target-is-file", nil},
	{"up-home-empty-path", nil},
	{"down-home-empty-path", &differs{1, "scp: download ./: not a regular file\r\n", nil}},
	{"up-uri", nil},
	{"up-order-remote-then-local", nil},
	{"up-setuid-without-p", nil},
	{"up-setuid-with-p", &differs{0, "", L{"remote/dest/suid.sh@0755"}}},
	{"down-setuid-with-p", &differs{0, "", L{"local/dest/suid.sh@0755"}}},
	{"down-fifo", &differs{1, "scp: download {R}/fifo: not a regular file\r\n", nil}},
	{"up-newline-name", &differs{0, "", L{"remote/dest/nl\nname=newline\n"}}},
	{"up-r-dot", &differs{0, "", L{"remote/dest/one.txt=one\n", "remote/dest/sub/two.txt=two\n"}}},
	{"down-r-dot", &differs{0, "", L{"local/dest/one.txt=one\n", "local/dest/sub/two.txt=two\n"}}},
	{"up-missing-parent", &differs{1, "scp: dest open \"{R}/nodir/x\": No such file or directory\r\nscp: failed to upload file a.txt to {R}/nodir/x\r\n", nil}},
	{"down-missing-parent", &differs{1, "scp: open local \"nodir/x\": No such file or directory\r\n", nil}},
	{"up-r-dir-and-file", nil},
	{"down-r-remote-glob", nil},
	{"up-limit", nil},
	{"up-tilde", nil},
}

// sftpModeCases are SFTP mode's own: the client expands remote globs and
// "~" over SFTP, and no remote shell sees a name.
var sftpModeCases = []dcase{
	// remote globs, expanded by the client
	{"s-down-glob-class", 0, 0, "", L{"sshdtest:{R}/[xy].log", "dest/"}, L{"local/dest/x.log", "local/dest/y.log", "!local/dest/a.txt"}, nil},
	{"s-down-glob-onto-file", 0, 1, "scp: Multiple files match pattern, but destination \"existing.txt\" is not a directory\r\n", L{"sshdtest:{R}/*.log", "existing.txt"}, L{"local/existing.txt=old content, longer than alpha\n"}, nil},
	{"s-down-glob-onto-missing", 0, 0, "", L{"sshdtest:{R}/*.log", "nodir"}, L{"local/nodir/x.log=x log\n", "local/nodir/y.log=y log\n"}, nil},
	{"s-down-glob-one-match-rename", 0, 0, "", L{"sshdtest:{R}/x.l*", "renamed"}, L{"local/renamed=x log\n"}, nil},
	{"s-down-r-glob-onto-file", 0, 1, "Multiple files match pattern", L{"-r", "sshdtest:{R}/d/*", "existing.txt"}, L{"local/existing.txt=old content, longer than alpha\n"}, nil},
	{"s-down-glob-and-file", 0, 0, "", L{"sshdtest:{R}/*.log", "sshdtest:{R}/a.txt", "dest"}, L{"local/dest/x.log", "local/dest/y.log", "local/dest/a.txt"}, nil},
	{"s-down-glob-escaped-star", 0, 1, `scp: {R}/\\*.log: No such file or directory`, L{`sshdtest:{R}/\*.log`, "dest/"}, L{"!local/dest/x.log"}, nil},
	{"s-down-glob-brace-literal", 0, 1, "No such file or directory", L{"sshdtest:{R}/{x,y}.log", "dest/"}, L{"!local/dest/x.log"}, nil},
	{"s-up-target-glob", 0, 0, "", L{"a.txt", "sshdtest:{R}/de*"}, L{"remote/de*=alpha\n"}, nil},

	// names are literal: no remote shell
	{"s-down-missing-file", 0, 1, "scp: {R}/nope.txt: No such file or directory\r\n", L{"sshdtest:{R}/nope.txt", "dest/"}, L{"!local/dest/nope.txt"}, nil},
	{"s-down-spaces-unescaped", 0, 0, "", L{"sshdtest:{R}/file with spaces.txt", "dest/"}, L{"local/dest/file with spaces.txt=spaces\n"}, nil},
	{"s-down-quotes", 0, 0, "", L{`sshdtest:{R}/it's "quoted".txt`, "dest/"}, L{`local/dest/it's "quoted".txt=quotes` + "\n"}, nil},
	{"s-down-dollar-paren", 0, 0, "", L{"sshdtest:{R}/$(touch {N}).txt", "dest/"}, L{"local/dest/$(touch {N}).txt=dollar\n", "!~/{N}"}, L{"{N}"}},
	{"s-up-target-dollar-paren", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/$(touch {N})"}, L{"remote/dest/$(touch {N})=alpha\n", "!~/{N}"}, L{"{N}"}},
	{"s-up-target-semicolon", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/x;touch {N}"}, L{"remote/dest/x;touch {N}=alpha\n", "!~/{N}"}, L{"{N}"}},
	{"s-down-newline-name", 0, 0, "", L{"sshdtest:{R}/nl\nname", "dest/"}, L{"local/dest/nl\nname=newline\n"}, nil},

	// ~ is the start directory (home); ~user needs expand-path
	{"s-down-tilde-x", 0, 0, "", L{"sshdtest:~/{N}.txt", "dest/"}, L{"local/dest/{N}.txt=home\n"}, L{"{N}.txt=home\n"}},
	{"s-down-tilde-user", 0, 0, "", L{"sshdtest:~{USER}/{N}.txt", "dest/"}, L{"local/dest/{N}.txt=home\n"}, L{"{N}.txt=home\n"}},
	{"s-down-tilde-glob", 0, 0, "", L{"sshdtest:~/{N}.*", "dest/"}, L{"local/dest/{N}.txt=home\n"}, L{"{N}.txt=home\n"}},
	{"s-down-tilde-dir", 0, 1, "not a regular file", L{"sshdtest:~", "dest/"}, nil, nil},
	{"s-up-tilde-bare", 0, 0, "", L{"{N}.txt", "sshdtest:~"}, L{"~/{N}.txt=token\n"}, L{"{N}.txt"}},
	{"s-up-tilde-user", 0, 0, "", L{"a.txt", "sshdtest:~{USER}/{N}"}, L{"~/{N}=alpha\n"}, L{"{N}"}},
	{"s-up-tilde-unknown-user", 0, 255, "scp: expand ~nosuchuser{N}/x: no such user\r\n", L{"a.txt", "sshdtest:~nosuchuser{N}/x"}, nil, nil},
	{"s-down-tilde-unknown-user", 0, 1, "scp: expand ~nosuchuser{N}/x: no such user\r\n", L{"sshdtest:~nosuchuser{N}/x", "dest/"}, nil, nil},
	{"s-down-relative", 0, 0, "", L{"sshdtest:{N}.txt", "dest/"}, L{"local/dest/{N}.txt=home\n"}, L{"{N}.txt=home\n"}},

	// trees, modes, targets
	{"s-up-r-dir-and-missing", 0, 255, "scp: stat local \"nope\": No such file or directory\r\n", L{"-r", "d", "nope", "sshdtest:{R}/dest"}, nil, nil},
	{"s-down-r-onto-missing-parent", 0, 1, "scp: mkdir nodir/x: No such file or directory\r\n", L{"-r", "sshdtest:{R}/d", "nodir/x"}, L{"!local/nodir"}, nil},
	{"s-up-r-onto-missing-parent", 0, 1, "scp: realpath {R}/nodir/x: No such file\r\nscp: upload \"{R}/nodir/x\": path canonicalization failed\r\nscp: failed to upload directory d to {R}/nodir/x\r\n", L{"-r", "d", "sshdtest:{R}/nodir/x"}, L{"!remote/nodir"}, nil},
	{"s-up-rp-void", 0, 0, "", L{"-rp", "d/void", "sshdtest:{R}/dest"}, L{"remote/dest/void/"}, nil},
	{"s-down-p-many", 0, 0, "", L{"-p", "sshdtest:{R}/ro.txt", "sshdtest:{R}/x.sh", "dest"}, L{"local/dest/ro.txt@0444", "local/dest/x.sh@0755"}, nil},
	{"s-down-file-trailing-slash", 0, 1, "scp: {R}/a.txt/: No such file or directory\r\n", L{"sshdtest:{R}/a.txt/", "dest/"}, nil, nil},
	{"s-up-target-dot", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/."}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-down-dotdot", 0, 0, "", L{"sshdtest:{R}/d/sub/../one.txt", "dest/"}, L{"local/dest/one.txt=one\n"}, nil},
	{"s-down-glob-dirs-without-r", 0, 1, "scp: download {R}/d/sub/: not a regular file\r\nscp: download {R}/d/void/: not a regular file\r\n", L{"sshdtest:{R}/d/*", "dest/"}, L{"local/dest/one.txt=one\n", "!local/dest/sub"}, nil},
	{"s-up-onto-dir-no-slash", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-remote-to-remote-3", 0, 0, "", L{"-3", "sshdtest:{R}/a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-remote-to-remote-3-r", 0, 0, "", L{"-3", "-r", "sshdtest:{R}/d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/two.txt=two\n", "remote/dest/d/void/"}, nil},
	{"s-remote-to-remote-3-glob", 0, 0, "", L{"-3", "sshdtest:{R}/*.log", "sshdtest:{R}/dest"}, L{"remote/dest/x.log=x log\n", "remote/dest/y.log=y log\n"}, nil},
	{"s-remote-to-remote-3-missing", 0, 1, "scp: {R}/nope.txt: No such file or directory\r\n", L{"-3", "sshdtest:{R}/nope.txt", "sshdtest:{R}/a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-remote-to-remote-3-target-is-file", 0, 1, "scp: {R}/existing.txt: destination is not a directory\r\nscp: {R}/existing.txt: destination is not a directory\r\n", L{"-3", "sshdtest:{R}/a.txt", "sshdtest:{R}/b.txt", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt=old content, longer than alpha\n"}, nil},
	{"s-down-rp-void", 0, 0, "", L{"-rp", "sshdtest:{R}/d/void", "new"}, L{"local/new/"}, nil},
	{"s-remote-to-remote", 0, 0, "", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},

	// many small files in flight (scp -s -r), failures among them; blocked/
	// holds a directory where m/f010 goes and a file where m/sub goes
	{"s-down-r-many", many, 1, "not a regular file", L{"-r", "sshdtest:{R}/m", "dest/"}, L{"local/dest/m/f119=file 119\n", "local/dest/m/sub/deep/d09=deep 9\n", "local/dest/m/ro@0555"}, nil},
	{"s-down-rp-many", many, 1, "not a regular file", L{"-rp", "sshdtest:{R}/m", "dest/"}, L{"local/dest/m/f000=file 0\n", "local/dest/m/sub@0750", "local/dest/m/ro/r04=ro 4\n"}, nil},
	{"s-down-r-many-blocked", many, 1, "Not a directory", L{"-r", "sshdtest:{R}/m", "blocked/"}, L{"local/blocked/m/f010/", "local/blocked/m/sub=in the way\n", "local/blocked/m/f011=file 11\n"}, nil},
	{"s-down-rp-many-blocked", many, 1, "Is a directory", L{"-rp", "sshdtest:{R}/m", "blocked/"}, L{"local/blocked/m/f010/", "local/blocked/m/ro@0555"}, nil},
	{"s-down-rp-many-two", many, 0, "", L{"-rp", "sshdtest:{R}/m/sub", "sshdtest:{R}/m/ro", "dest/"}, L{"local/dest/sub/deep/d03=deep 3\n", "local/dest/ro@0555"}, nil},
	{"s-down-glob-many", many, 1, "not a regular file", L{"sshdtest:{R}/m/*", "dest/"}, L{"local/dest/f119=file 119\n", "!local/dest/sub"}, nil},
	{"s-down-r-glob-many-blocked", many, 1, "Is a directory", L{"-r", "sshdtest:{R}/m/*", "blocked/m/"}, L{"local/blocked/m/f010/", "local/blocked/m/sub=in the way\n", "local/blocked/m/f011=file 11\n"}, nil},
	{"s-up-many-sources", many, 1, "failed to upload file m/sub", L{"m/f000", "m/f001", "m/f002", "m/sub", "m/f003", "m/ro/r04", "sshdtest:{R}/dest/"}, L{"remote/dest/f003=file 3\n", "remote/dest/r04=ro 4\n", "!remote/dest/sub"}, nil},
	{"s-up-r-many-sources-blocked", many, 1, "exists but is not a directory", L{"-r", "m/f010", "m/sub", "m/f011", "m/ro", "sshdtest:{R}/blocked/m/"}, L{"remote/blocked/m/f010/", "remote/blocked/m/sub=in the way\n", "remote/blocked/m/f011=file 11\n", "remote/blocked/m/ro/r04=ro 4\n"}, nil},
	{"s-up-many-sources-missing", many, 255, "scp: stat local \"nope\": No such file or directory\r\n", L{"m/f000", "m/f001", "nope", "m/f002", "sshdtest:{R}/dest/"}, L{"remote/dest/f001=file 1\n", "!remote/dest/f002"}, nil},
	{"s-remote-to-remote-3-r-many", many, 1, "not a regular file", L{"-3", "-r", "sshdtest:{R}/m", "sshdtest:{R}/dest/"}, L{"remote/dest/m/f119=file 119\n", "remote/dest/m/sub/deep/d09=deep 9\n", "remote/dest/m/ro@0555"}, nil},
	{"s-remote-to-remote-3-glob-many", many, 1, "not a regular file", L{"-3", "sshdtest:{R}/m/*", "sshdtest:{R}/dest/"}, L{"remote/dest/f119=file 119\n", "!remote/dest/sub"}, nil},
	{"s-up-r-many", many, 1, "not a regular file", L{"-r", "m", "sshdtest:{R}/dest/"}, L{"remote/dest/m/f119=file 119\n", "remote/dest/m/sub/deep/d09=deep 9\n", "remote/dest/m/ro@0555"}, nil},
	{"s-up-rp-many", many, 1, "not a regular file", L{"-rp", "m", "sshdtest:{R}/dest/"}, L{"remote/dest/m/f000=file 0\n", "remote/dest/m/sub@0750", "remote/dest/m/ro/r04=ro 4\n"}, nil},
	{"s-up-r-many-blocked", many, 1, "exists but is not a directory", L{"-r", "m", "sshdtest:{R}/blocked/"}, L{"remote/blocked/m/f010/", "remote/blocked/m/sub=in the way\n", "remote/blocked/m/f011=file 11\n"}, nil},
	{"s-up-rp-many-blocked", many, 1, "Failure", L{"-rp", "m", "sshdtest:{R}/blocked/"}, L{"remote/blocked/m/f010/", "remote/blocked/m/ro@0555"}, nil},
	{"s-up-rp-many-two", many, 0, "", L{"-rp", "m/sub", "m/ro", "sshdtest:{R}/dest/"}, L{"remote/dest/sub/deep/d03=deep 3\n", "remote/dest/ro@0555"}, nil},

	// options
	{"s-down-limit", 0, 0, "", L{"-l", "8192", "sshdtest:{R}/d/sub/three.bin", "dest/"}, L{"local/dest/three.bin"}, nil},
	{"s-down-quiet-compress", 0, 0, "", L{"-q", "-C", "sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt=alpha\n"}, nil},
	{"s-up-D", 0, 0, "", L{"-D", "/usr/lib/openssh/sftp-server", "a.txt", "nohost:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-down-D-glob", 0, 0, "", L{"-D", "/usr/lib/openssh/sftp-server", "nohost:{R}/*.log", "dest/"}, L{"local/dest/x.log", "local/dest/y.log"}, nil},
	{"s-up-S-ssh", 0, 0, "", L{"-S", "/usr/bin/ssh", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	{"s-down-uri-port", 0, 0, "", L{"scp://{USER}@127.0.0.1:{PORT}/{R}/b.txt", "dest/"}, L{"local/dest/b.txt=bravo\n"}, nil},

	// connections
	{"s-up-connect-refused", 0, 255, "ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n", L{"-P", "1", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},
	{"s-down-connect-refused-quiet", 0, 255, "scp: Connection closed\r\n", L{"-q", "-P", "1", "sshdtest:{R}/a.txt", "dest/"}, nil, nil},
}
