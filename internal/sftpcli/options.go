package sftpcli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/strerror"
)

// optString is sftp 9.2's getopt(3) option string.
const optString = "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:X:"

// usage is sftp 9.2's usage text, printed on stderr with exit status 1.
const usage = "usage: sftp [-46AaCfNpqrv] [-B buffer_size] [-b batchfile] [-c cipher]\n" +
	"          [-D sftp_server_command] [-F ssh_config] [-i identity_file]\n" +
	"          [-J destination] [-l limit] [-o ssh_option] [-P port]\n" +
	"          [-R num_requests] [-S program] [-s subsystem | sftp_server]\n" +
	"          [-X sftp_option] destination\n"

// Options is sftp's parsed command line.
type Options struct {
	// SSHArgs are the ssh arguments sftp forwards, in command-line order:
	// "-4" "-6" "-A" "-C", "-c" X, "-F" X, "-i" X, "-J" X, "-o" X, "-q",
	// up to three "-v", and "-obatchmode yes" for -b.
	SSHArgs    []string
	ConfigFile string   // -F
	Identities []string // -i
	Cipher     string   // -c
	Port       int      // -P; 0 when not given
	Verbose    int      // count of -v

	Quiet    bool      // -q, or -b without -N: no meter, no "Connected to", no "Fetching"
	LogQuiet bool      // -q: no informational log lines either ("Retrieving", "not a regular file")
	Batch    bool      // -b: an error not ignored ends the session
	Input    io.Reader // the commands: stdin, or -b's file (nil: stdin)
	// Resume, Fsync, Preserve and Recursive apply to every get and put
	// (-a -f -p -r).
	Resume, Fsync, Preserve, Recursive bool

	BufferSize int   // -B or -X buffer=; 0: the server's limits or 32768
	Requests   int   // -R or -X nrequests=; 0: 64
	LimitKbps  int64 // -l, in Kbit/s; 0: none

	Subsystem string // -s: a subsystem name, or a server path (with '/') run as a command
	Program   string // -S: the ssh program
	Direct    string // -D: a local sftp server command line, instead of ssh
	DirectSet bool   // -D was given, even as ""

	Operands []string
}

// exitError ends sftp before the session: Message goes to stderr as is.
type exitError struct {
	code    int
	message string
}

func (e *exitError) Error() string { return strings.TrimRight(e.message, "\r\n") }

// fatal is a message for sftp's fatal(): a log line, exit 255.
func fatal(msg string) error { return &exitError{code: 255, message: cmdline.Log(msg)} }

// errUsage asks for the usage text alone, exit 1.
var errUsage = &exitError{code: 1, message: usage}

// parseOptions parses sftp's arguments (argv[1:]) as sftp 9.2 does: the first
// bad option decides the error, and -b opens its file on the spot. Errors
// are *exitError.
func parseOptions(args []string, stdin io.Reader) (*Options, error) {
	o := &Options{}
	noisy := false
	operands, err := cmdline.Getopt(optString, args, func(letter byte, arg string) error {
		if letter == 'N' {
			noisy = true
			return nil
		}
		return o.set(letter, arg, stdin)
	})
	var getoptErr cmdline.Error
	if errors.As(err, &getoptErr) {
		return nil, &exitError{code: 1, message: cmdline.Log(string(getoptErr)) + usage}
	}
	if err != nil {
		return nil, err
	}
	if noisy {
		o.Quiet = false
	}
	// The destination (and an optional local name) unless -D replaces ssh.
	if !o.DirectSet && (len(operands) == 0 || len(operands) > 2) {
		return nil, errUsage
	}
	o.Operands = operands
	return o, nil
}

// set applies one option.
func (o *Options) set(letter byte, arg string, stdin io.Reader) error {
	switch letter {
	case 'A', '4', '6', 'C':
		o.SSHArgs = append(o.SSHArgs, "-"+string(letter))
	case 'F', 'J', 'c', 'i', 'o':
		o.setSSHValue(letter, arg)
	case 'q':
		o.Quiet, o.LogQuiet = true, true
		o.SSHArgs = append(o.SSHArgs, "-q")
	case 'v':
		if o.Verbose < 3 {
			o.SSHArgs = append(o.SSHArgs, "-v")
		}
		o.Verbose++
	case '1':
		return fatal("SSH protocol v.1 is no longer supported")
	case '2':
	case 'a':
		o.Resume = true
	case 'f':
		o.Fsync = true
	case 'p':
		o.Preserve = true
	case 'r':
		o.Recursive = true
	case 'b':
		return o.setBatch(arg, stdin)
	case 'D':
		o.Direct, o.DirectSet = arg, true
	case 's':
		o.Subsystem = arg
	case 'S':
		o.Program = arg
	default:
		return o.setNumber(letter, arg)
	}
	return nil
}

// setSSHValue records an option that sftp hands to ssh as two words.
func (o *Options) setSSHValue(letter byte, arg string) {
	o.SSHArgs = append(o.SSHArgs, "-"+string(letter), arg)
	switch letter {
	case 'c':
		o.Cipher = arg
	case 'F':
		o.ConfigFile = arg
	case 'i':
		o.Identities = append(o.Identities, arg)
	}
}

// setBatch takes the batch file ("-" is stdin), opened now as sftp does.
func (o *Options) setBatch(name string, stdin io.Reader) error {
	if o.Batch {
		return fatal("Batch file already specified.")
	}
	o.Input = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fatal(fmt.Sprintf("%s (%s).", strerror.Text(err), name))
		}
		o.Input = f
	}
	o.Quiet, o.Batch = true, true
	o.SSHArgs = append(o.SSHArgs, "-obatchmode yes")
	return nil
}

// setNumber applies the options with a numeric argument: -P -B -R -l -X,
// and rejects the rest ('h' and unknown letters) with the usage text.
func (o *Options) setNumber(letter byte, arg string) error {
	switch letter {
	case 'P':
		port := cmdline.A2port(arg)
		if port <= 0 {
			return fatal(fmt.Sprintf("Bad port \"%s\"\n", arg))
		}
		o.Port = port
	case 'B':
		n, ok := strtolWhole(arg)
		if !ok {
			return fatal(fmt.Sprintf("Invalid buffer size \"%s\"", arg))
		}
		o.BufferSize = n
	case 'R':
		n, ok := strtolWhole(arg)
		if !ok {
			return fatal(fmt.Sprintf("Invalid number of requests \"%s\"", arg))
		}
		o.Requests = n
	case 'l':
		v, errstr := cmdline.Strtonum(arg, 1, 100*1024*1024)
		if errstr != "" {
			return errUsage
		}
		o.LimitKbps = v
	case 'X':
		return o.setSFTPOpt(arg)
	default:
		return errUsage
	}
	return nil
}

// strtolWhole reads a whole decimal number as sftp reads -B and -R: a
// non-zero strtol with nothing after it. A negative one, which sftp would
// take as a huge size, and one above 2^31-1 are refused as well: buffers
// and requests in flight stay bounded.
func strtolWhole(s string) (int, bool) {
	v, n, overflow := cmdline.Strtoll(s)
	if n == 0 || n != len(s) || v <= 0 || overflow || v > 1<<31-1 {
		return 0, false
	}
	return int(v), true
}

// setSFTPOpt takes -X buffer=N or -X nrequests=N, as sftp 9.2 does.
func (o *Options) setSFTPOpt(arg string) error {
	buffer, requests, msg := cmdline.TransferOption(arg)
	switch {
	case msg != "":
		return fatal(msg)
	case buffer > 0:
		o.BufferSize = buffer
	default:
		o.Requests = requests
	}
	return nil
}
