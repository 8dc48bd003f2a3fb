package e2e

// Helpers for the connection tests (connect_test.go): several sshds that
// accept one client key under names of their own, ssh_config files naming
// them, the route a copy took through jump hosts (read from their sshd
// logs), a real ssh-agent, and listeners that never answer. Clients run
// through runkit_test.go and compare as the login tests do (sideBySide).

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

// hostNet is a set of sshds on 127.0.0.1, each known by a name: every one
// accepts the client key of the destination, sshdtest.HostAlias, and one
// known_hosts file holds all their host keys.
type hostNet struct {
	srv   map[string]*sshdtest.Server
	names map[int]string // port -> name, for routes; also ports nothing listens on
	dir   string         // configs and the known_hosts file
	key   string         // the client key
	known string         // the known_hosts file
	user  string
}

// startNet starts the destination (as dest says) and a jump host for each
// name. Jump hosts log at DEBUG1, which is where sshd records each
// forwarding; the destination stays at INFO, since a session's sshd at
// DEBUG1 writes debug lines into the session's stderr, which is compared.
func startNet(t *testing.T, dest sshdtest.Config, jumps ...string) *hostNet {
	t.Helper()
	d := sshdtest.Start(t, dest)
	n := &hostNet{
		srv:   map[string]*sshdtest.Server{sshdtest.HostAlias: d},
		names: map[int]string{d.Port: sshdtest.HostAlias},
		dir:   t.TempDir(),
		key:   d.ClientKey,
		user:  d.User,
	}
	known := readFile(d.KnownHosts)
	for _, name := range jumps {
		s := sshdtest.Start(t, sshdtest.Config{Extra: []string{"LogLevel DEBUG1"}})
		s.Authorize(t, readPublicKey(t, n.key+".pub"))
		n.srv[name] = s
		n.names[s.Port] = name
		known += readFile(s.KnownHosts)
	}
	n.known = filepath.Join(n.dir, "known_hosts")
	writeFile(t, n.known, known)
	return n
}

// port is the port of the server called name.
func (n *hostNet) port(name string) int { return n.srv[name].Port }

// deadPort returns a port nothing listens on, called name in routes.
func (n *hostNet) deadPort(t *testing.T, name string) int {
	t.Helper()
	p := badDeadPort(t)
	n.names[p] = name
	return p
}

// hostBlock is an ssh_config block sending name to 127.0.0.1:port.
func hostBlock(name string, port int) string {
	return fmt.Sprintf("Host %s\n  HostName 127.0.0.1\n  Port %d\n", name, port)
}

// blocks are the Host blocks of the named servers.
func (n *hostNet) blocks(names ...string) string {
	var b strings.Builder
	for _, name := range names {
		b.WriteString(hostBlock(name, n.port(name)))
	}
	return b.String()
}

// common is the block that ends each config: the user, the known_hosts of
// the net, strict checking and batch mode, and with withKey the client key
// as the only identity.
func (n *hostNet) common(withKey bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Host *\n  User %s\n", n.user)
	if withKey {
		fmt.Fprintf(&b, "  IdentityFile %s\n  IdentitiesOnly yes\n", n.key)
	}
	fmt.Fprintf(&b, "  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n", n.known)
	return b.String()
}

// config writes text as the file name in the net's directory and returns
// its path; {CONFIG} in text stands for that path, {DIR} for the directory.
func (n *hostNet) config(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(n.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, strings.NewReplacer("{CONFIG}", p, "{DIR}", n.dir).Replace(text))
	return p
}

// forwardRE is sshd's debug1 line for a forwarding a client asked for
// (what ssh -W and a jump do).
var forwardRE = regexp.MustCompile(`server_request_direct_tcpip: originator .* target (\S+) port (\d+)`)

// forwards returns the forwardings each jump host has logged so far, as
// "jump>target" with the target named by its port.
func (n *hostNet) forwards() map[string][]string {
	got := map[string][]string{}
	for name, s := range n.srv {
		for _, m := range forwardRE.FindAllStringSubmatch(readFile(s.LogFile), -1) {
			target := m[1] + ":" + m[2]
			if p, err := strconv.Atoi(m[2]); err == nil && m[1] == "127.0.0.1" && n.names[p] != "" {
				target = n.names[p]
			}
			got[name] = append(got[name], name+">"+target)
		}
	}
	return got
}

// route runs fn and returns the forwardings the jump hosts logged
// meanwhile, sorted: "j1>j2 j2>sshdtest" for a chain j1,j2.
func (n *hostNet) route(fn func()) string {
	before := n.forwards()
	fn()
	var hops []string
	for name, f := range n.forwards() {
		hops = append(hops, f[len(before[name]):]...)
	}
	slices.Sort(hops)
	return strings.Join(hops, " ")
}

// netCase is a copy to a net's destination; the jump hosts' logs say
// which way it went.
type netCase struct {
	name   string
	blocks string // the config ahead of the common part
	args   []string
	up     bool
	exit   int
	stderr string
	route  string // the forwardings the jump hosts made (see route), "" for none
}

// runNetCases runs each case side by side with a config of its blocks and
// base; a client whose copy went another way than the case's route fails.
func runNetCases(t *testing.T, n *hostNet, base string, tests []netCase) {
	t.Helper()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := conn{config: n.config(t, "case"+strconv.Itoa(i), tt.blocks+base), port: n.port(sshdtest.HostAlias), user: n.user}
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				var o loginOutcome
				if got := n.route(func() { o = c.run(t, who, tt.up, tt.args...) }); got != tt.route {
					o.problem = "route " + strconv.Quote(got) + ", want " + strconv.Quote(tt.route)
				}
				if who == whoOpenSSH {
					o.stderr = strings.Replace(o.stderr, proxyBrokenPipe, proxyClosed, 1)
				}
				return o
			})
		})
	}
}

// conn is how a client reaches the destination for one run.
type conn struct {
	config string   // the -F value: a file or "none"
	host   string   // replaces sshdtest.HostAlias in the operands, if set
	port   int      // the destination's port, {PORT} in messages
	user   string   // the login user
	env    []string // beyond a client's environment
}

// run copies payload up to or down from the destination with who's client
// (see copyDir) and returns what it left behind.
func (c conn) run(t *testing.T, who string, up bool, args ...string) loginOutcome {
	t.Helper()
	dir, operands := copyDir(t, up)
	if c.host != "" {
		for i, o := range operands {
			if rest, ok := strings.CutPrefix(o, sshdtest.HostAlias+":"); ok {
				operands[i] = c.host + ":" + rest
			}
		}
	}
	env := append(clientEnv(dir, c.user), c.env...)
	r := client(t, who, c.config, dir, env, append(slices.Clip(args), operands...)...).run(t)
	norm := normaliser(dir, c.port)
	return loginOutcome{exit: r.exit, stderr: norm.Replace(r.stderr), dst: readFile(filepath.Join(dir, "dst"))}
}

// startAgent runs OpenSSH's ssh-agent in the foreground on a socket of its
// own, killed when the test ends, and returns the socket. It skips the test
// without ssh-agent.
func startAgent(t *testing.T) string {
	t.Helper()
	prog, err := exec.LookPath("ssh-agent")
	if err != nil {
		t.Skipf("ssh-agent not available: %v", err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	cmd := exec.Command(prog, "-D", "-a", sock)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("ssh-agent: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// It prints its environment line once the socket listens.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SSH_AUTH_SOCK="+sock+";") {
		t.Fatalf("ssh-agent started with %q (%v)", line, err)
	}
	return sock
}

// sshAdd adds the private key file to the agent on sock.
func sshAdd(t *testing.T, sock, key string) {
	t.Helper()
	cmd := exec.Command("ssh-add", "-q", key)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "SSH_AUTH_SOCK=" + sock}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add %s: %v\n%s", key, err, out)
	}
}

// probeTimeout bounds a probe connection to fullPort's listener: one on
// loopback completes at once unless the kernel drops it.
const probeTimeout = time.Second

// fullPort returns a port whose connections never complete: a listener
// with a backlog of 0 whose queue is already full, so the kernel drops
// every further SYN (Linux), as a firewall that blackholes the port
// would. It skips the test if the queue does not fill.
func fullPort(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, probeTimeout)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return port
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("the listen queue does not fill: connections to a full backlog still complete here")
	return 0
}

// silentPort returns the port of a listener that takes connections (the
// kernel completes them) but never says a word: no SSH banner comes.
func silentPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// shellSays returns what /bin/sh writes on stderr for script, as ssh runs
// a ProxyCommand without SHELL set: the words differ between shells.
func shellSays(t *testing.T, script string) string {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("/bin/sh -c %q succeeded", script)
	}
	return stderr.String()
}

// localhostV6 reports whether localhost has an IPv6 address here.
func localhostV6() bool {
	ips, _ := net.LookupIP("localhost")
	for _, ip := range ips {
		if ip.To4() == nil {
			return true
		}
	}
	return false
}
