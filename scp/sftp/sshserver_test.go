package sftp_test

import (
	"log"
	"os/exec"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/memsshd"
)

// dialSFTPServer starts an SSH server in this process whose "sftp"
// subsystem runs OpenSSH's sftp-server in dir, and returns a client
// connected to it over 127.0.0.1, as ssh.Dial would to a real server.
func dialSFTPServer(dir string) *ssh.Client {
	conn, err := memsshd.Dial("subsystem", func(ch ssh.Channel, name string) uint32 {
		if name != "sftp" {
			return 127
		}
		cmd := exec.Command(sftpServer)
		cmd.Dir = dir
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		if cmd.Run() != nil {
			return 1
		}
		return 0
	})
	if err != nil {
		log.Fatal(err)
	}
	return conn
}
