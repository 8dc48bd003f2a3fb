package sftpcli

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// run is sftp's interactive_loop: it finds the start directory, then either
// fetches the destination's file, or changes to its directory and reads
// commands until EOF, quit or, in batch mode, an error not ignored.
func (s *session) run(o *Options, d destination, stdin *os.File, interactive bool) int {
	pwd, err := s.client.Realpath(s.ctx, ".")
	if err != nil {
		if errors.Is(err, sftp.ErrConnLost) {
			return s.connectionClosed()
		}
		s.report(err, "realpath .")
		s.errorf("Need cwd")
		return 255
	}
	s.pwd, s.startDir = pwd, pwd
	if d.hasPath {
		if code, done := s.start(o, d); done {
			return code
		}
	}
	if interactive {
		return s.terminal(stdin)
	}
	in := o.Input
	if in == nil {
		in = stdin
	}
	return s.loop(newPlainReader(in), o.Batch, true)
}

// terminal runs the session on a terminal: line editing, history and
// completion, no echo; what the session prints goes through the reader,
// so that it lands under a line being completed.
func (s *session) terminal(stdin *os.File) int {
	out, ok := s.stdout.(*os.File)
	if !ok {
		out = os.Stdout
	}
	r, restore, err := newTerminalReader(stdin, out, s.complete)
	if err != nil {
		s.errorf("%v", err)
		return 1
	}
	defer restore()
	if s.interrupts != nil {
		s.interrupts.onExit(restore)
		s.interrupts.keepSession()
	}
	s.stdout, s.stderr = r, r.errors(s.stderr)
	return s.loop(r, false, false)
}

// start handles the destination's path: a directory becomes the working
// directory ("Changing to:"); anything else is fetched, and that ends the
// session.
func (s *session) start(o *Options, d destination) (code int, done bool) {
	dir := s.abs(d.path)
	s.errAbort = true
	defer func() { s.errAbort = false }()
	if fi, err := s.client.Stat(s.ctx, dir); err == nil && fi.IsDir() && len(o.Operands) < 2 {
		if !s.quiet {
			s.printf("Changing to: %s\n", dir)
		}
		if s.exec(&command{id: cmdChdir, name: "cd", path1: dir, hasPath1: true}) != nil {
			return 1, true
		}
		return 0, false
	}
	// sftp builds a get command line from the two names, unquoted.
	line := "get"
	if s.global.resume {
		line += " -a"
	}
	line += " " + dir
	if len(o.Operands) > 1 {
		line += " " + o.Operands[1]
	}
	cmd, err := parseLine(line)
	if err != nil {
		s.errorf("%s", err)
		return 1, true
	}
	if err := s.exec(cmd); err != nil {
		if errors.Is(err, sftp.ErrConnLost) {
			return s.connectionClosed(), true
		}
		return 1, true
	}
	return 0, true
}

// loop reads and runs commands. echo prints each line as "sftp> LINE"
// first, as sftp does when its input is not a terminal.
func (s *session) loop(in lineReader, batch, echo bool) int {
	for {
		line, err := in.readLine()
		if err != nil {
			return 0
		}
		cmd, perr := parseLine(line)
		if perr != nil {
			s.errorf("%s", perr)
		}
		if echo && (cmd == nil || !cmd.noEcho) {
			s.printf("sftp> %s\n", line)
		}
		s.errAbort = batch && (cmd == nil || !cmd.ignoreErrors)
		if perr == nil {
			err = s.exec(cmd)
		} else {
			err = perr
		}
		switch {
		case errors.Is(err, errQuit):
			return 0
		case errors.Is(err, sftp.ErrConnLost):
			return s.connectionClosed()
		case err != nil && s.errAbort:
			return 1
		}
	}
}

// exec runs one command under a context that SIGINT cancels.
func (s *session) exec(cmd *command) error {
	if s.interrupts == nil {
		return s.dispatch(cmd)
	}
	ctx, done := s.interrupts.command(s.ctx)
	defer done()
	parent := s.ctx
	s.ctx = ctx
	defer func() { s.ctx = parent }()
	return s.dispatch(cmd)
}

// connectionClosed ends the session as sftp's fatal "Connection closed".
func (s *session) connectionClosed() int {
	io.WriteString(s.stderr, "Connection closed\r\n")
	return 255
}

// plainReader reads lines as sftp's fgets into a 2048-byte buffer does: a
// longer line arrives as several, and a NUL ends a line's text.
type plainReader struct {
	r *bufio.Reader
}

func newPlainReader(r io.Reader) *plainReader { return &plainReader{bufio.NewReader(r)} }

// maxLine is sftp's command buffer less its terminating NUL.
const maxLine = 2047

func (p *plainReader) readLine() (string, error) {
	var b strings.Builder
	for b.Len() < maxLine {
		c, err := p.r.ReadByte()
		if err != nil {
			if b.Len() > 0 {
				break
			}
			return "", err
		}
		if c == '\n' {
			break
		}
		b.WriteByte(c)
	}
	line, _, _ := strings.Cut(b.String(), "\x00")
	return line, nil
}
