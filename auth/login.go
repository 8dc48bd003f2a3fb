package auth

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// passwordPrompts is ssh's NumberOfPasswordPrompts default: tries for a
// passphrase, a password, or a keyboard-interactive exchange.
const passwordPrompts = 3

// knownMethods are the method names ssh 9.2 (Debian build) knows; others
// in PreferredAuthentications are skipped with a debug line.
var knownMethods = []string{"gssapi-with-mic", "gssapi-keyex", "hostbased", "publickey", "keyboard-interactive", "password", "none"}

// login is ssh's state of the user authentication on one connection: how
// far it got in PreferredAuthentications, the method in use, the keys
// still to offer and the prompts used.
type login struct {
	a         *Auth
	keys      []*queuedKey    // an offered key goes to the back, as in ssh
	supported string          // the method list the server sent last
	next      int             // the position in the preferred list
	current   string          // the method in use, "" for none
	disabled  map[string]bool // methods that had nothing left to send
	passwords int             // password prompts so far
	kbdTries  int             // keyboard-interactive requests so far
	infoSeen  bool            // the server asked a keyboard-interactive question
	// unanswered is set when the last try ended before the server
	// answered (a key that could not sign): ssh then goes on without
	// reporting the server's list again.
	unanswered bool
	partials   int    // partial successes so far
	sent       string // the method tried last
}

type queuedKey struct {
	id    *identity
	tried bool
}

// loginFor returns the login under way, starting it at the first call:
// ssh then lists the keys it will try.
func (a *Auth) loginFor() *login {
	if a.login != nil {
		return a.login
	}
	l := &login{a: a, disabled: map[string]bool{}, sent: "none"}
	for _, id := range a.identities {
		if id.pub != nil && !acceptedKeyTypes[id.pub.Type()] {
			a.debug(1, fmt.Sprintf("Skipping %s key %s - corresponding algo not in PubkeyAcceptedAlgorithms", id.pub.Type(), id.name))
			continue
		}
		l.keys = append(l.keys, &queuedKey{id: id})
	}
	for _, q := range l.keys {
		a.debug(1, "Will attempt key: "+q.id.String())
	}
	a.login = l
	return l
}

// nextMethod is the ssh.ClientAuthCallback, called after each failure: the
// next try of the method in use, or of the next method in the preferred
// order that the server allows, or the permission-denied error when none
// is left.
func (a *Auth) nextMethod(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	if a.ui.interrupted.Load() {
		return nil, errInterrupted
	}
	l := a.loginFor()
	if !l.unanswered {
		if n := len(ctx.PartialSuccessMethods); n > l.partials {
			l.partials = n
			a.debug(Verbose, fmt.Sprintf("Authenticated using \"%s\" with partial success.", l.sent))
			l.resetKeys()
		}
		a.debug(1, "Authentications that can continue: "+strings.Join(ctx.AllowedMethods, ","))
	}
	l.unanswered = false
	for !a.ui.interrupted.Load() {
		name := l.choose(ctx.AllowedMethods)
		if name == "" {
			a.debug(1, "No more authentication methods to try.")
			return nil, &deniedError{user: a.opts.User, host: a.host, methods: ctx.AllowedMethods}
		}
		if m := l.try(name); m != nil {
			l.sent = name
			return m, nil
		}
		a.debug(2, "we did not send a packet, disable method")
		l.disabled[name] = true
	}
	return nil, errInterrupted
}

// choose picks the method to try, as ssh does: the one in use while the
// server's list stays the same and it has more to try, else the next one
// in the preferred list that the server allows and that is enabled. A new
// list from the server starts the preferred list over.
func (l *login) choose(server []string) string {
	if list := strings.Join(server, ","); list != l.supported {
		l.supported, l.next, l.current = list, 0, ""
	} else if l.current != "" && l.enabled(l.current) {
		return l.current
	}
	for l.next < len(l.a.preferred) {
		name := l.a.preferred[l.next]
		l.next++
		if !slices.Contains(server, name) {
			continue
		}
		if !slices.Contains(knownMethods, name) {
			l.a.debug(2, "Unrecognized authentication method name: "+name)
			continue
		}
		if l.enabled(name) {
			l.a.debug(1, "Next authentication method: "+name)
			l.current = name
			return name
		}
	}
	l.current = ""
	return ""
}

func (l *login) enabled(method string) bool {
	return !l.disabled[method] && l.a.enabled(method)
}

// try returns the method's next try, or nil when it has nothing more.
func (l *login) try(method string) ssh.AuthMethod {
	switch method {
	case "publickey":
		return l.offerKey()
	case "keyboard-interactive":
		return l.keyboardInteractive()
	case "password":
		return l.password()
	}
	return nil
}

// offerKey offers the next key not yet tried. A key whose public half is
// unknown is loaded first (asking for its passphrase); one that does not
// load is passed over, as in ssh.
func (l *login) offerKey() ssh.AuthMethod {
	for len(l.keys) > 0 && !l.a.ui.interrupted.Load() {
		q := l.keys[0]
		if q.tried {
			return nil
		}
		q.tried = true
		l.keys = append(l.keys[1:], q)
		if o := l.offer(q.id); o != nil {
			l.a.debug(2, "we sent a publickey packet, wait for reply")
			return ssh.PublicKeysCallback(func() ([]ssh.Signer, error) { return []ssh.Signer{o}, nil })
		}
	}
	return nil
}

func (l *login) offer(id *identity) *offer {
	if id.pub != nil {
		l.a.debug(1, "Offering public key: "+id.String())
		return &offer{identity: id, l: l}
	}
	l.a.debug(1, "Trying private key: "+id.name)
	s, err := id.file.load()
	if err != nil || !acceptedKeyTypes[s.PublicKey().Type()] {
		return nil
	}
	loaded := *id
	loaded.pub = s.PublicKey()
	return &offer{identity: &loaded, l: l, private: true}
}

// resetKeys makes every key worth offering again, as ssh does after a
// partial success.
func (l *login) resetKeys() {
	for _, q := range l.keys {
		q.tried = false
	}
}

func (l *login) keyboardInteractive() ssh.AuthMethod {
	if l.kbdTries >= l.a.ui.prompts {
		return nil
	}
	l.kbdTries++
	// A server that asked nothing the first time will not the next.
	if l.kbdTries > 1 && !l.infoSeen {
		return nil
	}
	l.a.debug(2, "we sent a keyboard-interactive packet, wait for reply")
	return ssh.KeyboardInteractive(func(name, instruction string, questions []string, echos []bool) ([]string, error) {
		l.infoSeen = true
		return l.a.challenge(name, instruction, questions, echos)
	})
}

func (l *login) password() ssh.AuthMethod {
	if l.passwords >= l.a.ui.prompts {
		return nil
	}
	l.passwords++
	again := l.passwords > 1
	return ssh.PasswordCallback(func() (string, error) {
		if again {
			l.a.ui.log("Permission denied, please try again.")
		}
		password, err := l.a.ui.prompt(fmt.Sprintf("%s@%s's password: ", l.a.opts.User, l.a.aliasOrHost()), false)
		if err != nil {
			l.unanswered = true
			return "", err
		}
		l.a.debug(2, "we sent a password packet, wait for reply")
		return password, nil
	})
}

// offer is a key offered on one connection; x/crypto has it sign once the
// server has accepted the key.
type offer struct {
	*identity
	l *login
	// private is set for a key loaded to be offered: ssh sends its
	// signature at once and has no acceptance to report.
	private bool
}

func (o *offer) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return o.SignWithAlgorithm(rand, data, o.Algorithms()[0])
}

func (o *offer) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	if !o.private {
		o.l.a.debug(1, "Server accepts key: "+o.String())
	}
	if isCertificate(o.pub) {
		o.logCertKey()
	}
	sig, err := o.identity.SignWithAlgorithm(rand, data, algorithm)
	if err != nil {
		o.l.unanswered = true
	}
	return sig, err
}

// logCertKey is ssh's account of the key that signs for a certificate.
func (o *offer) logCertKey() {
	key := o.signer
	if !o.certFile {
		key = o.identity // the certificate next to a key file signs with that key
	}
	if key == nil {
		o.l.a.debug(1, fmt.Sprintf("sign_and_send_pubkey: no separate private key for certificate \"%s\"", o.name))
		return
	}
	from := ""
	if key.agent != nil || key.file != nil && key.file.inAgent() {
		from = " from agent"
	}
	o.l.a.debug(2, fmt.Sprintf("sign_and_send_pubkey: using private key \"%s\"%s for certificate", key.name, from))
}
