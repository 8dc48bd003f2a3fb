package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

// startFake serves scenario name over pipes to our SFTP client.
func startFake(t *testing.T, name string) *sftp.Client {
	t.Helper()
	cr, sw := io.Pipe() // the server's output
	sr, cw := io.Pipe() // its input
	s := &server{in: sr, out: bufio.NewWriter(sw), sc: scenarios[name], handles: map[string]*handle{}}
	done := make(chan error, 1)
	go func() {
		err := s.serve()
		sw.CloseWithError(io.EOF)
		done <- err
	}()
	c, err := sftp.NewClient(context.Background(), cr, cw, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := <-done; err != nil && !errors.Is(err, errStalled) {
			t.Errorf("%s: the fake: %v", name, err)
		}
	})
	return c
}

func fetch(ctx context.Context, c *sftp.Client, name string) ([]byte, error) {
	f, err := c.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer f.Close(ctx)
	var b bytes.Buffer
	_, err = f.CopyTo(ctx, &b, 0)
	return b.Bytes(), err
}

func want(size int) []byte {
	b := make([]byte, size)
	content(b, 0)
	return b
}

// TestScenarios checks that the fake tells the truth where it should and
// lies where it should, as our client sees it.
func TestScenarios(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		scenario string
		check    func(t *testing.T, c *sftp.Client)
	}{
		{"honest", func(t *testing.T, c *sftp.Client) {
			if p, err := c.Realpath(ctx, "."); err != nil || p != home {
				t.Errorf("realpath .: %q, %v", p, err)
			}
			l, err := c.ReadDir(ctx, "d")
			var names []string
			for _, fi := range l {
				names = append(names, fi.Name())
			}
			if err != nil || !slices.Equal(names, []string{".", "..", "a", "big", "s"}) {
				t.Errorf("readdir d: %q, %v", names, err)
			}
			if b, err := fetch(ctx, c, "d/big"); err != nil || !bytes.Equal(b, want(300000)) {
				t.Errorf("d/big: %d bytes, %v", len(b), err)
			}
			f, err := c.Create(ctx, "new", 0o644)
			if err == nil {
				_, err = f.WriteAt(ctx, []byte("data"), 0)
				f.Close(ctx)
			}
			if err != nil {
				t.Errorf("create and write: %v", err)
			}
		}},
		{"shortread", func(t *testing.T, c *sftp.Client) {
			if b, err := fetch(ctx, c, "f"); err != nil || !bytes.Equal(b, want(200000)) {
				t.Errorf("f: %d bytes, %v", len(b), err)
			}
		}},
		{"hole", func(t *testing.T, c *sftp.Client) {
			if b, err := fetch(ctx, c, "f"); !errors.Is(err, io.ErrUnexpectedEOF) || !bytes.Equal(b, want(65536)) {
				t.Errorf("f: %d bytes, %v; want 65536 and an unexpected EOF", len(b), err)
			}
		}},
		{"names", func(t *testing.T, c *sftp.Client) {
			l, err := c.ReadDir(ctx, "d")
			if err != nil || !slices.ContainsFunc(l, func(fi *sftp.FileInfo) bool { return fi.Name() == "../escape" }) {
				t.Errorf("readdir d: no ../escape (%v)", err)
			}
		}},
		{"badid", func(t *testing.T, c *sftp.Client) {
			if _, err := c.Stat(ctx, "f"); !errors.Is(err, sftp.ErrConnLost) {
				t.Errorf("stat f: %v, want the connection lost", err)
			}
		}},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			tt.check(t, startFake(t, tt.scenario))
		})
	}
}
