package scp_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/goscp/goscp/scp"
)

// connect dials an SSH server with the user's key and known_hosts file.
func connect(addr, user string) (*ssh.Client, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	key, err := os.ReadFile(filepath.Join(home, ".ssh", "id_ed25519"))
	if err != nil {
		return nil, err
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		return nil, err
	}
	hostKeys, err := knownhosts.New(filepath.Join(home, ".ssh", "known_hosts"))
	if err != nil {
		return nil, err
	}
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
	})
}

// report prints a message for the user. Part of it may come from the
// remote side, so it is quoted rather than printed raw to a terminal.
func report(msg string) { log.Printf("%q", msg) }

// remote runs command on the server (a remote `scp -t` or `scp -f`) and
// lets copy speak the protocol over the command's stdout and stdin.
func remote(client *ssh.Client, command string, copy func(r io.Reader, w io.Writer) error) error {
	session, err := client.NewSession()
	if err != nil {
		return err
	}
	defer session.Close()
	stdin, err := session.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := session.StdoutPipe()
	if err != nil {
		return err
	}
	// The remote shell reads this command line: quote paths that may
	// hold spaces or shell characters.
	if err := session.Start(command); err != nil {
		return err
	}
	err = copy(stdout, stdin)
	stdin.Close() // the remote scp ends when its input does
	if werr := session.Wait(); err == nil {
		err = werr
	}
	return err
}

// Upload one file: the remote scp is the sink (-t) and we are the source.
func ExampleSend() {
	client, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	err = remote(client, "scp -t uploads/", func(r io.Reader, w io.Writer) error {
		return scp.Send(context.Background(), r, w, scp.OS{}, []string{"report.pdf"}, scp.Options{Report: report})
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Upload a tree with times and modes: `scp -r -p -t` on the remote side.
func ExampleSend_tree() {
	client, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	opt := scp.Options{Recursive: true, Preserve: true, Report: report}
	err = remote(client, "scp -r -p -t backups", func(r io.Reader, w io.Writer) error {
		return scp.Send(context.Background(), r, w, scp.OS{}, []string{"photos"}, opt)
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Download a tree: the remote scp is the source (-f) and we are the sink.
func ExampleReceive() {
	client, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	err = remote(client, "scp -r -f logs", func(r io.Reader, w io.Writer) error {
		return scp.Receive(context.Background(), r, w, scp.OS{}, ".", scp.Options{Recursive: true, Report: report})
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Download one file to a new local name, refusing any other name the
// server might send (what OpenSSH's scp checks without -r and -T).
func ExampleReceive_file() {
	client, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	check, err := scp.NewNameCheck("/etc/hostname")
	if err != nil {
		log.Fatal(err)
	}
	opt := scp.Options{NameCheck: check, Report: report}
	err = remote(client, "scp -f /etc/hostname", func(r io.Reader, w io.Writer) error {
		return scp.Receive(context.Background(), r, w, scp.OS{}, "remote-hostname.txt", opt)
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Send and Receive talk to each other over two pipes, which stand in for
// an SSH session's stdin and stdout.
func Example_pipe() {
	src, err := os.MkdirTemp("", "scp-example-src")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(src)
	dst, err := os.MkdirTemp("", "scp-example-dst")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dst)
	for _, f := range []struct {
		name, content string
		mode          fs.FileMode
	}{
		{"docs/readme.txt", "hello\n", 0644},
		{"docs/notes/todo.txt", "copy files\n", 0600},
	} {
		p := filepath.Join(src, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.content), f.mode); err != nil {
			log.Fatal(err)
		}
		if err := os.Chmod(p, f.mode); err != nil {
			log.Fatal(err)
		}
	}
	for dir, mode := range map[string]fs.FileMode{"docs": 0750, "docs/notes": 0700} {
		if err := os.Chmod(filepath.Join(src, dir), mode); err != nil {
			log.Fatal(err)
		}
	}

	toSink, fromSource := io.Pipe()
	toSource, fromSink := io.Pipe()
	opt := scp.Options{Recursive: true, Preserve: true}
	received := make(chan error, 1)
	go func() {
		received <- scp.Receive(context.Background(), toSink, fromSink, scp.OS{}, dst, opt)
		fromSink.Close()
	}()
	err = scp.Send(context.Background(), toSource, fromSource, scp.OS{}, []string{filepath.Join(src, "docs")}, opt)
	fromSource.Close() // the end of the stream ends the sink
	fmt.Println("send:", err, "receive:", <-received)

	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dst {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dst, p)
		if d.IsDir() {
			fmt.Println(filepath.ToSlash(rel), fi.Mode())
			return nil
		}
		content, err := os.ReadFile(p)
		fmt.Printf("%s %v %q\n", filepath.ToSlash(rel), fi.Mode(), content)
		return err
	})
	// Output:
	// send: <nil> receive: <nil>
	// docs drwxr-x---
	// docs/notes drwx------
	// docs/notes/todo.txt -rw------- "copy files\n"
	// docs/readme.txt -rw-r--r-- "hello\n"
}
