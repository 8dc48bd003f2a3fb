package e2e

// Connections end to end: the built binary against real sshds, side by
// side with /usr/bin/scp -O, through jump hosts and proxy commands, with
// ssh_config evaluated from files, an ssh-agent, address families and
// timeouts. Each case says what OpenSSH is known to do; both clients must
// do it, and ours exactly what OpenSSH did (see sideBySide).

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// What ssh says when the connection it was handed (by a ProxyCommand or a
// jump) closes before the SSH banner: once per ssh between scp and the
// failure.
const proxyClosed = "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by UNKNOWN port 65535\r\n"

// proxyBrokenPipe is what OpenSSH's ssh says instead when it writes its
// banner after the proxy died rather than reading first: a race of its
// own, seen on a loaded machine, which the comparison takes as proxyClosed.
const proxyBrokenPipe = "banner exchange: Connection to UNKNOWN port 65535: Broken pipe\r\n"

// refused is ssh's message for a TCP connection refused.
func refused(port int) string {
	return "ssh: connect to host 127.0.0.1 port " + strconv.Itoa(port) + ": Connection refused\r\n"
}

// TestConnectJump copies through jump hosts (-J and ProxyJump) and checks
// in the jump hosts' sshd logs that the copy went the way it should: each
// forwarding a hop made, as "hop>target".
func TestConnectJump(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	n := startNet(t, sshdtest.Config{}, "j1", "j2")
	down := n.deadPort(t, "down")
	j1 := n.port("j1")
	// Two more names for j1: one logs in as a user sshd does not know, one
	// finds no host key.
	bad := hostBlock("baduser", j1) + "  User goscp-nosuchuser\n" + hostBlock("badkey", j1) + "  UserKnownHostsFile /dev/null\n"
	base := n.blocks("j1", "j2", sshdtest.HostAlias) + hostBlock("down", down) + bad + n.common(true)
	unknownKey := "No ED25519 host key is known for [127.0.0.1]:" + strconv.Itoa(j1) + " and you have requested strict checking.\r\nHost key verification failed.\r\n"
	// A -W forwarding the hop could not open: the jump ssh's words.
	fwdFailed := "channel 0: open failed: connect failed: Connection refused\r\nstdio forwarding failed\r\n"
	runNetCases(t, n, base, []netCase{
		{"J-one", "", L{"-J", "j1"}, true, 0, "", "j1>sshdtest"},
		{"J-chain", "", L{"-J", "j1,j2"}, false, 0, "", "j1>j2 j2>sshdtest"},
		{"J-user-host-port", "", L{"-J", n.user + "@127.0.0.1:" + strconv.Itoa(j1)}, true, 0, "", "j1>sshdtest"},
		{"J-ssh-URI-chain", "", L{"-J", "ssh://j1,ssh://" + n.user + "@j2:" + strconv.Itoa(n.port("j2"))}, true, 0, "", "j1>j2 j2>sshdtest"},
		{"config-ProxyJump", "Host sshdtest\n  ProxyJump j2\n", nil, true, 0, "", "j2>sshdtest"},
		{"config-chain", "Host sshdtest\n  ProxyJump j1,j2\n", nil, false, 0, "", "j1>j2 j2>sshdtest"},
		// The hop is evaluated from the config too: j2 has its own jump.
		{"hop-has-ProxyJump", "Host j2\n  ProxyJump j1\n", L{"-J", "j2"}, true, 0, "", "j1>j2 j2>sshdtest"},
		{"J-over-config", "Host sshdtest\n  ProxyJump down\n", L{"-J", "j1"}, true, 0, "", "j1>sshdtest"},
		{"J-none-over-config", "Host sshdtest\n  ProxyJump down\n", L{"-J", "none"}, true, 0, "", ""},
		{"o-ProxyJump-none", "Host sshdtest\n  ProxyJump j1\n", L{"-o", "ProxyJump=none"}, false, 0, "", ""},
		{"jump-down", "", L{"-J", "down"}, true, 1, refused(down) + proxyClosed + "lost connection\n", ""},
		{"jump-down-download", "", L{"-J", "down"}, false, 1, refused(down) + proxyClosed, ""},
		{"second-jump-down", "", L{"-J", "j1,down"}, true, 1, fwdFailed + proxyClosed + proxyClosed + "lost connection\n", "j1>down"},
		{"jump-login-denied", "", L{"-J", "baduser"}, true, 1, "goscp-nosuchuser@127.0.0.1: Permission denied (publickey).\r\n" + proxyClosed + "lost connection\n", ""},
		{"jump-host-key-unknown", "", L{"-J", "badkey"}, true, 1, unknownKey + proxyClosed + "lost connection\n", ""},
		// The ssh to j1 ends quietly once the one above it has failed.
		{"second-jump-host-key-unknown", "", L{"-J", "j1,badkey"}, false, 1, unknownKey + proxyClosed, "j1>j1"},
		{"target-down", "", L{"-J", "j1", "-P", strconv.Itoa(down)}, true, 1, fwdFailed + proxyClosed + "lost connection\n", "j1>down"},
		{"target-down-chain", "", L{"-J", "j1,j2", "-P", strconv.Itoa(down)}, false, 1, fwdFailed + proxyClosed, "j1>j2 j2>down"},
	})
}

// TestConnectProxyCommand reaches the destination through a ProxyCommand
// from the config, with its %tokens expanded (the command shows them on
// stderr, then forwards with ssh -W through j1), and fails as ssh does
// when the command does.
func TestConnectProxyCommand(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	if _, err := os.Stat("/usr/bin/ssh"); err != nil {
		t.Skipf("/usr/bin/ssh (for ssh -W) not available: %v", err)
	}
	n := startNet(t, sshdtest.Config{}, "j1")
	base := n.blocks("j1") + n.common(true)
	dest := n.port(sshdtest.HostAlias)
	const forward = "ProxyCommand /bin/sh -c 'echo \"%%h=%h %%p=%p %%r=%r %%n=%n\" >&2; exec /usr/bin/ssh -F {CONFIG} -W %h:%p j1'\n"
	tokens := "%h=127.0.0.1 %p=" + strconv.Itoa(dest) + " %r=" + n.user + " %n=sshdtest\n"
	const missing = "/nonexistent/goscp-proxy"
	notFound := shellSays(t, "exec "+missing)
	const failing = "ProxyCommand /bin/sh -c 'echo proxy refused >&2; exit 3'\n"
	destBlock := "Host sshdtest\n  HostName 127.0.0.1\n  Port " + strconv.Itoa(dest) + "\n"
	runNetCases(t, n, base, []netCase{
		{"ssh-W-upload", destBlock + forward, nil, true, 0, tokens, "j1>sshdtest"},
		{"ssh-W-download", destBlock + forward, nil, false, 0, tokens, "j1>sshdtest"},
		// -P changes %p, and so where j1 forwards to.
		{"ssh-W-P", hostBlock(sshdtest.HostAlias, n.deadPort(t, "dead")) + forward, L{"-P", strconv.Itoa(dest)}, true, 0, tokens, "j1>sshdtest"},
		{"fails", destBlock + failing, nil, true, 1, "proxy refused\n" + proxyClosed + "lost connection\n", ""},
		{"fails-download", destBlock + failing, nil, false, 1, "proxy refused\n" + proxyClosed, ""},
		{"not-found", destBlock + "ProxyCommand " + missing + "\n", nil, true, 1, notFound + proxyClosed + "lost connection\n", ""},
		{"o-ProxyCommand-none", destBlock + failing, L{"-o", "ProxyCommand=none"}, true, 0, "", ""},
		{"o-ProxyCommand", destBlock, L{"-o", "ProxyCommand=/bin/sh -c 'echo proxy refused >&2; exit 3'"}, true, 1, "proxy refused\n" + proxyClosed + "lost connection\n", ""},
	})
}

// TestConnectConfig evaluates ssh_config through the binary: Include, Match
// host and originalhost, %tokens in file names, -F none, and which of the
// file, -o Port and -P gives the port. Each config also holds a value that
// breaks the copy if a client takes it: a port nothing listens on.
func TestConnectConfig(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	n := startNet(t, sshdtest.Config{})
	srv := n.srv[sshdtest.HostAlias]
	good, dead := strconv.Itoa(srv.Port), n.deadPort(t, "dead")
	// The tokens case: its key and known_hosts are found only through
	// %r, %h and %p, and the config names no other key.
	tokenKey := filepath.Join(n.dir, "id-"+n.user+"@127.0.0.1-"+good)
	srv.Authorize(t, newKey(t, tokenKey, ""))
	writeFile(t, filepath.Join(n.dir, "known-127.0.0.1-"+good), readFile(srv.KnownHosts))
	n.config(t, "conf.d/a.conf", "Host sshdtest\n  HostName 127.0.0.1\n  Port "+good+"\n")
	n.config(t, "conf.d/b.conf", "Host sshdtest\n  Port "+strconv.Itoa(dead)+"\n")
	deadPort := hostBlock(sshdtest.HostAlias, dead) + n.common(true)
	noFile := L{"-i", n.key, "-P", good, "-o", "UserKnownHostsFile=" + n.known, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"}
	tests := []struct {
		name   string
		config string // the config file's text, or "none"
		host   string // instead of sshdtest in the operands
		args   []string
		up     bool
		exit   int
		stderr string
	}{
		{"Include-glob", "Include {DIR}/conf.d/*.conf\n" + n.common(true), "", nil, true, 0, ""},
		{"Match-host", "Host sshdtest\n  HostName 127.0.0.1\nMatch host sshdtest\n  Port " + strconv.Itoa(dead) + "\nMatch host 127.0.0.1\n  Port " + good + "\n" + n.common(true), "", nil, false, 0, ""},
		{"Match-originalhost", "Match originalhost 127.0.0.1\n  Port " + strconv.Itoa(dead) + "\nMatch originalhost sshdtest\n  HostName 127.0.0.1\n  Port " + good + "\n" + n.common(true), "", nil, true, 0, ""},
		{"Match-not-originalhost", "Match !originalhost sshdtest\n  Port " + strconv.Itoa(dead) + "\nMatch all\n  HostName 127.0.0.1\n  Port " + good + "\n" + n.common(true), "", nil, false, 0, ""},
		{"tokens-IdentityFile-UserKnownHostsFile", "Host sshdtest\n  HostName 127.0.0.1\n  Port " + good + "\n  IdentityFile {DIR}/id-%r@%h-%p\n  UserKnownHostsFile {DIR}/known-%h-%p\n" + n.common(false), "", nil, true, 0, ""},
		{"F-none", "none", n.user + "@127.0.0.1", noFile, false, 0, ""},
		{"F-none-after-F", deadPort, "127.0.0.1", L{"-F", "none", "-P", good, "-i", n.key, "-o", "BatchMode=yes"}, true, 1, "Host key verification failed.\r\nlost connection\n"},
		{"F-after-F-none", deadPort, "", L{"-F", "none", "-F", n.config(t, "good", hostBlock(sshdtest.HostAlias, srv.Port)+n.common(true))}, false, 0, ""},
		{"file-Port", deadPort, "", nil, true, 1, refused(dead) + "lost connection\n"},
		{"o-Port-over-file", deadPort, "", L{"-o", "Port=" + good}, false, 0, ""},
		{"P-over-file", deadPort, "", L{"-P", good}, true, 0, ""},
		{"o-Port-over-P", deadPort, "", L{"-P", good, "-o", "Port=" + strconv.Itoa(dead)}, true, 1, refused(dead) + "lost connection\n"},
		{"o-Port-before-P", deadPort, "", L{"-o", "Port=" + strconv.Itoa(dead), "-P", good}, false, 1, refused(dead)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := conn{config: tt.config, host: tt.host, port: srv.Port, user: n.user}
			if tt.config != "none" {
				c.config = n.config(t, "config"+strconv.Itoa(i), tt.config)
			}
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				return c.run(t, who, tt.up, tt.args...)
			})
		})
	}
}

// TestConnectAgent logs in with the only authorised key held by a real
// ssh-agent: found through SSH_AUTH_SOCK or IdentityAgent, turned off by
// IdentityAgent=none, and limited by IdentitiesOnly to the keys named.
// The config names no identity file.
func TestConnectAgent(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	keys := t.TempDir()
	key := filepath.Join(keys, "id_agent")
	pub := newKey(t, key, "")
	other := filepath.Join(keys, "id_other")
	newKey(t, other, "")
	authorized := filepath.Join(keys, "authorized_keys")
	writeFile(t, authorized, keyText(pub)+"\n")
	n := startNet(t, sshdtest.Config{Extra: []string{"AuthorizedKeysFile " + authorized}})
	config := n.config(t, "ssh_config", n.blocks(sshdtest.HostAlias)+n.common(false))
	sock := startAgent(t)
	sshAdd(t, sock, key)
	denied := n.user + "@127.0.0.1: Permission denied (publickey).\r\n"
	inEnv := []string{"SSH_AUTH_SOCK=" + sock}
	tests := []struct {
		name   string
		env    []string
		args   []string
		up     bool
		exit   int
		stderr string
	}{
		{"SSH_AUTH_SOCK", inEnv, nil, true, 0, ""},
		{"SSH_AUTH_SOCK-download", inEnv, nil, false, 0, ""},
		{"no-agent", nil, nil, true, 1, denied + "lost connection\n"},
		{"IdentityAgent=none", inEnv, L{"-o", "IdentityAgent=none"}, true, 1, denied + "lost connection\n"},
		{"IdentityAgent=none-download", inEnv, L{"-o", "IdentityAgent=none"}, false, 1, denied},
		{"IdentityAgent=path", nil, L{"-o", "IdentityAgent=" + sock}, true, 0, ""},
		{"IdentityAgent=env-var", []string{"GOSCP_AGENT=" + sock}, L{"-o", "IdentityAgent=${GOSCP_AGENT}"}, false, 0, ""},
		{"IdentityAgent=missing-socket", inEnv, L{"-o", "IdentityAgent=" + filepath.Join(keys, "nothing")}, true, 1, denied + "lost connection\n"},
		{"IdentitiesOnly-its-public-key", inEnv, L{"-o", "IdentitiesOnly=yes", "-i", key + ".pub"}, true, 0, ""},
		{"IdentitiesOnly-other-key", inEnv, L{"-o", "IdentitiesOnly=yes", "-i", other + ".pub"}, true, 1, denied + "lost connection\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := conn{config: config, port: n.port(sshdtest.HostAlias), user: n.user, env: tt.env}
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				return c.run(t, who, tt.up, tt.args...)
			})
		})
	}
}

// TestConnectAddressAndTimeout: -4, -6 and AddressFamily against an IPv4
// destination, and ConnectTimeout against a port that drops connections
// (no answer to the SYN) and one that takes them but never sends a banner.
func TestConnectAddressAndTimeout(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	n := startNet(t, sshdtest.Config{})
	base := n.blocks(sshdtest.HostAlias) + n.common(true)
	noV4 := "ssh: Could not resolve hostname 127.0.0.1: Address family for hostname not supported\r\nlost connection\n"
	full, silent := fullPort(t), silentPort(t)
	tests := []netCase{
		{"-4", "", L{"-4"}, true, 0, "", ""},
		{"AddressFamily=inet", "", L{"-o", "AddressFamily=inet"}, false, 0, "", ""},
		{"AddressFamily=any", "", L{"-o", "AddressFamily=any"}, true, 0, "", ""},
		{"-6", "", L{"-6"}, true, 1, noV4, ""},
		{"AddressFamily=inet6", "", L{"-o", "AddressFamily=inet6"}, true, 1, noV4, ""},
		{"-4-to-v6-literal", "Host sshdtest\n  HostName ::1\n", L{"-4"}, true, 1, "ssh: Could not resolve hostname ::1: Address family for hostname not supported\r\nlost connection\n", ""},
		{"ConnectTimeout-no-answer", hostBlock(sshdtest.HostAlias, full), L{"-o", "ConnectTimeout=1"}, true, 1,
			"ssh: connect to host 127.0.0.1 port " + strconv.Itoa(full) + ": Connection timed out\r\nlost connection\n", ""},
		{"ConnectTimeout-no-banner", hostBlock(sshdtest.HostAlias, silent), L{"-o", "ConnectTimeout=1"}, true, 1,
			"Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port " + strconv.Itoa(silent) + " timed out\r\nlost connection\n", ""},
	}
	// Only where localhost has no IPv6 address: then -6 finds none.
	if !localhostV6() {
		tests = append(tests, netCase{"-6-to-v4-only-name", "Host sshdtest\n  HostName localhost\n", L{"-6"}, true, 1,
			"ssh: Could not resolve hostname localhost: Name or service not known\r\nlost connection\n", ""})
	}
	runNetCases(t, n, base, tests)
}
