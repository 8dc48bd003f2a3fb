// Package memsshd is an SSH server inside the test process, built on
// golang.org/x/crypto/ssh, for tests and runnable examples that need an
// *ssh.Client without a real sshd: each session's exec or subsystem
// request goes to a handler.
package memsshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"

	"golang.org/x/crypto/ssh"
)

// Handler runs one session's request, with value the command (exec) or
// the subsystem's name, and returns its exit status.
type Handler func(ch ssh.Channel, value string) (status uint32)

// Dial starts a server on 127.0.0.1 that takes one connection and runs
// handle for every session request of kind ("exec" or "subsystem"),
// refusing the others, and returns a client logged in to it. TCP rather
// than net.Pipe, whose writes block until read: both sides of SSH write
// first.
func Dial(kind string, handle Handler) (*ssh.Client, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	config := &ssh.ServerConfig{NoClientAuth: true}
	config.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer l.Close()
	go func() {
		if nc, err := l.Accept(); err == nil {
			serveConn(nc, config, kind, handle)
		}
	}()
	return ssh.Dial("tcp", l.Addr().String(), &ssh.ClientConfig{
		User:            "alice",
		HostKeyCallback: ssh.FixedHostKey(signer.PublicKey()),
	})
}

func serveConn(nc net.Conn, config *ssh.ServerConfig, kind string, handle Handler) {
	conn, chans, reqs, err := ssh.NewServerConn(nc, config)
	if err != nil {
		nc.Close()
		return
	}
	defer conn.Close()
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, reqs, err := nch.Accept()
		if err != nil {
			continue
		}
		go serveSession(ch, reqs, kind, handle)
	}
}

// serveSession runs the first request of kind and refuses the others
// before it.
func serveSession(ch ssh.Channel, reqs <-chan *ssh.Request, kind string, handle Handler) {
	defer ch.Close()
	for req := range reqs {
		var v struct{ Value string }
		if req.Type != kind || ssh.Unmarshal(req.Payload, &v) != nil {
			req.Reply(false, nil)
			continue
		}
		req.Reply(true, nil)
		go ssh.DiscardRequests(reqs)
		status := handle(ch, v.Value)
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
		return
	}
}
