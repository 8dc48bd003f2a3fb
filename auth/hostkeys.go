package auth

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// defaultHostKeyAlgorithms is ssh 9.2's HostKeyAlgorithms default in its order,
// less the sk- types x/crypto cannot verify, each with the key type it needs.
var defaultHostKeyAlgorithms = []struct{ alg, keyType string }{
	{ssh.CertAlgoED25519v01, ssh.KeyAlgoED25519},
	{ssh.CertAlgoECDSA256v01, ssh.KeyAlgoECDSA256},
	{ssh.CertAlgoECDSA384v01, ssh.KeyAlgoECDSA384},
	{ssh.CertAlgoECDSA521v01, ssh.KeyAlgoECDSA521},
	{ssh.CertAlgoRSASHA512v01, ssh.KeyAlgoRSA},
	{ssh.CertAlgoRSASHA256v01, ssh.KeyAlgoRSA},
	{ssh.KeyAlgoED25519, ssh.KeyAlgoED25519},
	{ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA256},
	{ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA384},
	{ssh.KeyAlgoECDSA521, ssh.KeyAlgoECDSA521},
	{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSA},
	{ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA},
}

// hostKeyAlgorithms orders the defaults like ssh: algorithms for key types
// already recorded for the host first, so the server shows a key we can
// check instead of one that would look new.
func (db knownHosts) hostKeyAlgorithms(name string) []string {
	var known, rest []string
	for _, d := range defaultHostKeyAlgorithms {
		if db.knowsType(name, d.keyType) {
			known = append(known, d.alg)
		} else {
			rest = append(rest, d.alg)
		}
	}
	return append(known, rest...)
}

// knowsType reports whether a host key or CA of the type is recorded for name.
func (db knownHosts) knowsType(name, keyType string) bool {
	return slices.ContainsFunc(db, func(h knownHost) bool {
		return h.marker != markerRevoked && h.key.Type() == keyType && h.matches(name)
	})
}

func (a *Auth) knownHostsFiles() []string {
	return slices.Concat(a.opts.UserKnownHostsFiles, a.opts.GlobalKnownHostsFiles)
}

// checkHostKey is the ssh.HostKeyCallback. It follows ssh's decisions and
// prints its words; a refusal is *HostKeyError, ssh's last line.
func (a *Auth) checkHostKey(_ string, remote net.Addr, key ssh.PublicKey) error {
	a.logServerKey(key)
	c := &hostCheck{Auth: a, db: loadKnownHosts(a.knownHostsFiles()), remote: remote, checkIP: a.opts.CheckHostIP}
	if !c.check(key, a.opts.Port, readWrite) {
		return &HostKeyError{}
	}
	return nil
}

// access says what a host-key check may do besides deciding.
type access int

const (
	readWrite access = iota // record new keys and warn
	readOnly                // warn, but record nothing
	readQuiet               // the look-up without the port: neither
)

// invalidHostChars are the characters ssh never writes into a known_hosts
// host field: a host name holding one is checked but not recorded.
const invalidHostChars = `@?*#[]|'"\`

// hostCheck is one run of the host-key callback, ssh's check_host_key. It
// runs again for the name without the port, and for a certificate without
// a known CA, again with its plain key.
type hostCheck struct {
	*Auth
	db     knownHosts
	remote net.Addr
	// checkIP is CheckHostIP; as in ssh, it is off for good once a look-up
	// finds the peer local, reached through a proxy, or named by its address.
	checkIP bool
}

// check decides on key for the host at port, as the mode allows.
func (c *hostCheck) check(key ssh.PublicKey, port int, mode access) bool {
	if mode == readWrite && (strings.ContainsAny(c.host, invalidHostChars) || len(c.opts.UserKnownHostsFiles) == 0) {
		mode = readOnly
	}
	host, ip := c.knownName(port), c.ipName(c.remote, port)
	if c.checkIP && (c.loopback(c.remote) || c.host == ip || c.peerIP(c.remote) == nil) {
		c.checkIP = false
	}
	byIP := c.checkIP && !isCertificate(key)
	for {
		status, ok := c.judge(key, host, ip, port, mode, byIP)
		cert, isCert := key.(*ssh.Certificate)
		if ok || !isCert || status == hostRevoked {
			return ok
		}
		c.debug(1, "No matching CA found. Retry with plain key")
		key = cert.Key
	}
}

// judge is one pass over the known_hosts lines for host and, when byIP,
// for ip. It returns the host's status and whether the key is accepted.
func (c *hostCheck) judge(key ssh.PublicKey, host, ip string, port int, mode access, byIP bool) (hostStatus, bool) {
	cert, wantCert := key.(*ssh.Certificate)
	status, found := c.db.check(host, key)
	ipStatus, ipFound := status, knownHost{}
	differ := false
	if byIP && !wantCert {
		ipStatus, ipFound = c.db.check(ip, key)
		differ = status == hostChanged && (ipStatus != hostChanged || !sameKey(ipFound.key, found.key))
	}
	switch status {
	case hostOK:
		c.logKnown(key, host, found)
		if wantCert {
			if problem := certProblem(cert, c.aliasOrHost(), time.Now()); problem != "" {
				c.ui.log(problem)
				return status, false
			}
		}
		if c.checkIP && ipStatus == hostNew {
			c.learnIP(key, ip, mode != readWrite || wantCert)
		}
	case hostNew:
		if c.opts.HostKeyAlias == "" && port != 22 && port != 0 {
			c.debug(1, "checking without port identifier")
			if c.check(key, 0, readQuiet) {
				c.debug(1, "found matching key w/out port")
				break
			}
		}
		if mode != readWrite || wantCert || !c.acceptNew(key, host, ip) {
			return status, false
		}
		c.learn(key, host, ip, c.checkIP && ipStatus == hostNew)
	case hostRevoked:
		c.revokedKey(key, host)
		return status, false
	case hostChanged:
		if mode == readQuiet {
			return status, false
		}
		if c.checkIP && differ {
			c.dnsSpoofing(key, host, ip, ipStatus, ipFound)
		}
		if !c.changedKey(key, host, found) {
			return status, false
		}
	}
	if c.checkIP && status != hostChanged && ipStatus == hostChanged {
		return status, c.ipDiffers(key, host, ip, status, found, ipFound)
	}
	return status, true
}

// acceptNew decides on a key no line records, as StrictHostKeyChecking says.
func (c *hostCheck) acceptNew(key ssh.PublicKey, host, ip string) bool {
	switch c.opts.StrictHostKeyChecking {
	case "true":
		c.ui.log(fmt.Sprintf("No %s host key is known for %s and you have requested strict checking.", keyTypeLabel(key), host))
		return false
	case "ask":
		return c.confirmNew(key, host, ip)
	}
	return true
}

// maxOtherNames is how many other known_hosts lines ssh lists for a new key.
const maxOtherNames = 8

// confirmNew asks ssh's question about a new host key.
func (c *hostCheck) confirmNew(key ssh.PublicKey, host, ip string) bool {
	fp := fingerprint(key)
	var b strings.Builder
	fmt.Fprintf(&b, "The authenticity of host '%s (%s)' can't be established.\n", host, ip)
	fmt.Fprintf(&b, "%s key fingerprint is %s.\n", keyTypeLabel(key), fp)
	b.WriteString(otherNamesMessage(c.db.otherNames(host, key)))
	b.WriteString("Are you sure you want to continue connecting (yes/no/[fingerprint])? ")
	return c.confirm(b.String(), fp)
}

// confirm asks a yes/no question; "yes" (or the fingerprint, if fp is
// set) accepts, "no", an empty answer or no terminal refuse.
func (a *Auth) confirm(prompt, fp string) bool {
	again := "Please type 'yes' or 'no': "
	if fp != "" {
		again = "Please type 'yes', 'no' or the fingerprint: "
	}
	for {
		answer, err := a.ui.prompt(prompt, true)
		if err != nil {
			return false
		}
		// ssh reads the first word.
		word := ""
		if f := strings.Fields(answer); len(f) > 0 {
			word = f[0]
		}
		switch {
		case word == "" || strings.EqualFold(word, "no"):
			return false
		case strings.EqualFold(word, "yes") || fp != "" && word == fp:
			return true
		}
		prompt = again
	}
}

// learn records a new key in the first user known_hosts file, for the
// address too when CheckHostIP found it unknown: one line "host,ip", or
// with HashKnownHosts a hashed line each. Like ssh, a failure is only a
// warning.
func (c *hostCheck) learn(key ssh.PublicKey, host, ip string, withIP bool) {
	names := []string{host}
	if withIP {
		names = append(names, ip)
	}
	file := c.opts.UserKnownHostsFiles[0]
	c.ui.createSSHDir(file)
	if err := recordHost(file, names, key, c.opts.HashKnownHosts); err != nil {
		c.ui.info(fmt.Sprintf("Failed to add the host to the list of known hosts (%s).", file))
		return
	}
	c.ui.info(fmt.Sprintf("Warning: Permanently added '%s' (%s) to the list of known hosts.", strings.Join(names, ","), keyTypeLabel(key)))
}

// learnIP records a known host's key for its address too (CheckHostIP).
func (c *hostCheck) learnIP(key ssh.PublicKey, ip string, readOnly bool) {
	label := keyTypeLabel(key)
	if readOnly {
		c.ui.info(fmt.Sprintf("%s host key for IP address '%s' not in list of known hosts.", label, ip))
		return
	}
	file := c.opts.UserKnownHostsFiles[0]
	c.ui.createSSHDir(file)
	if err := recordHost(file, []string{ip}, key, c.opts.HashKnownHosts); err != nil {
		c.ui.info(fmt.Sprintf("Failed to add the %s host key for IP address '%s' to the list of known hosts (%s).", label, ip, file))
		return
	}
	c.ui.info(fmt.Sprintf("Warning: Permanently added the %s host key for IP address '%s' to the list of known hosts.", label, ip))
}

// ipDiffers warns that the host's key is not the one recorded for its
// address (CheckHostIP) and decides as StrictHostKeyChecking says.
func (c *hostCheck) ipDiffers(key ssh.PublicKey, host, ip string, status hostStatus, found, ipFound knownHost) bool {
	msg := fmt.Sprintf("Warning: the %s host key for '%s' differs from the key for the IP address '%s'\nOffending key for IP in %s:%d",
		keyTypeLabel(key), host, ip, ipFound.file, ipFound.line)
	if status == hostOK {
		msg += fmt.Sprintf("\nMatching host key in %s:%d", found.file, found.line)
	}
	switch c.opts.StrictHostKeyChecking {
	case "ask":
		return c.confirm(msg+"\nAre you sure you want to continue connecting (yes/no)? ", "")
	case "false":
		c.ui.info(msg)
		return true
	}
	c.ui.info(msg)
	c.ui.log("Exiting, you have requested strict checking.")
	return false
}

// knownName is the name ssh looks up and records for the host at port,
// with ssh's debug line for an alias.
func (a *Auth) knownName(port int) string {
	if a.opts.HostKeyAlias != "" {
		a.debug(1, "using hostkeyalias: "+a.opts.HostKeyAlias)
	}
	return a.lookupName(port)
}

// lookupName is the name known_hosts is searched for: HostKeyAlias, else
// the host, as [host]:port unless the port is 22 (or 0, the look-up
// without the port).
func (a *Auth) lookupName(port int) string {
	if a.opts.HostKeyAlias != "" {
		return a.opts.HostKeyAlias
	}
	return knownHostsName(a.host, port)
}

// peerIP is the server's address, or nil through a proxy, where ssh knows
// none.
func (a *Auth) peerIP(remote net.Addr) *net.IPAddr {
	tcp, ok := remote.(*net.TCPAddr)
	if a.opts.Proxied || !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		return nil
	}
	return &net.IPAddr{IP: tcp.IP, Zone: tcp.Zone}
}

// ipName is the address as ssh shows and records it.
func (a *Auth) ipName(remote net.Addr, port int) string {
	ip := a.peerIP(remote)
	if ip == nil {
		return "<no hostip for proxy command>"
	}
	return knownHostsName(ip.String(), port)
}

func (a *Auth) loopback(remote net.Addr) bool {
	ip := a.peerIP(remote)
	return ip != nil && ip.IP.IsLoopback()
}

func isCertificate(key ssh.PublicKey) bool {
	_, ok := key.(*ssh.Certificate)
	return ok
}
