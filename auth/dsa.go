package auth

import (
	"errors"
	"math/big"
	"strings"

	"golang.org/x/crypto/ssh"
)

// dsaKey is an ssh-dss public key, which x/crypto no longer parses. ssh
// 9.2 still reads such keys: it skips them as identities and compares
// them in known_hosts. They never sign or verify here.
type dsaKey struct{ blob []byte }

func (k dsaKey) Type() string    { return "ssh-dss" }
func (k dsaKey) Marshal() []byte { return k.blob }

func (k dsaKey) Verify([]byte, *ssh.Signature) error {
	return errors.New("auth: DSA keys are not supported")
}

// parsePublicKeyBlob is ssh.ParsePublicKey, DSA keys included.
func parsePublicKeyBlob(blob []byte) (ssh.PublicKey, error) {
	key, err := ssh.ParsePublicKey(blob)
	if err == nil {
		return key, nil
	}
	var dsa struct {
		Name       string
		P, Q, G, Y *big.Int
		Rest       []byte `ssh:"rest"`
	}
	if ssh.Unmarshal(blob, &dsa) != nil || dsa.Name != "ssh-dss" || len(dsa.Rest) > 0 {
		return nil, err
	}
	return dsaKey{blob: blob}, nil
}

// parsePublicKeyFile reads a public key in authorized_keys form, as a .pub
// file holds it; nil if there is none.
func parsePublicKeyFile(data []byte) ssh.PublicKey {
	if pub, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		return pub
	}
	if f := strings.Fields(string(data)); len(f) >= 2 {
		if pub, err := parsePublicKey(f[0], f[1]); err == nil {
			return pub
		}
	}
	return nil
}
