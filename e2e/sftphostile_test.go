package e2e

// A hostile SFTP server against our sftp, side by side with OpenSSH's: the
// fake of internal/sftpfake, run by a real sshd as a subsystem, lies in
// readdir replies (names with "/", "..", escapes, NULs), in lengths and
// counts, in request ids, in reads (short, holed, shrunk, overflowing,
// endless), in directories (never ending, nested without end), in its
// VERSION reply and its limits, and stalls (at VERSION, a read, a write, a
// readdir).
//
// For our sftp every run must: change nothing outside its working
// directory (the whole tree around it is compared, mtimes included), print
// no raw control byte, end (a stall or an endless file is ended by a
// signal from the test once the fake says it got there, never by a sleep),
// stay under hostileMaxRSS, and exit non-zero whenever a byte is missing.
// OpenSSH's runs are logged, to document its behaviour, and checked only
// for the tree.

import (
	"maps"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// shOutcome is what our sftp must make of a scenario.
type shOutcome int

const (
	shOK     shOutcome = iota // exit 0, every listed file complete
	shFail                    // exit non-zero
	shEither                  // exit as it likes, but a file fetched is complete
)

type shCase struct {
	name    string // the subtest
	fake    string // the fake's scenario
	batch   string
	want    shOutcome
	files   map[string]int // local files (relative to the work dir) and their sizes
	signal  syscall.Signal // if set, sent once the fake reports its event
	wantErr string         // in our stderr
	// command: reach the fake as a command (-s PATH), not a subsystem, so
	// that its stderr reaches the client (sshd drops a subsystem's).
	command bool
	// opensshHangs: OpenSSH's sftp does not end (see shOpenSSHHangs).
	opensshHangs bool
	// bug, if set, is a known bug of ours the case shows: it is skipped.
	bug string
}

// shOpenSSHHangs is why OpenSSH's sftp is not run in some cases.
const shOpenSSHHangs = "sftp 9.2 takes ^C during a transfer as \"cancel it\" (\"\\rInterrupt  \\n\"), then " +
	"waits forever for the replies to the requests in flight: a stalled server hangs it until SIGTERM or SIGKILL"

var (
	shTreeFiles = map[string]int{"d/a": 100, "d/big": 300000, "d/s/c": 1000}
	shF         = map[string]int{"f": 200000}
	shAll       = map[string]int{"f": 200000, "d/a": 100, "d/big": 300000, "d/s/c": 1000}
)

var shCases = []shCase{
	{name: "honest", fake: "honest", batch: "ls -l\nget f\nget -r d\n", want: shOK, files: shAll},

	{name: "names", fake: "names", batch: "ls d\nget -r d\n", want: shEither, files: shTreeFiles},
	{name: "names-glob", fake: "names", batch: "-get d/*\n-get d/.*\n-ls -l d\n-ls -la d/*\n", want: shEither},
	{name: "names-nul", fake: "names-nul", batch: "get -r d\n", want: shEither, files: shTreeFiles},
	{name: "longname", fake: "longname", batch: "ls -l d\nls -l\n", want: shEither},
	{name: "realpath", fake: "realpath", batch: "pwd\n-get f\nls\n", want: shEither},
	{name: "errmsg", fake: "errmsg", batch: "-get f\nget -r d\n", want: shFail},
	{name: "stderr", fake: "stderr", batch: "ls\n", want: shEither, command: true},

	{name: "overlong-name", fake: "overlong-name", batch: "ls d\n", want: shFail},
	{name: "overlong-data", fake: "overlong-data", batch: "get f\n", want: shFail, files: shF},
	{name: "hugecount-realpath", fake: "hugecount-realpath", batch: "ls\n", want: shFail},
	{name: "hugecount-readdir", fake: "hugecount-readdir", batch: "ls d\n", want: shFail},
	{name: "badid", fake: "badid", batch: "get f\n", want: shFail, files: shF},
	{name: "unsolicited", fake: "unsolicited", batch: "get f\n", want: shFail, files: shF},
	{name: "dupreply", fake: "dupreply", batch: "get f\n", want: shFail, files: shF},

	{name: "shortread", fake: "shortread", batch: "get f\nget -r d\n", want: shOK, files: shAll},
	{name: "zeroread-TERM", fake: "zeroread", batch: "get f\n", want: shFail, signal: syscall.SIGTERM},
	{name: "hole", fake: "hole", batch: "get f\n", want: shFail, files: shF},
	{name: "hole-tree", fake: "hole", batch: "get -r d\n", want: shFail, files: shTreeFiles},
	{name: "shrink", fake: "shrink", batch: "get f\n", want: shFail, files: shF},
	{name: "sizelie", fake: "sizelie", batch: "get f\n", want: shFail, files: shF},
	{name: "overflow", fake: "overflow", batch: "get f\n", want: shFail, files: shF},
	{name: "endless-TERM", fake: "endless", batch: "get f\n", want: shFail, signal: syscall.SIGTERM},

	{name: "stall-init-TERM", fake: "stall-init", batch: "ls\n", want: shFail, signal: syscall.SIGTERM},
	{name: "stall-init-INT", fake: "stall-init", batch: "ls\n", want: shFail, signal: syscall.SIGINT},
	{name: "stall-read-TERM", fake: "stall-read", batch: "get f\n", want: shFail, signal: syscall.SIGTERM},
	{name: "stall-read-INT", fake: "stall-read", batch: "get f\n", want: shFail, signal: syscall.SIGINT, opensshHangs: true},
	{name: "stall-readdir-INT", fake: "stall-readdir", batch: "get -r d\n", want: shFail, signal: syscall.SIGINT, opensshHangs: true},

	// sftp 9.2 reports an interrupted put as a success (do_upload
	// returns 0); so may ours.
	{name: "stall-write-INT", fake: "stall-write", batch: "put ../../../../batch up\n", want: shEither, signal: syscall.SIGINT,
		opensshHangs: true},
	{name: "stall-write-TERM", fake: "stall-write", batch: "put ../../../../batch up\n", want: shFail, signal: syscall.SIGTERM},
	{name: "endless-dir-TERM", fake: "endless-dir", batch: "ls d\n", want: shFail, signal: syscall.SIGTERM},
	{name: "endless-dir-INT", fake: "endless-dir", batch: "get -r d\n", want: shFail, signal: syscall.SIGINT},

	{name: "version-text", fake: "version-text", batch: "ls\n", want: shFail},
	{name: "version-huge", fake: "version-huge", batch: "ls\n", want: shFail},
	{name: "version-ext", fake: "version-ext", batch: "ls\n", want: shFail},
	{name: "version-status", fake: "version-status", batch: "ls\n", want: shFail},
	{name: "version-99", fake: "version-99", batch: "get f\n", want: shEither, files: shF},
	{name: "version-eof", fake: "version-eof", batch: "ls\n", want: shFail},

	{name: "limits-zero", fake: "limits-zero", batch: "get f\nget -r d\n", want: shOK, files: shAll},
	{name: "limits-huge", fake: "limits-huge", batch: "get f\nget -r d\n", want: shEither, files: shAll},

	{name: "deep", fake: "deep", batch: "get -r d\n", want: shFail},
}

func TestSFTPHostile(t *testing.T) {
	cases := map[string]string{}
	for _, c := range shCases {
		cases[c.name] = c.fake
	}
	s := startSHServer(t, cases)
	for _, c := range shCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.bug != "" {
				t.Skip("BUG: " + c.bug)
			}
			// One run at a time per case: they share its FIFO.
			for _, who := range bothClients {
				if who == whoOpenSSH && c.opensshHangs {
					t.Logf("openssh: not run: %s", shOpenSSHHangs)
					continue
				}
				shRunCase(t, s, c, who)
			}
		})
	}
}

// shRunCase runs one client against one scenario and checks the run.
func shRunCase(t *testing.T, s *shServer, c shCase, who string) {
	t.Helper()
	sp := newSHSpace(t, s.srv, c.batch)
	p := sp.cmd(t, who, s, c, c.signal == 0)
	var r hRun
	if c.signal == 0 {
		r = p.run(t)
	} else {
		var got bool
		var rss int64
		r, got, rss = runUntil(t, p, s.events[c.name], c.signal)
		if !got && who == whoOurs {
			t.Logf("%s: ended before the fake reached its event", who)
		}
		r.rss = rss
	}
	left := sp.checkTree(t, who)
	var broken []string
	for _, f := range slices.Sorted(maps.Keys(c.files)) {
		if !slices.Contains(left, f) {
			continue
		}
		if d := sp.checkFile(f, c.files[f]); d != "" {
			broken = append(broken, d)
		}
	}
	t.Logf("%s left %q; incomplete: %q", who, left, broken)
	if who != whoOurs {
		return
	}
	r.wantClean(t)
	r.wantRSS(t)
	if c.wantErr != "" {
		r.wantStderr(t, c.wantErr)
	}
	switch {
	case c.want == shOK:
		r.wantExit(t, 0)
		for _, f := range slices.Sorted(maps.Keys(c.files)) {
			if d := sp.checkFile(f, c.files[f]); d != "" {
				t.Errorf("%s: %s", who, d)
			}
		}
	case c.want == shFail && r.signal == 0 && r.exit == 0:
		t.Errorf("%s: exit status 0, want a failure", who)
	}
	if r.exit == 0 && r.signal == 0 && len(broken) > 0 {
		t.Errorf("%s: exit status 0 with files missing bytes: %s", who, strings.Join(broken, "; "))
	}
}
