package e2e

// The hostile SFTP server of sftphostile_test.go against our scp in SFTP
// mode (-s), downloads only (what a server can lie about): names with
// "/", ".." and escapes, lengths beyond the packet, short, holed, shrunk
// or endless reads, stalls. The same guarantees as for sftp: nothing
// changed outside the working directory, no raw control byte shown, no
// hang (a stall is ended by a signal once the fake says it got there),
// bounded memory, and a non-zero exit whenever a file is short.
//
// scp has no option to pick a subsystem, so it reaches the fake's
// subsystem through -S: a wrapper that runs OpenSSH's ssh with the
// subsystem named in $SMH_SUBSYSTEM instead of "sftp". OpenSSH's scp is
// not run: sftp's suite documents OpenSSH's behaviour on these servers.

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

// smhSSH is the -S program: ssh with its last argument (the subsystem)
// replaced.
const smhSSH = `#!/bin/bash
exec /usr/bin/ssh "${@:1:$#-1}" "$SMH_SUBSYSTEM"
`

type smhCase struct {
	name, fake string
	args       []string // scp's, after -s; "H:" is the host
	want       shOutcome
	files      map[string]int
	signal     syscall.Signal
	wantErr    string
}

var smhCases = []smhCase{
	{name: "honest", fake: "honest", args: []string{"-r", "H:f", "H:d", "."}, want: shOK, files: shAll},
	{name: "names", fake: "names", args: []string{"-r", "H:d", "."}, want: shEither, files: shTreeFiles},
	{name: "names-glob", fake: "names", args: []string{"H:d/*", "."}, want: shEither},
	{name: "names-glob-dot", fake: "names", args: []string{"-r", "H:d/.*", "."}, want: shEither},
	{name: "names-nul", fake: "names-nul", args: []string{"-r", "H:d", "."}, want: shEither, files: shTreeFiles},
	{name: "errmsg", fake: "errmsg", args: []string{"H:f", "."}, want: shFail},
	{name: "realpath", fake: "realpath", args: []string{"-r", "H:d", "."}, want: shEither},
	{name: "overlong-data", fake: "overlong-data", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "hugecount-readdir", fake: "hugecount-readdir", args: []string{"-r", "H:d", "."}, want: shFail},
	{name: "badid", fake: "badid", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "dupreply", fake: "dupreply", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "shortread", fake: "shortread", args: []string{"-r", "H:f", "H:d", "."}, want: shOK, files: shAll},
	{name: "zeroread-TERM", fake: "zeroread", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGTERM},
	{name: "hole", fake: "hole", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "hole-tree", fake: "hole", args: []string{"-r", "H:d", "."}, want: shFail, files: shTreeFiles},
	{name: "shrink", fake: "shrink", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "sizelie", fake: "sizelie", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "overflow", fake: "overflow", args: []string{"H:f", "."}, want: shFail, files: shF},
	{name: "endless-TERM", fake: "endless", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGTERM},
	{name: "endless-INT", fake: "endless", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGINT},
	{name: "stall-init-INT", fake: "stall-init", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGINT},
	{name: "stall-read-INT", fake: "stall-read", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGINT},
	{name: "stall-read-TERM", fake: "stall-read", args: []string{"H:f", "."}, want: shFail, signal: syscall.SIGTERM},
	{name: "stall-readdir-INT", fake: "stall-readdir", args: []string{"-r", "H:d", "."}, want: shFail, signal: syscall.SIGINT},
	{name: "endless-dir-INT", fake: "endless-dir", args: []string{"-r", "H:d", "."}, want: shFail, signal: syscall.SIGINT},
	{name: "version-huge", fake: "version-huge", args: []string{"H:f", "."}, want: shFail},
	{name: "version-eof", fake: "version-eof", args: []string{"H:f", "."}, want: shFail},
	{name: "limits-huge", fake: "limits-huge", args: []string{"-r", "H:f", "H:d", "."}, want: shEither, files: shAll},
	{name: "deep", fake: "deep", args: []string{"-r", "H:d", "."}, want: shFail},
	// With -X resume the local file is compared with what the server
	// sends: a lying server still cannot get a short file passed off.
	{name: "hole-resume", fake: "hole", args: []string{"-X", "resume", "H:f", "."}, want: shFail, files: shF},
	{name: "shrink-atomic", fake: "shrink", args: []string{"-X", "atomic", "H:f", "."}, want: shFail, files: shF},
}

func TestSFTPModeHostile(t *testing.T) {
	needOurs(t)
	cases := map[string]string{}
	for _, c := range smhCases {
		cases[c.name] = c.fake
	}
	s := startSHServer(t, cases)
	wrapper := filepath.Join(t.TempDir(), "ssh")
	if err := os.WriteFile(wrapper, []byte(smhSSH), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range smhCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			smhRun(t, s, c, wrapper)
		})
	}
}

// smhRun runs our scp against one scenario and checks the run.
func smhRun(t *testing.T, s *shServer, c smhCase, wrapper string) {
	sp := newSHSpace(t, s.srv, "")
	args := []string{"-F", s.srv.ConfigFile, "-S", wrapper, "-s"}
	for _, a := range c.args {
		args = append(args, strings.Replace(a, "H:", sshdtest.HostAlias+":", 1))
	}
	env := append(slices.Clone(sp.env), "SMH_SUBSYSTEM=hostile-"+c.name)
	p := hostileCmd(t, whoOurs, needOurs(t), sp.work, env, nil, c.signal == 0, args...)
	if !p.measured {
		p.cmd.Args[0] = "scp"
	}
	var r hRun
	if c.signal == 0 {
		r = p.run(t)
	} else {
		var got bool
		r, got, r.rss = runUntil(t, p, s.events[c.name], c.signal)
		if !got {
			t.Logf("ended before the fake reached its event")
		}
	}
	left := sp.checkTree(t, whoOurs)
	var broken []string
	for _, f := range slices.Sorted(maps.Keys(c.files)) {
		if !slices.Contains(left, f) {
			continue
		}
		if d := sp.checkFile(f, c.files[f]); d != "" {
			broken = append(broken, d)
		}
	}
	t.Logf("left %q; incomplete: %q", left, broken)
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
				t.Error(d)
			}
		}
	case c.want == shFail && r.signal == 0 && r.exit == 0:
		t.Errorf("exit status 0, want a failure")
	}
	if r.exit == 0 && r.signal == 0 && len(broken) > 0 {
		t.Errorf("exit status 0 with files missing bytes: %s", strings.Join(broken, "; "))
	}
}
