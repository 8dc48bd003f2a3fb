package auth

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// logServerKey is ssh's debug line about the key the server showed.
func (a *Auth) logServerKey(key ssh.PublicKey) {
	cert, ok := key.(*ssh.Certificate)
	if !ok {
		a.debug(1, fmt.Sprintf("Server host key: %s %s", key.Type(), fingerprint(key)))
		return
	}
	a.debug(1, fmt.Sprintf("Server host certificate: %s %s, serial %d ID \"%s\" CA %s %s valid %s",
		cert.Type(), fingerprint(cert), cert.Serial, cert.KeyId,
		cert.SignatureKey.Type(), fingerprint(cert.SignatureKey), certValidity(cert)))
	for _, p := range cert.ValidPrincipals {
		a.debug(2, "Server host certificate hostname: "+p)
	}
}

// certValidity words a certificate's validity period as ssh does, in
// local time.
func certValidity(cert *ssh.Certificate) string {
	const layout = "2006-01-02T15:04:05"
	format := func(t uint64) string { return time.Unix(int64(min(t, math.MaxInt64)), 0).Format(layout) }
	switch {
	case cert.ValidAfter == 0 && cert.ValidBefore == ssh.CertTimeInfinity:
		return "forever"
	case cert.ValidAfter == 0:
		return "before " + format(cert.ValidBefore)
	case cert.ValidBefore == ssh.CertTimeInfinity:
		return "after " + format(cert.ValidAfter)
	}
	return "from " + format(cert.ValidAfter) + " to " + format(cert.ValidBefore)
}

// logKnown is ssh's debug account of a key (or CA) found for the host.
func (a *Auth) logKnown(key ssh.PublicKey, host string, found knownHost) {
	what, where := "key", "key"
	if isCertificate(key) {
		what, where = "certificate", "CA key"
	}
	a.debug(1, fmt.Sprintf("Host '%s' is known and matches the %s host %s.", host, keyTypeLabel(key), what))
	a.debug(1, fmt.Sprintf("Found %s in %s:%d", where, found.file, found.line))
}

// certProblem says why ssh would refuse a host certificate from a known CA,
// in its words, or "" if it is good.
func certProblem(cert *ssh.Certificate, host string, now time.Time) string {
	t := uint64(max(now.Unix(), 0))
	switch {
	case cert.CertType != ssh.HostCert:
		return "Certificate invalid: not a host certificate"
	case t < cert.ValidAfter:
		return "Certificate invalid: not yet valid"
	case t >= cert.ValidBefore:
		return "Certificate invalid: expired"
	case len(cert.ValidPrincipals) > 0 && !slices.Contains(cert.ValidPrincipals, host):
		// An empty list is valid for any host, as in ssh.
		return "Certificate invalid: name is not a listed principal"
	case verifyCertSignature(cert) != nil:
		return "Certificate invalid: signature does not verify"
	}
	return ""
}

// verifyCertSignature checks the CA's signature, which covers the whole
// certificate blob up to the signature field. ssh.CertChecker cannot be used:
// it refuses certificates without principals, which ssh accepts for hosts.
func verifyCertSignature(cert *ssh.Certificate) error {
	if cert.Signature == nil {
		return errors.New("auth: certificate is not signed")
	}
	unsigned := *cert
	unsigned.Signature = nil
	blob := unsigned.Marshal()
	return cert.SignatureKey.Verify(blob[:len(blob)-4], cert.Signature) // drop the empty signature's length
}

func otherNamesMessage(lines []knownHost) string {
	if len(lines) == 0 {
		return "This key is not known by any other names.\n"
	}
	var b strings.Builder
	b.WriteString("This host key is known by the following other names/addresses:\n")
	for i, h := range lines {
		if i == maxOtherNames {
			fmt.Fprintf(&b, "    (%d additional names omitted)\n", len(lines)-i)
			break
		}
		hosts := h.hosts
		if strings.HasPrefix(hosts, hashMagic) {
			hosts = "[hashed name]"
		}
		fmt.Fprintf(&b, "    %s:%d: %s\n", tildeUnexpand(h.file), h.line, hosts)
	}
	return b.String()
}

// tildeUnexpand shortens a path in $HOME to ~/..., as ssh lists files.
func tildeUnexpand(path string) string {
	home := os.Getenv("HOME")
	if home == "" || !strings.HasPrefix(path, "/") {
		return path
	}
	rest, ok := strings.CutPrefix(path, home)
	switch {
	case !ok:
		return path
	case strings.HasSuffix(home, "/"):
		return "~/" + rest
	case strings.HasPrefix(rest, "/"):
		return "~/" + rest[1:]
	}
	return path
}

const bannerLine = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"

// removeHint is the Debian build's advice after an offending line.
func removeHint(file, name string) []string {
	return []string{"  remove with:", fmt.Sprintf("  ssh-keygen -f \"%s\" -R \"%s\"", file, name)}
}

// dnsSpoofing is ssh's warning when a host's key changed and CheckHostIP
// finds its address recorded with another key, or not at all.
func (a *Auth) dnsSpoofing(key ssh.PublicKey, host, ip string, ipStatus hostStatus, ipFound knownHost) {
	state := "has a different value"
	switch ipStatus {
	case hostNew:
		state = "is unknown"
	case hostOK:
		state = "is unchanged"
	}
	a.ui.log(bannerLine,
		"@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @",
		bannerLine,
		fmt.Sprintf("The %s host key for %s has changed,", keyTypeLabel(key), host),
		"and the key for the corresponding IP address "+ip,
		state+". This could either mean that",
		"DNS SPOOFING is happening or the IP address for the host",
		"and its host key have changed at the same time.")
	if ipStatus != hostNew {
		a.ui.log(fmt.Sprintf("Offending key for IP in %s:%d", ipFound.file, ipFound.line))
		a.ui.log(removeHint(ipFound.file, ip)...)
	}
}

// changedKey warns about a host key that differs from the recorded one and
// tells whether to go on: only with StrictHostKeyChecking=no, and then, as
// ssh, without passwords for a possible man in the middle.
func (a *Auth) changedKey(key ssh.PublicKey, host string, offending knownHost) bool {
	a.ui.log(bannerLine,
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
		bannerLine,
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
		"It is also possible that a host key has just been changed.",
		fmt.Sprintf("The fingerprint for the %s key sent by the remote host is\n%s.", keyTypeLabel(key), fingerprint(key)),
		"Please contact your system administrator.")
	if files := a.knownHostsFiles(); len(files) > 0 {
		a.ui.log(fmt.Sprintf("Add correct host key in %s to get rid of this message.", files[0]))
	}
	a.ui.log(fmt.Sprintf("Offending %s key in %s:%d", keyTypeLabel(offending.key), offending.file, offending.line))
	a.ui.log(removeHint(offending.file, host)...)
	if a.opts.StrictHostKeyChecking != "false" {
		a.ui.log(fmt.Sprintf("Host key for %s has changed and you have requested strict checking.", host))
		return false
	}
	a.distrust()
	return true
}

// distrust goes on with a host whose key changed: like ssh, no password
// or keyboard-interactive answer is given to it. ssh says so for each
// method ssh_config left on, even in batch mode.
func (a *Auth) distrust() {
	if a.allowed["password"] {
		a.ui.log("Password authentication is disabled to avoid man-in-the-middle attacks.")
	}
	if a.allowed["keyboard-interactive"] {
		a.ui.log("Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.")
	}
	a.distrusted.Store(true)
}

// revokedKey warns about a key marked @revoked. ssh 9.2 would still
// connect with StrictHostKeyChecking=no; the caller refuses in every mode,
// since revocation is an explicit statement that the key must not be
// trusted.
func (a *Auth) revokedKey(key ssh.PublicKey, host string) {
	label := keyTypeLabel(key)
	a.ui.log(bannerLine,
		"@       WARNING: REVOKED HOST KEY DETECTED!               @",
		bannerLine,
		fmt.Sprintf("The %s host key for %s is marked as revoked.", label, host),
		"This could mean that a stolen key is being used to",
		"impersonate this host.")
	if a.opts.StrictHostKeyChecking != "false" {
		a.ui.log(fmt.Sprintf("%s host key for %s was revoked and you have requested strict checking.", label, host))
	}
}

// fingerprint is ssh's SHA256 fingerprint; a certificate's is its key's.
func fingerprint(key ssh.PublicKey) string {
	if cert, ok := key.(*ssh.Certificate); ok {
		key = cert.Key
	}
	return ssh.FingerprintSHA256(key)
}

// keyTypeLabel is ssh's name for a key type in messages: ED25519, RSA-CERT...
func keyTypeLabel(key ssh.PublicKey) string {
	if cert, ok := key.(*ssh.Certificate); ok {
		return keyTypeLabel(cert.Key) + "-CERT"
	}
	switch key.Type() {
	case ssh.KeyAlgoRSA:
		return "RSA"
	case "ssh-dss": // ssh.KeyAlgoDSA, deprecated
		return "DSA"
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return "ECDSA"
	case ssh.KeyAlgoSKECDSA256:
		return "ECDSA-SK"
	case ssh.KeyAlgoED25519:
		return "ED25519"
	case ssh.KeyAlgoSKED25519:
		return "ED25519-SK"
	}
	return strings.ToUpper(key.Type())
}
