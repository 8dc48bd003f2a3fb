package sftpcli

import (
	"fmt"
	"math"
	"strings"
)

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

// lineSpace is what sftp skips around the prefixes; the splitter's isSpace
// is wider (\v and \f too).
const lineSpace = " \t\r\n"

// parseLine parses one session line as sftp does. The command is never nil:
// with an error it carries only ignoreErrors and noEcho (id cmdNone), which
// decide whether the line is echoed and whether the error ends a batch.
// The error's text is what sftp prints, without the "\r\n". A blank line
// or a comment gives cmdNone and no error. The line ends at a NUL, as
// sftp's C string does.
func parseLine(line string) (*command, error) {
	cmd := &command{}
	cp := strings.TrimLeft(cutNUL(line), lineSpace)
	cp = parsePrefixes(cp, cmd)
	cp = strings.TrimLeft(cp, lineSpace)
	if cp == "" || cp[0] == '#' {
		return cmd, nil
	}
	argv, err := splitLine(cp)
	if err != nil {
		return cmd, err
	}
	var entry commandEntry
	found := false
	if len(argv) > 0 {
		entry, found = lookupCommand(argv[0])
	}
	if cp[0] == '!' {
		// "!cmd" is a shell escape whatever word it makes.
		cmd.id, cmd.name, cmd.rest = cmdShell, "!", cp[1:]
		return cmd, nil
	}
	if !found {
		return cmd, lineError("Invalid command.")
	}
	cmd.id, cmd.name = entry.id, entry.name
	if err := parseArgs(cmd, argv, cp); err != nil {
		// Keep only what the loop needs, so no half-parsed command runs.
		return &command{ignoreErrors: cmd.ignoreErrors, noEcho: cmd.noEcho}, err
	}
	return cmd, nil
}

// parsePrefixes reads the "-" (ignore errors) and "@" (no echo) prefixes,
// in any order and number, and returns the rest of the line.
func parsePrefixes(cp string, cmd *command) string {
	for i := 0; i < len(cp); i++ {
		switch cp[i] {
		case '-':
			cmd.ignoreErrors = true
		case '@':
			cmd.noEcho = true
		default:
			return cp[i:]
		}
	}
	return ""
}

// parseArgs fills cmd's flags and arguments from argv (argv[0] is the
// command); cp is the line from the command on, for lls and the shell.
func parseArgs(cmd *command, argv []string, cp string) error {
	switch cmd.id {
	case cmdGet, cmdReget, cmdPut, cmdReput:
		return parseTransfer(cmd, argv)
	case cmdLink:
		return parseTwoPaths(cmd, argv, "s")
	case cmdRename:
		return parseTwoPaths(cmd, argv, "l")
	case cmdCopy, cmdSymlink:
		return parseTwoPaths(cmd, argv, "")
	case cmdRm, cmdMkdir, cmdRmdir, cmdLmkdir, cmdChdir, cmdLchdir:
		return parseOnePath(cmd, argv)
	case cmdDf:
		return parseDf(cmd, argv)
	case cmdLs:
		return parseLs(cmd, argv)
	case cmdLls:
		// sftp skips only the name: the blanks after it go to ls too.
		cmd.rest = cp[min(len(cmd.name), len(cp)):]
		return nil
	case cmdShell:
		// "!" met as a word but not first on the line (`"!" x`): sftp
		// hands the whole line, quotes and all, to the shell.
		cmd.rest = cp
		return nil
	case cmdChmod, cmdChown, cmdChgrp, cmdLumask:
		return parseNumeric(cmd, argv)
	default: // quit, pwd, lpwd, help, version, progress
		_, err := getopt(cmd, argv, "")
		return err
	}
}

func parseTransfer(cmd *command, argv []string) error {
	optind, err := getopt(cmd, argv, "afPpRr")
	if err != nil {
		return err
	}
	if len(argv)-optind < 1 {
		return lineError(fmt.Sprintf("You must specify at least one path after a %s command.", cmd.name))
	}
	// The source is a glob pattern; the destination is not.
	cmd.path1, cmd.hasPath1 = argv[optind], true
	if len(argv)-optind > 1 {
		cmd.path2 = undoGlobEscape(argv[optind+1])
	}
	return nil
}

func parseTwoPaths(cmd *command, argv []string, opts string) error {
	optind, err := getopt(cmd, argv, opts)
	if err != nil {
		return err
	}
	if len(argv)-optind < 2 {
		return lineError(fmt.Sprintf("You must specify two paths after a %s command.", cmd.name))
	}
	cmd.path1, cmd.hasPath1 = undoGlobEscape(argv[optind]), true
	cmd.path2 = undoGlobEscape(argv[optind+1])
	return nil
}

// parseOnePath is rm, mkdir, rmdir and lmkdir, whose path is mandatory,
// and cd and lcd, whose path is not. Only rm globs.
func parseOnePath(cmd *command, argv []string) error {
	optind, err := getopt(cmd, argv, "")
	if err != nil {
		return err
	}
	if len(argv)-optind < 1 {
		if cmd.id == cmdChdir || cmd.id == cmdLchdir {
			return nil
		}
		return lineError(fmt.Sprintf("You must specify a path after a %s command.", cmd.name))
	}
	cmd.path1, cmd.hasPath1 = argv[optind], true
	if cmd.id != cmdRm {
		cmd.path1 = undoGlobEscape(cmd.path1)
	}
	return nil
}

func parseDf(cmd *command, argv []string) error {
	optind, err := getopt(cmd, argv, "hi")
	if err != nil {
		return err
	}
	if len(argv)-optind > 0 {
		cmd.path1, cmd.hasPath1 = undoGlobEscape(argv[optind]), true
	}
	return nil
}

func parseLs(cmd *command, argv []string) error {
	cmd.ls = lsNameSort
	optind, err := getopt(cmd, argv, "1Safhlnrt")
	if err != nil {
		return err
	}
	if len(argv)-optind > 0 {
		cmd.path1, cmd.hasPath1 = argv[optind], true
	}
	return nil
}

// parseNumeric is chmod, chown and chgrp (a number and a path) and lumask
// (a number). Modes are octal; ids are in C's base 0 (0x hex, 0 octal).
func parseNumeric(cmd *command, argv []string) error {
	optind, err := getopt(cmd, argv, "h")
	if err != nil {
		return err
	}
	base := 0
	if cmd.id == cmdChmod || cmd.id == cmdLumask {
		base = 8
	}
	var ok bool
	if len(argv)-optind >= 1 {
		cmd.num, ok = parseUint32(argv[optind], base)
	}
	if !ok {
		return lineError(fmt.Sprintf("You must supply a numeric argument to the %s command.", cmd.name))
	}
	if cmd.id == cmdLumask {
		return nil
	}
	if len(argv)-optind < 2 {
		return lineError(fmt.Sprintf("You must specify a path after a %s command.", cmd.name))
	}
	cmd.path1, cmd.hasPath1 = argv[optind+1], true
	return nil
}

// parseUint32 accepts what sftp's strtoll check does: optional leading
// white space and sign, at least one digit, nothing after the digits, and a
// value from 0 to 2^32-1 ("-0" included). Base 0 is C's: "0x" is hex, a
// leading "0" octal, anything else decimal.
func parseUint32(s string, base int) (uint32, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		base = 10
		if strings.HasPrefix(s[i:], "0") {
			base = 8
			if len(s) > i+2 && (s[i+1] == 'x' || s[i+1] == 'X') && digitValue(s[i+2]) < 16 {
				base = 16
				i += 2
			}
		}
	}
	start := i
	var v uint64
	for ; i < len(s) && digitValue(s[i]) < base; i++ {
		// Anything past 2^32 is an error; stop growing so v cannot wrap.
		if v <= math.MaxUint32 {
			v = v*uint64(base) + uint64(digitValue(s[i]))
		}
	}
	if i == start || i != len(s) || v > math.MaxUint32 || (neg && v != 0) {
		return 0, false
	}
	return uint32(v), true
}

// digitValue is c's value as a digit in bases up to 16, or 16 if none.
func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 16
}

// getopt reads the flags of argv as the BSD getopt that sftp is built with:
// flags stop at the first word that is not one (no reordering), "--" ends
// them, and a lone "-" is a word. It sets cmd's fields for each flag in
// opts and returns the index of the first word after the flags.
func getopt(cmd *command, argv []string, opts string) (int, error) {
	optind := 1
	for ; optind < len(argv); optind++ {
		w := argv[optind]
		if len(w) < 2 || w[0] != '-' {
			return optind, nil
		}
		if w == "--" {
			return optind + 1, nil
		}
		for i := 1; i < len(w); i++ {
			c := w[i]
			if c == '-' && i == len(w)-1 {
				// A "-" ending a cluster ("-a-") makes the whole word
				// the first argument.
				return optind, nil
			}
			if c == ':' || c == '-' || strings.IndexByte(opts, c) < 0 {
				return optind, flagError(cmd, c)
			}
			setFlag(cmd, c)
		}
	}
	return optind, nil
}

func flagError(cmd *command, c byte) error {
	name := cmd.name
	if cmd.id == cmdLs {
		name = "ls" // dir's errors say ls too
	}
	return lineError(name + ": Invalid flag -" + string([]byte{c}))
}

// setFlag records flag c, which getopt has checked is valid for cmd.
func setFlag(cmd *command, c byte) {
	if cmd.id == cmdLs {
		setLsFlag(&cmd.ls, c)
		return
	}
	switch c {
	case 'a':
		cmd.resume = true
	case 'f':
		cmd.fsync = true
	case 'p', 'P':
		cmd.preserve = true
	case 'r', 'R':
		cmd.recursive = true
	case 'h':
		cmd.human = true
	case 'i':
		cmd.inodes = true
	case 's':
		cmd.symbolic = true
	case 'l':
		cmd.legacy = true
	}
}

// setLsFlag applies one ls flag: the view flags replace each other, and so
// do the sort flags (-f leaves no sort at all).
func setLsFlag(f *lsFlags, c byte) {
	switch c {
	case '1':
		*f = *f&^lsViewFlags | lsShort
	case 'S':
		*f = *f&^lsSortFlags | lsSizeSort
	case 'a':
		*f |= lsAll
	case 'f':
		*f &^= lsSortFlags
	case 'h':
		*f |= lsSI
	case 'l':
		*f = *f&^lsShort | lsLong
	case 'n':
		*f = *f&^lsShort | lsNumeric | lsLong
	case 'r':
		*f |= lsReverse
	case 't':
		*f = *f&^lsSortFlags | lsTimeSort
	}
}
