package scp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/scp"
)

// setup stands for a real SSH connection in these examples: it starts an
// SSH server in this process (see sshserver_test.go) whose scp serves the
// remote directory, writes the given files there and in a local directory,
// and returns a client connected to it.
func setup(remoteFiles, localFiles map[string]string) (conn *ssh.Client, local, remote string, done func()) {
	top, err := os.MkdirTemp("", "scp-example")
	if err != nil {
		log.Fatal(err)
	}
	local, remote = filepath.Join(top, "local"), filepath.Join(top, "remote")
	write(remote, remoteFiles)
	write(local, localFiles)
	srv := &sshServer{root: remote}
	if conn, err = srv.connect(); err != nil {
		log.Fatal(err)
	}
	return conn, local, remote, func() {
		conn.Close()
		os.RemoveAll(top)
	}
}

// write creates dir and the files under it; a name ending in "/" is an
// empty directory.
func write(dir string, files map[string]string) {
	if err := os.MkdirAll(dir, 0755); err != nil {
		log.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0755); err != nil {
				log.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0644); err != nil {
			log.Fatal(err)
		}
	}
}

// Upload a file and a directory into a remote directory.
func ExampleClient_Upload() {
	conn, local, remote, done := setup(
		map[string]string{"backup/": ""},
		map[string]string{"notes.txt": "buy milk\n", "photos/cat.jpg": "meow", "photos/dog.jpg": "woof"})
	defer done()

	client := scp.NewClient(conn)
	paths := []string{filepath.Join(local, "notes.txt"), filepath.Join(local, "photos")}
	err := client.Upload(context.Background(), paths, "backup", &scp.CopyOptions{Recursive: true})
	if err != nil {
		log.Fatal(err)
	}
	list(remote)
	// Output:
	// backup/
	// backup/notes.txt "buy milk\n"
	// backup/photos/
	// backup/photos/cat.jpg "meow"
	// backup/photos/dog.jpg "woof"
}

// Download a remote tree, with its times and modes, into a local directory.
func ExampleClient_Download() {
	conn, local, _, done := setup(
		map[string]string{"logs/app.log": "started\n", "logs/old/app.log.1": "stopped\n"}, nil)
	defer done()

	client := scp.NewClient(conn)
	err := client.Download(context.Background(), "logs", local, &scp.CopyOptions{Recursive: true, Preserve: true})
	if err != nil {
		log.Fatal(err)
	}
	list(local)
	// Output:
	// logs/
	// logs/app.log "started\n"
	// logs/old/
	// logs/old/app.log.1 "stopped\n"
}

// Download several remote paths into a local directory, each on a session
// of its own, at once; the errors come in the order of the paths.
func ExampleClient_DownloadAll() {
	conn, local, _, done := setup(
		map[string]string{"etc/hosts": "127.0.0.1 localhost\n", "etc/motd": "hello\n"}, nil)
	defer done()

	client := scp.NewClient(conn)
	err := client.DownloadAll(context.Background(), []string{"etc/hosts", "etc/nope", "etc/motd"}, local, nil)
	fmt.Println(err)
	list(local)
	// Output:
	// scp: etc/nope: No such file or directory
	// not all files were copied
	// hosts "127.0.0.1 localhost\n"
	// motd "hello\n"
}

// Write a remote file from an io.Reader. The remote path is one literal
// name: the remote shell expands nothing in it.
func ExampleClient_Put() {
	conn, _, remote, done := setup(nil, nil)
	defer done()

	client := scp.NewClient(conn)
	motd := "Welcome!\n"
	err := client.Put(context.Background(), strings.NewReader(motd), int64(len(motd)), 0644, "$HOME's motd.txt", nil)
	if err != nil {
		log.Fatal(err)
	}
	list(remote)
	// Output:
	// $HOME's motd.txt "Welcome!\n"
}

// Read a remote file into an io.Writer.
func ExampleClient_Get() {
	conn, _, _, done := setup(map[string]string{"etc/app.conf": "port = 8080\n"}, nil)
	defer done()

	client := scp.NewClient(conn)
	var buf bytes.Buffer
	if err := client.Get(context.Background(), "etc/app.conf", &buf, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Print(buf.String())
	// Output:
	// port = 8080
}

// Upload files from an fs.FS, here an fstest.MapFS; an embed.FS works the
// same way.
func ExampleClient_UploadFS() {
	conn, _, remote, done := setup(nil, nil)
	defer done()

	site := fstest.MapFS{
		"site/index.html":    {Data: []byte("<h1>Hi</h1>\n"), Mode: 0644},
		"site/css/main.css":  {Data: []byte("h1 { color: red }\n"), Mode: 0644},
		"site/img/README.md": {Data: []byte("no images yet\n"), Mode: 0644},
	}
	client := scp.NewClient(conn)
	err := client.UploadFS(context.Background(), site, []string{"site"}, "www", &scp.CopyOptions{Recursive: true})
	if err != nil {
		log.Fatal(err)
	}
	list(remote)
	// Output:
	// www/
	// www/css/
	// www/css/main.css "h1 { color: red }\n"
	// www/img/
	// www/img/README.md "no images yet\n"
	// www/index.html "<h1>Hi</h1>\n"
}

// A file that cannot be copied does not stop the others. Each problem is a
// *scp.FileError in the returned error, which also matches
// scp.ErrIncomplete.
func ExampleFileError() {
	conn, local, _, done := setup(nil, map[string]string{"a.txt": "alpha\n", "c.txt": "gamma\n"})
	defer done()

	client := scp.NewClient(conn)
	paths := []string{filepath.Join(local, "a.txt"), filepath.Join(local, "b.txt"), filepath.Join(local, "c.txt")}
	err := client.Upload(context.Background(), paths, "/", nil)
	fmt.Println(errors.Is(err, scp.ErrIncomplete), errors.Is(err, fs.ErrNotExist))

	err = client.Download(context.Background(), "/missing.txt", local, nil)
	var fe *scp.FileError
	if errors.As(err, &fe) {
		fmt.Println(fe.Msg)
	}
	// Output:
	// true true
	// scp: /missing.txt: No such file or directory
}

// Show each file as it is copied.
func ExampleCopyOptions_progress() {
	conn, _, _, done := setup(nil, nil)
	defer done()

	files := fstest.MapFS{
		"a.txt": {Data: []byte("alpha\n"), Mode: 0644},
		"b.txt": {Data: []byte("beta\n"), Mode: 0644},
	}
	client := scp.NewClient(conn)
	opts := &scp.CopyOptions{Progress: &printProgress{}}
	if err := client.UploadFS(context.Background(), files, []string{"a.txt", "b.txt"}, ".", opts); err != nil {
		log.Fatal(err)
	}
	// Output:
	// a.txt: 6 of 6 bytes
	// b.txt: 5 of 5 bytes
}

// printProgress prints a line at the end of each file.
type printProgress struct {
	name       string
	size, done int64
}

func (p *printProgress) Start(name string, size int64) { *p = printProgress{name: name, size: size} }
func (p *printProgress) Add(n int64)                   { p.done += n }
func (p *printProgress) Finish()                       { fmt.Printf("%s: %d of %d bytes\n", p.name, p.done, p.size) }

// Connect to a host named in ~/.ssh/config as the scp command would, with
// the user's agent, keys and known_hosts, and copy to it.
func ExampleDial() {
	ctx := context.Background()
	client, err := scp.Dial(ctx, "web1", &scp.DialOptions{
		Options: []string{"BatchMode=yes"}, // never ask anything
		Stderr:  os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := client.Upload(ctx, []string{"site.tar.gz"}, "/srv/releases/", nil); err != nil {
		log.Fatal(err)
	}
}

// Upload a tree on up to four sessions of the connection at once, with the
// messages printed as the scp command prints them (and in the same order,
// whatever the number of sessions).
func ExampleClient_Upload_sessions() {
	conn, local, remote, done := setup(
		map[string]string{"site/www/img": "a file in the way"},
		map[string]string{"www/index.html": "<h1>hi</h1>", "www/about.html": "about", "www/img/logo.png": "png", "www/css/site.css": "body{}"})
	defer done()

	client := scp.NewClient(conn)
	opts := &scp.CopyOptions{
		Recursive: true,
		Sessions:  4,
		Report:    func(msg string) { fmt.Println("message:", msg) },
	}
	err := client.Upload(context.Background(), []string{filepath.Join(local, "www")}, "site", opts)
	fmt.Println("incomplete:", errors.Is(err, scp.ErrIncomplete))
	list(remote)
	// Output:
	// message: scp: site/www/img: Not a directory
	// incomplete: true
	// site/
	// site/www/
	// site/www/about.html "about"
	// site/www/css/
	// site/www/css/site.css "body{}"
	// site/www/img "a file in the way"
	// site/www/index.html "<h1>hi</h1>"
}
