package scp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/scp"
)

// sshServer is an SSH server in this process that runs our own scp.Serve
// for the "scp -t" and "scp -f" commands a Client sends, on the files
// under a directory, which is both its root and its login directory.
type sshServer struct {
	root   string
	config *ssh.ServerConfig
	key    ssh.PublicKey
	// handle, if not nil, runs each command instead, for tests of what a
	// broken or hostile server does.
	handle func(ch ssh.Channel, command string) (status uint32)
}

// newSSHServer serves the files under root.
func newSSHServer(root string) (*sshServer, error) {
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
	return &sshServer{root: root, config: config, key: signer.PublicKey()}, nil
}

// connect returns a client connected to the server over 127.0.0.1 (not
// net.Pipe, whose writes block until read: both sides of SSH write first).
func (s *sshServer) connect() (*ssh.Client, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer l.Close()
	go func() {
		if nc, err := l.Accept(); err == nil {
			s.serveConn(nc)
		}
	}()
	config := &ssh.ClientConfig{User: "alice", HostKeyCallback: ssh.FixedHostKey(s.key)}
	return ssh.Dial("tcp", l.Addr().String(), config)
}

func (s *sshServer) serveConn(nc net.Conn) {
	conn, chans, reqs, err := ssh.NewServerConn(nc, s.config)
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
		go s.serveSession(ch, reqs)
	}
}

// serveSession runs the first exec request of a session.
func (s *sshServer) serveSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			req.Reply(false, nil)
			continue
		}
		var exec struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &exec); err != nil {
			req.Reply(false, nil)
			continue
		}
		req.Reply(true, nil)
		go ssh.DiscardRequests(reqs)
		run := s.run
		if s.handle != nil {
			run = s.handle
		}
		status := run(ch, exec.Command)
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
		return
	}
}

// run serves one scp command line and returns its exit status.
func (s *sshServer) run(ch ssh.Channel, command string) uint32 {
	words := shellWords(command)
	if len(words) == 0 || words[0] != "scp" {
		fmt.Fprintf(ch.Stderr(), "sh: 1: %s: not found\n", strings.Join(words[:min(1, len(words))], ""))
		return 127
	}
	var opt scp.Options
	role, paths := scp.Role(-1), []string(nil)
	for i := 1; i < len(words); i++ {
		switch w := words[i]; w {
		case "-r":
			opt.Recursive = true
		case "-p":
			opt.Preserve = true
		case "-d":
			opt.TargetIsDir = true
		case "-t":
			role = scp.RoleSink
		case "-f":
			role = scp.RoleSource
		case "--":
			paths = append(paths, words[i+1:]...)
			i = len(words)
		default:
			paths = append(paths, w)
		}
	}
	if role < 0 {
		fmt.Fprintln(ch.Stderr(), "usage: scp -t|-f path")
		return 1
	}
	if scp.Serve(context.Background(), ch, ch, rootFS{s.root}, role, paths, opt) != nil {
		return 1
	}
	return 0
}

// shellWords splits a command line as a POSIX shell would, for the quoting
// a Client uses: single quotes and backslashes, no expansions.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			w.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// rootFS is the local disk seen from a directory, which it never leaves:
// "/a" and "a" both name root/a.
type rootFS struct{ root string }

func (f rootFS) path(name string) string {
	return filepath.Join(f.root, filepath.Clean("/"+filepath.FromSlash(name)))
}

func (f rootFS) Open(name string) (scp.File, error)        { return scp.OS{}.Open(f.path(name)) }
func (f rootFS) Stat(name string) (fs.FileInfo, error)     { return scp.OS{}.Stat(f.path(name)) }
func (f rootFS) Mkdir(name string, perm fs.FileMode) error { return scp.OS{}.Mkdir(f.path(name), perm) }
func (f rootFS) Chmod(name string, mode fs.FileMode) error { return scp.OS{}.Chmod(f.path(name), mode) }
func (f rootFS) Umask() fs.FileMode                        { return scp.OS{}.Umask() }

func (f rootFS) OpenWrite(name string, perm fs.FileMode) (scp.WriteFile, error) {
	return scp.OS{}.OpenWrite(f.path(name), perm)
}

func (f rootFS) Chtimes(name string, atime, mtime time.Time) error {
	return scp.OS{}.Chtimes(f.path(name), atime, mtime)
}

// list prints the files under dir, with the content of each, in order.
func list(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			fmt.Println(filepath.ToSlash(rel) + "/")
			return nil
		}
		content, err := os.ReadFile(p)
		fmt.Printf("%s %q\n", filepath.ToSlash(rel), content)
		return err
	})
}
