package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/goscp/goscp/internal/transport"
	"github.com/goscp/goscp/scp/sftp"
)

func TestSCPNotFound(t *testing.T) {
	for _, c := range []struct {
		stderr string
		want   bool
	}{
		{"bash: line 1: scp: command not found\n", true},
		{"bash: scp: command not found\n", true},
		{"sh: 1: scp: not found\n", true}, // dash
		{"sh: scp: not found\n", true},    // busybox ash
		{"zsh:1: command not found: scp\n", true},
		{"scp: Command not found.\n", true}, // csh, tcsh
		{"fish: Unknown command: scp\n", true},
		{"Welcome!\nbash: line 1: scp: command not found\n", true},
		{"bash: line 1: scp: command not found", true}, // no newline
		{"", false},
		{"scp: /x: No such file or directory\n", false}, // scp exists
		{"bash: line 1: sftp-server: command not found\n", false},
		{"bash: line 1: myscp: command not found\n", false},
		{"scp: error while loading shared libraries: libc.so.6: cannot open shared object file\n", false},
		{"This service allows sftp connections only.\n", false},
	} {
		if got := scpNotFound(c.stderr); got != c.want {
			t.Errorf("scpNotFound(%q) = %v, want %v", c.stderr, got, c.want)
		}
	}
}

// TestFirstReply feeds the start of a legacy stream (in pieces of one
// byte too, as a slow link delivers it) and checks what is decided, what
// the engine then reads, and what happens to the held stderr.
func TestFirstReply(t *testing.T) {
	msg := "bash: line 1: scp: command not found\n"
	for _, c := range []struct {
		name, stdout, stderr string
		take                 bool    // the missing callback's answer
		asked                absence // what it is asked; present: not asked
		engine, shown        string
	}{
		{"sink's first reply", "\x00", "", true, present, "\x00", ""},
		{"sink's first reply, remote noise", "\x00", "hello\n", true, present, "\x00", "hello\n"},
		{"record", "C0644 6 a.txt\nalpha\n", "", true, present, "C0644 6 a.txt\nalpha\n", ""},
		{"times record", "T1 0 1 0\n", "", true, present, "T1 0 1 0\n", ""},
		{"error reply", "\x01scp: x: No such file\n", "", true, present, "\x01scp: x: No such file\n", ""},
		{"garbage like the notice", "This service", "", true, present, "This service", ""},
		{"notice and more", sftpOnlyNotice + "x", "", true, present, sftpOnlyNotice + "x", ""},
		{"not found, taken", "", msg, true, notFound, "", ""},
		{"not found, not taken", "", msg, false, notFound, "", msg},
		{"silent end", "", "", false, silent, "", ""},
		{"silent end, other text", "", "sh: 1: exec: bad\n", false, silent, "", "sh: 1: exec: bad\n"},
		{"sftp only, taken", sftpOnlyNotice, "", true, sftpOnly, "", ""},
		{"sftp only, not taken", sftpOnlyNotice, "", false, sftpOnly, sftpOnlyNotice, ""},
	} {
		for _, slow := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/slow=%v", c.name, slow), func(t *testing.T) {
				var shown strings.Builder
				hold := newHeld(&shown)
				io.WriteString(hold, c.stderr)
				var r io.Reader = strings.NewReader(c.stdout)
				if slow {
					r = iotest.OneByteReader(r)
				}
				asked := present
				f := &firstReply{r: r, hold: hold, missing: func(a absence) bool { asked = a; return c.take }}
				got, err := io.ReadAll(f)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.engine || asked != c.asked || f.taken != (c.asked != present && c.take) {
					t.Errorf("engine read %q, asked %v, taken %v; want %q, %v", got, asked, f.taken, c.engine, c.asked)
				}
				io.WriteString(hold, "later\n")
				want := c.shown + "later\n"
				if f.taken {
					want = ""
				}
				if shown.String() != want {
					t.Errorf("stderr shown %q, want %q", shown.String(), want)
				}
			})
		}
	}
}

func TestFirstReplyReadError(t *testing.T) {
	boom := errors.New("boom")
	var shown strings.Builder
	hold := newHeld(&shown)
	io.WriteString(hold, "said\n")
	f := &firstReply{r: io.MultiReader(strings.NewReader("Th"), iotest.ErrReader(boom)), hold: hold,
		missing: func(absence) bool { t.Error("asked"); return true }}
	got, err := io.ReadAll(f)
	if string(got) != "Th" || !errors.Is(err, boom) || shown.String() != "said\n" {
		t.Errorf("read %q, %v, shown %q", got, err, shown.String())
	}
}

func TestHeldBound(t *testing.T) {
	var shown strings.Builder
	hold := newHeld(&shown)
	big := strings.Repeat("x", maxHeld)
	io.WriteString(hold, big)
	if shown.Len() != 0 {
		t.Fatal("released early")
	}
	io.WriteString(hold, "y") // past the bound: all of it goes out
	if shown.String() != big+"y" {
		t.Errorf("shown %d bytes", shown.Len())
	}
}

func TestSFTPMissing(t *testing.T) {
	refused := &transport.Error{Msg: "subsystem request failed on channel 0", Err: errors.New("ssh: subsystem request failed")}
	lost := fmt.Errorf("%w: server closed the connection", sftp.ErrConnLost)
	for _, c := range []struct {
		name    string
		err     error
		sentAny bool
		want    string
	}{
		{"refused", refused, false, "SFTP subsystem refused"},
		{"ended at once", lost, false, "SFTP server ended at once"},
		{"ended after bytes", lost, true, ""},
		{"login refused", &transport.Error{Msg: "root@127.0.0.1: Permission denied (publickey)."}, false, ""},
		{"session refused", errors.New(`open session on h: ssh: rejected: connect failed ("open failed")`), false, ""},
		{"bad version", errors.New("sftp: bad packet: type 2, expected VERSION"), true, ""},
	} {
		if got := sftpMissing(c.err, c.sentAny); got != c.want {
			t.Errorf("%s: sftpMissing = %q, want %q", c.name, got, c.want)
		}
	}
}

// FuzzFirstReply: whatever a remote sends first, the engine reads exactly
// those bytes unless the copy was taken over, which only an absence of
// scp may cause, and the held stderr is shown or dropped in full.
func FuzzFirstReply(f *testing.F) {
	f.Add([]byte("\x00"), "", uint8(0), true)
	f.Add([]byte("C0644 6 a.txt\nalpha\n"), "", uint8(3), true)
	f.Add([]byte(""), "bash: line 1: scp: command not found\n", uint8(0), true)
	f.Add([]byte(sftpOnlyNotice), "", uint8(1), true)
	f.Add([]byte(sftpOnlyNotice+"\x00"), "", uint8(7), false)
	f.Fuzz(func(t *testing.T, stdout []byte, stderr string, chunk uint8, take bool) {
		var shown strings.Builder
		hold := newHeld(&shown)
		io.WriteString(hold, stderr)
		var r io.Reader = bytes.NewReader(stdout)
		if chunk%2 == 1 {
			r = iotest.OneByteReader(r)
		}
		asked := present
		fr := &firstReply{r: r, hold: hold, missing: func(a absence) bool { asked = a; return take }}
		got, err := io.ReadAll(fr)
		switch {
		case err != nil:
			t.Fatal(err)
		case fr.taken && (asked == present || len(got) > 0 || shown.Len() > 0 && len(stderr) <= maxHeld):
			t.Fatalf("taken after %v: engine read %q, shown %q", asked, got, shown.String())
		case !fr.taken && (!bytes.Equal(got, stdout) || shown.String() != stderr):
			t.Fatalf("engine read %q of %q, shown %q of %q", got, stdout, shown.String(), stderr)
		case asked != present && len(stdout) > 0 && string(stdout) != sftpOnlyNotice:
			t.Fatalf("asked %v for %q", asked, stdout)
		}
	})
}
