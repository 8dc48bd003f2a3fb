package transport

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshconfig"
)

// OpenSSH 9.2's default client proposals (ssh -G), in its order. Those we
// cannot do are dropped from them when used as defaults. Ciphers are the
// exception: OpenSSH's choice, chacha20-poly1305, is about twice as slow as
// AES-GCM in Go on CPUs with AES instructions, so we propose x/crypto's
// order, which puts AES-GCM first where the hardware helps.
var (
	defaultCiphers = ssh.SupportedAlgorithms().Ciphers
	opensshMACs    = []string{"umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
		"hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com",
		"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"}
	// mlkem768x25519-sha256 (x/crypto's post-quantum hybrid) takes the
	// place of sntrup761x25519, which x/crypto lacks, as OpenSSH 9.9 does.
	opensshKex = []string{"mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
		"curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
		"ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
		"diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"}
	opensshHostKeys = []string{"ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
		"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
		"rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com", "ssh-ed25519",
		"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
		"sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256"}
)

// family is one negotiated algorithm list.
type family struct {
	keyword  string   // ssh_config keyword
	what     string   // ssh's word in "no matching %s found"
	defaults []string // OpenSSH's default list
	all      []string // what x/crypto can do, secure or not
}

var families = func() []*family {
	sup, insec := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	return []*family{
		{"KexAlgorithms", "key exchange method", opensshKex,
			slices.Concat(sup.KeyExchanges, []string{"curve25519-sha256@libssh.org"}, insec.KeyExchanges)},
		{"HostKeyAlgorithms", "host key type", opensshHostKeys, slices.Concat(sup.HostKeys, insec.HostKeys)},
		{"Ciphers", "cipher", defaultCiphers, slices.Concat(sup.Ciphers, insec.Ciphers)},
		{"MACs", "MAC", opensshMACs, slices.Concat(sup.MACs, insec.MACs)},
	}
}()

// algorithmLists are the lists we propose, by family keyword; a family
// absent keeps the default (for host keys: auth's known_hosts-aware order).
type algorithmLists map[string][]string

// algorithms assembles the configured lists. cipher (-c) overrides Ciphers.
func algorithms(cfg *sshconfig.Config, cipher string) (algorithmLists, error) {
	lists := algorithmLists{}
	for _, f := range families {
		spec := cfg.Get(f.keyword)
		if f.keyword == "Ciphers" && cipher != "" {
			spec = cipher
		}
		if spec == "" {
			if f.keyword != "HostKeyAlgorithms" {
				lists[f.keyword] = assemble("", f.defaults, f.all)
			}
			continue
		}
		if strings.Contains(spec, "!") {
			return nil, &Error{Msg: fmt.Sprintf("Bad SSH2 %s spec '%s'.", f.keyword, spec)}
		}
		lists[f.keyword] = assemble(spec, f.defaults, f.all)
	}
	return lists, nil
}

// assemble applies OpenSSH's kex_assemble_names to a list: "" is the
// default; "+L" appends L to it, "-L" removes what L's patterns match,
// "^L" puts L first; otherwise L replaces it. Patterns (* and ?) expand to
// the names in all they match; names not in all (that we cannot do) are
// dropped, and so are duplicates.
func assemble(spec string, def, all []string) []string {
	def = slices.DeleteFunc(slices.Clone(def), func(n string) bool { return !slices.Contains(all, n) })
	var list []string
	switch {
	case spec == "":
		return def
	case spec[0] == '-':
		pats := strings.Split(spec[1:], ",")
		return slices.DeleteFunc(def, func(n string) bool {
			return slices.ContainsFunc(pats, func(p string) bool { return wildmatch(p, n) })
		})
	case spec[0] == '+':
		list = namesCat(def, strings.Split(spec[1:], ","))
	case spec[0] == '^':
		list = namesCat(strings.Split(spec[1:], ","), def)
	default:
		list = strings.Split(spec, ",")
	}
	var out []string
	for _, p := range list {
		var matching []string
		for _, n := range all {
			if wildmatch(p, n) {
				matching = append(matching, n)
			}
		}
		out = namesCat(out, matching)
	}
	return out
}

// namesCat is a followed by the names of b not in a.
func namesCat(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// wildmatch is OpenSSH's match_pattern: * any run, ? any one character.
func wildmatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildmatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

// emptyList says that nothing is left to propose for a family; ssh would
// then fail the negotiation.
type emptyList struct{ what string }

func (e *emptyList) Error() string { return "no " + e.what + " left to propose" }

// apply puts the lists into the client configuration. x/crypto treats an
// empty list as "the defaults", so an empty family is reported instead, in
// ssh's order of checks. With no MAC only the AEAD ciphers, which need
// none, can be negotiated.
func (l algorithmLists) apply(c *ssh.ClientConfig) *emptyList {
	for _, f := range families {
		list, set := l[f.keyword]
		if !set {
			continue
		}
		if f.keyword == "MACs" && len(list) == 0 {
			aead := slices.DeleteFunc(slices.Clone(c.Ciphers), func(n string) bool {
				return !strings.Contains(n, "gcm@") && !strings.HasPrefix(n, "chacha20-poly1305@")
			})
			if len(aead) == 0 {
				return &emptyList{f.what}
			}
			c.Ciphers = aead
			continue
		}
		if len(list) == 0 {
			return &emptyList{f.what}
		}
		switch f.keyword {
		case "KexAlgorithms":
			c.KeyExchanges = list
		case "HostKeyAlgorithms":
			c.HostKeyAlgorithms = list
		case "Ciphers":
			c.Ciphers = list
		case "MACs":
			c.MACs = list
		}
	}
	return nil
}

// noMatch is ssh's negotiation failure.
func noMatch(peer, what string, offer []string) string {
	switch {
	case strings.Contains(what, "key exchange"):
		what = "key exchange method"
	case strings.Contains(what, "host key"):
		what = "host key type"
	case strings.Contains(what, "cipher"):
		what = "cipher"
	case strings.Contains(what, "MAC"):
		what = "MAC"
	case strings.Contains(what, "compression"):
		what = "compression method"
	}
	return fmt.Sprintf("Unable to negotiate with %s: no matching %s found. Their offer: %s", peer, what, strings.Join(offer, ","))
}

// negotiationFailure reads the server's offer (its banner and KEXINIT) to
// word the failure ssh reports when a list we propose is empty.
func negotiationFailure(conn net.Conn, cfg *sshconfig.Config, proxied bool, e *emptyList) error {
	peer := fmt.Sprintf("%s port %d", cfg.HostName, cfg.Port)
	if proxied {
		peer = "UNKNOWN port 65535"
	}
	if cfg.ConnectTimeout > 0 {
		conn.SetDeadline(time.Now().Add(cfg.ConnectTimeout))
	}
	offer, err := serverOffer(conn)
	if err != nil {
		return &Error{Msg: "Connection closed by " + peer, Err: err}
	}
	var i int
	switch e.what {
	case "key exchange method":
		i = 0
	case "host key type":
		i = 1
	case "cipher":
		i = 3 // ssh checks the server-to-client direction first
	case "MAC":
		i = 5
	}
	return &Error{Msg: noMatch(peer, e.what, offer[i]), Err: e}
}

// serverOffer exchanges versions and returns the name-lists of the server's
// KEXINIT.
func serverOffer(conn net.Conn) ([][]string, error) {
	if _, err := io.WriteString(conn, "SSH-2.0-Go\r\n"); err != nil {
		return nil, err
	}
	var line []byte
	b := make([]byte, 1)
	for n := 0; ; n++ {
		if _, err := io.ReadFull(conn, b); err != nil {
			return nil, err
		}
		if n > 64*1024 {
			return nil, fmt.Errorf("no SSH version line")
		}
		line = append(line, b[0])
		if b[0] == '\n' {
			if strings.HasPrefix(string(line), "SSH-") {
				break
			}
			line = line[:0]
		}
	}
	var head [5]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return nil, err
	}
	length := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if length < 2 || length > 256*1024 || int(head[4]) >= length {
		return nil, fmt.Errorf("bad packet length %d", length)
	}
	packet := make([]byte, length-1)
	if _, err := io.ReadFull(conn, packet); err != nil {
		return nil, err
	}
	payload := packet[:length-1-int(head[4])]
	if len(payload) < 17 || payload[0] != 20 {
		return nil, fmt.Errorf("expected KEXINIT")
	}
	payload = payload[17:]
	var lists [][]string
	for len(lists) < 10 {
		if len(payload) < 4 {
			return nil, fmt.Errorf("short KEXINIT")
		}
		n := int(payload[0])<<24 | int(payload[1])<<16 | int(payload[2])<<8 | int(payload[3])
		if n > len(payload)-4 {
			return nil, fmt.Errorf("short KEXINIT")
		}
		lists = append(lists, strings.Split(string(payload[4:4+n]), ","))
		payload = payload[4+n:]
	}
	return lists, nil
}
