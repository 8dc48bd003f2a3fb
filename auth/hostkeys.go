package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
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
	db := loadKnownHosts(a.knownHostsFiles())
	if cert, ok := key.(*ssh.Certificate); ok {
		if db.revoked(a.name, cert) {
			return a.revokedKey(cert)
		}
		if db.isAuthority(a.name, cert.SignatureKey) {
			problem := certProblem(cert, a.host, time.Now())
			if problem == "" {
				return nil
			}
			a.ui.log(problem)
		}
		// Like ssh, a certificate without a usable CA is judged by its plain key.
		key = cert.Key
	}
	if db.revoked(a.name, key) {
		return a.revokedKey(key)
	}
	status, offending := db.status(a.name, key)
	if status == hostNew && a.opts.Port != 22 {
		// ssh also accepts the key when it is recorded for the host without a port.
		if s, _ := db.status(a.host, key); s == hostOK {
			return nil
		}
	}
	switch status {
	case hostOK:
		return nil
	case hostChanged:
		return a.changedKey(key, offending)
	}
	return a.newKey(remote, db, key)
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

func (a *Auth) newKey(remote net.Addr, db knownHosts, key ssh.PublicKey) error {
	switch {
	case len(a.opts.UserKnownHostsFiles) == 0:
		// Nowhere to record the key: ssh refuses without asking.
		return &HostKeyError{}
	case a.opts.StrictHostKeyChecking == "true":
		a.ui.log(fmt.Sprintf("No %s host key is known for %s and you have requested strict checking.", keyTypeLabel(key), a.name))
		return &HostKeyError{}
	case a.opts.StrictHostKeyChecking == "ask" && !a.confirmHostKey(remote, db, key):
		return &HostKeyError{}
	}
	a.learnHostKey(key)
	return nil
}

// maxOtherNames is how many other known_hosts lines ssh lists for a new key.
const maxOtherNames = 8

// confirmHostKey asks ssh's question about a new host key; "yes" or the
// fingerprint accept it, "no", an empty answer or no terminal refuse it.
func (a *Auth) confirmHostKey(remote net.Addr, db knownHosts, key ssh.PublicKey) bool {
	fp := ssh.FingerprintSHA256(key)
	var b strings.Builder
	fmt.Fprintf(&b, "The authenticity of host '%s (%s)' can't be established.\n", a.name, a.hostIP(remote))
	fmt.Fprintf(&b, "%s key fingerprint is %s.\n", keyTypeLabel(key), fp)
	b.WriteString(otherNamesMessage(db.otherNames(key)))
	b.WriteString("Are you sure you want to continue connecting (yes/no/[fingerprint])? ")
	prompt := b.String()
	for {
		answer, err := a.ui.prompt(prompt, true)
		switch {
		case err != nil || answer == "" || strings.EqualFold(answer, "no"):
			return false
		case strings.EqualFold(answer, "yes") || answer == fp:
			return true
		}
		prompt = "Please type 'yes', 'no' or the fingerprint: "
	}
}

// hostIP is the address in ssh's "host (address)"; a connection through a
// proxy or jump host has none worth showing.
func (a *Auth) hostIP(remote net.Addr) string {
	tcp, ok := remote.(*net.TCPAddr)
	if !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		return "<no hostip for proxy command>"
	}
	return knownHostsName(tcp.IP.String(), a.opts.Port)
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
		fmt.Fprintf(&b, "    %s:%d: %s\n", h.file, h.line, h.hosts)
	}
	return b.String()
}

// learnHostKey records the key in the first user known_hosts file; like ssh,
// failing to do so is only a warning.
func (a *Auth) learnHostKey(key ssh.PublicKey) {
	file := a.opts.UserKnownHostsFiles[0]
	if err := appendKnownHost(file, a.name, key); err != nil {
		a.ui.log(fmt.Sprintf("Failed to add the host to the list of known hosts (%s).", file))
		return
	}
	a.ui.log(fmt.Sprintf("Warning: Permanently added '%s' (%s) to the list of known hosts.", a.name, keyTypeLabel(key)))
}

// appendKnownHost adds "name type base64" to file. A missing ~/.ssh is
// created (0700) as ssh does for a first connection.
func appendKnownHost(file, name string, key ssh.PublicKey) error {
	if dir := filepath.Dir(file); filepath.Base(dir) == ".ssh" {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("auth: create %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("auth: open known hosts: %w", err)
	}
	line := name + " " + string(ssh.MarshalAuthorizedKey(key))
	// ssh would glue the entry onto an unterminated last line; start a new one.
	if !endsWithNewline(f) {
		line = "\n" + line
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("auth: write %s: %w", file, err)
	}
	return nil
}

// endsWithNewline reports whether f is empty or its last byte is a newline.
func endsWithNewline(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return true
	}
	last := make([]byte, 1)
	_, err = f.ReadAt(last, fi.Size()-1)
	return err != nil || last[0] == '\n'
}

const bannerLine = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"

func (a *Auth) changedKey(key ssh.PublicKey, offending knownHost) error {
	a.ui.log(bannerLine,
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
		bannerLine,
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
		"It is also possible that a host key has just been changed.",
		fmt.Sprintf("The fingerprint for the %s key sent by the remote host is\n%s.", keyTypeLabel(key), ssh.FingerprintSHA256(key)),
		"Please contact your system administrator.")
	if len(a.opts.UserKnownHostsFiles) > 0 {
		a.ui.log(fmt.Sprintf("Add correct host key in %s to get rid of this message.", a.opts.UserKnownHostsFiles[0]))
	}
	a.ui.log(fmt.Sprintf("Offending %s key in %s:%d", keyTypeLabel(offending.key), offending.file, offending.line),
		"  remove with:",
		fmt.Sprintf("  ssh-keygen -f \"%s\" -R \"%s\"", offending.file, a.name))
	if a.opts.StrictHostKeyChecking != "false" {
		a.ui.log(fmt.Sprintf("Host key for %s has changed and you have requested strict checking.", a.name))
		return &HostKeyError{}
	}
	// ssh goes on, but a man in the middle must not be handed a password.
	a.distrusted.Store(true)
	a.ui.log("Password authentication is disabled to avoid man-in-the-middle attacks.",
		"Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.")
	return nil
}

// revokedKey refuses a key marked @revoked. ssh 9.2 would still connect with
// StrictHostKeyChecking=no; we refuse in every mode, since revocation is an
// explicit statement that the key must not be trusted.
func (a *Auth) revokedKey(key ssh.PublicKey) error {
	label := keyTypeLabel(key)
	a.ui.log(bannerLine,
		"@       WARNING: REVOKED HOST KEY DETECTED!               @",
		bannerLine,
		fmt.Sprintf("The %s host key for %s is marked as revoked.", label, a.name),
		"This could mean that a stolen key is being used to",
		"impersonate this host.")
	if a.opts.StrictHostKeyChecking != "false" {
		a.ui.log(fmt.Sprintf("%s host key for %s was revoked and you have requested strict checking.", label, a.name))
	}
	return &HostKeyError{}
}

// keyTypeLabel is ssh's name for a key type in messages: ED25519, RSA-CERT...
func keyTypeLabel(key ssh.PublicKey) string {
	if cert, ok := key.(*ssh.Certificate); ok {
		return keyTypeLabel(cert.Key) + "-CERT"
	}
	switch key.Type() {
	case ssh.KeyAlgoRSA:
		return "RSA"
	case ssh.KeyAlgoDSA:
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
