package sftp_test

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// The examples run OpenSSH's sftp-server (Debian's openssh-sftp-server
// package) as a child process and speak SFTP over its stdin and stdout,
// as `sftp -D` does, so that `go test` runs them; a program would use
// [sftp.NewSSHClient] on its SSH connection instead.
const sftpServer = "/usr/lib/openssh/sftp-server"

// setup starts sftp-server in a fresh "remote" directory, writes the
// given files there and in a fresh "local" directory (a name ending in
// "/" is an empty directory), and returns a client connected to it.
func setup(remoteFiles, localFiles map[string]string) (client *sftp.Client, local, remote string, done func()) {
	top, err := os.MkdirTemp("", "sftp-example")
	if err != nil {
		log.Fatal(err)
	}
	local, remote = filepath.Join(top, "local"), filepath.Join(top, "remote")
	write(remote, remoteFiles)
	write(local, localFiles)
	cmd := exec.Command(sftpServer)
	cmd.Dir = remote // the server's start directory
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
	client, err = sftp.NewClient(context.Background(), r, w, nil)
	if err != nil {
		log.Fatal(err)
	}
	return client, local, remote, func() {
		client.Close() // the server exits when its input ends
		cmd.Wait()
		os.RemoveAll(top)
	}
}

func write(dir string, files map[string]string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				log.Fatal(err)
			}
		} else if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// show prints the tree under dir, a directory with a "/", a file with its
// content.
func show(dir string) {
	var lines []string
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			log.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case p == dir:
		case e.IsDir():
			lines = append(lines, filepath.ToSlash(rel)+"/")
		default:
			b, _ := os.ReadFile(p)
			lines = append(lines, fmt.Sprintf("%s %q", filepath.ToSlash(rel), b))
		}
		return nil
	})
	slices.Sort(lines)
	fmt.Println(strings.Join(lines, "\n"))
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
	// Output: true
}

// Open an SFTP client on an SSH connection. Here the connection is to an
// SSH server in this process (sshserver_test.go) whose "sftp" subsystem
// is OpenSSH's sftp-server; a program gets it from ssh.Dial.
func ExampleNewSSHClient() {
	_, _, remote, done := setup(map[string]string{"hello.txt": "Hello over SSH\n"}, nil)
	defer done()
	conn := dialSFTPServer(remote)
	defer conn.Close()

	ctx := context.Background()
	client, err := sftp.NewSSHClient(ctx, conn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := client.Get(ctx, "hello.txt", os.Stdout, nil); err != nil {
		log.Fatal(err)
	}
	// Output: Hello over SSH
}

// Upload a file and a directory tree into a remote directory.
func ExampleClient_Upload() {
	client, local, remote, done := setup(
		map[string]string{"backup/": ""},
		map[string]string{"notes.txt": "buy milk\n", "photos/cat.jpg": "meow", "photos/2024/dog.jpg": "woof"})
	defer done()

	paths := []string{filepath.Join(local, "notes.txt"), filepath.Join(local, "photos")}
	err := client.Upload(context.Background(), paths, "backup", &sftp.CopyOptions{Recursive: true})
	if err != nil {
		log.Fatal(err)
	}
	show(remote)
	// Output:
	// backup/
	// backup/notes.txt "buy milk\n"
	// backup/photos/
	// backup/photos/2024/
	// backup/photos/2024/dog.jpg "woof"
	// backup/photos/cat.jpg "meow"
}

// Download a remote tree, with its times and modes, to a new local
// directory.
func ExampleClient_Download() {
	client, local, _, done := setup(
		map[string]string{"logs/app.log": "started\n", "logs/old/app.log.1": "stopped\n"}, nil)
	defer done()

	target := filepath.Join(local, "logs-copy")
	err := client.Download(context.Background(), "logs", target, &sftp.CopyOptions{Recursive: true, Preserve: true})
	if err != nil {
		log.Fatal(err)
	}
	show(local)
	// Output:
	// logs-copy/
	// logs-copy/app.log "started\n"
	// logs-copy/old/
	// logs-copy/old/app.log.1 "stopped\n"
}

// Write a remote file from an io.Reader, and read it back into an
// io.Writer.
func ExampleClient_Put() {
	client, _, _, done := setup(nil, nil)
	defer done()
	ctx := context.Background()

	motd := "Welcome!\n"
	if err := client.Put(ctx, strings.NewReader(motd), int64(len(motd)), 0o644, "motd.txt", nil); err != nil {
		log.Fatal(err)
	}
	var back strings.Builder
	if err := client.Get(ctx, "motd.txt", &back, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Print(back.String())
	// Output: Welcome!
}

//go:embed testdata/site
var embedded embed.FS

// Upload the contents of an fs.FS, here an embed.FS holding a web site.
func ExampleClient_UploadFS() {
	client, _, remote, done := setup(map[string]string{"www/": ""}, nil)
	defer done()

	site, err := fs.Sub(embedded, "testdata/site")
	if err != nil {
		log.Fatal(err)
	}
	err = client.UploadFS(context.Background(), site, []string{"."}, "www", &sftp.CopyOptions{Recursive: true})
	if err != nil {
		log.Fatal(err)
	}
	show(remote)
	// Output:
	// www/
	// www/css/
	// www/css/site.css "body { font-family: sans-serif; }\n"
	// www/index.html "<h1>Hello</h1>\n"
}

// List a directory. Names come from the server: quote them before
// printing.
func ExampleClient_ReadDir() {
	client, _, _, done := setup(map[string]string{"docs/a.txt": "a", "docs/b.txt": "bb", "docs/img/": ""}, nil)
	defer done()

	entries, err := client.ReadDir(context.Background(), "docs")
	if err != nil {
		log.Fatal(err)
	}
	slices.SortFunc(entries, func(a, b *sftp.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
	for _, fi := range entries {
		if fi.Name() == "." || fi.Name() == ".." {
			continue
		}
		if fi.IsDir() {
			fmt.Printf("%q directory\n", fi.Name())
		} else {
			fmt.Printf("%q %d bytes\n", fi.Name(), fi.Size())
		}
	}
	// Output:
	// "a.txt" 1 bytes
	// "b.txt" 2 bytes
	// "img" directory
}

// A copy goes on past the files it cannot copy, and says which and why.
func ExampleTransferError() {
	client, local, remote, done := setup(map[string]string{"src/ok.txt": "fine"}, nil)
	defer done()
	os.Symlink("/etc/passwd", filepath.Join(remote, "src", "passwd"))

	err := client.Download(context.Background(), "src", filepath.Join(local, "dst"), &sftp.CopyOptions{Recursive: true})
	var te *sftp.TransferError
	fmt.Println(errors.As(err, &te), te.Path, errors.Is(err, sftp.ErrSymlink))
	fmt.Println(err)
	show(local)
	// Output:
	// true src/passwd true
	// download src/passwd: sftp: symlink not followed
	// dst/
	// dst/ok.txt "fine"
}

// Upload a local file: write it under a temporary name, then rename it
// over the target so readers never see half a file.
func ExampleFile_CopyFrom() {
	client, local, remote, done := setup(nil, map[string]string{"report.pdf": "%PDF-1.7"})
	defer done()
	ctx := context.Background()

	f, err := os.Open(filepath.Join(local, "report.pdf"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rf, err := client.Create(ctx, "report.pdf.part", 0o644)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := rf.CopyFrom(ctx, f, 0); err != nil {
		log.Fatal(err)
	}
	if err := rf.Close(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.PosixRename(ctx, "report.pdf.part", "report.pdf"); err != nil {
		log.Fatal(err)
	}
	show(remote)
	// Output: report.pdf "%PDF-1.7"
}

// Read a remote file from an offset. CopyTo fails, wrapping
// io.ErrUnexpectedEOF, when the file ends before the size the server
// gave.
func ExampleFile_CopyTo() {
	client, _, _, done := setup(map[string]string{"app.log": "line 1\nline 2\n"}, nil)
	defer done()
	ctx := context.Background()

	rf, err := client.Open(ctx, "app.log")
	if err != nil {
		log.Fatal(err)
	}
	defer rf.Close(ctx)
	n, err := rf.CopyTo(ctx, os.Stdout, 7)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output:
	// line 2
	// 7 bytes
}

// Failed requests are *sftp.StatusError values worded as OpenSSH's sftp
// words them, usually inside an *fs.PathError.
func ExampleStatusError() {
	client, _, remote, done := setup(nil, nil)
	defer done()

	_, err := client.Open(context.Background(), remote+"/missing.txt")
	var status *sftp.StatusError
	fmt.Println(errors.As(err, &status), errors.Is(err, fs.ErrNotExist))
	fmt.Println(status)
	// Output:
	// true true
	// No such file or directory
}
