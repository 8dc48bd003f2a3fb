package auth

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshdtest"
)

const sshPath = "/usr/bin/ssh"

// opensshRun is one login made twice against a test sshd, by OpenSSH's ssh
// and by this package, with the same settings and known_hosts file.
type opensshRun struct {
	sshd *testSSHD
	host string // the destination as typed; default 127.0.0.1
	// dial is the address this package connects to, default the sshd's
	// 127.0.0.1 one; hosts, if set, is a hosts file through which ssh
	// resolves host (it then runs in a mount namespace of its own).
	dial, hosts  string
	options      []string // ssh_config settings, "Keyword=value"
	ids          []string // identity files (-i)
	agent        string   // agent socket, "" for none
	answer       string   // the answer to every question, "" for BatchMode
	known        []string // known_hosts lines before the login
	unterminated bool     // the known_hosts file does not end in a newline
}

// ourDebug are the debug messages this package writes, by their start;
// the comparison keeps only these of ssh's. ssh's "using hostkeyalias"
// line is left out: ssh writes it twice, the first time when proposing
// algorithms, which this package cannot place (TestHostKeyAliasDebug).
var ourDebug = []string{
	"Server host key: ", "Server host certificate", "Host '", "Found key in ", "Found CA key in ",
	"checking without port identifier", "found matching key w/out port", "No matching CA found",
	"Will attempt key: ", "Authentications that can continue: ", "Next authentication method: ",
	"Offering public key: ", "Trying private key: ", "Server accepts key: ", "No more authentication methods",
	"we sent a ", "we did not send a packet", "sign_and_send_pubkey: ", "Skipping ", "Unrecognized authentication method",
}

// comparable keeps of a login's output what both should print alike: all
// but ssh's banner and transfer summary, and of the debug lines ours.
func comparable(out string) string {
	var keep []string
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		_, msg, isDebug := strings.Cut(line, ": ")
		isDebug = isDebug && strings.HasPrefix(line, "debug")
		switch {
		case line == "", strings.HasPrefix(line, "OpenSSH_"), strings.HasPrefix(line, "Transferred: "), strings.HasPrefix(line, "Bytes per second: "):
		case isDebug && !slices.ContainsFunc(ourDebug, func(p string) bool { return strings.HasPrefix(msg, p) }):
		default:
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n") + "\n"
}

// compare runs the login with ssh and with this package and wants the
// same output and the same known_hosts file afterwards.
func (r opensshRun) compare(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sshPath); err != nil {
		t.Skip("OpenSSH ssh is not installed")
	}
	if r.host == "" {
		r.host = "127.0.0.1"
	}
	kh := filepath.Join(t.TempDir(), "known_hosts")
	r.reset(t, kh)
	want := comparable(r.runOpenSSH(t, kh))
	wantFile, _ := os.ReadFile(kh)
	r.reset(t, kh)
	got := comparable(r.runOurs(t, kh))
	gotFile, _ := os.ReadFile(kh)
	if got != want {
		t.Errorf("output differs\nours:\n%s\nssh:\n%s", got, want)
	}
	// ssh glues a new entry onto an unterminated last line; we start a new line.
	if r.unterminated {
		wantFile = bytes.Replace(wantFile, []byte("end"), []byte("end\n"), 1)
	}
	if g, w := r.unhash(gotFile), r.unhash(wantFile); g != w {
		t.Errorf("known_hosts differs\nours:\n%s\nssh:\n%s", g, w)
	}
}

func (r opensshRun) reset(t *testing.T, kh string) {
	t.Helper()
	content := strings.Join(r.known, "\n")
	if !r.unterminated && content != "" {
		content += "\n"
	}
	if err := os.WriteFile(kh, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unhash names the host of each hashed known_hosts line, whose salt
// differs from run to run.
func (r opensshRun) unhash(file []byte) string {
	port := r.sshd.Port
	var candidates []string
	for _, name := range []string{r.host, r.option("HostKeyAlias"), r.dialHost()} {
		candidates = append(candidates, name, knownHostsName(name, port))
	}
	lines := strings.Split(string(file), "\n")
	for i, line := range lines {
		hosts, rest, _ := strings.Cut(line, " ")
		for _, c := range candidates {
			if h := (knownHost{hosts: hosts}); strings.HasPrefix(hosts, hashMagic) && c != "" && h.matches(c) {
				lines[i] = "HASHED(" + c + ") " + rest
			}
		}
	}
	return strings.Join(lines, "\n")
}

func (r opensshRun) dialHost() string {
	if r.dial == "" {
		return ""
	}
	host, _, _ := net.SplitHostPort(r.dial)
	return host
}

// option is the value of a setting in r.options, "" if unset.
func (r opensshRun) option(keyword string) string {
	for _, o := range r.options {
		if k, v, _ := strings.Cut(o, "="); strings.EqualFold(k, keyword) {
			return v
		}
	}
	return ""
}

func (r opensshRun) runOpenSSH(t *testing.T, kh string) string {
	t.Helper()
	agent := r.agent
	if agent == "" {
		agent = "none"
	}
	args := []string{"-F", "/dev/null", "-vv", "-p", strconv.Itoa(r.sshd.Port), "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "UserKnownHostsFile=" + kh, "-o", "IdentityAgent=" + agent}
	for _, id := range r.ids {
		args = append(args, "-i", id)
	}
	for _, o := range r.options {
		args = append(args, "-o", o)
	}
	if r.answer == "" {
		args = append(args, "-o", "BatchMode=yes")
	}
	args = append(args, r.sshd.User+"@"+r.host, "true")
	cmd := exec.Command(sshPath, args...)
	if r.hosts != "" {
		cmd = exec.Command("unshare", append([]string{"-m", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, r.hosts, sshPath}, args...)...)
	}
	cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass(t), "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "ASKPASS_ANSWER="+r.answer)
	var out bytes.Buffer
	cmd.Stderr = &out
	cmd.Run() // the exit status is in what it printed
	return out.String()
}

// askpass writes an SSH_ASKPASS program that shows the question as our
// prompter does and answers $ASKPASS_ANSWER.
func askpass(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "askpass")
	script := "#!/bin/sh\nprintf 'PROMPT: %s\\n' \"$1\" >&2\nprintf '%s\\n' \"$ASKPASS_ANSWER\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// answering is a Prompter that shows each question in out and gives the
// same answer to all.
type answering struct {
	out    *syncBuffer
	answer string
}

func (p answering) Prompt(prompt string, _ bool) (string, error) {
	fmt.Fprintf(p.out, "PROMPT: %s\n", prompt)
	return p.answer, nil
}

func (r opensshRun) runOurs(t *testing.T, kh string) string {
	t.Helper()
	out := &syncBuffer{}
	opts := Options{
		User: r.sshd.User, HostName: r.host, Port: r.sshd.Port, IdentityFiles: r.ids, IdentityAgent: r.agent,
		UserKnownHostsFiles: []string{kh}, Stderr: out, Debug: debugTo(out, 2),
	}
	if r.agent == "" {
		opts.IdentityAgent = "none"
	}
	if r.answer == "" {
		opts.BatchMode = true
	} else {
		opts.Prompter = answering{out: out, answer: r.answer}
	}
	for _, o := range r.options {
		setOption(t, &opts, o)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	addr := r.dial
	if addr == "" {
		addr = r.sshd.Addr
	}
	err = r.sshd.loginAt(t, a, addr)
	var hkErr *HostKeyError
	switch msg, denied := a.PermissionDenied(err); {
	case err == nil:
	case errors.As(err, &hkErr):
		out.Write([]byte(hkErr.Error() + "\r\n"))
	case denied:
		out.Write([]byte(msg + "\r\n"))
	default:
		t.Fatalf("login: %v\n%s", err, out)
	}
	return out.String()
}

// setOption applies an ssh_config setting to opts as ssh -G would spell
// it and transport hands it over.
func setOption(t *testing.T, opts *Options, setting string) {
	t.Helper()
	keyword, value, _ := strings.Cut(setting, "=")
	flag := map[string]string{"yes": "true", "no": "false"}
	switch strings.ToLower(keyword) {
	case "stricthostkeychecking":
		opts.StrictHostKeyChecking = cmpOr(flag[value], value)
	case "pubkeyauthentication":
		opts.PubkeyAuthentication = cmpOr(flag[value], value)
	case "hostkeyalias":
		opts.HostKeyAlias = strings.ToLower(value)
	case "hashknownhosts":
		opts.HashKnownHosts = value == "yes"
	case "checkhostip":
		opts.CheckHostIP = value == "yes"
	case "preferredauthentications":
		opts.PreferredAuthentications = value
	case "passwordauthentication":
		opts.PasswordAuthentication = value
	case "kbdinteractiveauthentication":
		opts.KbdInteractiveAuthentication = value
	case "numberofpasswordprompts":
		opts.NumberOfPasswordPrompts = value
	case "certificatefile":
		opts.CertificateFiles = append(opts.CertificateFiles, value)
	case "identitiesonly":
		opts.IdentitiesOnly = value == "yes"
	case "identityfile":
		opts.IdentityFiles = append(opts.IdentityFiles, value)
	default:
		t.Fatalf("setOption: %s is not handled", keyword)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// debugTo is an Options.Debug writing ssh's log lines up to level into
// out, as transport does.
func debugTo(out *syncBuffer, level int) func(int, string) {
	return func(l int, msg string) {
		switch {
		case l == Verbose:
			fmt.Fprintf(out, "%s\r\n", msg)
		case l <= level:
			fmt.Fprintf(out, "debug%d: %s\r\n", l, msg)
		}
	}
}

// farAddress is an address of this machine other than loopback, which
// CheckHostIP needs (ssh skips the check for loopback), or "".
func farAddress() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && ipnet.IP.To4() != nil && !ipnet.IP.IsLoopback() && ipnet.IP.IsGlobalUnicast() {
			return ipnet.IP.String()
		}
	}
	return ""
}

// hostsFile writes a hosts file naming ip far.test and checks that ssh
// can be run with it in a mount namespace; "" if it cannot.
func hostsFile(t *testing.T, ip string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(path, []byte("127.0.0.1 localhost\n"+ip+" far.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("unshare", "-m", "sh", "-c", `mount --bind "$0" /etc/hosts && getent hosts far.test`, path).Output()
	if err != nil || !strings.HasPrefix(string(out), ip+" ") {
		return ""
	}
	return path
}

// TestSSHDHostKeyMessagesMatchOpenSSH runs OpenSSH's ssh and this package
// against the same sshd and known_hosts file, and wants the same words on
// stderr and in the debug log, and the same known_hosts afterwards.
func TestSSHDHostKeyMessagesMatchOpenSSH(t *testing.T) {
	ca := signer(t, newKey(t, "ed25519"))
	certDir := t.TempDir()
	hostKey := newKey(t, "ed25519")
	hostKeyFile := writeKey(t, certDir, "host_cert_key", hostKey, openSSHFormat, "")
	writePub(t, hostKeyFile+"-cert.pub", hostCert(t, publicKey(t, hostKey), ca, "127.0.0.1"))
	far := farAddress()
	var extra []string
	if far != "" {
		extra = []string{"ListenAddress " + far}
	}
	plain := startSSHD(t, sshdtest.Config{Extra: extra})
	withCert := startSSHD(t, sshdtest.Config{HostKeys: []string{hostKeyFile}, Extra: []string{"HostCertificate " + hostKeyFile + "-cert.pub"}})

	idKey := newKey(t, "ed25519")
	plain.Authorize(t, publicKey(t, idKey))
	withCert.Authorize(t, publicKey(t, idKey))
	id := writeKey(t, t.TempDir(), "id_ed25519", idKey, openSSHFormat, "")

	ed, rsaKey := plain.hostKeys["ed25519"], plain.hostKeys["rsa"]
	name := plain.knownName()
	otherEd := publicKey(t, newKey(t, "ed25519"))
	wrongID := writeKey(t, t.TempDir(), "id_wrong", newKey(t, "rsa"), pemFormat, "")
	openKey := newKey(t, "ecdsa")
	plain.Authorize(t, publicKey(t, openKey))
	openID := writeKey(t, t.TempDir(), "id_open", openKey, openSSHFormat, "")
	if err := os.Chmod(openID, 0o640); err != nil {
		t.Fatal(err)
	}
	known := []string{knownHostsLine("", name, ed)}
	strict := func(mode string, more ...string) []string {
		return append([]string{"StrictHostKeyChecking=" + mode}, more...)
	}
	caLine := knownHostsLine("@cert-authority", "*", ca.PublicKey())
	tests := []struct {
		desc string
		run  opensshRun
	}{
		{"known", opensshRun{sshd: plain, options: strict("yes"), known: known}},
		{"key not authorized", opensshRun{sshd: plain, options: strict("yes"), known: known, ids: []string{wrongID}}},
		{"key readable by others", opensshRun{sshd: plain, options: strict("yes"), known: known, ids: []string{openID}}},
		{"hashed", opensshRun{sshd: plain, options: strict("yes"), known: []string{knownHostsLine("", hashName(name), ed)}}},
		{"recorded without port", opensshRun{sshd: plain, options: strict("yes"), known: []string{knownHostsLine("", "127.0.0.1", ed)}}},
		{"known by rsa only", opensshRun{sshd: plain, options: strict("yes"), known: []string{knownHostsLine("", name, rsaKey)}}},
		{"changed", opensshRun{sshd: plain, options: strict("yes"), known: []string{"# first", knownHostsLine("", name, otherEd)}}},
		{"changed rsa", opensshRun{sshd: plain, options: strict("ask"), known: []string{knownHostsLine("", name, publicKey(t, newKey(t, "rsa")))}}},
		{"changed ecdsa", opensshRun{sshd: plain, options: strict("accept-new"), known: []string{knownHostsLine("", "*", publicKey(t, newKey(t, "ecdsa")))}}},
		{"changed, not strict", opensshRun{sshd: plain, options: strict("no"), known: []string{knownHostsLine("", name, otherEd)}}},
		{"changed, not strict, no passwords anyway", opensshRun{sshd: plain, options: strict("no", "PasswordAuthentication=no"), known: []string{knownHostsLine("", name, otherEd)}}},
		{"unknown, strict", opensshRun{sshd: plain, options: strict("yes")}},
		{"unknown, ask in batch mode", opensshRun{sshd: plain, options: strict("ask")}},
		{"unknown, ask, yes", opensshRun{sshd: plain, options: strict("ask"), answer: "yes", known: []string{knownHostsLine("", "other", ed)}}},
		{"unknown, ask, no", opensshRun{sshd: plain, options: strict("ask"), answer: "no"}},
		{"unknown, accept-new", opensshRun{sshd: plain, options: strict("accept-new"), known: []string{"# no newline at the end"}, unterminated: true}},
		{"unknown, not strict", opensshRun{sshd: plain, host: "LOCALHOST", dial: plain.Addr, options: strict("no")}},
		{"revoked", opensshRun{sshd: plain, options: strict("yes"), known: []string{knownHostsLine("", name, ed), knownHostsLine("@revoked", "*", ed)}}},
		{"certificate from known CA", opensshRun{sshd: withCert, options: strict("yes"), known: []string{caLine}}},
		{"certificate for another name", opensshRun{sshd: withCert, host: "localhost", dial: withCert.Addr, options: strict("yes"), known: []string{caLine}}},
		{"certificate from unknown CA", opensshRun{sshd: withCert, options: strict("accept-new")}},
		{"revoked CA", opensshRun{sshd: withCert, options: strict("yes"), known: []string{caLine, knownHostsLine("@revoked", "*", ca.PublicKey())}}},

		{"alias, accept-new", opensshRun{sshd: plain, options: strict("accept-new", "HostKeyAlias=MyAlias")}},
		{"alias, known", opensshRun{sshd: plain, options: strict("yes", "HostKeyAlias=myalias"), known: []string{knownHostsLine("", "myalias", ed)}}},
		{"alias, not the host's name", opensshRun{sshd: plain, options: strict("yes", "HostKeyAlias=myalias"), known: known}},
		{"alias, changed", opensshRun{sshd: plain, options: strict("no", "HostKeyAlias=myalias"), known: []string{knownHostsLine("", "myalias", otherEd)}}},
		{"alias is the certificate's principal", opensshRun{sshd: withCert, host: "localhost", dial: withCert.Addr, options: strict("yes", "HostKeyAlias=127.0.0.1"), known: []string{caLine}}},
		{"alias is not a principal", opensshRun{sshd: withCert, options: strict("accept-new", "HostKeyAlias=myalias"), known: []string{caLine}}},

		{"hash, accept-new", opensshRun{sshd: plain, options: strict("accept-new", "HashKnownHosts=yes")}},
		{"hash, ask, yes", opensshRun{sshd: plain, options: strict("ask", "HashKnownHosts=yes"), answer: "yes"}},
		{"hash, alias", opensshRun{sshd: plain, options: strict("accept-new", "HashKnownHosts=yes", "HostKeyAlias=myalias")}},
		{"CheckHostIP off for loopback", opensshRun{sshd: plain, options: strict("accept-new", "CheckHostIP=yes")}},
	}
	if _, dsa := dsaKeyFile(t); dsa != nil {
		tests = append(tests, struct {
			desc string
			run  opensshRun
		}{"changed from DSA", opensshRun{sshd: plain, options: strict("yes"), known: []string{knownHostsLine("", name, dsa)}}})
	}
	if far != "" {
		farAddr := net.JoinHostPort(far, strconv.Itoa(plain.Port))
		farName := knownHostsName(far, plain.Port)
		byIP := func(mode string, more ...string) opensshRun {
			return opensshRun{sshd: plain, host: far, dial: farAddr, options: strict(mode, append([]string{"CheckHostIP=yes"}, more...)...)}
		}
		tests = append(tests, []struct {
			desc string
			run  opensshRun
		}{
			// By address ssh checks the address under its own name; the
			// look-up without the port then turns CheckHostIP off.
			{"CheckHostIP by address, new", byIP("accept-new")},
			{"CheckHostIP by address, known", func() opensshRun { r := byIP("yes"); r.known = []string{knownHostsLine("", farName, ed)}; return r }()},
		}...)
		if hosts := hostsFile(t, far); hosts != "" {
			farHost := knownHostsName("far.test", plain.Port)
			byName := func(mode string, known ...string) opensshRun {
				return opensshRun{sshd: plain, host: "far.test", dial: farAddr, hosts: hosts, options: strict(mode, "CheckHostIP=yes"), known: known}
			}
			hashed := byName("accept-new")
			hashed.options = append(hashed.options, "HashKnownHosts=yes")
			portless := byName("yes", knownHostsLine("", "far.test", ed))
			tests = append(tests, []struct {
				desc string
				run  opensshRun
			}{
				{"CheckHostIP, new", byName("accept-new")},
				{"CheckHostIP, new, hashed", hashed},
				{"CheckHostIP, address new", byName("yes", knownHostsLine("", farHost, ed))},
				{"CheckHostIP, known without the port", portless},
				{"CheckHostIP, address known", byName("yes", knownHostsLine("", farHost, ed), knownHostsLine("", farName, ed))},
				{"CheckHostIP, address differs", byName("yes", knownHostsLine("", farHost, ed), knownHostsLine("", farName, otherEd))},
				{"CheckHostIP, address differs, not strict", byName("no", knownHostsLine("", farHost, ed), knownHostsLine("", farName, otherEd))},
				{"CheckHostIP, address differs, ask", func() opensshRun {
					r := byName("ask", knownHostsLine("", farHost, ed), knownHostsLine("", farName, otherEd))
					r.answer = "yes"
					return r
				}()},
				{"CheckHostIP, host new, address differs", byName("accept-new", knownHostsLine("", farName, otherEd))},
				{"CheckHostIP, host changed, address new", byName("no", knownHostsLine("", farHost, otherEd))},
				{"CheckHostIP, host changed, address unchanged", byName("no", knownHostsLine("", farHost, otherEd), knownHostsLine("", farName, ed))},
				{"CheckHostIP, host and address changed alike", byName("yes", knownHostsLine("", farHost, otherEd), knownHostsLine("", farName, otherEd))},
				{"CheckHostIP, other names", byName("ask", knownHostsLine("", "elsewhere", ed), knownHostsLine("", farName, ed))},
			}...)
		} else {
			t.Log("no mount namespace for a hosts file: CheckHostIP by name is not compared")
		}
	} else {
		t.Log("no address other than loopback: CheckHostIP is not compared")
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if tt.run.ids == nil {
				tt.run.ids = []string{id}
			}
			tt.run.compare(t)
		})
	}
}

// loginAt is login through addr.
func (s *testSSHD) loginAt(t *testing.T, a *Auth, addr string) error {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, a.ClientConfig())
	if err != nil {
		return err
	}
	a.Authenticated(c)
	client := ssh.NewClient(c, chans, reqs)
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer session.Close()
	if out, err := session.CombinedOutput("true"); err != nil {
		t.Fatalf("remote true: %v\n%s", err, out)
	}
	return nil
}
