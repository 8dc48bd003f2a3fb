package transport

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/pattern"
)

// envVar is a variable of our environment or of SetEnv, and whether ssh
// would send it to the server.
type envVar struct {
	name, value string
	send        bool
}

// environment lists what ssh considers sending before a command: each
// variable of environ (send when its name matches a SendEnv pattern; the
// "-NAME" removals already happened while reading the configuration),
// then each SetEnv NAME=value.
func environment(environ, sendEnv, setEnv []string) []envVar {
	var vars []envVar
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		send := slices.ContainsFunc(sendEnv, func(p string) bool { return pattern.Match(name, p) })
		vars = append(vars, envVar{name: name, value: value, send: send})
	}
	for _, kv := range setEnv {
		name, value, _ := strings.Cut(kv, "=")
		vars = append(vars, envVar{name: name, value: value, send: true})
	}
	return vars
}

// sendEnvironment sends SendEnv's and SetEnv's variables as "env" requests
// without asking for replies, as ssh does: the server takes what its
// AcceptEnv allows and silently drops the rest.
func (c *Client) sendEnvironment(s *ssh.Session, channel int, environ []string) error {
	if len(c.sendEnv) == 0 && len(c.setEnv) == 0 {
		return nil
	}
	c.log(1, "Sending environment.")
	for _, v := range environment(environ, c.sendEnv, c.setEnv) {
		if !v.send {
			c.log(3, "Ignored env "+v.name)
			continue
		}
		c.log(1, fmt.Sprintf("channel %d: setting env %s = \"%s\"", channel, v.name, v.value))
		payload := ssh.Marshal(struct{ Name, Value string }{v.name, v.value})
		if _, err := s.SendRequest("env", false, payload); err != nil {
			return fmt.Errorf("send environment variable %s: %w", v.name, err)
		}
	}
	return nil
}
