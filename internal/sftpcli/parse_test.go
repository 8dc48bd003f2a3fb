package sftpcli

import "testing"

func TestLookupCommand(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		want string
		id   cmdID
	}{
		{"get", true, "get", cmdGet},
		{"GET", true, "get", cmdGet},
		{"mGeT", true, "mget", cmdGet},
		{"dir", true, "dir", cmdLs},
		{"!", true, "!", cmdShell},
		{"?", true, "?", cmdHelp},
		{"bye", true, "bye", cmdQuit},
		{"Lumask", true, "lumask", cmdLumask},
		{"", false, "", cmdNone},
		{"ge", false, "", cmdNone},
		{"gets", false, "", cmdNone},
		{"\u017Fymlink", false, "", cmdNone}, // long s: not ASCII
		{"lm\u212Adir", false, "", cmdNone},  // Kelvin sign
	}
	for _, tt := range tests {
		e, ok := lookupCommand(tt.name)
		if ok != tt.ok || e.name != tt.want || e.id != tt.id {
			t.Errorf("lookupCommand(%q) = %+v, %v; want %q %v, %v", tt.name, e, ok, tt.want, tt.id, tt.ok)
		}
	}
}

func TestCommandTableNames(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range commandTable {
		if seen[e.name] {
			t.Errorf("%q twice", e.name)
		}
		seen[e.name] = true
	}
	if len(commandTable) != 37 {
		t.Errorf("%d commands, want 37", len(commandTable))
	}
}

const nameSort = lsNameSort

// parseLineTests are lines with the command parseLine makes of them or the
// error sftp prints for them.
var parseLineTests = []struct {
	line string
	want command
	err  string
}{
	// Blank lines, comments and prefixes.
	{"", command{}, ""},
	{" \t\r\n", command{}, ""},
	{"# a comment", command{}, ""},
	{"  #", command{}, ""},
	{"-", command{ignoreErrors: true}, ""},
	{"@", command{noEcho: true}, ""},
	{"-@ # both", command{ignoreErrors: true, noEcho: true}, ""},
	{"-pwd", command{id: cmdPwd, name: "pwd", ignoreErrors: true}, ""},
	{"@pwd", command{id: cmdPwd, name: "pwd", noEcho: true}, ""},
	{"@--@ pwd", command{id: cmdPwd, name: "pwd", ignoreErrors: true, noEcho: true}, ""},
	{" - pwd", command{id: cmdPwd, name: "pwd", ignoreErrors: true}, ""},
	{"- @pwd", command{ignoreErrors: true}, "Invalid command."},
	{"\vpwd", command{id: cmdPwd, name: "pwd"}, ""},
	{"\v#x", command{}, "Invalid command."},
	{"\v", command{}, "Invalid command."},
	{"pwd\x00x", command{id: cmdPwd, name: "pwd"}, ""},

	// Command names.
	{"PWD", command{id: cmdPwd, name: "pwd"}, ""},
	{"LpWd", command{id: cmdLpwd, name: "lpwd"}, ""},
	{"pwdx", command{}, "Invalid command."},
	{"p", command{}, "Invalid command."},
	{`"pwd"`, command{id: cmdPwd, name: "pwd"}, ""},
	{`p\wd`, command{id: cmdPwd, name: "pwd"}, ""},
	{`""`, command{}, "Invalid command."},
	{"-@foo", command{ignoreErrors: true, noEcho: true}, "Invalid command."},
	{`-ls "x`, command{ignoreErrors: true}, "Unterminated quoted argument"},
	{"bye", command{id: cmdQuit, name: "bye"}, ""},
	{"exit", command{id: cmdQuit, name: "exit"}, ""},
	{"quit now", command{id: cmdQuit, name: "quit"}, ""},
	{"quit -x", command{}, "quit: Invalid flag -x"},
	{"help", command{id: cmdHelp, name: "help"}, ""},
	{"?", command{id: cmdHelp, name: "?"}, ""},
	{"? -h", command{}, "?: Invalid flag -h"},
	{"version", command{id: cmdVersion, name: "version"}, ""},
	{"progress", command{id: cmdProgress, name: "progress"}, ""},
	{"lpwd -", command{id: cmdLpwd, name: "lpwd"}, ""},

	// get, put, reget, reput.
	{"get", command{}, "You must specify at least one path after a get command."},
	{"GET -r", command{}, "You must specify at least one path after a get command."},
	{"mget", command{}, "You must specify at least one path after a mget command."},
	{"put --", command{}, "You must specify at least one path after a put command."},
	{"get a", command{id: cmdGet, name: "get", path1: "a", hasPath1: true}, ""},
	{"get a b c", command{id: cmdGet, name: "get", path1: "a", path2: "b", hasPath1: true}, ""},
	{"get -afpr a b", command{id: cmdGet, name: "get", resume: true, fsync: true, preserve: true, recursive: true, path1: "a", path2: "b", hasPath1: true}, ""},
	{"get -P -R a", command{id: cmdGet, name: "get", preserve: true, recursive: true, path1: "a", hasPath1: true}, ""},
	{"get a -r", command{id: cmdGet, name: "get", path1: "a", path2: "-r", hasPath1: true}, ""},
	{"get -- -r", command{id: cmdGet, name: "get", path1: "-r", hasPath1: true}, ""},
	{"get - b", command{id: cmdGet, name: "get", path1: "-", path2: "b", hasPath1: true}, ""},
	{"get -r- b", command{id: cmdGet, name: "get", recursive: true, path1: "-r-", path2: "b", hasPath1: true}, ""},
	{"get -x a", command{}, "get: Invalid flag -x"},
	{"get -rx a", command{}, "get: Invalid flag -x"},
	{"get --r a", command{}, "get: Invalid flag --"},
	{"get -: a", command{}, "get: Invalid flag -:"},
	{"get -\xe9 a", command{}, "get: Invalid flag -\xe9"},
	{`get "a*" "b*"`, command{id: cmdGet, name: "get", path1: `a\*`, path2: "b*", hasPath1: true}, ""},
	{`get a\*b c\*d`, command{id: cmdGet, name: "get", path1: `a\*b`, path2: "c*d", hasPath1: true}, ""},
	{"reget -a a", command{id: cmdReget, name: "reget", resume: true, path1: "a", hasPath1: true}, ""},
	{"put -f a", command{id: cmdPut, name: "put", fsync: true, path1: "a", hasPath1: true}, ""},
	{"mput *.c /d", command{id: cmdPut, name: "mput", path1: "*.c", path2: "/d", hasPath1: true}, ""},
	{"reput a b", command{id: cmdReput, name: "reput", path1: "a", path2: "b", hasPath1: true}, ""},
	{`put ""`, command{id: cmdPut, name: "put", hasPath1: true}, ""},

	// Two paths, neither globbed.
	{"rename a", command{}, "You must specify two paths after a rename command."},
	{"rename", command{}, "You must specify two paths after a rename command."},
	{"rename a b", command{id: cmdRename, name: "rename", path1: "a", path2: "b", hasPath1: true}, ""},
	{"rename -l a b", command{id: cmdRename, name: "rename", legacy: true, path1: "a", path2: "b", hasPath1: true}, ""},
	{"rename -s a b", command{}, "rename: Invalid flag -s"},
	{`rename "a*" b\?`, command{id: cmdRename, name: "rename", path1: "a*", path2: "b?", hasPath1: true}, ""},
	{"ln -s a b", command{id: cmdLink, name: "ln", symbolic: true, path1: "a", path2: "b", hasPath1: true}, ""},
	{"ln a b", command{id: cmdLink, name: "ln", path1: "a", path2: "b", hasPath1: true}, ""},
	{"ln -l a b", command{}, "ln: Invalid flag -l"},
	{"ln -s a", command{}, "You must specify two paths after a ln command."},
	{"symlink a b", command{id: cmdSymlink, name: "symlink", path1: "a", path2: "b", hasPath1: true}, ""},
	{"symlink -s a b", command{}, "symlink: Invalid flag -s"},
	{"copy a b", command{id: cmdCopy, name: "copy", path1: "a", path2: "b", hasPath1: true}, ""},
	{"cp a", command{}, "You must specify two paths after a cp command."},
	{"cp -r a b", command{}, "cp: Invalid flag -r"},

	// One path.
	{"rm", command{}, "You must specify a path after a rm command."},
	{"rm -r a", command{}, "rm: Invalid flag -r"},
	{`rm "a*"`, command{id: cmdRm, name: "rm", path1: `a\*`, hasPath1: true}, ""},
	{`rm a*`, command{id: cmdRm, name: "rm", path1: `a*`, hasPath1: true}, ""},
	{`mkdir "a*"`, command{id: cmdMkdir, name: "mkdir", path1: `a*`, hasPath1: true}, ""},
	{"mkdir", command{}, "You must specify a path after a mkdir command."},
	{"rmdir", command{}, "You must specify a path after a rmdir command."},
	{"lmkdir", command{}, "You must specify a path after a lmkdir command."},
	{`rmdir a\*`, command{id: cmdRmdir, name: "rmdir", path1: "a*", hasPath1: true}, ""},
	{"lmkdir d", command{id: cmdLmkdir, name: "lmkdir", path1: "d", hasPath1: true}, ""},
	{"cd", command{id: cmdChdir, name: "cd"}, ""},
	{`cd ""`, command{id: cmdChdir, name: "cd", hasPath1: true}, ""},
	{"chdir a b", command{id: cmdChdir, name: "chdir", path1: "a", hasPath1: true}, ""},
	{`cd "a?"`, command{id: cmdChdir, name: "cd", path1: "a?", hasPath1: true}, ""},
	{"cd -x", command{}, "cd: Invalid flag -x"},
	{"lcd", command{id: cmdLchdir, name: "lcd"}, ""},
	{"lchdir /tmp", command{id: cmdLchdir, name: "lchdir", path1: "/tmp", hasPath1: true}, ""},
	{"df", command{id: cmdDf, name: "df"}, ""},
	{"df -hi /x", command{id: cmdDf, name: "df", human: true, inodes: true, path1: "/x", hasPath1: true}, ""},
	{`df "*"`, command{id: cmdDf, name: "df", path1: "*", hasPath1: true}, ""},
	{"df -hx", command{}, "df: Invalid flag -x"},

	// ls and dir.
	{"ls", command{id: cmdLs, name: "ls", ls: nameSort}, ""},
	{"dir", command{id: cmdLs, name: "dir", ls: nameSort}, ""},
	{"ls -z", command{}, "ls: Invalid flag -z"},
	{"dir -z", command{}, "ls: Invalid flag -z"},
	{"ls -a-b", command{}, "ls: Invalid flag --"},
	{"ls -a-", command{id: cmdLs, name: "ls", ls: nameSort | lsAll, path1: "-a-", hasPath1: true}, ""},
	{"ls x -z", command{id: cmdLs, name: "ls", ls: nameSort, path1: "x", hasPath1: true}, ""},
	{"ls -l -- -a", command{id: cmdLs, name: "ls", ls: nameSort | lsLong, path1: "-a", hasPath1: true}, ""},
	{`ls ""`, command{id: cmdLs, name: "ls", ls: nameSort, hasPath1: true}, ""},
	{`ls \`, command{id: cmdLs, name: "ls", ls: nameSort, hasPath1: true}, ""},
	{`ls "a*b"`, command{id: cmdLs, name: "ls", ls: nameSort, path1: `a\*b`, hasPath1: true}, ""},
	{"ls -1", command{id: cmdLs, name: "ls", ls: nameSort | lsShort}, ""},
	{"ls -l1", command{id: cmdLs, name: "ls", ls: nameSort | lsShort}, ""},
	{"ls -hl1", command{id: cmdLs, name: "ls", ls: nameSort | lsShort}, ""},
	{"ls -1l", command{id: cmdLs, name: "ls", ls: nameSort | lsLong}, ""},
	{"ls -1n", command{id: cmdLs, name: "ls", ls: nameSort | lsLong | lsNumeric}, ""},
	{"ls -lh", command{id: cmdLs, name: "ls", ls: nameSort | lsLong | lsSI}, ""},
	{"ls -f", command{id: cmdLs, name: "ls"}, ""},
	{"ls -fr", command{id: cmdLs, name: "ls", ls: lsReverse}, ""},
	{"ls -t", command{id: cmdLs, name: "ls", ls: lsTimeSort}, ""},
	{"ls -tS", command{id: cmdLs, name: "ls", ls: lsSizeSort}, ""},
	{"ls -St", command{id: cmdLs, name: "ls", ls: lsTimeSort}, ""},
	{"ls -Sf", command{id: cmdLs, name: "ls"}, ""},
	{"ls -a -r", command{id: cmdLs, name: "ls", ls: nameSort | lsAll | lsReverse}, ""},

	// Numbers.
	{"chmod 644 f", command{id: cmdChmod, name: "chmod", num: 0o644, path1: "f", hasPath1: true}, ""},
	{"chmod -h 0755 f", command{id: cmdChmod, name: "chmod", human: true, num: 0o755, path1: "f", hasPath1: true}, ""},
	{`chmod 644 "f*"`, command{id: cmdChmod, name: "chmod", num: 0o644, path1: `f\*`, hasPath1: true}, ""},
	{"chmod 644 a b", command{id: cmdChmod, name: "chmod", num: 0o644, path1: "a", hasPath1: true}, ""},
	{"chmod 999 x", command{}, "You must supply a numeric argument to the chmod command."},
	{"chmod 0x1 x", command{}, "You must supply a numeric argument to the chmod command."},
	{"chmod", command{}, "You must supply a numeric argument to the chmod command."},
	{"chmod 644", command{}, "You must specify a path after a chmod command."},
	{"chmod -1 x", command{}, "chmod: Invalid flag -1"},
	{"chmod -- -1 x", command{}, "You must supply a numeric argument to the chmod command."},
	{"chmod -- -0 x", command{id: cmdChmod, name: "chmod", path1: "x", hasPath1: true}, ""},
	{"chmod +7 x", command{id: cmdChmod, name: "chmod", num: 7, path1: "x", hasPath1: true}, ""},
	{"chmod 37777777777 x", command{id: cmdChmod, name: "chmod", num: 1<<32 - 1, path1: "x", hasPath1: true}, ""},
	{"chmod 40000000000 x", command{}, "You must supply a numeric argument to the chmod command."},
	{"chown 4294967295 x", command{id: cmdChown, name: "chown", num: 1<<32 - 1, path1: "x", hasPath1: true}, ""},
	{"chown 4294967296 x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 99999999999999999999999 x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 010 x", command{id: cmdChown, name: "chown", num: 8, path1: "x", hasPath1: true}, ""},
	{"chown 0X1f x", command{id: cmdChown, name: "chown", num: 31, path1: "x", hasPath1: true}, ""},
	{"chown 0xffffffff x", command{id: cmdChown, name: "chown", num: 1<<32 - 1, path1: "x", hasPath1: true}, ""},
	{"chown 037777777777 x", command{id: cmdChown, name: "chown", num: 1<<32 - 1, path1: "x", hasPath1: true}, ""},
	{"chown -- -0x0 x", command{id: cmdChown, name: "chown", path1: "x", hasPath1: true}, ""},
	{"chown 0 x", command{id: cmdChown, name: "chown", path1: "x", hasPath1: true}, ""},
	{"chown 0x100000000 x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 0x x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 0xg x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 08 x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 1f x", command{}, "You must supply a numeric argument to the chown command."},
	{`chown " 5" x`, command{id: cmdChown, name: "chown", num: 5, path1: "x", hasPath1: true}, ""},
	{"chown '\t\v-0' x", command{id: cmdChown, name: "chown", path1: "x", hasPath1: true}, ""},
	{`chown "5 " x`, command{}, "You must supply a numeric argument to the chown command."},
	{`chown "" x`, command{}, "You must supply a numeric argument to the chown command."},
	{`chown " " x`, command{}, "You must supply a numeric argument to the chown command."},
	{`chown - x`, command{}, "You must supply a numeric argument to the chown command."},
	{`chown +-1 x`, command{}, "You must supply a numeric argument to the chown command."},
	{"chown bob x", command{}, "You must supply a numeric argument to the chown command."},
	{"chown 5", command{}, "You must specify a path after a chown command."},
	{"chgrp -h 7 x", command{id: cmdChgrp, name: "chgrp", human: true, num: 7, path1: "x", hasPath1: true}, ""},
	{"chgrp -i 7 x", command{}, "chgrp: Invalid flag -i"},
	{"chgrp 0x7 x", command{id: cmdChgrp, name: "chgrp", num: 7, path1: "x", hasPath1: true}, ""},
	{"chgrp 0x7g x", command{}, "You must supply a numeric argument to the chgrp command."},
	{"lumask 022", command{id: cmdLumask, name: "lumask", num: 0o22}, ""},
	{"lumask -h 7 x", command{id: cmdLumask, name: "lumask", human: true, num: 7}, ""},
	{"lumask", command{}, "You must supply a numeric argument to the lumask command."},
	{"lumask 8", command{}, "You must supply a numeric argument to the lumask command."},

	// The rest of the line, for lls and the shell.
	{"lls", command{id: cmdLls, name: "lls"}, ""},
	{"lls -l  x  # c", command{id: cmdLls, name: "lls", rest: " -l  x  # c"}, ""},
	{"  @LLS\t-d", command{id: cmdLls, name: "lls", noEcho: true, rest: "\t-d"}, ""},
	{`"l"ls x`, command{id: cmdLls, name: "lls", rest: "ls x"}, ""},
	{`lls "x`, command{}, "Unterminated quoted argument"},
	{"!", command{id: cmdShell, name: "!"}, ""},
	{"!ls -l", command{id: cmdShell, name: "!", rest: "ls -l"}, ""},
	{"! echo hi # c", command{id: cmdShell, name: "!", rest: " echo hi # c"}, ""},
	{"-!false", command{id: cmdShell, name: "!", ignoreErrors: true, rest: "false"}, ""},
	{"!#", command{id: cmdShell, name: "!", rest: "#"}, ""},
	{`"!" ls`, command{id: cmdShell, name: "!", rest: `"!" ls`}, ""},
	{`!echo "a`, command{}, "Unterminated quoted argument"},
	{"\v!ls", command{}, "Invalid command."},
}

func TestParseLine(t *testing.T) {
	for _, tt := range parseLineTests {
		got, err := parseLine(tt.line)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if got == nil {
			t.Errorf("parseLine(%q) = nil command", tt.line)
			continue
		}
		if *got != tt.want || errText != tt.err {
			t.Errorf("parseLine(%q) =\n\t%+v, %q\nwant\n\t%+v, %q", tt.line, *got, errText, tt.want, tt.err)
		}
	}
}
