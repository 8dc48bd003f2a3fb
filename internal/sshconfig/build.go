package sshconfig

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goscp/goscp/internal/pattern"
	"github.com/goscp/goscp/internal/strerror"
)

// defaultIdentities are the keys ssh tries when none is configured.
var defaultIdentities = []string{"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk",
	"~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa"}

// Defaults ssh fills in for keywords nothing set, in ssh -G spelling.
var defaultValues = map[string][]string{
	"userknownhostsfile":    {"~/.ssh/known_hosts", "~/.ssh/known_hosts2"},
	"globalknownhostsfile":  {"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
	"stricthostkeychecking": {"ask"},
	"batchmode":             {"no"},
	"identitiesonly":        {"no"},
	"connecttimeout":        {"none"},
}

// clearedByNone are the keywords whose value "none" means unset.
var clearedByNone = []string{"localcommand", "remotecommand", "proxycommand", "controlpath",
	"revokedhostkeys", "pkcs11provider", "securitykeyprovider", "knownhostscommand"}

// build fills defaults, runs ssh's final checks and expands tokens.
func (ev *evaluator) build(host string) (*Config, error) {
	c := &Config{Host: ev.origHost, HostName: host, User: ev.get("user"), Port: 22, values: ev.values}
	ev.level = ev.logLevel() // ssh logs at the configured level from here on
	ev.fillDefaults()
	if c.User == "" {
		c.User = ev.env.localUser
	}
	if p := ev.get("port"); p != "" {
		c.Port, _ = strconv.Atoi(p)
	}
	if err := ev.checkJump(host, c.User, c.Port); err != nil {
		return nil, err
	}
	if ev.get("connectionattempts") == "0" {
		return nil, ev.fatal(nil, "Invalid number of ConnectionAttempts")
	}
	ev.values["host"] = []string{c.Host}
	ev.values["hostname"] = []string{host}
	ev.values["user"] = []string{c.User}
	ev.values["port"] = []string{strconv.Itoa(c.Port)}
	if alias := ev.get("hostkeyalias"); alias != "" {
		ev.values["hostkeyalias"] = []string{pattern.ASCIILower(alias)}
	}
	if err := ev.expandAll(c); err != nil {
		return nil, err
	}
	c.IdentitiesOnly = ev.get("identitiesonly") == "yes"
	c.StrictHostKeyChecking = ev.get("stricthostkeychecking")
	c.BatchMode = ev.get("batchmode") == "yes"
	if secs, err := strconv.Atoi(ev.get("connecttimeout")); err == nil {
		c.ConnectTimeout = time.Duration(secs) * time.Second
	}
	c.Warnings = ev.printed
	c.Log, c.Verbose = ev.log, ev.verbose
	return c, nil
}

func (ev *evaluator) fillDefaults() {
	if ev.get("clearallforwardings") == "yes" {
		delete(ev.values, "localforward")
		delete(ev.values, "remoteforward")
		delete(ev.values, "dynamicforward")
	}
	for _, k := range clearedByNone {
		if strings.EqualFold(ev.get(k), "none") {
			delete(ev.values, k)
		}
	}
	for k, v := range defaultValues {
		if !ev.isSet(k) {
			ev.values[k] = append([]string(nil), v...)
		}
	}
}

// checkJump refuses a ProxyJump whose last hop is the destination itself.
func (ev *evaluator) checkJump(host, user string, port int) error {
	jump := ev.get("proxyjump")
	if jump == "" {
		return nil
	}
	jumpUser, jumpHost, jumpPort, _ := parseHop(jump[strings.LastIndexByte(jump, ',')+1:])
	if jumpUser == "" {
		jumpUser = user
	}
	if jumpPort <= 0 {
		jumpPort = 22
	}
	if jumpHost == host && jumpPort == port && jumpUser == user {
		return ev.fatal(nil, "jumphost loop via %s", jumpHost)
	}
	return nil
}

// connTokens are the %tokens most keywords accept once the destination is
// known.
func (ev *evaluator) connTokens(c *Config) tokens {
	port := strconv.Itoa(c.Port)
	alias := ev.get("hostkeyalias")
	if alias == "" {
		alias = c.Host
	}
	return tokens{
		'C': connHash(ev.env.thisHost, c.HostName, port, c.User),
		'L': ev.env.shortHost, 'i': ev.env.uid, 'k': alias, 'l': ev.env.thisHost, 'n': c.Host,
		'p': port, 'd': ev.env.home, 'h': c.HostName, 'r': c.User, 'u': ev.env.localUser,
	}
}

// expandPath expands ~ and then %tokens and ${VAR}, as ssh does for paths.
func (ev *evaluator) expandPath(path string, t tokens) (string, error) {
	p, err := tildeExpand(path, ev.env.home)
	if err == nil {
		p, err = expand(p, t, true)
	}
	if err != nil {
		return "", ev.expandFailure(err, true)
	}
	return p, nil
}

// expandAll fills the expanded fields of c and the values ssh -G shows
// expanded (ControlPath, IdentityAgent, a ForwardAgent path, known hosts).
func (ev *evaluator) expandAll(c *Config) error {
	t := ev.connTokens(c)
	for _, k := range []string{"controlpath", "identityagent", "forwardagent"} {
		v := ev.get(k)
		if v == "" || k == "forwardagent" && (v == "yes" || v == "no") {
			continue
		}
		p, err := ev.expandPath(v, t)
		if err != nil {
			return err
		}
		ev.values[k] = []string{p}
	}
	if err := ev.checkAgentForwarding(); err != nil {
		return err
	}
	c.IdentityAgent = ev.get("identityagent")
	if err := ev.expandKnownHosts(c, t); err != nil {
		return err
	}
	if err := ev.expandKeyFiles(c, t); err != nil {
		return err
	}
	return ev.expandProxyCommand(c)
}

// checkAgentForwarding warns, as ssh does, when ForwardAgent names a socket
// that is not there; with ExitOnForwardFailure that ends the evaluation.
func (ev *evaluator) checkAgentForwarding() error {
	path := ev.get("forwardagent")
	if path == "" || path == "yes" || path == "no" {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		ev.print("Cannot forward agent socket path \"%s\": %s", path, strerror.Text(err))
		if ev.get("exitonforwardfailure") == "yes" {
			return &evalError{lines: ev.printed, cause: err}
		}
	}
	return nil
}

func (ev *evaluator) expandKnownHosts(c *Config, t tokens) error {
	if files := ev.values["userknownhostsfile"]; !strings.EqualFold(files[0], "none") {
		for i, f := range files {
			p, err := ev.expandPath(f, t)
			if err != nil {
				return err
			}
			files[i] = p
		}
		c.UserKnownHostsFiles = append([]string(nil), files...)
	}
	if files := ev.values["globalknownhostsfile"]; !strings.EqualFold(files[0], "none") {
		for _, f := range files {
			p, err := tildeExpand(f, ev.env.home)
			if err != nil {
				return ev.expandFailure(err, false)
			}
			c.GlobalKnownHostsFiles = append(c.GlobalKnownHostsFiles, p)
		}
	}
	return nil
}

// expandKeyFiles expands identity and certificate paths; "none" names no file.
func (ev *evaluator) expandKeyFiles(c *Config, t tokens) error {
	if !ev.isSet("identityfile") {
		c.DefaultIdentities = true
		ev.values["identityfile"] = append([]string(nil), defaultIdentities...)
	}
	for _, k := range []string{"identityfile", "certificatefile"} {
		for _, f := range ev.values[k] {
			if strings.EqualFold(f, "none") {
				continue
			}
			p, err := ev.expandPath(f, t)
			if err != nil {
				return err
			}
			if k == "identityfile" {
				c.IdentityFiles = append(c.IdentityFiles, p)
			} else {
				c.CertificateFiles = append(c.CertificateFiles, p)
			}
		}
	}
	return nil
}

func (ev *evaluator) expandProxyCommand(c *Config) error {
	cmd := ev.get("proxycommand")
	if cmd == "" {
		return nil
	}
	alias := ev.get("hostkeyalias")
	if alias == "" {
		alias = c.Host
	}
	t := tokens{'h': c.HostName, 'k': alias, 'n': c.Host, 'p': strconv.Itoa(c.Port), 'r': c.User}
	p, err := expand(cmd, t, false)
	c.ProxyCommand = p
	return ev.expandFailure(err, false)
}
