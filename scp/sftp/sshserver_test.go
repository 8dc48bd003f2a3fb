package sftp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"log"
	"net"
	"os/exec"

	"golang.org/x/crypto/ssh"
)

// dialSFTPServer starts an SSH server in this process whose "sftp"
// subsystem runs OpenSSH's sftp-server in dir, and returns a client
// connected to it over 127.0.0.1, as ssh.Dial would to a real server.
func dialSFTPServer(dir string) *ssh.Client {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		log.Fatal(err)
	}
	config := &ssh.ServerConfig{NoClientAuth: true}
	config.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go func() {
		if nc, err := l.Accept(); err == nil {
			serveSSH(nc, config, dir)
		}
	}()
	conn, err := ssh.Dial("tcp", l.Addr().String(), &ssh.ClientConfig{
		User:            "alice",
		HostKeyCallback: ssh.FixedHostKey(signer.PublicKey()),
	})
	if err != nil {
		log.Fatal(err)
	}
	return conn
}

func serveSSH(nc net.Conn, config *ssh.ServerConfig, dir string) {
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
		go serveSession(ch, reqs, dir)
	}
}

// serveSession runs sftp-server for a session's "sftp" subsystem request
// and refuses everything else.
func serveSession(ch ssh.Channel, reqs <-chan *ssh.Request, dir string) {
	defer ch.Close()
	for req := range reqs {
		var sub struct{ Name string }
		if req.Type != "subsystem" || ssh.Unmarshal(req.Payload, &sub) != nil || sub.Name != "sftp" {
			req.Reply(false, nil)
			continue
		}
		req.Reply(true, nil)
		go ssh.DiscardRequests(reqs)
		cmd := exec.Command(sftpServer)
		cmd.Dir = dir
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		status := uint32(0)
		if cmd.Run() != nil {
			status = 1
		}
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
		return
	}
}
