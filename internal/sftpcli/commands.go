package sftpcli

import (
	"errors"
	"fmt"
	"github.com/goscp/goscp/internal/sftpxfer"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/scp/sftp"
)

// dispatch runs one parsed command. A non-nil error means the command failed
// (its message is printed); errQuit ends the session normally.
func (s *session) dispatch(cmd *command) error {
	switch cmd.id {
	case cmdNone:
		return nil
	case cmdQuit:
		return errQuit
	case cmdGet, cmdReget:
		return s.get(cmd)
	case cmdPut, cmdReput:
		return s.put(cmd)
	case cmdLs:
		return s.ls(cmd)
	case cmdDf:
		return s.df(cmd)
	case cmdChdir:
		return s.chdir(cmd)
	case cmdLchdir:
		return s.lchdir(cmd)
	case cmdRm:
		return s.rm(cmd)
	case cmdChmod, cmdChown, cmdChgrp:
		return s.chattr(cmd)
	}
	return s.dispatchSimple(cmd)
}

// errQuit is bye, exit and quit.
var errQuit = errors.New("quit")

// dispatchSimple runs the commands that take at most two plain paths.
func (s *session) dispatchSimple(cmd *command) error {
	switch cmd.id {
	case cmdCopy:
		return s.copyFile(s.abs(cmd.path1), s.abs(cmd.path2))
	case cmdRename:
		return s.rename(s.abs(cmd.path1), s.abs(cmd.path2), cmd.legacy)
	case cmdSymlink, cmdLink:
		return s.link(cmd)
	case cmdMkdir:
		p := s.abs(cmd.path1)
		return s.check(s.client.Mkdir(s.ctx, p, 0o777), "remote mkdir \"%s\"", p)
	case cmdRmdir:
		p := s.abs(cmd.path1)
		return s.check(s.client.Rmdir(s.ctx, p), "remote rmdir \"%s\"", p)
	case cmdLmkdir:
		return s.lmkdir(cmd.path1)
	case cmdLls:
		s.shell("ls " + cmd.rest)
	case cmdShell:
		s.shell(cmd.rest)
	case cmdLumask:
		setUmask(cmd.num)
		fmt.Fprintf(s.stdout, "Local umask: %03o\n", cmd.num)
	case cmdPwd:
		s.printf("Remote working directory: %s\n", s.pwd)
	case cmdLpwd:
		return s.lpwd()
	case cmdHelp:
		fmt.Fprint(s.stdout, helpText)
	case cmdVersion:
		fmt.Fprintf(s.stdout, "SFTP protocol version %d\n", sftpVersion)
	case cmdProgress:
		s.showMeter = !s.showMeter
		if s.showMeter {
			fmt.Fprintln(s.stdout, "Progress meter enabled")
		} else {
			fmt.Fprintln(s.stdout, "Progress meter disabled")
		}
	}
	return nil
}

// sftpVersion is the protocol version the client speaks (and requires).
const sftpVersion = 3

// abs makes a remote path absolute against the working directory.
func (s *session) abs(p string) string { return makeAbsolute(p, s.pwd) }

// check reports err, if any, as "CONTEXT: REASON".
func (s *session) check(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return s.report(err, format, args...)
}

// chdir is cd: to the start directory without an argument, else to a
// directory that realpath and stat confirm.
func (s *session) chdir(cmd *command) error {
	p := cmd.path1
	if p == "" {
		p = s.startDir
	}
	p = s.abs(p)
	dir, err := s.client.Realpath(s.ctx, p)
	if err != nil {
		return s.report(err, "realpath %s", p)
	}
	fi, err := s.client.Stat(s.ctx, dir)
	if err != nil {
		return s.report(err, "stat remote")
	}
	switch {
	case fi.Attrs.Flags&sftp.AttrPermissions == 0:
		s.errorf("Can't change directory: Can't check target")
		return errReported
	case !fi.IsDir():
		s.errorf("Can't change directory: \"%s\" is not a directory", dir)
		return errReported
	}
	s.pwd = dir
	return nil
}

// lchdir is lcd: "~" and "~user" expanded, the home directory without an
// argument.
func (s *session) lchdir(cmd *command) error {
	p := cmd.path1
	if p == "" {
		p = "~"
	}
	p = tildeExpand(p)
	if err := os.Chdir(p); err != nil {
		s.errorf("Couldn't change local directory to \"%s\": %s", p, strerror.Text(err))
		return errReported
	}
	return nil
}

// tildeExpand expands a leading "~" or "~user" from the password database,
// as OpenSSH's tilde_expand_filename does; an unknown user is left as is,
// so lcd reports that it cannot go there (sftp 9.2 ends the session).
func tildeExpand(p string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	name, rest, _ := strings.Cut(p[1:], "/")
	var u *user.User
	var err error
	if name == "" {
		u, err = user.LookupId(fmt.Sprint(os.Getuid()))
	} else {
		u, err = user.Lookup(name)
	}
	if err != nil {
		return p
	}
	return filepath.Join(u.HomeDir, rest)
}

func (s *session) lmkdir(p string) error {
	if err := os.Mkdir(p, 0o777); err != nil {
		s.errorf("Couldn't create local directory \"%s\": %s", p, strerror.Text(err))
		return errReported
	}
	return nil
}

func (s *session) lpwd() error {
	wd, err := os.Getwd()
	if err != nil {
		s.errorf("Couldn't get local cwd: %s", strerror.Text(err))
		return errReported
	}
	s.printf("Local working directory: %s\n", wd)
	return nil
}

// shell runs a line with $SHELL -c (or an interactive $SHELL for an empty
// line) on our terminal. Its failure is reported but is not the command's:
// it never ends a batch.
func (s *session) shell(line string) {
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/sh"
	}
	c := exec.Command(sh)
	if line != "" {
		c.Args = append(c.Args, "-c", line)
	}
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, s.stdout, s.stderr
	err := c.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Exited():
		s.errorf("Shell exited with status %d", exit.ExitCode())
	case errors.As(err, &exit):
		s.errorf("Shell exited abnormally")
	case err != nil:
		fmt.Fprintf(s.stderr, "Couldn't execute \"%s\": %s\n", sh, strerror.Text(err))
	}
}

// rm removes every match of a pattern, printing each name first.
func (s *session) rm(cmd *command) error {
	return s.eachMatch(cmd.path1, func(p string) error {
		if !s.quiet {
			s.printf("Removing %s\n", p)
		}
		return s.check(s.client.Remove(s.ctx, p), "remote delete %s", p)
	})
}

// eachMatch runs fn on every match of a remote pattern (the pattern itself
// when nothing matches), relative to the working directory. As in sftp, the
// result is that of the last match tried, and in a batch the first failure
// stops the loop.
func (s *session) eachMatch(pattern string, fn func(path string) error) error {
	// The pattern is never absent here: "" (given as such) means the
	// working directory with a "/" after it, as in sftp.
	matches, err := s.remoteGlob(makeAbsolute(pattern, escapeGlob(s.pwd)), globNoCheck)
	if sftpxfer.ConnLost(err) {
		return err
	}
	for _, m := range matches {
		if s.ctx.Err() != nil {
			break
		}
		if err = fn(m.path); err != nil && (s.errAbort || sftpxfer.ConnLost(err)) {
			break
		}
	}
	return err
}

// chattr is chmod, chown and chgrp over the matches of a pattern; -h acts
// on symlinks themselves.
func (s *session) chattr(cmd *command) error {
	return s.eachMatch(cmd.path1, func(p string) error {
		var a sftp.Attributes
		if cmd.id == cmdChmod {
			if !s.quiet {
				s.printf("Changing mode on %s\n", p)
			}
			a = sftp.Attributes{Flags: sftp.AttrPermissions, Mode: cmd.num}
		} else {
			cur, err := s.ownership(p, cmd.human)
			if err != nil {
				return err
			}
			a = cur
			if cmd.id == cmdChown {
				s.noteChange("owner", p)
				a.UID = cmd.num
			} else {
				s.noteChange("group", p)
				a.GID = cmd.num
			}
		}
		return s.setstat(p, &a, cmd.human)
	})
}

func (s *session) noteChange(what, p string) {
	if !s.quiet {
		s.printf("Changing %s on %s\n", what, p)
	}
}

// ownership returns the owner and group of p, to change one of them.
func (s *session) ownership(p string, noFollow bool) (sftp.Attributes, error) {
	stat := s.client.Stat
	if noFollow {
		stat = s.client.Lstat
	}
	fi, err := stat(s.ctx, p)
	if err != nil {
		return sftp.Attributes{}, s.report(err, "stat remote")
	}
	if fi.Attrs.Flags&sftp.AttrUIDGID == 0 {
		s.errorf("Can't get current ownership of remote file \"%s\"", p)
		return sftp.Attributes{}, errReported
	}
	return sftp.Attributes{Flags: sftp.AttrUIDGID, UID: fi.Attrs.UID, GID: fi.Attrs.GID}, nil
}

func (s *session) setstat(p string, a *sftp.Attributes, noFollow bool) error {
	if !noFollow {
		return s.check(s.client.Setstat(s.ctx, p, a), "remote setstat \"%s\"", p)
	}
	if !s.client.HasExtension("lsetstat@openssh.com") {
		s.errorf("Server does not support lsetstat@openssh.com extension")
		return errReported
	}
	return s.check(s.client.Lsetstat(s.ctx, p, a), "remote lsetstat \"%s\"", p)
}

// rename uses posix-rename when the server has it, unless -l asks for the
// protocol's own rename.
func (s *session) rename(from, to string, legacy bool) error {
	var err error
	if !legacy && s.client.HasExtension("posix-rename@openssh.com") {
		err = s.client.PosixRename(s.ctx, from, to)
	} else {
		err = s.client.Rename(s.ctx, from, to)
	}
	return s.check(err, "remote rename \"%s\" to \"%s\"", from, to)
}

// link is ln, ln -s and symlink. A symlink's target is kept as typed.
func (s *session) link(cmd *command) error {
	target, name := cmd.path1, s.abs(cmd.path2)
	if cmd.id == cmdSymlink || cmd.symbolic {
		return s.check(s.client.Symlink(s.ctx, target, name), "remote symlink file \"%s\" to \"%s\"", target, name)
	}
	target = s.abs(target)
	if !s.client.HasExtension("hardlink@openssh.com") {
		s.errorf("Server does not support hardlink@openssh.com extension")
		return errReported
	}
	return s.check(s.client.Link(s.ctx, target, name), "remote link \"%s\" to \"%s\"", target, name)
}

// copyFile is copy/cp: the server copies a regular file (copy-data),
// keeping its permission bits but not setuid or setgid.
func (s *session) copyFile(from, to string) error {
	if !s.client.HasExtension("copy-data") {
		s.errorf("Server does not support copy-data extension")
		return errReported
	}
	fi, err := s.client.Stat(s.ctx, from)
	if err != nil {
		return s.report(err, "stat remote")
	}
	perm := fs.FileMode(0o666)
	if fi.Attrs.Flags&sftp.AttrPermissions != 0 {
		if !fi.Mode().IsRegular() {
			s.errorf("Cannot copy non-regular file: %s", from)
			return errReported
		}
		perm = fs.FileMode(fi.Attrs.Mode & 0o777)
	}
	src, err := s.client.Open(s.ctx, from)
	if err != nil {
		return s.report(err, "remote open(\"%s\")", from)
	}
	defer src.Close(s.ctx)
	dst, err := s.client.OpenFile(s.ctx, to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return s.report(err, "remote open(\"%s\")", to)
	}
	defer dst.Close(s.ctx)
	return s.check(s.client.CopyData(s.ctx, src, 0, 0, dst, 0), "Couldn't copy file \"%s\" to \"%s\"", from, to)
}
