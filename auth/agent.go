package auth

import (
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

// dialAgent connects to the agent and lists its keys. Like ssh it says
// nothing when there is no agent or it does not answer.
func dialAgent(opt string) (net.Conn, []ssh.Signer) {
	path := AgentSocket(opt)
	if path == "" {
		return nil, nil
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, nil
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, nil
	}
	return conn, signers
}

// orderIdentities puts the keys in ssh's order: identity files the agent
// holds (signed there, in the agent's order), then the agent's other keys
// unless IdentitiesOnly, then the remaining identity files in order.
func orderIdentities(files []*identity, agentKeys []ssh.Signer, identitiesOnly bool) []*identity {
	var inAgent, agentOnly []*identity
	rest := slices.Clone(files)
	for _, s := range agentKeys {
		if !acceptedKeyTypes[s.PublicKey().Type()] {
			continue
		}
		i := slices.IndexFunc(rest, func(id *identity) bool { return id.pub != nil && sameKey(id.pub, s.PublicKey()) })
		if i < 0 {
			if !identitiesOnly {
				agentOnly = append(agentOnly, &identity{pub: s.PublicKey(), agent: s})
			}
			continue
		}
		rest[i].useAgent(s)
		inAgent = append(inAgent, rest[i])
		rest = slices.Delete(rest, i, i+1)
	}
	return slices.Concat(inAgent, agentOnly, rest)
}
