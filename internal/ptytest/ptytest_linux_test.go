//go:build linux

package ptytest

import (
	"errors"
	"io"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpen writes through the pair both ways and checks the window size.
func TestOpen(t *testing.T) {
	master, slave, err := Open()
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	if _, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS); err != nil {
		t.Fatalf("the slave is not a terminal: %v", err)
	}
	if _, err := master.Write([]byte("typed\n")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 6)
	if _, err := io.ReadFull(slave, got); err != nil || string(got) != "typed\n" {
		t.Fatalf("slave read %q, %v; want %q", got, err, "typed\n")
	}
	if err := SetSize(master, 30, 100); err != nil {
		t.Fatal(err)
	}
	ws, err := unix.IoctlGetWinsize(int(slave.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Row != 30 || ws.Col != 100 {
		t.Errorf("window %dx%d, want 30x100", ws.Row, ws.Col)
	}
}
