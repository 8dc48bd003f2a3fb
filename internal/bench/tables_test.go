//go:build bench

package bench

// The tables the benchmark runs: inputs, scenarios and tools. A new row in
// any of them is all it takes to measure something more.

const (
	KiB = 1 << 10
	MiB = 1 << 20
	GiB = 1 << 30
)

// inputs are generated once, from random data, under the work directory's
// "in"; each is a single file or a directory tree named by its key.
var inputs = map[string]tree{
	"4K":      {{"4K", 4 * KiB}},
	"1G":      {{"1G", 1 * GiB}},
	"256M":    {{"256M", 256 * MiB}},
	"5000x4K": smallFiles("5000x4K", 5000, 1),
	"200x4K":  smallFiles("200x4K", 200, 1),
	// A few big files among many small ones; fewer small ones at the
	// round-trip time, where each costs OpenSSH 2 to 5 of them.
	"mixed500": mixed("mixed500", 3, 64*MiB, 500, 10),
	"mixed100": mixed("mixed100", 3, 32*MiB, 100, 10),
}

// Hosts of the ssh_config the tools use.
const (
	loopback = "loopback" // sshd straight on 127.0.0.1
	wan      = "wan"      // sshd through the latency proxy
)

// scenario copies one input up (local to remote) or down over one host.
type scenario struct {
	input string
	up    bool
	host  string
}

func (s scenario) name() string {
	dir := "down"
	if s.up {
		dir = "up"
	}
	return s.input + "/" + dir + "/" + s.host
}

// scenarios in the order they run and are reported, each up then down.
var scenarios = bothWays(
	scenario{input: "4K", host: loopback},
	scenario{input: "1G", host: loopback},
	scenario{input: "5000x4K", host: loopback},
	scenario{input: "mixed500", host: loopback},
	scenario{input: "200x4K", host: wan},
	scenario{input: "256M", host: wan},
	scenario{input: "mixed100", host: wan},
)

func bothWays(list ...scenario) []scenario {
	var out []scenario
	for _, s := range list {
		up, down := s, s
		up.up = true
		out = append(out, up, down)
	}
	return out
}

// job is one copy for a tool to spell: the input srcDir/name, copied into
// the existing directory dstDir, with the remote side reached as host
// through the ssh_config cfg.
type job struct {
	cfg, host     string
	srcDir, name  string
	dstDir        string
	up, recursive bool
}

// src and dst are scp's operands for the job.
func (j job) src() string {
	if j.up {
		return j.srcDir + "/" + j.name
	}
	return j.host + ":" + j.srcDir + "/" + j.name
}

func (j job) dst() string {
	if j.up {
		return j.host + ":" + j.dstDir + "/"
	}
	return j.dstDir + "/"
}

// tool is a client under test: argv spells a job as a command line. An
// sftp tool runs only on single files and is compared with OpenSSH's sftp.
type tool struct {
	name string
	argv func(j job) []string
	sftp bool
}

// baseline is the tool every scp ratio is relative to; sftpBaseline is the
// one for the sftp tools.
const (
	baseline     = "openssh scp -O"
	sftpBaseline = "openssh sftp"
)

// tools in the order their runs alternate; ours and oursSFTP are set up by
// TestBench.
func tools(ours, oursSFTP string) []tool {
	return []tool{
		{"ours", scpTool(ours), false},
		{"ours -s", scpTool(ours, "-s"), false}, // our scp in SFTP mode, beside OpenSSH's next
		{baseline, scpTool("/usr/bin/scp", "-O"), false},
		{"openssh scp (sftp)", scpTool("/usr/bin/scp"), false},
		{"tar | ssh", tarSSH, false},
		{"ours sftp", sftpTool(oursSFTP), true},
		{sftpBaseline, sftpTool("/usr/bin/sftp"), true},
	}
}

// sftpTool runs an sftp-like program in batch mode with one put or get.
// The paths are the work directory's, free of anything sftp would unquote.
func sftpTool(prog string) func(job) []string {
	return func(j job) []string {
		line := "get " + j.srcDir + "/" + j.name + " " + j.dstDir + "/"
		if j.up {
			line = "put " + j.srcDir + "/" + j.name + " " + j.dstDir + "/"
		}
		return []string{"/bin/bash", "-c", `printf '%s\n' "$1" | "$2" -q -F "$3" -b - "$4"`, "sftp-batch", line, prog, j.cfg, j.host}
	}
}

// scpTool runs an scp-like program with extra flags before the usual ones.
func scpTool(prog string, flags ...string) func(job) []string {
	return func(j job) []string {
		args := append([]string{prog}, flags...)
		args = append(args, "-q", "-F", j.cfg)
		if j.recursive {
			args = append(args, "-r")
		}
		return append(args, j.src(), j.dst())
	}
}

// tarSSH is the floor: one tar stream through one ssh session. The paths
// are the work directory's, free of anything a shell would interpret.
func tarSSH(j job) []string {
	script := `set -o pipefail; tar cf - -C "$1" "$2" | /usr/bin/ssh -F "$3" "$4" "tar xf - -C $5"`
	if !j.up {
		script = `set -o pipefail; /usr/bin/ssh -F "$3" "$4" "tar cf - -C $1 $2" | tar xf - -C "$5"`
	}
	return []string{"/bin/bash", "-c", script, "tar-ssh", j.srcDir, j.name, j.cfg, j.host, j.dstDir}
}
