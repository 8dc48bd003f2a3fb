package e2e

// The progress meter on a real terminal (a pseudo-terminal as stdout):
// each file's line left on screen is OpenSSH's; with -r our lines carry
// the whole transfer's position while they move and a summary follows;
// -3 copies, of which OpenSSH's legacy mode shows nothing, get the meter.

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// runOnTerminal runs p with its stdout on a new pseudo-terminal (80
// columns) that becomes its controlling terminal, with it in the
// foreground as when typed at a shell; stderr stays apart. It returns the
// run and everything the terminal showed.
func runOnTerminal(t *testing.T, p *proc) (clientRun, string) {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	var screen bytes.Buffer
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		screen.ReadFrom(master) // until EIO, once no one has the slave open
	}()
	p.cmd.Stdout = slave
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	p.start()
	slave.Close()
	r := p.wait(t)
	<-drained
	return r, screen.String()
}

// meterLines splits what a terminal showed into lines (the terminal turns
// \n into \r\n) and each line into its redraws: the lines that start with
// \r are meter lines, the others are returned apart.
func meterLines(screen string) (meter [][]string, other []string) {
	for _, line := range strings.Split(strings.TrimSuffix(screen, "\r\n"), "\r\n") {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "\r") {
			other = append(other, line)
			continue
		}
		meter = append(meter, strings.Split(line, "\r")[1:])
	}
	return meter, other
}

// timingRE matches the fields of a meter line that depend on timing: the
// rate and the ETA or duration.
var timingRE = regexp.MustCompile(`[ \d]{2}\d\.\d[KMGT]B/s +(?:\d+:)?\d\d:\d\d(?: ETA|    )|- stalled -`)

// finalLines returns the last redraw of each meter line, timing masked.
func finalLines(meter [][]string) []string {
	var out []string
	for _, segs := range meter {
		out = append(out, timingRE.ReplaceAllString(segs[len(segs)-1], "TIMING"))
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// meterTree makes tree/{a.txt, sub/big.bin, sub/empty} under dir.
func meterTree(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "tree", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeRandom(t, filepath.Join(dir, "tree", "a.txt"), 1234, 0o644)
	writeRandom(t, filepath.Join(dir, "tree", "sub", "big.bin"), 3<<20, 0o644)
	writeRandom(t, filepath.Join(dir, "tree", "sub", "empty"), 0, 0o644)
}

// meterRun runs who's client with args on a terminal, in a fresh space
// whose local and remote sides both hold meterTree, and checks it copied.
func meterRun(t *testing.T, e *faultEnv, who string, args func(s *fSpace) []string) (clientRun, [][]string, []string) {
	t.Helper()
	s := newFSpace(t, e)
	meterTree(t, s.local)
	meterTree(t, s.remote)
	if err := os.Mkdir(filepath.Join(s.remote, "dst"), 0o755); err != nil {
		t.Fatal(err)
	}
	r, screen := runOnTerminal(t, client(t, who, e.srv.ConfigFile, s.local, s.env, args(s)...))
	r.wantExit(t, 0)
	if r.stderr != "" {
		t.Errorf("%s: stderr %q", who, r.stderr)
	}
	t.Logf("%s: terminal %q", who, screen)
	meter, other := meterLines(screen)
	return r, meter, other
}

func TestProgressOnTerminal(t *testing.T) {
	needOpenSSH(t)
	e := startFaultEnv(t)
	upload := func(s *fSpace) []string { return L{"-r", "tree", "sshdtest:" + s.remote + "/dst"} }
	_, want, other := meterRun(t, e, whoOpenSSH, upload)
	if len(want) != 3 || len(other) != 0 {
		t.Fatalf("OpenSSH's meter: %d lines (%q), want one per file and nothing else", len(want), other)
	}
	wantFinal := sorted(finalLines(want))
	relay := func(s *fSpace) []string {
		return L{"-3", "-r", "sshdtest:" + s.remote + "/tree", "sshdtest:" + s.remote + "/dst"}
	}
	if _, meter, other := meterRun(t, e, whoOpenSSH, relay); len(meter) != 0 || len(other) != 0 {
		t.Errorf("OpenSSH's -3 showed %q %q; the comparison expects nothing", meter, other)
	}

	for _, tt := range []struct {
		name    string
		args    func(s *fSpace) []string
		tag     string // the tag of the first redraw of the first file
		summary string // the summary line, timing masked
	}{
		{"upload", upload, `[1/3 0%]`, `^3 of 3 files, 3073KB in TIME$`},
		{"download", func(s *fSpace) []string { return L{"-r", "sshdtest:" + s.remote + "/tree", "."} },
			`[1/?]`, `^3 files, 3073KB in TIME$`},
		{"remote-to-remote-3", relay, `[1/?]`, `^3 files, 3073KB in TIME$`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, meter, other := meterRun(t, e, whoOurs, tt.args)
			// The lines left on screen are OpenSSH's (in the order each
			// directory lists its entries).
			if got := sorted(finalLines(meter)); !slices.Equal(got, wantFinal) {
				t.Errorf("lines left on screen\n got %q\nwant %q (OpenSSH's upload)", got, wantFinal)
			}
			if len(meter) > 0 && !strings.Contains(meter[0][0], tt.tag) {
				t.Errorf("first redraw %q does not show %q", meter[0][0], tt.tag)
			}
			summary := regexp.MustCompile(`\d\d:\d\d, \d+\.\d[KMGT]B/s`).ReplaceAllString(strings.Join(other, "\n"), "TIME")
			if !regexp.MustCompile(tt.summary).MatchString(summary) {
				t.Errorf("summary %q does not match %q", other, tt.summary)
			}
		})
	}
}
