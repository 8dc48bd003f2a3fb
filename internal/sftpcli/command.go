package sftpcli

// cmdID names a session command; several names share one (dir and ls).
type cmdID int

const (
	cmdNone cmdID = iota // a blank line or a comment: nothing runs
	cmdChdir
	cmdChgrp
	cmdChmod
	cmdChown
	cmdCopy
	cmdDf
	cmdGet
	cmdHelp
	cmdLchdir
	cmdLink
	cmdLls
	cmdLmkdir
	cmdLpwd
	cmdLs
	cmdLumask
	cmdMkdir
	cmdPut
	cmdPwd
	cmdQuit
	cmdReget
	cmdRename
	cmdReput
	cmdRm
	cmdRmdir
	cmdShell
	cmdSymlink
	cmdVersion
	cmdProgress
)

// lsFlags are the options of ls, as bits.
type lsFlags uint

const (
	lsLong     lsFlags = 1 << iota // -l
	lsShort                        // -1
	lsNumeric                      // -n
	lsNameSort                     // the default order
	lsTimeSort                     // -t
	lsSizeSort                     // -S
	lsReverse                      // -r
	lsAll                          // -a
	lsSI                           // -h

	lsViewFlags = lsLong | lsShort | lsNumeric | lsSI
	lsSortFlags = lsNameSort | lsTimeSort | lsSizeSort
)

// command is one session line, parsed as sftp parses it: the prefixes, the
// command, its flags and its arguments. Remote patterns (get, put's sources,
// ls, rm, chmod, chown, chgrp) keep the glob escapes of quoted
// metacharacters; every other path has them removed.
type command struct {
	id           cmdID
	name         string // the command as it is in the table ("get" for "GET")
	ignoreErrors bool   // "-" prefix: an error does not end a batch
	noEcho       bool   // "@" prefix: the line is not echoed

	// Flags; which apply depends on the command.
	resume    bool    // -a (get, put, reget, reput)
	fsync     bool    // -f (get, put, reget, reput)
	preserve  bool    // -p or -P (get, put, reget, reput)
	recursive bool    // -r or -R (get, put, reget, reput)
	human     bool    // -h (df); for chmod, chown, chgrp: do not follow symlinks
	inodes    bool    // -i (df)
	symbolic  bool    // -s (ln)
	legacy    bool    // -l (rename): SSH_FXP_RENAME, not posix-rename
	ls        lsFlags // ls options

	num          uint32 // chmod's mode, chown's uid, chgrp's gid, lumask's mask
	path1, path2 string // arguments; "" when absent
	hasPath1     bool   // path1 was given (cd with no argument differs from cd "")
	rest         string // lls and !: the rest of the line, as typed
}
