package sftpcli

// argKind is what an argument names, for interactive completion.
type argKind int

const (
	argNone   argKind = iota // no argument, or nothing to complete
	argRemote                // a remote path
	argLocal                 // a local path
)

// commandEntry is one name a session accepts.
type commandEntry struct {
	name string
	id   cmdID
	args [2]argKind // completion of the first and second argument
}

// commandTable is every command name, in sftp's order (help and completion
// list them in this order).
var commandTable = []commandEntry{
	{"bye", cmdQuit, [2]argKind{argNone, argNone}},
	{"cd", cmdChdir, [2]argKind{argRemote, argNone}},
	{"chdir", cmdChdir, [2]argKind{argRemote, argNone}},
	{"chgrp", cmdChgrp, [2]argKind{argRemote, argNone}},
	{"chmod", cmdChmod, [2]argKind{argRemote, argNone}},
	{"chown", cmdChown, [2]argKind{argRemote, argNone}},
	{"copy", cmdCopy, [2]argKind{argRemote, argLocal}},
	{"cp", cmdCopy, [2]argKind{argRemote, argLocal}},
	{"df", cmdDf, [2]argKind{argRemote, argNone}},
	{"dir", cmdLs, [2]argKind{argRemote, argNone}},
	{"exit", cmdQuit, [2]argKind{argNone, argNone}},
	{"get", cmdGet, [2]argKind{argRemote, argLocal}},
	{"help", cmdHelp, [2]argKind{argNone, argNone}},
	{"lcd", cmdLchdir, [2]argKind{argLocal, argNone}},
	{"lchdir", cmdLchdir, [2]argKind{argLocal, argNone}},
	{"lls", cmdLls, [2]argKind{argLocal, argNone}},
	{"lmkdir", cmdLmkdir, [2]argKind{argLocal, argNone}},
	{"ln", cmdLink, [2]argKind{argRemote, argRemote}},
	{"lpwd", cmdLpwd, [2]argKind{argLocal, argNone}},
	{"ls", cmdLs, [2]argKind{argRemote, argNone}},
	{"lumask", cmdLumask, [2]argKind{argNone, argNone}},
	{"mkdir", cmdMkdir, [2]argKind{argRemote, argNone}},
	{"mget", cmdGet, [2]argKind{argRemote, argLocal}},
	{"mput", cmdPut, [2]argKind{argLocal, argRemote}},
	{"progress", cmdProgress, [2]argKind{argNone, argNone}},
	{"put", cmdPut, [2]argKind{argLocal, argRemote}},
	{"pwd", cmdPwd, [2]argKind{argRemote, argNone}},
	{"quit", cmdQuit, [2]argKind{argNone, argNone}},
	{"reget", cmdReget, [2]argKind{argRemote, argLocal}},
	{"rename", cmdRename, [2]argKind{argRemote, argRemote}},
	{"reput", cmdReput, [2]argKind{argLocal, argRemote}},
	{"rm", cmdRm, [2]argKind{argRemote, argNone}},
	{"rmdir", cmdRmdir, [2]argKind{argRemote, argNone}},
	{"symlink", cmdSymlink, [2]argKind{argRemote, argRemote}},
	{"version", cmdVersion, [2]argKind{argNone, argNone}},
	{"!", cmdShell, [2]argKind{argNone, argNone}},
	{"?", cmdHelp, [2]argKind{argNone, argNone}},
}

// lookupCommand finds a command by name, ignoring ASCII case as sftp's
// strcasecmp does (so "ſymlink" is no symlink, unlike strings.EqualFold).
func lookupCommand(name string) (commandEntry, bool) {
	for _, e := range commandTable {
		if asciiEqualFold(e.name, name) {
			return e, true
		}
	}
	return commandEntry{}, false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
