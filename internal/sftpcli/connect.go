package sftpcli

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/dialer"
	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/strerror"
	"github.com/goscp/goscp/internal/transport"
)

// server is the far end of a session: the SFTP server's output and input,
// and a way to stop it.
type server struct {
	r     io.Reader
	w     io.WriteCloser
	close func()
}

// destination is where the session goes: host, user and port, and the
// optional remote path (a directory to start in, or a file to fetch).
type destination struct {
	host, user string
	port       int
	path       string
	hasPath    bool
}

// parseDestination reads sftp's destination as sftp 9.2 does: an sftp://
// URI, else [user@]host:[path], else [user@]host. ok is false for a bad
// URI or an empty host (usage).
func parseDestination(arg string) (d destination, ok bool) {
	if rest, isURI := strings.CutPrefix(arg, "sftp://"); isURI {
		user, host, port, path, ok := sshconfig.ParseURI(rest)
		if !ok {
			return d, false
		}
		d = destination{host: host, user: user, path: path, hasPath: path != ""}
		if port > 0 {
			d.port = port
		}
		if d.hasPath {
			if d.path, ok = sshconfig.URLDecode(path); !ok {
				return d, false
			}
		}
		return d, true
	}
	if user, host, path, ok := cmdline.SplitRemote(arg); ok {
		if path == "" {
			path = "."
		}
		return destination{host: host, user: user, path: path, hasPath: true}, host != ""
	}
	d.host = arg
	if at := strings.LastIndexByte(arg, '@'); at >= 0 {
		d.user, d.host = arg[:at], arg[at+1:]
	}
	d.host = cmdline.CleanHostname(d.host)
	return d, d.host != ""
}

// connect starts the SFTP server: a local program (-D), an ssh program
// (-S), or the subsystem (or, with -s PATH, the command) over our own SSH
// connection. label is what "Connected to"/"Attached to" names.
func connect(ctx context.Context, o *Options, d destination, stderr io.Writer, dial *dialer.Dialer) (*server, error) {
	if o.DirectSet {
		return startLocal(o.Direct, stderr)
	}
	name, subsystem := "sftp", true
	if o.Subsystem != "" {
		name, subsystem = o.Subsystem, !strings.Contains(o.Subsystem, "/")
	}
	if o.Program != "" {
		return startProgram(ctx, o, d, name, subsystem, stderr)
	}
	client, err := dial.Client(ctx, d.host, d.user, d.port)
	if err != nil {
		return nil, err
	}
	start := client.Start
	if subsystem {
		start = client.StartSubsystem
	}
	sess, err := start(name)
	if err != nil {
		return nil, err
	}
	return &server{r: sess.Stdout, w: sess.Stdin, close: func() { sess.Close() }}, nil
}

// startProgram runs the ssh program as sftp runs ssh.
func startProgram(ctx context.Context, o *Options, d destination, name string, subsystem bool, stderr io.Writer) (*server, error) {
	args := []string{"-oForwardX11 no", "-oPermitLocalCommand no", "-oClearAllForwardings yes"}
	args = append(args, o.SSHArgs...)
	args = append(args, "-oForwardAgent no")
	if d.port > 0 {
		args = append(args, "-oPort "+strconv.Itoa(d.port))
	}
	if d.user != "" {
		args = append(args, "-l", d.user)
	}
	if subsystem {
		args = append(args, "-s")
	}
	args = append(args, "--", d.host)
	sess, err := transport.StartProgram(ctx, o.Program, args, name, stderr)
	if err != nil {
		return nil, err
	}
	return &server{r: sess.Stdout, w: sess.Stdin, close: func() { sess.Close(); sess.Wait() }}, nil
}

// startLocal runs -D's command line (split as ssh splits arguments) as the
// server, its stderr on ours.
func startLocal(line string, stderr io.Writer) (*server, error) {
	argv, ok := sshconfig.SplitArgs(line)
	if !ok {
		return nil, fatal("Parse -D arguments: invalid format")
	}
	if len(argv) == 0 {
		return nil, fatal("No sftp server specified via -D")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		// What sftp's child prints when its exec fails; then the session
		// finds the connection closed.
		fmt.Fprintf(stderr, "exec: %s: %s\n", argv[0], strerror.Text(err))
		return &server{r: strings.NewReader(""), w: nopCloser{io.Discard}, close: func() {}}, nil
	}
	return &server{r: r, w: w, close: func() { w.Close(); cmd.Wait() }}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
