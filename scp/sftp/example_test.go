package sftp_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/goscp/goscp/scp/sftp"
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

// Open an SFTP client on an SSH connection.
func ExampleNewSSHClient() {
	conn, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	client, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	home, err := client.Realpath(ctx, ".")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("remote directory %q\n", home) // %q: the name is the server's
}

// Speak SFTP to a local sftp-server process, as `sftp -D` does.
func ExampleNewClient() {
	cmd := exec.Command("/usr/lib/openssh/sftp-server")
	w, err := cmd.StdinPipe()
	if err != nil {
		log.Fatal(err)
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// Like sftp -B 16384 -R 8.
	client, err := sftp.NewClient(ctx, r, w, &sftp.Options{BufferSize: 16384, Requests: 8})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.HasExtension("posix-rename@openssh.com"))
	client.Close() // the server exits when its input ends
	cmd.Wait()
}

// Upload a local file: write it under a temporary name, then rename it
// over the target so readers never see half a file.
func ExampleFile_CopyFrom() {
	conn, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	client, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	local, err := os.Open("report.pdf")
	if err != nil {
		log.Fatal(err)
	}
	defer local.Close()
	remote, err := client.Create(ctx, "report.pdf.part", 0o644)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := remote.CopyFrom(ctx, local, 0); err != nil {
		log.Fatal(err)
	}
	if err := remote.Close(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.PosixRename(ctx, "report.pdf.part", "report.pdf"); err != nil {
		log.Fatal(err)
	}
}

// Download a remote file. CopyTo fails, wrapping io.ErrUnexpectedEOF,
// when the file ends before the size the server gave.
func ExampleFile_CopyTo() {
	conn, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	client, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	remote, err := client.Open(ctx, "logs/app.log")
	if err != nil {
		log.Fatal(err)
	}
	defer remote.Close(ctx)
	local, err := os.Create("app.log")
	if err != nil {
		log.Fatal(err)
	}
	n, err := remote.CopyTo(ctx, local, 0)
	if cerr := local.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
}

// List a directory like `ls -l`. Names come from the server: quote them
// before printing.
func ExampleClient_ReadDir() {
	conn, err := connect("example.com:22", "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	client, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	entries, err := client.ReadDir(ctx, ".")
	if err != nil {
		log.Fatal(err)
	}
	for _, fi := range entries {
		fmt.Println(fi.Mode(), strconv.Quote(fi.Name()), fi.Size())
	}
}
