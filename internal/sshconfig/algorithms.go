package sshconfig

import (
	"strings"

	"github.com/goscp/goscp/internal/pattern"
)

// algorithmSet is one family of algorithm names ssh validates lists against
// (the names OpenSSH 9.2 on Debian 12 reports with ssh -Q).
type algorithmSet struct {
	names     map[string]bool
	wildcards bool   // key types: a pattern matching any known name is accepted
	message   string // ssh's complaint, given the list
	extra     string // a line ssh prints first naming the bad entry, if any
}

func nameSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var (
	cipherAlgorithms = &algorithmSet{
		names: nameSet("3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr",
			"aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"),
		message: "Bad SSH2 cipher spec '%s'.",
	}
	macAlgorithms = &algorithmSet{
		names: nameSet("hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96",
			"umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha1-etm@openssh.com",
			"hmac-sha1-96-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
			"hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com",
			"umac-128-etm@openssh.com"),
		message: "Bad SSH2 MAC spec '%s'.",
	}
	kexAlgorithms = &algorithmSet{
		names: nameSet("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256",
			"diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
			"diffie-hellman-group-exchange-sha1", "diffie-hellman-group-exchange-sha256",
			"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256",
			"curve25519-sha256@libssh.org", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"),
		message: "Bad SSH2 KexAlgorithms '%s'.",
		extra:   "Unsupported KEX algorithm \"%s\"",
	}
	gssKexAlgorithms = &algorithmSet{
		names: nameSet("gss-gex-sha1-", "gss-group1-sha1-", "gss-group14-sha1-", "gss-group14-sha256-",
			"gss-group16-sha512-", "gss-nistp256-sha256-", "gss-curve25519-sha256-"),
		message: "Bad GSSAPI KexAlgorithms '%s'.",
	}
	keyAlgorithms = &algorithmSet{
		names: nameSet("ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
			"sk-ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
			"ecdsa-sha2-nistp521", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
			"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
			"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
			"webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss", "ssh-dss-cert-v01@openssh.com",
			"ssh-rsa", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com",
			"rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com"),
		wildcards: true,
		message:   "Bad key types '%s'.",
	}
	// keyShortNames are the plain key type names ssh also accepts, in any case.
	keyShortNames = nameSet("rsa", "dsa", "ecdsa", "ecdsa-sk", "ed25519", "ed25519-sk")
)

// parseAlgorithms validates an algorithm list unless it removes names ("-"
// prefix); "+" (append) and "^" (prepend) are stripped before checking.
func parseAlgorithms(algs *algorithmSet) func(*line) error {
	return func(l *line) error {
		arg, err := l.nextRequired()
		if err != nil {
			return err
		}
		if arg[0] != '-' {
			list := strings.TrimLeft(arg[:1], "+^") + arg[1:]
			if bad, ok := algs.invalid(list); ok {
				if algs.extra != "" {
					l.ev.print(algs.extra, truncate(bad, 100))
				}
				return l.bad(algs.message, arg)
			}
		}
		l.set(arg)
		return nil
	}
}

// invalid returns the first unknown name of a comma-separated list. Like
// ssh it stops at the first empty element, and an empty list is invalid.
func (a *algorithmSet) invalid(list string) (string, bool) {
	if list == "" {
		return "", true
	}
	for _, name := range strings.Split(list, ",") {
		if name == "" {
			break
		}
		if !a.valid(name) {
			return name, true
		}
	}
	return "", false
}

func (a *algorithmSet) valid(name string) bool {
	if a.names[name] {
		return true
	}
	if !a.wildcards {
		return false
	}
	if keyShortNames[pattern.ASCIILower(name)] {
		return true
	}
	for known := range a.names {
		if pattern.MatchList(known, name) != 0 {
			return true
		}
	}
	return false
}
