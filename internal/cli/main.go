package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/goscp/goscp/internal/dialer"
	"github.com/goscp/goscp/internal/progress"
	"github.com/goscp/goscp/internal/termsafe"
	"github.com/goscp/goscp/scp"
)

// Main runs scp with argv (argv[0] is the name it was called by) and returns
// the exit status: 0 when everything was copied, 1 when anything failed,
// 255 where OpenSSH's scp exits 255.
func Main(argv []string, stdin io.Reader, stdout, stderr *os.File) int {
	argv0 := "scp"
	if len(argv) > 0 {
		argv0, argv = argv[0], argv[1:]
	}
	opts, err := ParseArgs(argv0, argv)
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			io.WriteString(stderr, ee.Message)
			return ee.Code
		}
		fmt.Fprintln(stderr, err)
		return 1
	}
	// ^C, SIGTERM and SIGHUP end the copy and exit 1, as in OpenSSH. After
	// the first, the default action is back, so a second ^C always works.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	context.AfterFunc(ctx, stop)
	if opts.From || opts.To {
		return serve(ctx, argv0, opts, stdin, stdout, stderr)
	}
	r := &run{
		argv0:  argv0,
		stdout: stdout,
		ctx:    ctx,
		opts:   opts,
		stderr: stderr,
		meter:  progress.New(stdout, opts.Quiet),
	}
	r.dialer = dialer.New(dialer.Settings{
		SSHArgs:    opts.SSHArgs,
		ConfigFile: opts.ConfigFile,
		Identities: opts.Identities,
		Cipher:     opts.Cipher,
		Batch:      opts.Batch,
		Stderr:     stderr,
		Log:        r.printSSH,
	})
	return r.main()
}

// serve is the remote role: `scp -t TARGET` or `scp -f PATH...` on stdin
// and stdout, started by a client over SSH.
func serve(ctx context.Context, argv0 string, opts *Options, stdin io.Reader, stdout, stderr io.Writer) int {
	role := scp.RoleSink
	if opts.From {
		role = scp.RoleSource
	}
	engine := scp.Options{Recursive: opts.Recursive, Preserve: opts.Preserve, TargetIsDir: opts.TargetDir}
	if opts.Verbose > 0 {
		engine.Debug = func(msg string) {
			if strings.HasPrefix(msg, "debug1: ") {
				// A log line, printed as OpenSSH prints its own.
				fmt.Fprintf(stderr, "%s: %s\r\n", termsafe.String(argv0), msg)
				return
			}
			fmt.Fprintln(stderr, termsafe.String(msg))
		}
	}
	if err := scp.Serve(ctx, stdin, stdout, scp.OS{}, role, opts.Operands, engine); err != nil {
		return 1
	}
	return 0
}
