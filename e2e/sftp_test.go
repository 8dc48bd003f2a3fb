package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestSFTP runs the case table below with OpenSSH's sftp and with ours,
// side by side, against sftp-server and internal-sftp.
func TestSFTP(t *testing.T) {
	needOpenSSHSFTP(t)
	prog := needOursSFTP(t)
	runSFTPCases(t, sftpCases, prog, sftpServers(t))
	if len(sftpCases) < 45 {
		t.Errorf("only %d cases; the suite promises at least 45", len(sftpCases))
	}
}

// TestSFTPHarnessDetects shows the side-by-side comparison can fail:
// programs that are almost OpenSSH's sftp must each be caught on a case.
func TestSFTPHarnessDetects(t *testing.T) {
	needOpenSSHSFTP(t)
	byName := map[string]sftpCase{}
	for _, c := range sftpCases {
		byName[c.name] = c
	}
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := sshdtest.Start(t, sshdtest.Config{})
	umask := sshdtest.Start(t, sshdtest.Config{Extra: []string{"ForceCommand /usr/lib/openssh/sftp-server -u 077"}})
	const then = `/usr/bin/sftp "$@"; s=$?; `
	tests := []struct {
		name, cas, prog string
		srv             *sshdtest.Server
		want            string // text one of the differences contains
	}{
		{"does nothing", "put-file-into-dir", script("nothing", "exit 0"), plain, "tree: remote/dest/a.txt: missing"},
		{"wrong exit status", "get-missing", script("exit", then+"exit 0"), plain, "exit status: got 0, OpenSSH 1"},
		{"extra stdout", "get-file-into-dir", script("stdout", then+"echo hello; exit $s"), plain, `"hello\n"`},
		{"extra stderr", "get-file-into-dir", script("stderr", then+"echo hello >&2; exit $s"), plain, `"hello\n"`},
		{"no carriage return", "get-missing", script("crlf", `/usr/bin/sftp "$@" 2>"$0.err"; s=$?; tr -d '\r' <"$0.err" >&2; exit $s`), plain, `not found.\n"`},
		{"wrong content", "get-file-into-dir", script("content", then+"echo x >>dest/a.txt; exit $s"), plain, "tree: local/dest/a.txt:"},
		{"drops -p", "get-flag-p", script("nop", `for a; do shift; [ "$a" = -p ] || set -- "$@" "$a"; done; exec /usr/bin/sftp "$@"`), plain, "mtime="},
		{"touches source", "put-file-into-dir", script("touch", then+"touch a.txt; exit $s"), plain, "tree: local/a.txt:"},
		{"server umask", "put-file-into-dir", opensshSFTP, umask, "file 0600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.cas]
			if !ok {
				t.Fatalf("no case %q", tt.cas)
			}
			root := t.TempDir()
			ref := runSFTPCase(t, c, opensshSFTP, plain, root)
			if d := checkSFTPExpectations(c, newSFTPVars(root, plain), ref); len(d) > 0 {
				t.Fatalf("reference run: %s", strings.Join(d, "\n"))
			}
			got := runSFTPCase(t, c, tt.prog, tt.srv, root)
			d := strings.Join(compareSFTP(c, ref, got), "\n")
			if !strings.Contains(d, tt.want) {
				t.Errorf("differences do not mention %q:\n%s", tt.want, d)
			}
			t.Logf("differences:\n%s", d)
		})
	}
}

// connected is what sftp prints on stderr once connected, unless quiet.
const connected = "Connected to sshdtest.\n"

// sftpHalf is the first part of big.bin, for resuming.
var sftpHalf = sftpBig[:len(sftpBig)/2]

// The cases. A run starts in local/ ({L}) with the session in remote/
// ({R}), both holding sftpTree; see sftpCase for the fields. `ls -l` is
// only ever run on entries the setup made: a new entry shows the current
// time, which may differ between the two runs.
var sftpCases = []sftpCase{
	// put
	{name: "put-file-into-dir", batch: "put a.txt dest/\n", want: L{"remote/dest/a.txt=alpha\n", "remote/dest/a.txt@0644"}},
	{name: "put-file-no-dest", batch: "cd dest\nput b.txt\n", want: L{"remote/dest/b.txt=bravo, longer\n"}},
	{name: "put-file-rename", batch: "put x.sh dest/run\n", want: L{"remote/dest/run@0755"}},
	{name: "put-p", opt: sftpTimes, batch: "put -p y.log dest/\nput -P ro.txt dest/\n", want: L{"remote/dest/y.log@0600", "remote/dest/ro.txt@0444"}},
	{name: "put-glob", batch: "put *.log dest\n", want: L{"remote/dest/x.log", "remote/dest/y.log", "!remote/dest/a.txt"}},
	{name: "put-big-small-buffers", args: L{"-B", "1000", "-R", "3", "-b", "{B}", "sshdtest:{R}"}, batch: "put big.bin dest/\n", want: L{"remote/dest/big.bin"}},
	{name: "put-r", batch: "put -r d dest/\n", want: L{"remote/dest/d/sub/three.bin", "!remote/dest/d/sub/ln"}, errs: "ln: not a regular file\r\n"},
	{name: "put-r-verbose", args: L{"-N", "-b", "{B}", "sshdtest:{R}"}, batch: "put -r d dest/new\nput a.txt dest/\n", errs: "ln: not a regular file\r\n", out: "Uploading a.txt to {R}/dest/a.txt\n", want: L{"remote/dest/new/sub/two.txt=two\n"}},
	{name: "put-missing", exit: 1, batch: "put nope dest/\nput a.txt dest/\n", errs: "stat nope: No such file or directory\r\n", want: L{"!remote/dest/a.txt"}},
	{name: "put-dir-without-r", exit: 1, batch: "put d dest/\n", errs: "not a regular file", want: L{"!remote/dest/d"}},
	{name: "put-a-resume", batch: "put -a big.bin dest/big.bin\n", setup: []node{file("remote/dest/big.bin", sftpHalf, 0o644)}, want: L{"remote/dest/big.bin"}},
	{name: "put-Rf", batch: "put -Rf d dest/\n", errs: "ln: not a regular file\r\n", want: L{"remote/dest/d/one.txt=one\n"}},
	{name: "put-into-missing-dir", exit: 1, batch: "put a.txt nodir/a.txt\n", errs: "nodir/a.txt", want: L{"!remote/nodir"}},
	{name: "reput", batch: "reput big.bin dest/big.bin\n", setup: []node{file("remote/dest/big.bin", sftpHalf, 0o644)}, want: L{"remote/dest/big.bin"}},
	{name: "reput-remote-larger", exit: 1, batch: "reput a.txt b.txt\n", errs: "resume \"a.txt\": destination file same size or larger\r\n", want: L{"remote/b.txt=bravo, longer\n"}},

	// get
	{name: "get-file-into-dir", batch: "get a.txt dest/\n", want: L{"local/dest/a.txt=alpha\n"}},
	{name: "get-file-no-dest", batch: "lcd dest\nget b.txt\n", want: L{"local/dest/b.txt=bravo, longer\n", "local/dest/b.txt@0640"}},
	{name: "get-p", opt: sftpTimes, batch: "get -p ro.txt dest/\nget -P x.sh dest/run\n", want: L{"local/dest/ro.txt@0444", "local/dest/run@0755"}},
	{name: "get-flag-p", opt: sftpTimes, args: L{"-p", "-b", "{B}", "sshdtest:{R}"}, batch: "get y.log dest/\n", want: L{"local/dest/y.log@0600"}},
	{name: "get-glob", batch: "get *.log dest/\n", want: L{"local/dest/x.log", "local/dest/y.log", "!local/dest/a.txt"}},
	{name: "get-symlink", batch: "get link-a dest/\n", want: L{"local/dest/link-a=alpha\n"}},
	{name: "get-r", batch: "get -r d dest/\n", errs: "not a regular file", want: L{"local/dest/d/sub/two.txt=two\n", "!local/dest/d/sub/ln"}},
	{name: "get-big-small-buffers", args: L{"-B", "4096", "-R", "2", "-b", "{B}", "sshdtest:{R}"}, batch: "get big.bin dest/\n", want: L{"local/dest/big.bin"}},
	{name: "get-missing", exit: 1, batch: "get nope dest/\nget a.txt dest/\n", errs: "not found", want: L{"!local/dest/a.txt"}},
	{name: "get-a-resume", batch: "get -a big.bin dest/big.bin\n", setup: []node{file("local/dest/big.bin", sftpHalf, 0o644)}, want: L{"local/dest/big.bin"}},
	{name: "flag-a-resume", args: L{"-a", "-b", "{B}", "sshdtest:{R}"}, batch: "get big.bin dest/\n", setup: []node{file("local/dest/big.bin", sftpHalf, 0o644)}, want: L{"local/dest/big.bin"}},
	{name: "get-relative-parent", batch: "cd d/sub\nlcd dest\nget ../../a.txt\nls -1 ..\n", out: "../one.txt", want: L{"local/dest/a.txt=alpha\n"}},
	{name: "reget", batch: "reget big.bin dest/big.bin\n", setup: []node{file("local/dest/big.bin", sftpHalf, 0o644)}, want: L{"local/dest/big.bin"}},
	{name: "reget-local-larger", opt: sftpOnce, exit: 1, batch: "reget a.txt b.txt\n", errs: "Unable to resume download of \"b.txt\": local file is larger than remote\r\n", want: L{"local/b.txt=bravo, longer\n"}},
	{name: "get-into-missing-dir", exit: 1, batch: "get a.txt nodir/a.txt\n", errs: "nodir/a.txt", want: L{"!local/nodir"}},

	// ls
	{name: "ls-plain", batch: "ls\nls d\nls -1 d/sub\n", out: "a.txt"},
	{name: "ls-long", batch: "ls -l\nls -l d\nls -ln d/sub\n", out: "one.txt"},
	{name: "ls-all-sorted", batch: "ls -a\nls -1a d\nls -lS\nls -lSr\nls -1t\nls -1tr\nls -1r\nls -1f glob\n", out: "big.bin"},
	{name: "ls-glob", batch: "ls *.txt\nls -l *.log\nls -1 d/*/t*\nls -l d/sub\n", errs: "remote readdir(\"{R}/d/one.txt/\"): No such file or directory\r\n", out: "x.log"},
	{name: "ls-missing", exit: 1, batch: "ls nope\nls\n", errs: "not found"},
	{name: "ls-h", batch: "ls -lh big.bin\nls -lh d\n", out: "big.bin"},

	// the regress/sftp-glob.sh cases, through -b -
	{name: "glob-quoting", args: L{"-b", "-", "sshdtest:{R}"}, stdin: "ls -1 glob/fil*\nls -1 glob/g-wild\"*\"\nls -1 glob/g-wild\\*\nls -1 glob/g-quote\\\"\nls -1 \"glob/g-quote\\\"\"\nls -1 'glob/g-quote\"'\n", out: "g-quote\""},
	{name: "glob-escapes", args: L{"-b", "-", "sshdtest:{R}"}, stdin: `ls -l glob/g-q\ space
ls -l 'glob/g-q space'
ls -l glob/g-sl\\ash
ls -l 'glob/g-sl\\ash'
ls -l glob/g-slash\\
ls -l 'glob/g-slash\\'
ls -l glob/g-qs\\\"
ls -l 'glob/g-qs\\"'
`, out: `g-qs\"`},
	{name: "quoted-names", batch: "get \"file with spaces.txt\" dest/\nget file\\ with\\ spaces.txt 'dest/x y'\nput 'file with spaces.txt' \"dest/a b\"\n", want: L{"local/dest/file with spaces.txt", "local/dest/x y", "remote/dest/a b"}},
	{name: "unterminated-quote", opt: sftpOnce, exit: 1, batch: "get \"a.txt dest/\npwd\n", errs: "Unterminated quote"},

	// navigation
	{name: "cd-pwd-lcd-lpwd", batch: "pwd\ncd d\npwd\ncd ..\ncd /\npwd\ncd {R}/d/sub\npwd\nlpwd\nlcd d\nlpwd\nlcd ..\nlpwd\ncd\npwd\n", out: "Remote working directory: {R}/d/sub\n"},
	{name: "cd-missing", exit: 1, batch: "cd nope\npwd\n", errs: "stat remote: No such file or directory\r\n"},
	{name: "cd-file", exit: 1, batch: "cd a.txt\n", errs: "not a directory"},
	{name: "lcd-missing", opt: sftpOnce, exit: 1, batch: "lcd nope\n", errs: "nope"},

	// changing the remote tree
	{name: "mkdir-rmdir", batch: "mkdir new\nmkdir d/sub/deeper\nrmdir d/sub/deeper\nrmdir dest\n", want: L{"remote/new/", "!remote/d/sub/deeper", "!remote/dest"}},
	{name: "mkdir-existing", exit: 1, batch: "mkdir d\n", errs: "d"},
	{name: "rmdir-not-empty", exit: 1, batch: "rmdir d\n", errs: "d", want: L{"remote/d/"}},
	{name: "rm-glob", batch: "rm *.log\nrm d/sub/t*\n", want: L{"!remote/x.log", "!remote/y.log", "!remote/d/sub/two.txt", "!remote/d/sub/three.bin", "remote/a.txt"}},
	{name: "rm-dir", exit: 1, batch: "rm d\n", errs: "d", want: L{"remote/d/one.txt"}},
	{name: "rm-missing", exit: 1, batch: "rm nope\n", errs: "nope"},
	{name: "rename", batch: "rename a.txt dest/moved\nrename b.txt x.log\n", want: L{"remote/dest/moved=alpha\n", "!remote/a.txt", "remote/x.log=bravo, longer\n"}},
	{name: "rename-l-existing", exit: 1, batch: "rename -l a.txt b.txt\n", errs: "remote rename \"{R}/a.txt\" to \"{R}/b.txt\": Failure\r\n", want: L{"remote/a.txt", "remote/b.txt=bravo, longer\n"}},
	{name: "rename-l", batch: "rename -l a.txt new.txt\n", want: L{"remote/new.txt=alpha\n"}},
	{name: "links", batch: "ln a.txt hard\nln -s a.txt soft\nsymlink d soft-d\n", want: L{"remote/hard=alpha\n", "remote/soft->a.txt", "remote/soft-d->d"}},
	{name: "cp", exit: 1, batch: "cp a.txt dest/copy\ncopy x.sh dest/\n", errs: "remote open(\"{R}/dest/\"): Failure\r\n", want: L{"remote/dest/copy=alpha\n"}},
	{name: "chmod-chown-chgrp", batch: "chmod 600 a.txt\nchmod 711 d*\nchown {UID} b.txt\nchgrp {GID} *.log\nchmod -h 700 x.sh\n", want: L{"remote/a.txt@0600", "remote/d@0711", "remote/dest@0711", "remote/x.sh@0700"}},
	{name: "chmod-bad-mode", opt: sftpOnce, exit: 1, batch: "chmod 9z a.txt\n", errs: "You must supply a numeric argument to the chmod command.\r\n", want: L{"remote/a.txt@0644"}},
	{name: "chown-not-numeric", opt: sftpOnce, exit: 1, batch: "chown root a.txt\n", errs: "You must supply a numeric argument to the chown command.\r\n"},

	// informational commands
	{name: "df", batch: "df /proc\ndf -h /proc\ndf -i /proc\n", out: "Inodes"},
	{name: "version-help", batch: "version\nhelp\n?\n", out: "SFTP protocol version 3\n"},
	{name: "progress", opt: sftpOnce, batch: "progress\nprogress\n", out: "Progress meter"},

	// local commands
	{name: "lumask-lmkdir", opt: sftpOnce, exit: 1, errs: "You must supply a numeric argument to the lumask command.\r\n", batch: "lumask 077\nlmkdir newdir\nlumask 022\nlmkdir newdir/sub\nlumask\n", want: L{"local/newdir@0700", "local/newdir/sub@0755"}},
	{name: "lmkdir-existing", opt: sftpOnce, exit: 1, batch: "lmkdir d\n", errs: "d"},
	{name: "lls", opt: sftpOnce, batch: "lls\nlls -l d\nlls -1 d/sub\n", out: "one.txt"},
	{name: "shell-lines", opt: sftpOnce, batch: "!echo hi there\n!exit 3\n!\n! echo x >shell.txt\npwd\n", errs: "Shell exited with status 3", out: "hi there\n", want: L{"local/shell.txt=x\n"}},

	// the batch language
	{name: "comments-blanks", opt: sftpOnce, batch: "# a comment\n\n   \n\t# another\npwd\n", out: "Remote working directory: {R}\n"},
	{name: "prefixes", batch: "-rm nope\n@pwd\n-@rm nope2\n@-rm nope3\n-ls nope\npwd\n", errs: "nope3"},
	{name: "unknown-command", opt: sftpOnce, exit: 1, batch: "pwd\nfoo\npwd\n", errs: "Invalid command.\r\n"},
	{name: "error-aborts-batch", exit: 1, batch: "get nope\nget a.txt dest/\n", want: L{"!local/dest/a.txt"}, errs: "nope"},
	{name: "piped-never-aborts", stdin: "get nope\nfoo\nls -Z\nget a.txt dest/\n", errs: "Invalid command.", want: L{"local/dest/a.txt=alpha\n"}},
	{name: "batch-stdin", opt: sftpOnce, args: L{"-b", "-", "sshdtest:{R}"}, stdin: "pwd\nfoo\npwd\n", exit: 1, errs: "Invalid command.\r\n"},
	{name: "bye-ends", opt: sftpOnce, batch: "pwd\nbye\nget a.txt dest/\n", want: L{"!local/dest/a.txt"}},
	{name: "quit-exit", opt: sftpOnce, stdin: "quit\npwd\n", errs: connected},
	{name: "bad-flags", stdin: "ls -Z\nget -Z a.txt\nput -Z a.txt\nreget -a a.txt\nrm -x a.txt\nrename -x a.txt b\nln -x a b\ndf -x\nchmod -x 644 a.txt\nmkdir -p x\nlls -Z\n", errs: "mkdir: Invalid flag -p\r\n", want: L{"remote/a.txt"}},
	{name: "bad-flag-aborts", opt: sftpOnce, exit: 1, batch: "ls -Z\npwd\n", errs: "ls: Invalid flag -Z\r\n"},
	{name: "missing-arguments", opt: sftpOnce, stdin: "get\nput\nrm\nrename a.txt\nln a.txt\nsymlink a.txt\nchmod 644\nchown\nchgrp 0\nmkdir\nrmdir\nlmkdir\nlumask\ncd d sub\ncp a.txt\nrename a b c\n", errs: "You must specify"},

	// the command line
	{name: "fetch-file", opt: sftpCloseRace, args: L{"sshdtest:{R}/d/one.txt"}, errs: connected, out: "Fetching {R}/d/one.txt to one.txt\n", want: L{"local/one.txt=one\n"}},
	{name: "fetch-file-to-dir", args: L{"-q", "sshdtest:{R}/b.txt", "dest"}, want: L{"local/dest/b.txt=bravo, longer\n"}},
	{name: "fetch-glob", opt: sftpCloseRace, args: L{"sshdtest:{R}/*.log", "dest/"}, errs: connected, want: L{"local/dest/x.log", "local/dest/y.log"}},
	{name: "fetch-missing", opt: sftpCloseRace, exit: 1, args: L{"sshdtest:{R}/nope"}, errs: "not found"},
	{name: "fetch-r", opt: sftpCloseRace, args: L{"-r", "sshdtest:{R}/d", "dest/"}, errs: "not a regular file", want: L{"local/dest/d/one.txt"}},
	{name: "changing-to-dir", args: L{"sshdtest:{R}/d"}, stdin: "pwd\nls\n", errs: connected, out: "Changing to: {R}/d\n"},
	{name: "start-in-home", args: L{"-q", "sshdtest"}, stdin: "cd {R}\nls d\n", out: "one.txt"},
	{name: "uri-fetch", args: L{"-q", "sftp://sshdtest/{R}/a.txt", "dest/"}, want: L{"local/dest/a.txt=alpha\n"}},
	{name: "uri-user-port-dir", args: L{"-b", "{B}", "sftp://{USER}@sshdtest:{PORT}/{R}/dest/"}, batch: "pwd\nput a.txt\n", out: "Remote working directory: {R}/dest\n", want: L{"remote/dest/a.txt"}},
	{name: "uri-bad-port", opt: sftpOnce, exit: 1, args: L{"sftp://sshdtest:abc/"}, errs: "usage: sftp"},
	{name: "quiet-piped", args: L{"-q", "sshdtest:{R}"}, stdin: "put a.txt dest/\n", want: L{"remote/dest/a.txt"}},
	{name: "N-batch", args: L{"-N", "-b", "{B}", "sshdtest:{R}"}, batch: "get a.txt dest/\n", errs: connected, out: "Fetching {R}/a.txt to dest/a.txt\n"},
	{name: "opt-B-0", opt: sftpOnce, exit: 255, args: L{"-B", "0", "sshdtest:{R}"}, errs: "Invalid buffer size \"0\"\r\n"},
	{name: "opt-R-0", opt: sftpOnce, exit: 255, args: L{"-R", "0", "sshdtest:{R}"}, errs: "Invalid number of requests"},
	{name: "opt-P-abc", opt: sftpOnce, exit: 255, args: L{"-P", "abc", "sshdtest:{R}"}, errs: "abc"},
	{name: "opt-l-abc", opt: sftpOnce, exit: 1, args: L{"-l", "abc", "sshdtest:{R}"}, errs: "usage: sftp"},
	{name: "opt-b-missing-file", opt: sftpOnce, exit: 255, args: L{"-b", "{ROOT}/nope", "sshdtest:{R}"}, errs: "No such file or directory ({ROOT}/nope).\r\n"},
	{name: "opt-b-directory", opt: sftpOnce, args: L{"-b", "{ROOT}/local", "sshdtest:{R}"}},
	{name: "opt-b-twice", opt: sftpOnce, exit: 255, args: L{"-b", "-", "-b", "-", "sshdtest:{R}"}, errs: "Batch file already specified.\r\n"},
	{name: "opt-X", args: L{"-X", "buffer=2000", "-X", "nrequests=2", "-b", "{B}", "sshdtest:{R}"}, batch: "get big.bin dest/\nput big.bin dest/copy\n", want: L{"local/dest/big.bin", "remote/dest/copy"}},
	{name: "opt-X-bad", opt: sftpOnce, exit: 255, args: L{"-X", "buffer=0", "sshdtest:{R}"}, errs: "Invalid buffer size \"0\": Invalid argument\r\n"},
	{name: "opt-X-unknown", opt: sftpOnce, exit: 255, args: L{"-X", "foo", "sshdtest:{R}"}, errs: "Invalid -X option\r\n"},
	{name: "opt-s-unknown-subsystem", exit: 255, args: L{"-s", "nosuch", "-b", "{B}", "sshdtest:{R}"}, batch: "pwd\n", errs: "Connection closed"},
	{name: "opt-D-local-server", opt: sftpOnce, args: L{"-D", "/usr/lib/openssh/sftp-server", "-b", "{B}"}, batch: "pwd\ncd {R}\nget a.txt dest/\n", out: "Remote working directory: {L}\n", want: L{"local/dest/a.txt=alpha\n"}},
	{name: "opt-1", opt: sftpOnce, exit: 255, args: L{"-1", "sshdtest:{R}"}, errs: "SSH protocol v.1 is no longer supported\r\n"},
	{name: "opt-unknown", opt: sftpOnce, exit: 1, args: L{"-Z", "sshdtest:{R}"}, errs: "usage: sftp"},
	{name: "opt-h", opt: sftpOnce, exit: 1, args: L{"-h"}, errs: "usage: sftp"},
	{name: "no-destination", opt: sftpOnce, exit: 1, args: L{"-q"}, errs: "usage: sftp"},
	{name: "too-many-operands", opt: sftpOnce, exit: 1, args: L{"sshdtest:{R}/a.txt", "x", "y"}, errs: "usage: sftp"},
	{name: "connection-refused", opt: sftpOnce, exit: 255, args: L{"-P", "1", "-b", "{B}", "sshdtest"}, batch: "pwd\n", errs: "Connection refused"},
}

func TestNormaliseSFTP(t *testing.T) {
	for _, tt := range []struct{ in, prog, want string }{
		{"/x/sftp: illegal option -- Z\nusage: sftp [-46AaCfNpqrv]\n", "/x/sftp", "sftp: illegal option -- Z\nusage: sftp [-46AaCfNpqrv]\n"},
		{"get /x/sftp: not found\n", "/x/sftp", "get /x/sftp: not found\n"},
		{"/usr/bin/sftp: x\n", opensshSFTP, "/usr/bin/sftp: x\n"},
	} {
		if got := normaliseSFTP(tt.in, tt.prog); got != tt.want {
			t.Errorf("normaliseSFTP(%q, %q) = %q, want %q", tt.in, tt.prog, got, tt.want)
		}
	}
}
