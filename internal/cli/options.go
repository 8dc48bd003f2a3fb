package cli

import (
	"fmt"
	"github.com/goscp/goscp/internal/cmdline"
)

// optString is scp 9.2's getopt(3) option string.
const optString = "12346ABCTdfOpqRrstvD:F:J:M:P:S:c:i:l:o:X:"

// Options is the parsed command line.
type Options struct {
	Batch                                   bool // -B
	RemoteDirect                            bool // -R; -3 (the default) after it turns it off again
	SFTP                                    bool // -s; -O after it turns it off again
	Preserve, Quiet, Recursive, NoNameCheck bool // -p -q -r -T
	Verbose                                 int  // count of -v
	TargetDir, From, To                     bool // -d -f -t (server mode flags)

	Cipher, SFTPServer, ConfigFile string   // -c -D -F (last value)
	Identities                     []string // -i in order
	Port                           string   // -P as typed ("" if none)
	PortNum                        int      // -P as a number, 0 if none
	Program                        string   // -S
	LimitKbps                      int64    // -l in Kbit/s (1024 bit/s units); 0 = none
	SFTPOpts                       []string // -X values as typed, already validated
	Serial                         bool     // -X serial: one record at a time, as OpenSSH
	Resume, Atomic                 bool     // -X resume, -X atomic (SFTP mode only)

	// SSHArgs are the ssh arguments that scp 9.2 forwards from its own options, in
	// command-line order (ssh takes the first value of a setting): "-4" "-6" "-A" "-C",
	// "-c" X, "-F" X, "-i" X, "-J" X, "-o" X, "-oBatchmode=yes" for -B, "-v", "-q".
	SSHArgs []string

	Operands []string
}

// ParseArgs parses argv[1:] like OpenSSH 9.2 scp; argv0 prefixes messages as typed. Any error
// is an *ExitError carrying scp's exact stderr text and exit status.
func ParseArgs(argv0 string, args []string) (*Options, error) {
	o := &Options{}
	operands, err := cmdline.Getopt(optString, args, o.set)
	if err != nil {
		return nil, exitError(argv0, err)
	}
	if !o.From && !o.To && len(operands) < 2 {
		return nil, exitError(argv0, errUsage)
	}
	switch {
	case (o.Resume || o.Atomic) && !o.SFTP:
		return nil, exitError(argv0, fatalError("-X resume and -X atomic need SFTP mode (-s)"))
	case o.Resume && o.Atomic:
		// An atomic copy writes a new file: there is nothing to resume.
		return nil, exitError(argv0, fatalError("-X resume and -X atomic cannot be combined"))
	}
	o.Operands = operands
	return o, nil
}

// set applies one option as scp's getopt loop does, validating it on the spot so that the
// first bad option decides the error.
func (o *Options) set(letter byte, arg string) error {
	if takesArg, _ := cmdline.Spec(optString, letter); takesArg {
		return o.setValue(letter, arg)
	}
	if letter == '1' {
		return fatalError("SSH protocol v.1 is no longer supported")
	}
	o.setFlag(letter)
	return nil
}

// setFlag applies an option without argument ('2' is accepted and ignored;
// -4 -6 -A -C only reach ssh, through SSHArgs).
func (o *Options) setFlag(letter byte) {
	switch letter {
	case 'B':
		o.Batch = true
	case 'v':
		o.Verbose++
	case 'q':
		o.Quiet = true
	case '3', 'R':
		o.RemoteDirect = letter == 'R'
	case 'O', 's':
		o.SFTP = letter == 's'
	case 'p':
		o.Preserve = true
	case 'r':
		o.Recursive = true
	case 'T':
		o.NoNameCheck = true
	case 'd':
		o.TargetDir = true
	case 'f':
		o.From = true
	case 't':
		o.To = true
	}
	o.forwardFlag(letter)
}

// forwardFlag records the flags that scp passes on to ssh.
func (o *Options) forwardFlag(letter byte) {
	switch letter {
	case '4', '6', 'A', 'C', 'v', 'q':
		o.SSHArgs = append(o.SSHArgs, "-"+string([]byte{letter}))
	case 'B':
		o.SSHArgs = append(o.SSHArgs, "-oBatchmode=yes")
	}
}

// setValue applies an option that takes an argument.
func (o *Options) setValue(letter byte, arg string) error {
	switch letter {
	case 'c', 'F', 'i', 'J', 'o':
		o.setSSHValue(letter, arg)
	case 'D':
		o.SFTPServer = arg
	case 'S':
		o.Program = arg
	case 'P':
		return o.setPort(arg)
	case 'l':
		return o.setLimit(arg)
	case 'X':
		return o.setSFTPOpt(arg)
	default: // -M is in scp's option string but has no handler
		return errUsage
	}
	return nil
}

// setSSHValue records an option that scp hands to ssh as two words.
func (o *Options) setSSHValue(letter byte, arg string) {
	o.SSHArgs = append(o.SSHArgs, "-"+string([]byte{letter}), arg)
	switch letter {
	case 'c':
		o.Cipher = arg
	case 'F':
		o.ConfigFile = arg
	case 'i':
		o.Identities = append(o.Identities, arg)
	}
}

// setPort takes a number 1..65535 or a TCP service name.
func (o *Options) setPort(arg string) error {
	port := cmdline.A2port(arg)
	if port <= 0 {
		// The extra newline is OpenSSH's: its output ends "\n\r\n".
		return fatalError(fmt.Sprintf("bad port \"%s\"\n", arg))
	}
	o.Port, o.PortNum = arg, port
	return nil
}

// setLimit takes the bandwidth limit; a bad one gets the usage text without a message.
func (o *Options) setLimit(arg string) error {
	v, errstr := cmdline.Strtonum(arg, 1, 100*1024*1024)
	if errstr != "" {
		return errUsage
	}
	o.LimitKbps = v
	return nil
}

// setSFTPOpt validates an SFTP option; scp checks these even in legacy mode.
// "serial", "resume" and "atomic" are ours: a copy that waits for every
// reply, as OpenSSH's does; one that keeps what the target already holds
// of the source; one that replaces the target in one step.
func (o *Options) setSFTPOpt(arg string) error {
	switch arg {
	case "serial":
		o.Serial = true
		return nil
	case "resume":
		o.Resume = true
		return nil
	case "atomic":
		o.Atomic = true
		return nil
	}
	if _, _, msg := cmdline.TransferOption(arg); msg != "" {
		return fatalError(msg)
	}
	o.SFTPOpts = append(o.SFTPOpts, arg)
	return nil
}
