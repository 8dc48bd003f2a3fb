package auth

import (
	"io"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// AgentSocket resolves an IdentityAgent or ForwardAgent value like ssh: "" and "SSH_AUTH_SOCK" name
// that variable, "$NAME" another one; "none" or an unset variable give "",
// no agent.
func AgentSocket(opt string) string {
	switch {
	case opt == "none":
		return ""
	case opt == "" || opt == "SSH_AUTH_SOCK":
		return os.Getenv("SSH_AUTH_SOCK")
	case strings.HasPrefix(opt, "$"):
		return os.Getenv(opt[1:])
	}
	return opt
}

// agentKey is a key the agent holds, with the comment ssh's log names it
// by. signer is nil for a key of a type x/crypto cannot use (DSA).
type agentKey struct {
	pub     ssh.PublicKey
	signer  ssh.Signer
	comment string
}

// dialAgent connects to the agent and lists its keys. Like ssh it says
// nothing when there is no agent or it does not answer.
func dialAgent(opt string) (net.Conn, []agentKey) {
	path := AgentSocket(opt)
	if path == "" {
		return nil, nil
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, nil
	}
	client := agent.NewClient(conn)
	listed, err := client.List()
	if err != nil {
		conn.Close()
		return nil, nil
	}
	var keys []agentKey
	for _, k := range listed {
		pub, err := parsePublicKeyBlob(k.Blob)
		if err != nil {
			continue
		}
		key := agentKey{pub: pub, comment: k.Comment}
		if _, isDSA := pub.(dsaKey); !isDSA {
			key.signer = agentSigner{agent: client, pub: pub}
		}
		keys = append(keys, key)
	}
	return conn, keys
}

// agentSigner signs with the agent's copy of a key. Unlike the agent
// client's own signers it comes from a listing that may hold keys x/crypto
// cannot parse.
type agentSigner struct {
	agent agent.ExtendedAgent
	pub   ssh.PublicKey
}

func (s agentSigner) PublicKey() ssh.PublicKey { return s.pub }

func (s agentSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return s.agent.Sign(s.pub, data)
}

func (s agentSigner) SignWithAlgorithm(_ io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	var flags agent.SignatureFlags
	switch algorithm {
	case ssh.KeyAlgoRSASHA256:
		flags = agent.SignatureFlagRsaSha256
	case ssh.KeyAlgoRSASHA512:
		flags = agent.SignatureFlagRsaSha512
	}
	return s.agent.SignWithFlags(s.pub, data, flags)
}

// orderIdentities puts the keys in ssh's order: CertificateFile
// certificates, identity files the agent holds (signed there, in the
// agent's order), the agent's other keys unless IdentitiesOnly, then the
// remaining identity files in order. Each certificate gets the key that
// signs for it.
func orderIdentities(certs, files []*identity, agentKeys []agentKey, identitiesOnly bool) []*identity {
	var inAgent, agentOnly []*identity
	rest := slices.Clone(files)
	for _, k := range agentKeys {
		i := slices.IndexFunc(rest, func(id *identity) bool { return id.pub != nil && sameKey(id.pub, k.pub) })
		if i < 0 {
			if !identitiesOnly {
				agentOnly = append(agentOnly, &identity{pub: k.pub, name: k.comment, agent: k.signer})
			}
			continue
		}
		rest[i].useAgent(k.signer)
		inAgent = append(inAgent, rest[i])
		rest = slices.Delete(rest, i, i+1)
	}
	keys := slices.Concat(inAgent, agentOnly, rest)
	for _, c := range certs {
		c.signer = keyFor(c, keys)
	}
	return slices.Concat(certs, keys)
}

// keyFor finds the key that signs for a CertificateFile certificate, as
// ssh does: one with the certificate's public key, else a key file whose
// public half is unknown and whose name the certificate's extends (KEY for
// KEY, KEY.pub or KEY-cert.pub).
func keyFor(cert *identity, keys []*identity) *identity {
	plain := cert.pub.(*ssh.Certificate).Key
	for _, k := range keys {
		if k.pub != nil && !isCertificate(k.pub) && sameKey(k.pub, plain) {
			return k
		}
	}
	for _, k := range keys {
		if k.pub == nil && k.file != nil && namesKeyFile(cert.name, k.file.path) {
			return k
		}
	}
	return nil
}

func namesKeyFile(certPath, keyPath string) bool {
	for _, suffix := range []string{"", ".pub", "-cert.pub"} {
		if base, ok := strings.CutSuffix(certPath, suffix); ok && base != "" && base == keyPath {
			return true
		}
	}
	return false
}
