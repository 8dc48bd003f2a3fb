package sftpcli

import (
	"errors"
	"fmt"
	"github.com/goscp/goscp/internal/sftpxfer"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/goscp/goscp/scp/sftp"
)

// ls runs ls and dir as sftp does: without a path it lists the working
// directory, otherwise cmd.path1 is a remote pattern, made absolute under
// the working directory, which is then stripped from what is shown.
// Errors are printed here; the one returned is errReported, or one wrapping
// sftp.ErrConnLost. ^C stops the listing and returns nil, as in sftp.
func (s *session) ls(cmd *command) error {
	if !cmd.hasPath1 {
		// sftp ignores this listing's failure.
		if err := s.lsDir(s.pwd, s.pwd, cmd.ls); err != nil && !errors.Is(err, errReported) {
			return s.lsFatal(err)
		}
		return nil
	}
	strip := ""
	if !pathAbsolute(cmd.path1) {
		strip = s.pwd
	}
	return s.lsFatal(s.globbedLs(makeAbsolute(cmd.path1, escapeGlob(s.pwd)), strip, cmd.ls))
}

// lsFatal passes on err unless ^C caused it.
func (s *session) lsFatal(err error) error {
	if err != nil && s.ctx.Err() != nil {
		return nil
	}
	return err
}

// globbedLs lists what pattern matches: the contents of a single
// directory, or the matches themselves.
func (s *session) globbedLs(pattern, strip string, flags lsFlags) error {
	matches, err := s.remoteGlob(pattern, globMark|globNoCheck|globBrace|globNoSort)
	if err == nil && matched(matches) == 0 {
		err = errNoMatch
	}
	if errors.Is(err, errNoMatch) {
		s.errorf("Can't ls: \"%s\" not found", pattern)
		return errReported
	}
	if err != nil || s.ctx.Err() != nil {
		return err
	}
	if matched(matches) == 1 && matches[0].info != nil && matches[0].info.IsDir() {
		return s.lsDir(matches[0].path, strip, flags)
	}

	width, colspace, columns := stdinWidth(), 0, 1
	if flags&lsShort == 0 {
		m := 0
		for _, g := range matches {
			m = max(m, len(g.path))
		}
		columns = max(width/(m+2), 1)
		colspace = width / columns
	}
	if flags&lsSortFlags != 0 {
		sortMatches(matches, flags)
	}
	var names idNames
	if flags&lsLong != 0 {
		var attrs []*sftp.Attributes
		for _, g := range matches {
			if g.info != nil {
				attrs = append(attrs, matchAttrs(g))
			}
		}
		if names, err = s.lookupNames(attrs); err != nil {
			return err
		}
	}
	c := 1
	for _, g := range matches {
		if s.ctx.Err() != nil {
			break
		}
		fname := pathStrip(g.path, strip)
		if flags&lsLong == 0 {
			c = s.printColumn(fname, colspace, columns, c)
			continue
		}
		if g.info == nil {
			s.errorf("no stat information for %s", fname)
			continue
		}
		s.printf("%s\n", lsFile(fname, matchAttrs(g), flags&lsSI != 0, names, time.Now()))
	}
	if flags&lsLong == 0 && c != 1 {
		s.printf("\n")
	}
	return nil
}

// lsDir lists the directory path, its entries shown with strip removed.
func (s *session) lsDir(path, strip string, flags lsFlags) error {
	entries, err := s.listDir(path)
	if errors.Is(err, errListFailed) {
		return errReported
	}
	if err != nil {
		return err
	}
	show := func(name string) bool { return !strings.HasPrefix(name, ".") || flags&lsAll != 0 }

	colspace, columns := 0, 1
	if flags&lsShort == 0 {
		m := 0
		for _, e := range entries {
			if show(e.Name()) {
				m = max(m, len(e.Name()))
			}
		}
		m += len(pathStrip(path, strip))
		width := stdinWidth()
		columns = max(width/(m+2), 1)
		colspace = min(width/columns, width)
	}
	if flags&lsSortFlags != 0 {
		sortEntries(entries, flags)
	}
	long := flags&lsLong != 0
	ownFormat := flags&(lsNumeric|lsSI) != 0 || s.client.HasExtension(usersGroupsByID)
	var names idNames
	if long {
		attrs := make([]*sftp.Attributes, len(entries))
		for i, e := range entries {
			attrs[i] = &e.Attrs
		}
		if names, err = s.lookupNames(attrs); err != nil {
			return err
		}
	}
	c := 1
	for _, e := range entries {
		if s.ctx.Err() != nil {
			break
		}
		if !show(e.Name()) {
			continue
		}
		fname := pathStrip(sftpxfer.PathAppend(path, e.Name()), strip)
		switch {
		case !long:
			c = s.printColumn(fname, colspace, columns, c)
		case ownFormat:
			s.printf("%s\n", lsFile(fname, &e.Attrs, flags&lsSI != 0, names, time.Now()))
		default:
			s.printf("%s\n", e.Longname)
		}
	}
	if !long && c != 1 {
		s.printf("\n")
	}
	return nil
}

// printColumn prints name in the short view, padded to colspace bytes (as
// C's printf pads, before sanitising), and ends the line after columns
// names; c counts the names on the line, from 1.
func (s *session) printColumn(name string, colspace, columns, c int) int {
	s.printf("%s", padRight(name, colspace))
	if c >= columns {
		s.printf("\n")
		return 1
	}
	return c + 1
}

// stdinWidth is the width ls fits its columns to: sftp asks the terminal
// on standard input, and assumes 80 columns without one.
func stdinWidth() int {
	if w, _, err := term.GetSize(int(os.Stdin.Fd())); err == nil {
		return w
	}
	return 80
}

// sortEntries orders a directory listing as sftp's ls does: by name, by
// modification time (newest first) or by size (largest first), reversed
// with lsReverse; equal entries keep the server's order.
func sortEntries(entries []*sftp.FileInfo, flags lsFlags) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		less := false
		switch {
		case flags&lsNameSort != 0:
			less = a.Name() < b.Name()
			if flags&lsReverse != 0 {
				less = a.Name() > b.Name()
			}
		case flags&lsTimeSort != 0:
			less = ordered(b.Attrs.Mtime, a.Attrs.Mtime, flags)
		default:
			less = ordered(b.Attrs.Size, a.Attrs.Size, flags)
		}
		return less
	})
}

// sortMatches orders glob matches as sortEntries orders entries, by their
// whole paths; a match without attributes counts as zero.
func sortMatches(matches []globMatch, flags lsFlags) {
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		switch {
		case flags&lsNameSort != 0:
			if flags&lsReverse != 0 {
				return a.path > b.path
			}
			return a.path < b.path
		case flags&lsTimeSort != 0:
			return ordered(matchAttrs(b).Mtime, matchAttrs(a).Mtime, flags)
		default:
			// st_size is signed.
			return ordered(int64(matchAttrs(b).Size), int64(matchAttrs(a).Size), flags)
		}
	})
}

// ordered reports whether x < y, or y < x with lsReverse.
func ordered[T uint32 | uint64 | int64](x, y T, flags lsFlags) bool {
	if flags&lsReverse != 0 {
		return y < x
	}
	return x < y
}

// matchAttrs returns a match's attributes; zero for the pattern that
// globNoCheck made up.
func matchAttrs(g globMatch) *sftp.Attributes {
	if g.info != nil {
		if a, ok := g.info.Sys().(*sftp.Attributes); ok {
			return a
		}
	}
	return &sftp.Attributes{}
}

const usersGroupsByID = "users-groups-by-id@openssh.com"

// idNames are the user and group names the server gave for numeric ids.
type idNames struct{ users, groups map[uint32]string }

// lookupNames asks the server for the names of the owners and groups in
// attrs, as sftp does before a long listing when the server offers
// users-groups-by-id@openssh.com. A refusal is printed; the ids then show
// as numbers.
func (s *session) lookupNames(attrs []*sftp.Attributes) (idNames, error) {
	var names idNames
	if !s.client.HasExtension(usersGroupsByID) || len(attrs) == 0 {
		return names, nil
	}
	var uids, gids []uint32
	seenU, seenG := map[uint32]bool{}, map[uint32]bool{}
	for _, a := range attrs {
		if !seenU[a.UID] {
			seenU[a.UID] = true
			uids = append(uids, a.UID)
		}
		if !seenG[a.GID] {
			seenG[a.GID] = true
			gids = append(gids, a.GID)
		}
	}
	users, groups, err := s.client.UsersGroupsByID(s.ctx, uids, gids)
	var se *sftp.StatusError
	switch {
	case errors.As(err, &se):
		msg := se.Message
		if msg == "" {
			msg = se.Error()
		}
		s.errorf("users-groups-by-id %s", msg)
		return names, nil
	case err != nil:
		return names, err
	}
	names.users, names.groups = idMap(uids, users), idMap(gids, groups)
	return names, nil
}

// idMap pairs ids with their names, leaving out the unresolved ("").
func idMap(ids []uint32, names []string) map[uint32]string {
	m := make(map[uint32]string, len(ids))
	for i, id := range ids {
		if i < len(names) && names[i] != "" {
			m[id] = names[i]
		}
	}
	return m
}

// lsFile formats a remote file as sftp's ls -l does (ls_file): the mode,
// "?" for the unknown link count, owner and group (names when known, else
// numbers, at least 8 wide), the size (scaled with si), the modification
// time in local time (the year instead of the time when it is more than
// half a year old or in the future) and name. Like sftp it cuts the line
// at 1023 bytes.
func lsFile(name string, a *sftp.Attributes, si bool, names idNames, now time.Time) string {
	user, ok := names.users[a.UID]
	if !ok {
		user = strconv.FormatUint(uint64(a.UID), 10)
	}
	group, ok := names.groups[a.GID]
	if !ok {
		group = strconv.FormatUint(uint64(a.GID), 10)
	}
	var size string
	if si {
		scaled, _ := fmtScaled(int64(a.Size))
		size = fmt.Sprintf("%8s", scaled)
	} else {
		size = fmt.Sprintf("%8d", a.Size)
	}
	line := fmt.Sprintf("%s  %3s %s %s %s %s %s", strmode(a.Mode), "?",
		padRight(user, 8), padRight(group, 8), size, lsTime(int64(a.Mtime), now), name)
	if len(line) > 1023 {
		line = line[:1023]
	}
	return line
}

// lsTime formats mtime as ls does.
func lsTime(mtime int64, now time.Time) string {
	t := time.Unix(mtime, 0)
	const halfYear = 365 * 24 * 60 * 60 / 2
	if n := now.Unix(); n-halfYear < mtime && n >= mtime {
		return t.Format("Jan _2 15:04")
	}
	return t.Format("Jan _2  2006")
}

// padRight pads s with spaces to width bytes, as C's "%-*s" does.
func padRight(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return s + strings.Repeat(" ", width-len(s))
}

// strmode renders a POSIX st_mode as ls does: the type letter and the
// nine permission letters with setuid, setgid and sticky folded in.
func strmode(mode uint32) string {
	b := make([]byte, 0, 10)
	switch mode & 0o170000 {
	case 0o040000:
		b = append(b, 'd')
	case 0o020000:
		b = append(b, 'c')
	case 0o060000:
		b = append(b, 'b')
	case 0o100000:
		b = append(b, '-')
	case 0o120000:
		b = append(b, 'l')
	case 0o140000:
		b = append(b, 's')
	case 0o010000:
		b = append(b, 'p')
	default:
		b = append(b, '?')
	}
	special := [3]uint32{0o4000, 0o2000, 0o1000}
	for i, shift := range []uint{6, 3, 0} {
		bits := mode >> shift
		b = append(b, pick(bits&4 != 0, 'r', '-'), pick(bits&2 != 0, 'w', '-'))
		x, s := bits&1 != 0, mode&special[i] != 0
		switch {
		case s && i == 2:
			b = append(b, pick(x, 't', 'T'))
		case s:
			b = append(b, pick(x, 's', 'S'))
		default:
			b = append(b, pick(x, 'x', '-'))
		}
	}
	return string(b)
}

func pick(cond bool, yes, no byte) byte {
	if cond {
		return yes
	}
	return no
}

// fmtScaled renders n as OpenBSD's fmt_scaled does: at most three digits
// and a unit of B, K, M, G, T, P or E (powers of 1024), with one decimal
// below 100 of a unit. ok is false for the one value it cannot negate.
func fmtScaled(n int64) (s string, ok bool) {
	if n == -1<<63 {
		return "", false
	}
	abs := n
	if abs < 0 {
		abs = -abs
	}
	unit, fract := 0, int64(0)
	for factor := int64(1); ; factor *= 1024 {
		if abs/1024 < factor || unit == 6 {
			if unit > 0 {
				fract = abs % factor / (factor / 1024)
			}
			n /= factor
			break
		}
		unit++
	}
	fract = (10*fract + 512) / 1024
	if fract >= 10 {
		n += sign(n)
		fract = 0
	}
	const units = "BKMGTPE"
	switch {
	case n == 0:
		return "0B", true
	case unit == 0 || n >= 100 || n <= -100:
		if fract >= 5 {
			n += sign(n)
		}
		return fmt.Sprintf("%d%c", n, units[unit]), true
	}
	return fmt.Sprintf("%d.%d%c", n, fract, units[unit]), true
}

// sign is 1 for n >= 0, else -1.
func sign(n int64) int64 {
	if n < 0 {
		return -1
	}
	return 1
}
