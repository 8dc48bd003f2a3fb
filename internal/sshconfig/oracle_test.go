package sshconfig

import (
	"bytes"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// oracleCase is one configuration evaluated both by us and by ssh -G.
// "@T@" in config, options and identities stands for the test's directory.
type oracleCase struct {
	name       string
	config     string
	host       string
	options    []string
	user       string   // ssh -l
	port       int      // ssh -p
	identities []string // ssh -i, created under the test directory
	keys       []string // extra keywords compared with Config.All
	setOnly    bool     // compare keys only when we have a value (ssh -G also prints defaults)
	noF        bool     // no -F: the user's and the system's files, as installed
}

var oracleCases = []oracleCase{
	{name: "alias", host: "web", config: `
Host web
  HostName web.example.com
  User deploy
  Port 2222
  IdentityFile ~/.ssh/deploy_key
`},
	{name: "defaults", host: "plain.example.org", config: "# nothing here\n"},
	{name: "wildcards and negation", host: "db3.prod.example", config: `
Host !db1.* db?.prod.*
  User dbadmin
Host *.prod.*
  User produser
  Port 2200
Host db3.*
  Port 2300
`},
	{name: "negation excludes", host: "db1.prod.example", config: `
Host !db1.* db?.prod.*
  User dbadmin
Host *
  User fallback
`},
	{name: "first value wins", host: "h", keys: []string{"compression", "serveraliveinterval"}, config: `
Host h
  Port 1001
  Compression yes
Host *
  Port 1002
  Compression no
  ServerAliveInterval 30
  User last
`},
	{name: "hostname token and match host", host: "box", config: `
Host box
  HostName %h.internal.example
Match host box.internal.example
  User matched
Match host box
  Port 1
`},
	{name: "match originalhost user localuser", host: "Alias", user: "bob", keys: []string{"connectionattempts", "serveraliveinterval"}, config: `
Host Alias
  HostName real.example
Match originalhost alias user bob
  ServerAliveInterval 7
Match user bob !localuser nobody-at-all
  ConnectionAttempts 4
Match user alice
  Port 9
`},
	{name: "match exec", host: "ex", keys: []string{"compression", "serveralivecountmax"}, config: `
Match exec true
  Compression yes
Match exec false
  Port 1
Match host nomatch exec "exit 1"
  User neverrun
Match !exec "test %h = nope" all
  ServerAliveCountMax 9
`},
	{name: "match final second pass", host: "alias", keys: []string{"compression"}, config: `
Host alias
  HostName Real.Example
Host real.example
  User secondpass
Match canonical
  Compression yes
Match final
  Port 2022
`},
	{name: "match canonical without final", host: "alias", config: `
Match canonical
  User canon
Match !canonical
  Port 3022
`},
	{name: "match all and negated all", host: "x", config: `
Match !all
  User never
Match all
  User always
`},
	{name: "include glob in block", host: "inc", keys: []string{"compression"}, config: `
Host inc
  Include @T@/inc.d/*.conf
  Compression yes
Host other
  Include @T@/inc.d/*.conf
Host *
  User base
`},
	{name: "include from inactive block", host: "elsewhere", config: `
Host inc
  Include @T@/inc.d/*.conf
`},
	{name: "command line options first", host: "h", options: []string{"User=fromopt", "Port 4444", "IdentityFile=@T@/opt_key"}, user: "froml", port: 5555, config: `
Host h
  User fromfile
  Port 6666
  IdentityFile ~/.ssh/file_key
`},
	{name: "-l and -p override config", host: "h", user: "cliuser", port: 7777, config: `
Host h
  User fromfile
  Port 6666
`},
	{name: "-i before config identities", host: "h", identities: []string{"id_one", "id_two"}, config: `
Host h
  IdentityFile ~/.ssh/a
  IdentityFile ~/.ssh/a
  IdentityFile %d/.ssh/b_%r
  IdentitiesOnly yes
  CertificateFile ~/.ssh/a-cert.pub
`},
	{name: "identityfile none", host: "h", config: "IdentityFile none\n"},
	{name: "tokens", host: "TokHost", user: "tok", port: 2200, keys: []string{"controlpath", "identityagent"}, config: `
Host TokHost
  HostName tok.example
  HostKeyAlias KeyAlias
  UserKnownHostsFile ~/kh/%h-%p-%r-%u-%n-%k %d/kh2/%C %%literal %l-%L-%i
  IdentityFile ~/.ssh/id_%h_%r_%u_%C
  ControlPath ~/.ssh/cm-%C-%h
  IdentityAgent ~/agent/%u.sock
`},
	{name: "known hosts none and global", host: "h", config: `
UserKnownHostsFile none
GlobalKnownHostsFile /etc/alt_known_hosts /etc/alt2
`},
	{name: "strict off and batchmode", host: "h", options: []string{"StrictHostKeyChecking=off", "BatchMode=true"}, config: "ConnectTimeout 1m30s\n"},
	{name: "strict accept-new", host: "h", config: "StrictHostKeyChecking accept-new\nConnectTimeout none\nConnectTimeout 5\n"},
	{name: "quoting and equals forms", host: "q", keys: []string{"proxycommand", "sendenv", "localcommand"}, config: "Host q\n" +
		"  User = \"quoted user\"\n" +
		"  IdentityFile=\"~/.ssh/with space\"\n" +
		"\tPort=2345\n" +
		"  ProxyCommand nc -X 5 -x proxy:1080 %h %p # comment kept\n" +
		"  SendEnv LANG \"LC_*\" # comment dropped\n" +
		"  LocalCommand echo 'a  b' \"c\"\n"},
	{name: "keyword case and host case", host: "MyHost", config: `
HOST myhost
  USER lower
host MyHost
  uSeR upper
`},
	{name: "ignore unknown", host: "h", config: `
IgnoreUnknown UseKeychain,AddToKeychain*
UseKeychain yes
AddToKeychainNow yes
User ok
`},
	{name: "sendenv and setenv", host: "h", keys: []string{"sendenv", "setenv"}, config: `
SendEnv LANG LC_* XMODIFIERS
SendEnv -LC_*
SetEnv A=1 B=2 A=3
SetEnv C=4
`},
	{name: "proxyjump", host: "h", keys: []string{"proxyjump", "proxycommand"}, config: `
Host h
  ProxyJump first.example,jumper@10.0.0.1:2222
  ProxyCommand ignored %h
`},
	{name: "proxycommand wins over later proxyjump", host: "h", keys: []string{"proxyjump", "proxycommand"}, config: `
ProxyCommand ssh -W %h:%p gw
ProxyJump gw2
`},
	{name: "proxyjump none", host: "h", keys: []string{"proxyjump", "proxycommand"}, config: "ProxyJump none\nProxyCommand nc %h %p\n"},
	{name: "address canonicalisation", host: "127.1", config: "Host 127.1\n  User numeric\n"},
	{name: "ipv6 address", host: "::FFFF:1.2.3.4", config: "Host *\n  Port 22022\n"},
	{name: "ipv6 compressed", host: "0:0:0:0:0:0:0:1", config: "Host *\n  User six\n"},
	{name: "service port", host: "h", config: "Port ssh\n"},
	{name: "assorted keywords", host: "h", keys: []string{"addkeystoagent", "controlpersist", "forwardagent", "compression",
		"loglevel", "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms", "preferredauthentications",
		"passwordauthentication", "kbdinteractiveauthentication", "numberofpasswordprompts", "addressfamily", "controlmaster",
		"requesttty", "updatehostkeys", "fingerprinthash", "syslogfacility", "ipqos", "tunnel", "streamlocalbindmask"},
		config: `
AddKeysToAgent confirm 5m
ControlPersist 10m
ForwardAgent @T@/config
Compression YES
LogLevel debug1
Ciphers aes128-ctr,aes256-gcm@openssh.com
MACs hmac-sha2-256
KexAlgorithms curve25519-sha256
HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
PubkeyAcceptedAlgorithms ssh-ed25519
PreferredAuthentications publickey,password
PasswordAuthentication false
ChallengeResponseAuthentication no
NumberOfPasswordPrompts 1
AddressFamily inet
ControlMaster autoask
RequestTTY force
UpdateHostKeys ask
FingerprintHash md5
SyslogFacility local3
IPQoS af21 cs1
Tunnel point-to-point
StreamLocalBindMask 0077
EscapeChar ^B
`},
	{name: "forwards", host: "h", keys: []string{"localforward", "remoteforward", "dynamicforward"}, config: `
LocalForward 8080 localhost:80
LocalForward 8080 localhost:80
LocalForward [::1]:9090 [::1]:90
RemoteForward 2222 /tmp/sock
DynamicForward 1080
`},
	{name: "clear all forwardings", host: "h", keys: []string{"localforward", "dynamicforward"}, options: []string{"ClearAllForwardings=yes"}, config: "LocalForward 8080 localhost:80\nDynamicForward 1080\n"},
	{name: "unsupported and deprecated", host: "h", config: "RSAAuthentication yes\nUseRoaming no\nProtocol 2\nUser u\n"},
	{name: "missing -i file", host: "h", options: []string{"User=x"}, identities: []string{"missing!"}, config: "Port 23\n"},
	{name: "installed default files", host: "h", noF: true, keys: []string{"sendenv", "hashknownhosts", "gssapiauthentication"}},
	{name: "relative and missing includes", host: "h", config: "Include relative.conf\nInclude ~/no/such/*.conf\nUser r\n"},
	{name: "proxyjump on the command line", host: "h", options: []string{"ProxyJump=u@j.example:2200,other"}, keys: []string{"proxyjump"}},
	{name: "proxyjump uri", host: "h", options: []string{"ProxyJump=ssh://u%41;x@Jump.Example.:2200/,ssh://j2."}, keys: []string{"proxyjump"}},
	{name: "error proxyjump uri nul", host: "h", options: []string{"ProxyJump=ssh://u%00@j"}, config: ""},
	{name: "canonicalize with proxy", host: "alias", keys: []string{"canonicalizehostname"}, config: `
CanonicalizeHostname yes
ProxyCommand none
Host alias
  HostName target.example
  ProxyCommand nc %h %p
Host target.example
  User canonpass
`},

	// Errors: ssh's messages must come out word for word.
	{name: "error bad options in file", host: "h", config: "User a\nFoo bar\nPort x\nBar\n  Baz 1\n"},
	{name: "error bad -o", host: "h", options: []string{"Foo=bar"}, config: "User a\n"},
	{name: "error bad -o port", host: "h", options: []string{"Port abc"}, config: ""},
	{name: "error bad time", host: "h", config: "ConnectTimeout x\n"},
	{name: "error bad flag", host: "h", config: "BatchMode maybe\nIdentitiesOnly\nStrictHostKeyChecking sometimes\n"},
	{name: "error host on command line", host: "h", options: []string{"Host x"}, config: ""},
	{name: "error match criteria", host: "h", config: "Match host\nMatch foo bar\nMatch all host x\nMatch #\n"},
	{name: "error quotes and extra args", host: "h", config: "User \"open\nPort 22 23\nUserKnownHostsFile a none\nSendEnv A=B\nSetEnv A\n"},
	{name: "error values", host: "h", config: "LogLevel loud\nCiphers aes128-ctr,nope\nKexAlgorithms nope\nHostKeyAlgorithms foo*\nConnectionAttempts -1\nLocalForward 80\nEscapeChar xy\nIPQoS bogus\nProxyJump @host\n"},
	{name: "error include recursion", host: "h", config: "Include @T@/config\n"},
	{name: "error invalid host", host: "a;b", config: ""},
	{name: "error invalid user", host: "h", user: "x y -z", config: ""},
	{name: "error connection attempts", host: "h", config: "ConnectionAttempts 0\n"},
	{name: "error hostname token", host: "h", config: "HostName h%z\n"},
	{name: "error jump loop", host: "h", config: "ProxyJump h\n"},
	{name: "error unsafe proxyjump option", host: "h", options: []string{"ProxyJump=x;y@ab,c"}, config: ""},
	{name: "error in included file", host: "h", config: "User a\nInclude @T@/bad.d/*.conf\n"},
	{name: "error include permissions", host: "h", config: "Include @T@/perm.conf\n"},
}

// TestOracle compares Evaluate with ssh -G for every oracle case.
func TestOracle(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh not on PATH")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range oracleCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sub := func(s string) string { return strings.ReplaceAll(s, "@T@", dir) }
			writeOracleFiles(t, dir, sub(tc.config))
			req := Request{Host: tc.host, User: tc.user, Port: tc.port, ConfigFile: filepath.Join(dir, "config"),
				Home: me.HomeDir, LocalUser: me.Username}
			args := []string{"-F", req.ConfigFile}
			if tc.noF {
				req.ConfigFile, args = "", nil
			}
			for _, o := range tc.options {
				req.Options = append(req.Options, sub(o))
				args = append(args, "-o", sub(o))
			}
			for _, id := range tc.identities {
				p := filepath.Join(dir, id)
				if !strings.HasSuffix(id, "!") {
					writeFile(t, p, "")
				}
				req.Identities = append(req.Identities, p)
				args = append(args, "-i", p)
			}
			if tc.user != "" {
				args = append(args, "-l", tc.user)
			}
			if tc.port != 0 {
				args = append(args, "-p", strconv.Itoa(tc.port))
			}
			args = append(args, "--", tc.host)
			compareWithSSH(t, dir, tc, req, args)
		})
	}
}

func writeOracleFiles(t *testing.T, dir, config string) {
	writeFile(t, filepath.Join(dir, "config"), config)
	writeFile(t, filepath.Join(dir, "inc.d", "a.conf"), "User included\n")
	writeFile(t, filepath.Join(dir, "inc.d", "b.conf"), "Port 4422\nHost zzz\n  IdentitiesOnly yes\n")
	writeFile(t, filepath.Join(dir, "inc.d", ".hidden.conf"), "BatchMode yes\n")
	writeFile(t, filepath.Join(dir, "bad.d", "x.conf"), "Port 1\nFoo 1\nBar 2\n")
	writeFile(t, filepath.Join(dir, "perm.conf"), "User p\n")
	if err := os.Chmod(filepath.Join(dir, "perm.conf"), 0o666); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runSSH runs ssh with HOME in the test directory; ssh itself takes ~ from
// the password database, which is why the requests use the real home.
func runSSH(t *testing.T, dir string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command("ssh", args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	// ssh ends its messages with \r\n and complains about the missing tty
	// (-T would silence that but also set RequestTTY).
	stderr = strings.ReplaceAll(errb.String(), "\r", "")
	stderr = strings.ReplaceAll(stderr, "Pseudo-terminal will not be allocated because stdin is not a terminal.\n", "")
	return out.String(), stderr, err
}

func compareWithSSH(t *testing.T, dir string, tc oracleCase, req Request, args []string) {
	out, stderr, sshErr := runSSH(t, dir, append([]string{"-G"}, args...)...)
	cfg, err := Evaluate(req)
	if sshErr != nil {
		if err == nil {
			t.Fatalf("ssh failed with %q but Evaluate succeeded", stderr)
		}
		if got, want := err.Error(), strings.TrimRight(stderr, "\n"); got != want {
			t.Fatalf("error mismatch\n got: %q\nwant: %q", got, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("Evaluate: %v (ssh succeeded)", err)
	}
	if got, want := strings.Join(cfg.Warnings, "\n"), strings.TrimRight(stderr, "\n"); got != want {
		t.Errorf("warnings mismatch\n got: %q\nwant: %q", got, want)
	}
	g := parseDump(out)
	check := func(what string, got, want any) {
		t.Helper()
		if !equalValues(got, want) {
			t.Errorf("%s: got %q, want %q", what, got, want)
		}
	}
	check("HostName", cfg.HostName, g.one("hostname"))
	check("User", cfg.User, g.one("user"))
	check("Port", strconv.Itoa(cfg.Port), g.one("port"))
	check("identityfile", cfg.All("identityfile"), g["identityfile"])
	check("IdentitiesOnly", yesNo(cfg.IdentitiesOnly), g.one("identitiesonly"))
	check("UserKnownHostsFiles", cfg.UserKnownHostsFiles, g.list("userknownhostsfile"))
	check("GlobalKnownHostsFiles", cfg.GlobalKnownHostsFiles, g.list("globalknownhostsfile"))
	check("StrictHostKeyChecking", cfg.StrictHostKeyChecking, g.one("stricthostkeychecking"))
	check("BatchMode", yesNo(cfg.BatchMode), g.one("batchmode"))
	check("connecttimeout", cfg.Get("connecttimeout"), g.one("connecttimeout"))
	wantTimeout := g.one("connecttimeout")
	if wantTimeout == "0" {
		wantTimeout = "none" // ssh does not time out with 0 either
	}
	check("ConnectTimeout", timeout(cfg.ConnectTimeout), wantTimeout)
	for _, k := range tc.keys {
		got := cfg.All(k)
		if oneLineLists[k] && len(got) > 0 {
			got = []string{strings.Join(got, " ")}
		}
		if !tc.setOnly || len(got) > 0 {
			check(k, got, g[k])
		}
	}
	ids, certs := loadedKeys(t, dir, args)
	check("IdentityFiles (ssh -v)", cfg.IdentityFiles, ids)
	check("CertificateFiles (ssh -v)", cfg.CertificateFiles, certs)
}

// loadedKeys runs ssh -v through a ProxyCommand that exits at once, and
// reads which key and certificate files it tried: ssh expands those paths
// only when it loads them, after -G would have printed them raw.
func loadedKeys(t *testing.T, dir string, args []string) (ids, certs []string) {
	t.Helper()
	args = append([]string{"-v", "-o", "ProxyCommand=true", "-o", "BatchMode=yes"}, args...)
	_, stderr, _ := runSSH(t, dir, args...)
	re := regexp.MustCompile(`(?m)^debug1: (identity|certificate) file (.*) type -?\d+$`)
	for _, m := range re.FindAllStringSubmatch(stderr, -1) {
		switch {
		case m[1] == "certificate":
			certs = append(certs, m[2])
		case len(ids) > 0 && m[2] == ids[len(ids)-1]+"-cert":
			// ssh's implicit "<key>-cert" companion, not a configured file.
		default:
			ids = append(ids, m[2])
		}
	}
	return ids, certs
}

// oneLineLists are the list keywords ssh -G prints on one line.
var oneLineLists = map[string]bool{"canonicaldomains": true, "permitremoteopen": true, "logverbose": true,
	"canonicalizepermittedcnames": true}

type dump map[string][]string

func parseDump(out string) dump {
	d := dump{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(l, " ")
		d[k] = append(d[k], v)
	}
	return d
}

func (d dump) one(k string) string {
	if len(d[k]) == 0 {
		return ""
	}
	return d[k][0]
}

// list splits a one-line list; "none" is the empty list.
func (d dump) list(k string) []string {
	if v := d.one(k); v != "none" {
		return strings.Fields(v)
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func timeout(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return strconv.Itoa(int(d / time.Second))
}

func equalValues(got, want any) bool {
	switch g := got.(type) {
	case []string:
		w, _ := want.([]string)
		return slices.Equal(g, w)
	}
	return got == want
}
