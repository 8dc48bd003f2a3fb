package sftp_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// localServer stands for an SSH connection in the examples below: it runs
// OpenSSH's sftp-server on a new, empty directory and returns a client of
// it and a function that ends both.
func localServer() (*sftp.Client, func()) {
	dir, err := os.MkdirTemp("", "sftp-example")
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("/usr/lib/openssh/sftp-server")
	cmd.Dir = dir
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
	client, err := sftp.NewClient(context.Background(), r, w, nil)
	if err != nil {
		log.Fatal(err)
	}
	return client, func() {
		client.Close() // the server exits when its input ends
		cmd.Wait()
		os.RemoveAll(dir)
	}
}

// Write a file, read it back, and list, rename and remove it: the basic
// calls, run against a real sftp-server.
func ExampleClient_files() {
	client, done := localServer()
	defer done()
	ctx := context.Background()

	if err := client.Mkdir(ctx, "docs", 0o755); err != nil {
		log.Fatal(err)
	}
	f, err := client.Create(ctx, "docs/hello.txt", 0o644)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := f.CopyFrom(ctx, strings.NewReader("hello, world\n"), 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.PosixRename(ctx, "docs/hello.txt", "docs/greeting.txt"); err != nil {
		log.Fatal(err)
	}

	entries, err := client.ReadDir(ctx, "docs")
	if err != nil {
		log.Fatal(err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, fi := range entries {
		if fi.Name() != "." && fi.Name() != ".." {
			fmt.Println(strconv.Quote(fi.Name()), fi.Size(), fi.Mode().IsRegular())
		}
	}

	f, err = client.Open(ctx, "docs/greeting.txt")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := f.CopyTo(ctx, os.Stdout, 0); err != nil {
		log.Fatal(err)
	}
	f.Close(ctx)

	if err := client.Remove(ctx, "docs/greeting.txt"); err != nil {
		log.Fatal(err)
	}
	_, err = client.Stat(ctx, "docs/greeting.txt")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// "greeting.txt" 13 true
	// hello, world
	// true
}

// Failed requests are *sftp.StatusError values worded as OpenSSH's sftp
// words them, usually inside an *fs.PathError.
func ExampleStatusError() {
	client, done := localServer()
	defer done()

	_, err := client.Open(context.Background(), "missing.txt")
	var status *sftp.StatusError
	fmt.Println(errors.As(err, &status), errors.Is(err, fs.ErrNotExist))
	fmt.Println(status)
	// Output:
	// true true
	// No such file or directory
}
