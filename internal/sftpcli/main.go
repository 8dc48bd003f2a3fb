// Package sftpcli is the sftp command: OpenSSH 9.2's sftp(1) over the SFTP
// client of package scp/sftp, sharing getopt, the dialer, the progress
// meter and every ssh option with the scp command.
package sftpcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/goscp/goscp/internal/bwlimit"
	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/dialer"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/scp/sftp"
)

// Main runs sftp with argv (argv[0] is the name it was called by) and
// returns the exit status: 0, 1 after a failed batch or fetch, 255 when the
// connection failed or broke.
func Main(argv []string, stdin *os.File, stdout, stderr *os.File) int {
	o, err := parseOptions(argv[1:], stdin)
	var ee *exitError
	if errors.As(err, &ee) {
		io.WriteString(stderr, ee.message)
		return ee.code
	}
	var d destination
	if !o.DirectSet {
		var ok bool
		if d, ok = parseDestination(o.Operands[0]); !ok {
			if d.host == "" && !strings.HasPrefix(o.Operands[0], "sftp://") {
				io.WriteString(stderr, "Missing hostname\n")
			}
			io.WriteString(stderr, usage)
			return 1
		}
		if o.Port > 0 {
			d.port = o.Port
		}
	}
	interactive := !o.Batch && term.IsTerminal(int(stdin.Fd()))
	// ^C ends sftp until the session reads its first line (connecting,
	// logging in, finding the start directory), as OpenSSH's killchild.
	ints := newInterrupts(stderr, true)
	defer ints.stop()
	s, closeFn, code := open(context.Background(), o, d, stdout, stderr)
	if s == nil {
		return code
	}
	defer closeFn()
	s.interrupts = ints
	return s.run(o, d, stdin, interactive)
}

// open connects and starts the session, or returns the exit status.
func open(ctx context.Context, o *Options, d destination, stdout, stderr *os.File) (*session, func(), int) {
	dial := dialer.New(dialer.Settings{
		SSHArgs:    o.SSHArgs,
		ConfigFile: o.ConfigFile,
		Identities: o.Identities,
		Cipher:     o.Cipher,
		Batch:      o.Batch,
		Stderr:     stderr,
		Log:        func(msg string) { logSSH(stderr, msg) },
	})
	srv, err := connect(ctx, o, d, stderr, dial)
	var ee *exitError
	if errors.As(err, &ee) {
		io.WriteString(stderr, ee.message)
		dial.Close()
		return nil, nil, ee.code
	}
	if err != nil {
		logSSH(stderr, err.Error())
		io.WriteString(stderr, "Connection closed\r\n")
		dial.Close()
		return nil, nil, 255
	}
	r, w := bwlimit.Split(srv.r, srv.w, o.LimitKbps)
	client, err := sftp.NewClient(ctx, r, w, &sftp.Options{BufferSize: o.BufferSize, Requests: o.Requests})
	closeAll := func() {
		if client != nil {
			client.Close()
		}
		srv.close()
		dial.Close()
	}
	if err != nil {
		if !errors.Is(err, sftp.ErrConnLost) {
			io.WriteString(stderr, cmdline.Log(err.Error()))
		}
		io.WriteString(stderr, "Connection closed\r\n")
		closeAll()
		return nil, nil, 255
	}
	s := &session{
		ctx:       ctx,
		client:    client,
		stdout:    stdout,
		stderr:    stderr,
		quiet:     o.Quiet,
		logQuiet:  o.LogQuiet,
		meter:     progress.New(stdout, false),
		showMeter: !o.Quiet && term.IsTerminal(int(stderr.Fd())),
	}
	s.global.resume, s.global.fsync, s.global.preserve, s.global.recursive = o.Resume, o.Fsync, o.Preserve, o.Recursive
	if !o.Quiet {
		if o.DirectSet {
			fmt.Fprintf(stderr, "Attached to %s.\n", o.Direct)
		} else {
			fmt.Fprintf(stderr, "Connected to %s.\n", d.host)
		}
	}
	return s, closeAll, 0
}

// logSSH writes a message of the SSH layer the way ssh's log writes it,
// each line ending in CR LF.
func logSSH(stderr io.Writer, msg string) {
	if msg == "" {
		return // ssh -q
	}
	msg = termsafe.String(strings.TrimSuffix(msg, "\n"))
	io.WriteString(stderr, strings.ReplaceAll(msg, "\n", "\r\n")+"\r\n")
}
