package transport

import (
	"io"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// TestSessionAfterEnded runs one command after another on a server that
// allows one session at a time: each starts as soon as the one before it
// has ended, which sshd refuses if it has not yet read that session's close.
func TestSessionAfterEnded(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"MaxSessions 1"}})
	cfg := evaluate(t, srv.ConfigFile, sshdtest.HostAlias)
	c, err := Dial(testCtx(t), cfg, Options{Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 200 {
		s, err := c.StartSilent("true")
		if err != nil {
			t.Fatalf("command %d: %v", i, err)
		}
		s.Stdin.Close()
		if err := s.Wait(); err != nil {
			t.Fatalf("command %d: %v", i, err)
		}
	}
}
