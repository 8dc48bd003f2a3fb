package sshconfig

import (
	"math/rand"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// randomLines are config lines, good and bad, that TestOracleRandom
// combines into configurations to compare with ssh -G.
var randomLines = []string{
	"Host h", "Host H", "Host *", "Host !h *", "Host h*", "Host ?", "Host a b h", "Host \"h\"", "Host h # c", "Host",
	"Match all", "Match !all", "Match host h", "Match host real*", "Match originalhost h", "Match user root", "Match user bob",
	"Match localuser root", "Match exec true", "Match exec false", "Match final", "Match canonical", "Match !final host *",
	"Match host=h", "Match host \"h,real.example\"", "Match host !h,*", "Match user", "Match exec \"test %h = h\"", "Match all # x",
	"HostName real.example", "HostName %h.example", "HostName REAL.EXAMPLE", "HostName 127.1", "Hostname=10.0.0.1", "HostName h%%",
	"User bob", "User=alice", "User \"a b\"", "user = carol", "User 'q'",
	"Port 2222", "Port=22", "Port ssh", "Port 0", "Port 65536", "Port x", "Port 2222 3",
	"IdentityFile ~/.ssh/k1", "IdentityFile %d/k2", "IdentityFile none", "IdentityFile \"~/sp ace\"", "IdentityFile ~/.ssh/k1",
	"IdentitiesOnly yes", "IdentitiesOnly false", "IdentitiesOnly maybe",
	"UserKnownHostsFile ~/kh1 ~/kh2", "UserKnownHostsFile none", "UserKnownHostsFile /x/%h", "GlobalKnownHostsFile /g1",
	"StrictHostKeyChecking no", "StrictHostKeyChecking accept-new", "StrictHostKeyChecking off", "StrictHostKeyChecking ASK", "StrictHostKeyChecking true",
	"BatchMode yes", "BatchMode no", "batchmode TRUE", "ConnectTimeout 10", "ConnectTimeout 1h", "ConnectTimeout none", "ConnectTimeout 1x", "ConnectTimeout 0",
	"Compression yes", "ServerAliveInterval 5", "IgnoreUnknown foo*", "FooBar yes", "foobaz 1", "ProxyJump j1", "ProxyCommand nc %h %p", "ProxyJump none",
	"Include /nonexistent/*", "# comment", "", "   ", "\t# tab comment", "SendEnv A", "SetEnv X=1", "CanonicalizeHostname yes", "ConnectionAttempts 0",
	"HostKeyAlias alias", "Ciphers aes128-ctr", "LogLevel DEBUG", "=User eq", "User \"unterminated", "Host \"\"", "Port \"22\"",
	"Include inc.conf", "Include @T@/rinc/*.conf", "Include ~/nonexist", "Match exec \"test %n = h -a %p = 22\"", "Match exec \"echo %C %k %r %u %l %L %d %i >/dev/null\"",
	"UserKnownHostsFile ~/%C/%k/%n/%r/%p/%u", "IdentityAgent ~/%h.sock", "IdentityAgent SSH_AUTH_SOCK", "IdentityAgent $FOO", "IdentityAgent ${HOME}/x", "IdentityAgent $", "IdentityAgent ${NOPE_X}",
	"ControlPath ~/.ssh/%C", "ControlPath none", "User  =  spaced", "User==double", "User\t\ttabbed", "User a=b", "User x\r", "Port 2222\r",
	"SetEnv A=1 B", "SetEnv A=\"x y\" C=2", "SendEnv -A", "SendEnv LC_* -LC_ALL", "SetEnv", "SendEnv \"\"",
	"ProxyJump user@[::1]:2222", "ProxyJump ssh://u@host:22", "ProxyJump ssh://u@host/path", "ProxyJump a,,b", "ProxyJump 10.1.1.1", "ProxyJump host:0", "ProxyJump a;b", "ProxyJump h", "ProxyJump ssh://us%00er@h", "ProxyJump ssh://u%41@h", "ProxyJump ssh://u%4@h", "ProxyJump ssh://u@Host.", "ProxyJump ssh://u@a..b",
	"LocalForward 80 h:80", "LocalForward 0 h:80", "RemoteForward 8080", "DynamicForward [::1]:1080", "LocalForward /tmp/a /tmp/b", "LocalForward 1:2:3:4:5",
	"CanonicalDomains example.com Foo.ORG.", "CanonicalDomains none x", "CanonicalDomains -bad", "CanonicalizePermittedCNAMEs bad",
	"PermitRemoteOpen any", "PermitRemoteOpen host:22 [::1]:*", "AddKeysToAgent 1h", "AddKeysToAgent confirm", "AddKeysToAgent yes 1h", "AddKeysToAgent",
	"IPQoS af11", "IPQoS 0x10 lowdelay", "IPQoS 256", "RekeyLimit 1G 1h", "RekeyLimit 8", "RekeyLimit default none", "EscapeChar none", "EscapeChar ^",
	"StreamLocalBindMask 0777", "StreamLocalBindMask 8", "TunnelDevice any:3", "TunnelDevice x", "Tunnel ethernet", "ControlPersist 0", "ControlPersist YES",
	"ForwardAgent yes", "ForwardAgent $SSH_AUTH_SOCK", "HostKeyAlgorithms +ssh-rsa", "HostKeyAlgorithms -*", "PubkeyAcceptedKeyTypes ^rsa*", "MACs umac-64@openssh.com,",
	"KexAlgorithms +diffie-hellman-group1-sha1", "Ciphers none", "GSSAPIKexAlgorithms gss-gex-sha1-", "LogVerbose kex.c:*:1000", "LogVerbose none x",
	"SyslogFacility AUTH", "SyslogFacility nope", "FingerprintHash sha1", "NumberOfPasswordPrompts 99999999999", "ServerAliveCountMax 1x", "ConnectTimeout -1",
	"Match host h user root exec true", "Match user root,!bob", "Match user !root", "Match host \"*\" originalhost \"!x,*\"", "Match exec", "Match final all",
	"Match canonical final", "Match !canonical", "Match Host h", "MATCH ALL", "Host *.example !real*", "Host h h", "Host !h", "Host * # all",
	"HostName %h", "HostName %%h", "HostName ::1", "HostName FE80::1", "HostName 0x7f.1", "HostName 1.2.3", "HostName a.b.", "HostName %n",
	"KeepAlive yes", "Cipher blowfish", "Protocol 1,2", "UseRoaming yes", "RhostsRSAAuthentication yes", "SmartcardDevice /x", "ChallengeResponseAuthentication yes",
	"IdentityFile2 ~/.ssh/old", "IdentityFile ~root/.ssh/r", "CertificateFile ~/c %h", "CertificateFile ~/c-%r",
	"User a\r", "\r", "=", "= x", "  = User y", "\"User\" quoted", "User\"x\" y", "Port\t=\t2020", "# Host h", "Include", "Include \"\"",
	"Host *.EXAMPLE", "Match host REAL.EXAMPLE", "Match originalhost H", "Match user CLI", "Match user cli", "Match host 127.0.0.1", "Match host \"::1\"",
	"HostName %h%%h", "Hostname=\"\"", "Port 22 # comment", "User # only comment", "SendEnv A # c", "ProxyCommand - ", "ProxyCommand=ssh -W %h:%p %r@gw",
	"StrictHostKeyChecking", "BatchMode \"\"", "UserKnownHostsFile \"\"", "UserKnownHostsFile a \"\"", "ConnectTimeout \"\"", "ConnectionAttempts \"\"",
	"XAuthLocation /x", "PKCS11Provider none", "SecurityKeyProvider none", "KnownHostsCommand none", "RevokedHostKeys none", "LocalCommand none", "RemoteCommand none",
}

var randomHosts = []string{"h", "H", "real.example", "other", "127.1", "x.y", "::1", "Mixed.Case", "10.0.0.1"}

// randomKeys are compared when we have a value. Algorithm lists, IPQoS and
// RekeyLimit are left out: ssh -G prints them normalised, we keep them raw.
var randomKeys = []string{"compression", "proxyjump", "proxycommand", "sendenv", "setenv", "hostkeyalias",
	"loglevel", "identityagent", "controlpath", "localforward", "remoteforward", "dynamicforward",
	"canonicaldomains", "permitremoteopen", "addkeystoagent", "streamlocalbindmask", "controlpersist",
	"forwardagent", "syslogfacility", "fingerprinthash", "certificatefile", "xauthlocation", "pkcs11provider",
	"localcommand", "remotecommand", "tunnel", "kbdinteractiveauthentication", "tcpkeepalive", "logverbose",
	"tunneldevice", "escapechar", "gssapikexalgorithms"}

// TestOracleRandom is a differential test against ssh -G over random
// configurations. It is slow, so it runs only when SSHCONFIG_ORACLE_RANDOM
// gives the number of configurations (which also seeds the generator).
func TestOracleRandom(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SSHCONFIG_ORACLE_RANDOM"))
	if n == 0 {
		t.Skip("set SSHCONFIG_ORACLE_RANDOM=<count> to run")
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh not on PATH")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir) // ssh gets the same HOME, for ${HOME}
	writeFile(t, filepath.Join(dir, "rinc", "a.conf"), "User inc\nHost other\n  Port 99\n")
	writeFile(t, filepath.Join(dir, "rinc", ".h.conf"), "Port 98\n")
	writeFile(t, filepath.Join(dir, "rinc", "b.conf"), "Foo x\n")
	writeFile(t, filepath.Join(dir, "idfile"), "")
	rng := rand.New(rand.NewSource(int64(n)))
	pick := func() string { return strings.ReplaceAll(randomLines[rng.Intn(len(randomLines))], "@T@", dir) }
	for i, failed := 0, 0; i < n && failed < 10; i++ {
		var lines []string
		for j := rng.Intn(10) + 1; j > 0; j-- {
			lines = append(lines, pick())
		}
		path := filepath.Join(dir, "config")
		writeFile(t, path, strings.Join(lines, "\n")+"\n")
		host := randomHosts[rng.Intn(len(randomHosts))]
		req := Request{Host: host, ConfigFile: path, Home: me.HomeDir, LocalUser: me.Username}
		args := []string{"-F", path}
		// LogLevel and LogVerbose on ssh's command line add debug output.
		if o := pick(); rng.Intn(3) == 0 && !strings.HasPrefix(o, "Log") {
			req.Options = append(req.Options, o)
			args = append(args, "-o", o)
		}
		if rng.Intn(4) == 0 {
			req.User = "cli"
			args = append(args, "-l", "cli")
		}
		if rng.Intn(4) == 0 {
			req.Port = 2323
			args = append(args, "-p", "2323")
		}
		if rng.Intn(4) == 0 {
			req.Identities = append(req.Identities, filepath.Join(dir, "idfile"))
			args = append(args, "-i", filepath.Join(dir, "idfile"))
		}
		args = append(args, "--", host)
		tc := oracleCase{setOnly: true, keys: randomKeys}
		if !t.Run(strconv.Itoa(i), func(t *testing.T) { compareWithSSH(t, dir, tc, req, args) }) {
			failed++
			t.Logf("host %q options %q config:\n%s", host, req.Options, strings.Join(lines, "\n"))
		}
	}
}
