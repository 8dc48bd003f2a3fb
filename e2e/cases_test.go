package e2e

// The differential cases: one line each. Fields: name, options, OpenSSH's
// exit status, text its stderr contains ("" = empty stderr), arguments
// after `scp -F CONFIG`, checks of the OpenSSH run's tree, and home
// entries. The run starts from stdTree in both local/ (the cwd) and
// remote/ ({R}, reached through sshd as "sshdtest:{R}"); see dcase and vars.
var cases = []dcase{
	// single files, both directions
	{"up-file", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n", "remote/dest/a.txt@0644"}, nil},
	{"down-file", 0, 0, "", L{"sshdtest:{R}/a.txt", "dest/"}, L{"local/dest/a.txt=alpha\n"}, nil},
	{"up-rename", 0, 0, "", L{"a.txt", "sshdtest:{R}/dest/renamed"}, L{"remote/dest/renamed=alpha\n", "!remote/dest/a.txt"}, nil},
	{"down-rename", 0, 0, "", L{"sshdtest:{R}/b.txt", "dest/renamed"}, L{"local/dest/renamed=bravo\n", "local/dest/renamed@0640"}, nil},
	{"up-empty", 0, 0, "", L{"empty", "sshdtest:{R}/dest"}, L{"remote/dest/empty="}, nil},
	{"down-empty", 0, 0, "", L{"sshdtest:{R}/empty", "."}, L{"local/empty="}, nil},
	{"up-5MiB", big, 0, "", L{"big.bin", "sshdtest:{R}/dest/"}, L{"remote/dest/big.bin"}, nil},
	{"down-5MiB", big, 0, "", L{"sshdtest:{R}/big.bin", "dest/"}, L{"local/dest/big.bin"}, nil},
	{"up-readonly-file", 0, 0, "", L{"ro.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/ro.txt@0444"}, nil},

	// several sources
	{"up-many", 0, 0, "", L{"a.txt", "b.txt", "empty", "x.sh", "sshdtest:{R}/dest"}, L{"remote/dest/a.txt", "remote/dest/b.txt", "remote/dest/empty", "remote/dest/x.sh@0755"}, nil},
	{"down-many", 0, 0, "", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/b.txt", "sshdtest:{R}/x.sh", "dest"}, L{"local/dest/a.txt", "local/dest/b.txt", "local/dest/x.sh@0755"}, nil},
	{"up-missing-among-good", 0, 1, "nope.txt: No such file or directory\n", L{"a.txt", "nope.txt", "b.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt", "remote/dest/b.txt"}, nil},
	{"down-missing-among-good", 0, 1, "scp: {R}/nope.txt: No such file or directory\n", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/nope.txt", "sshdtest:{R}/b.txt", "dest/"}, L{"local/dest/a.txt", "local/dest/b.txt"}, nil},
	{"up-many-target-missing", 0, 1, "scp: {R}/nodir: No such file or directory\n", L{"a.txt", "b.txt", "sshdtest:{R}/nodir"}, L{"!remote/nodir"}, nil},
	{"down-many-target-missing", 0, 1, "nodir: No such file or directory\n", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/b.txt", "nodir"}, L{"!local/nodir"}, nil},
	{"up-many-target-is-file", 0, 1, "scp: {R}/existing.txt: Not a directory\n", L{"a.txt", "b.txt", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt=old content, longer than alpha\n"}, nil},
	{"down-many-target-is-file", 0, 1, "existing.txt: Not a directory\n", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/b.txt", "existing.txt"}, L{"local/existing.txt=old content, longer than alpha\n"}, nil},

	// directories
	{"up-dir-without-r", 0, 1, "d: not a regular file\n", L{"d", "sshdtest:{R}/dest/"}, L{"!remote/dest/d"}, nil},
	{"down-dir-without-r", 0, 1, "scp: {R}/d: not a regular file\n", L{"sshdtest:{R}/d", "dest/"}, L{"!local/dest/d"}, nil},
	{"up-r-new-target", 0, 0, "", L{"-r", "d", "sshdtest:{R}/new"}, L{"remote/new/one.txt=one\n", "remote/new/sub/two.txt=two\n", "remote/new/sub/ln=one\n"}, nil},
	{"up-r-existing-target", 0, 0, "", L{"-r", "d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/three.bin", "!remote/dest/one.txt"}, nil},
	{"down-r-new-target", 0, 0, "", L{"-r", "sshdtest:{R}/d", "new"}, L{"local/new/one.txt=one\n", "local/new/sub/ln=one\n"}, nil},
	{"down-r-existing-target", 0, 0, "", L{"-r", "sshdtest:{R}/d", "dest"}, L{"local/dest/d/sub/two.txt=two\n"}, nil},
	{"down-r-trailing-slash", 0, 0, "", L{"-r", "sshdtest:{R}/d/", "dest/"}, L{"local/dest/d/one.txt"}, nil},
	{"up-rp", 0, 0, "", L{"-rp", "d", "sshdtest:{R}/dest"}, L{"remote/dest/d@0750", "remote/dest/d/sub@0700", "remote/dest/d/sub/two.txt@0600"}, nil},
	{"down-rp-new-target", 0, 0, "", L{"-r", "-p", "sshdtest:{R}/d", "new"}, L{"local/new@0750", "local/new/sub@0700"}, nil},
	{"up-r-dir-onto-file", 0, 1, "scp: {R}/existing.txt: Not a directory\n", L{"-r", "d", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt=old content, longer than alpha\n"}, nil},
	{"down-r-dir-onto-file", 0, 1, "existing.txt: Not a directory\n", L{"-r", "sshdtest:{R}/d", "existing.txt"}, L{"local/existing.txt=old content, longer than alpha\n"}, nil},

	// -p, overwriting
	{"up-p-files", 0, 0, "", L{"-p", "ro.txt", "x.sh", "sshdtest:{R}/dest/"}, L{"remote/dest/ro.txt@0444", "remote/dest/x.sh@0755"}, nil},
	{"down-p-file", 0, 0, "", L{"-p", "sshdtest:{R}/y.log", "dest/"}, L{"local/dest/y.log@0600"}, nil},
	{"up-overwrite-keeps-mode", 0, 0, "", L{"a.txt", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt=alpha\n", "remote/existing.txt@0600"}, nil},
	{"down-overwrite-keeps-mode", 0, 0, "", L{"sshdtest:{R}/x.sh", "existing.txt"}, L{"local/existing.txt=#!/bin/sh\necho x\n", "local/existing.txt@0600"}, nil},

	// names
	{"up-spaces", 0, 0, "", L{"file with spaces.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/file with spaces.txt=spaces\n"}, nil},
	{"down-spaces-escaped", 0, 0, "", L{`sshdtest:{R}/file\ with\ spaces.txt`, "dest/"}, L{"local/dest/file with spaces.txt"}, nil},
	{"up-quotes", 0, 0, "", L{`it's "quoted".txt`, "sshdtest:{R}/dest/"}, L{`remote/dest/it's "quoted".txt=quotes` + "\n"}, nil},
	{"up-leading-dash", 0, 0, "", L{"./-x", "sshdtest:{R}/dest/"}, L{"remote/dest/-x=dash\n"}, nil},
	{"up-remote-dash-target", 0, 0, "", L{"a.txt", "sshdtest:-{N}"}, L{"~/-{N}=alpha\n"}, L{"-{N}"}},
	{"down-remote-dash-source", 0, 0, "", L{"sshdtest:-{N}", "dest/"}, L{"local/dest/-{N}=home dash\n"}, L{"-{N}=home dash\n"}},
	{"up-dollar-paren-name", 0, 0, "", L{"$(touch {N}).txt", "sshdtest:{R}/dest/"}, L{"remote/dest/$(touch {N}).txt=dollar\n", "!~/{N}"}, L{"{N}"}},
	{"down-dollar-paren-local-target", 0, 0, "", L{"sshdtest:{R}/a.txt", "dest/$(touch {N})"}, L{"local/dest/$(touch {N})=alpha\n", "!~/{N}"}, L{"{N}"}},
	{"down-remote-expansion-name-check", 0, 1, "protocol error: filename does not match request\n", L{"sshdtest:{R}/$(echo a).txt", "dest/"}, L{"!local/dest/a.txt"}, nil},
	{"down-remote-expansion-T", 0, 0, "", L{"-T", "sshdtest:{R}/$(echo a).txt", "dest/"}, L{"local/dest/a.txt=alpha\n"}, nil},
	{"up-unicode", 0, 0, "", L{"ünï©ødé-名前.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/ünï©ødé-名前.txt=unicode\n"}, nil},
	{"down-unicode", 0, 0, "", L{"sshdtest:{R}/ünï©ødé-名前.txt", "dest/"}, L{"local/dest/ünï©ødé-名前.txt=unicode\n"}, nil},
	{"up-local-colon-after-slash", 0, 0, "", L{"./a:b", "sshdtest:{R}/dest/"}, L{"remote/dest/a:b=colon\n"}, nil},

	// symlinks
	{"up-symlink-to-file", 0, 0, "", L{"link-a", "sshdtest:{R}/dest/"}, L{"remote/dest/link-a=alpha\n"}, nil},
	{"down-symlink-to-file", 0, 0, "", L{"sshdtest:{R}/link-a", "dest/"}, L{"local/dest/link-a=alpha\n"}, nil},
	{"up-r-symlink-to-dir", 0, 0, "", L{"-r", "link-d", "sshdtest:{R}/dest/"}, L{"remote/dest/link-d/", "remote/dest/link-d/sub/two.txt"}, nil},
	{"down-r-symlink-to-dir", 0, 0, "", L{"-r", "sshdtest:{R}/link-d", "dest/"}, L{"local/dest/link-d/", "local/dest/link-d/one.txt"}, nil},

	// remote globbing and the remote shell
	{"down-remote-glob", 0, 0, "", L{"sshdtest:{R}/*.log", "dest/"}, L{"local/dest/x.log=x log\n", "local/dest/y.log=y log\n", "!local/dest/a.txt"}, nil},
	{"down-remote-glob-no-match", 0, 1, "scp: {R}/*.nomatch: No such file or directory\n", L{"sshdtest:{R}/*.nomatch", "dest/"}, nil, nil},
	{"up-remote-target-with-space", 0, 1, "scp: ambiguous target\n", L{"a.txt", "sshdtest:{R}/dest/new name"}, L{"!remote/dest/new name", "!remote/dest/new"}, nil},

	// -d
	{"up-d-target-is-file", 0, 1, "scp: {R}/existing.txt: Not a directory\n", L{"-d", "a.txt", "sshdtest:{R}/existing.txt"}, L{"remote/existing.txt@0600"}, nil},
	{"down-d-target-is-file", 0, 1, "existing.txt: Not a directory\n", L{"-d", "sshdtest:{R}/a.txt", "existing.txt"}, nil, nil},

	// host, user and path spellings
	{"up-home-empty-path", 0, 0, "", L{"{N}.txt", "sshdtest:"}, L{"~/{N}.txt=token\n"}, L{"{N}.txt"}},
	{"down-home-empty-path", 0, 1, "scp: .: not a regular file\n", L{"sshdtest:", "dest/"}, nil, nil},
	{"up-home-relative-path", 0, 0, "", L{"a.txt", "sshdtest:..{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-user-at-host", 0, 0, "", L{"a.txt", "{USER}@sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-uri", 0, 0, "", L{"a.txt", "scp://{USER}@127.0.0.1:{PORT}/{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"down-uri-alias", 0, 0, "", L{"scp://sshdtest/{R}/b.txt", "dest/"}, L{"local/dest/b.txt"}, nil},
	{"up-bracket-host", 0, 0, "", L{"a.txt", "[127.0.0.1]:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"remote-to-remote", 0, 0, "", L{"sshdtest:{R}/a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt=alpha\n"}, nil},
	// operands in command-line order: the last one written wins
	{"up-order-remote-then-local", 0, 0, "", L{"sshdtest:{N}.txt", "{N}.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/{N}.txt=token\n"}, L{"{N}.txt=home\n"}},
	{"up-order-local-then-remote", 0, 0, "", L{"{N}.txt", "sshdtest:{N}.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/{N}.txt=home\n"}, L{"{N}.txt=home\n"}},

	// local only (OpenSSH runs cp)
	{"local-file", clientOnly, 0, "", L{"a.txt", "copy.txt"}, L{"local/copy.txt=alpha\n"}, nil},
	{"local-colon-target", clientOnly, 0, "", L{"a.txt", "./c:d"}, L{"local/c:d=alpha\n"}, nil},
	{"local-r-new", clientOnly, 0, "", L{"-r", "d", "e"}, L{"local/e/sub/two.txt=two\n"}, nil},
	{"local-r-existing", clientOnly, 0, "", L{"-r", "d", "dest"}, L{"local/dest/d/one.txt"}, nil},
	{"local-p", clientOnly, 0, "", L{"-p", "x.sh", "ro.txt", "dest"}, L{"local/dest/x.sh@0755", "local/dest/ro.txt@0444"}, nil},

	// usage
	{"unknown-option", clientOnly, 1, "scp: unknown option -- Z\r\nusage: scp ", L{"-Z", "a.txt", "sshdtest:{R}/dest/"}, L{"!remote/dest/a.txt"}, nil},
	{"one-operand", clientOnly, 1, "usage: scp ", L{"a.txt"}, nil, nil},
	{"no-operands", clientOnly, 1, "usage: scp ", L{}, nil, nil},
	{"missing-option-argument", clientOnly, 1, "scp: option requires an argument -- P\r\nusage: scp ", L{"-P"}, nil, nil},
	{"protocol-1", clientOnly, 255, "scp: SSH protocol v.1 is no longer supported\r\n", L{"-1", "a.txt", "sshdtest:{R}/dest/"}, L{"!remote/dest/a.txt"}, nil},
	{"bad-port", clientOnly, 255, "scp: bad port \"0\"\n\r\n", L{"-P", "0", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},

	// more: special files, setuid, odd names, failures
	{"up-setuid-without-p", 0, 0, "", L{"suid.sh", "sshdtest:{R}/dest/"}, L{"remote/dest/suid.sh@0755"}, nil},
	{"up-setuid-with-p", 0, 0, "", L{"-p", "suid.sh", "sshdtest:{R}/dest/"}, L{"remote/dest/suid.sh@4755"}, nil},
	{"down-setuid-without-p", 0, 0, "", L{"sshdtest:{R}/suid.sh", "dest/"}, L{"local/dest/suid.sh@0755"}, nil},
	{"down-setuid-with-p", 0, 0, "", L{"-p", "sshdtest:{R}/suid.sh", "dest/"}, L{"local/dest/suid.sh@4755"}, nil},
	{"up-fifo", 0, 1, "fifo: not a regular file\n", L{"fifo", "a.txt", "sshdtest:{R}/dest/"}, L{"!remote/dest/fifo", "remote/dest/a.txt"}, nil},
	{"down-fifo", 0, 1, "scp: {R}/fifo: not a regular file\n", L{"sshdtest:{R}/fifo", "dest/"}, L{"!local/dest/fifo"}, nil},
	{"up-newline-name", 0, 0, "", L{"nl\nname", "sshdtest:{R}/dest/"}, L{"remote/dest/nl\\^Jname=newline\n"}, nil},
	{"up-r-dot", 0, 1, "scp: error: unexpected filename: .\n", L{"-r", "d/.", "sshdtest:{R}/dest"}, L{"!remote/dest/one.txt"}, nil},
	{"down-r-dot", 0, 1, "error: unexpected filename: .\n", L{"-r", "sshdtest:{R}/d/.", "dest"}, L{"!local/dest/one.txt"}, nil},
	{"up-missing-parent", 0, 1, "scp: {R}/nodir/x: No such file or directory\n", L{"a.txt", "sshdtest:{R}/nodir/x"}, L{"!remote/nodir"}, nil},
	{"down-missing-parent", 0, 1, "nodir/x: No such file or directory\n", L{"sshdtest:{R}/a.txt", "nodir/x"}, L{"!local/nodir"}, nil},
	{"up-r-dir-and-file", 0, 0, "", L{"-r", "d", "a.txt", "sshdtest:{R}/dest"}, L{"remote/dest/d/void/", "remote/dest/a.txt"}, nil},
	{"down-r-remote-glob", 0, 0, "", L{"-r", "sshdtest:{R}/d/*", "dest"}, L{"local/dest/one.txt", "local/dest/sub/two.txt", "local/dest/void/"}, nil},
	{"up-quiet", 0, 0, "", L{"-q", "a.txt", "sshdtest:{R}/dest/"}, L{"remote/dest/a.txt"}, nil},
	{"up-limit", 0, 0, "", L{"-l", "8192", "d/sub/three.bin", "sshdtest:{R}/dest/"}, L{"remote/dest/three.bin"}, nil},
	{"up-tilde", 0, 0, "", L{"a.txt", "sshdtest:~/{N}"}, L{"~/{N}=alpha\n"}, L{"{N}"}},
	{"remote-to-remote-3-r", 0, 0, "", L{"-3", "-r", "sshdtest:{R}/d", "sshdtest:{R}/dest"}, L{"remote/dest/d/sub/two.txt=two\n"}, nil},
	{"up-connect-refused", clientOnly, 1, "ssh: connect to host 127.0.0.1 port 1: Connection refused\r\nlost connection\n", L{"-P", "1", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},
	{"up-connect-refused-quiet", clientOnly, 1, "lost connection\n", L{"-q", "-P", "1", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},
	{"down-connect-refused-quiet", clientOnly, 1, "", L{"-q", "-P", "1", "sshdtest:{R}/a.txt", "dest/"}, L{"!local/dest/a.txt"}, nil},
	{"up-unknown-host-key-quiet", clientOnly, 1, "lost connection\n", L{"-q", "-o", "UserKnownHostsFile=/dev/null", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},
	{"up-unknown-host-key", clientOnly, 1, "No ED25519 host key is known for [127.0.0.1]:{PORT} and you have requested strict checking.\r\nHost key verification failed.\r\nlost connection\n", L{"-o", "UserKnownHostsFile=/dev/null", "a.txt", "sshdtest:{R}/dest/"}, nil, nil},
	{"down-connect-refused", clientOnly, 1, "ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n", L{"-P", "1", "sshdtest:{R}/a.txt", "dest/"}, L{"!local/dest/a.txt"}, nil},
	{"limit-zero", clientOnly, 1, "usage: scp ", L{"-l", "0", "a.txt", "b"}, L{"!local/b"}, nil},
	{"bad-X-option", clientOnly, 255, "scp: Invalid -X option\r\n", L{"-X", "foo", "a.txt", "b"}, L{"!local/b"}, nil},
}
