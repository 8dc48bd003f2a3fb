package cli

import (
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestHostLabel(t *testing.T) {
	for _, tt := range []struct {
		op   *Operand
		want string
	}{
		{remote("", "web1", 0, "x"), "web1"},
		{remote("deploy", "web1", 0, "x"), "deploy@web1"},
		{remote("", "fe80::1%eth0", 0, "x"), "[fe80::1%eth0]"},
		{remote("u", "::1", 0, "x"), "u@[::1]"},
		{remote("u", "h", 2222, "x"), "u@[h]:2222"},
	} {
		if got := hostLabel(*tt.op); got != tt.want {
			t.Errorf("hostLabel(%+v) = %q, want %q", *tt.op, got, tt.want)
		}
	}
}

// sshExit stands for x/crypto/ssh's *ExitError.
type sshExit struct {
	status int
	signal string
}

func (e *sshExit) Error() string   { return "Process exited" }
func (e *sshExit) ExitStatus() int { return e.status }
func (e *sshExit) Signal() string  { return e.signal }

func TestExitReason(t *testing.T) {
	programErr := exec.Command("sh", "-c", "exit 3").Run()
	if programErr == nil {
		t.Fatal("sh -c 'exit 3' succeeded")
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&sshExit{status: 1}, "exited with status 1"},
		{fmt.Errorf("wait: %w", &sshExit{status: 127}), "exited with status 127"},
		{&sshExit{status: -1, signal: "KILL"}, "killed by signal KILL"},
		{programErr, "exited with status 3"},
		{&ssh.ExitMissingError{}, "ended without an exit status"},
		{errors.New("EOF"), "ended: EOF"},
	} {
		if got := exitReason(tt.err); got != tt.want {
			t.Errorf("exitReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
