//go:build bench

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goscp/goscp/internal/sshdtest"
)

// settings are the benchmark's environment (see the package doc).
type settings struct {
	programs map[string]string // "scp" and "sftp": SCP and SFTP, "" to build
	filter   *regexp.Regexp
	tools    *regexp.Regexp // BENCH_TOOLS; the baselines always run
	runs     int
	rtt      time.Duration
}

func readSettings(t *testing.T) settings {
	s := settings{programs: map[string]string{"scp": os.Getenv("SCP"), "sftp": os.Getenv("SFTP")}, runs: 3, rtt: 50 * time.Millisecond}
	var err error
	if s.filter, err = regexp.Compile(os.Getenv("BENCH")); err != nil {
		t.Fatalf("BENCH: %v", err)
	}
	if s.tools, err = regexp.Compile(os.Getenv("BENCH_TOOLS")); err != nil {
		t.Fatalf("BENCH_TOOLS: %v", err)
	}
	if v := os.Getenv("BENCH_RUNS"); v != "" {
		if s.runs, err = strconv.Atoi(v); err != nil || s.runs < 1 {
			t.Fatalf("BENCH_RUNS=%q: want a positive number", v)
		}
	}
	if v := os.Getenv("BENCH_RTT"); v != "" {
		if s.rtt, err = time.ParseDuration(v); err != nil || s.rtt < 0 {
			t.Fatalf("BENCH_RTT=%q: want a duration such as 50ms", v)
		}
	}
	return s
}

// bench is the state of one benchmark run.
type bench struct {
	t        *testing.T
	settings settings
	tools    []tool
	work     string // in/ holds the inputs, dst/ the copies
	cfg      string // the ssh_config naming the hosts loopback and wan
	env      []string
	want     map[string]listing // the inputs' listings, by input
}

func TestBench(t *testing.T) {
	s := readSettings(t)
	var selected []scenario
	for _, sc := range scenarios {
		if s.filter.MatchString(sc.name()) {
			selected = append(selected, sc)
		}
	}
	if len(selected) == 0 {
		t.Fatalf("BENCH=%q matches no scenario", s.filter)
	}
	if _, err := os.Stat(timeProgram); err != nil {
		t.Fatalf("%s is needed for the peak RSS (apt-get install time): %v", timeProgram, err)
	}
	b := &bench{t: t, settings: s, work: t.TempDir(), want: map[string]listing{}}
	b.tools = tools(b.ours("scp"), b.ours("sftp"))
	b.prepare(selected)
	machine := machine(s.rtt, s.runs)
	t.Log(machine)

	var results []result
	for _, sc := range selected {
		results = append(results, b.run(sc)...)
	}
	fmt.Println()
	report(os.Stdout, machine, results)
}

// ours returns our command name (scp or sftp): $SCP or $SFTP, or
// ./cmd/NAME built into a temporary directory.
func (b *bench) ours(name string) string {
	if v := b.settings.programs[name]; v != "" {
		p, err := filepath.Abs(v)
		if err != nil {
			b.t.Fatal(err)
		}
		if _, err := os.Stat(p); err != nil {
			b.t.Fatalf("%s: %v", strings.ToUpper(name), err)
		}
		return p
	}
	p := filepath.Join(b.t.TempDir(), name)
	cmd := exec.Command("go", "build", "-trimpath", "-o", p, "github.com/goscp/goscp/cmd/"+name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.t.Fatalf("build ./cmd/%s: %v\n%s", name, err, out)
	}
	return p
}

// prepare generates the inputs the scenarios need, starts sshd and the
// latency proxy, and writes the client configuration.
func (b *bench) prepare(selected []scenario) {
	t := b.t
	in := filepath.Join(b.work, "in")
	var need, biggest int64
	var used []string
	for _, sc := range selected {
		if !slices.Contains(used, sc.input) {
			used = append(used, sc.input)
			need += inputs[sc.input].size()
			biggest = max(biggest, inputs[sc.input].size())
		}
	}
	b.checkDisk(need + biggest + 256*MiB)
	for _, name := range used {
		start := time.Now()
		if err := inputs[name].generate(in); err != nil {
			t.Fatal(err)
		}
		l, err := list(filepath.Join(in, name))
		if err != nil {
			t.Fatal(err)
		}
		b.want[name] = l
		t.Logf("input %s: %.0f MiB in %d names, generated in %v", name, float64(inputs[name].size())/MiB, len(l), time.Since(start).Round(time.Millisecond))
	}

	// RemotePath pins the remote scp to OpenSSH's, as on a stock server.
	srv := sshdtest.Start(t, sshdtest.Config{RemotePath: "/usr/bin"})
	proxy, err := NewProxy(srv.Addr, b.settings.rtt/2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	b.cfg = writeClientConfig(t, srv, proxy.Addr().Port, b.work)
	home := filepath.Join(b.work, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	b.env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "LC_ALL=C", "USER=" + srv.User, "LOGNAME=" + srv.User}
	for _, host := range []string{loopback, wan} {
		cmd := exec.Command("/usr/bin/ssh", "-F", b.cfg, host, "true")
		cmd.Env = b.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh %s: %v\n%s", host, err, out)
		}
	}
}

func (b *bench) checkDisk(need int64) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(b.work, &st); err != nil {
		b.t.Fatalf("statfs %s: %v", b.work, err)
	}
	if free := int64(st.Bavail) * st.Bsize; free < need {
		b.t.Fatalf("the inputs and one copy need %.1f GiB in %s, %.1f GiB free (set TMPDIR elsewhere or narrow BENCH)",
			float64(need)/GiB, b.work, float64(free)/GiB)
	}
}

// writeClientConfig writes an ssh_config with the host "loopback" for sshd
// itself and "wan" for the proxy in front of it, both with sshdtest's
// client settings and one known_hosts entry under a HostKeyAlias.
func writeClientConfig(t *testing.T, srv *sshdtest.Server, proxyPort int, dir string) string {
	const alias = "goscp-bench"
	known, err := os.ReadFile(srv.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("[127.0.0.1]:%d ", srv.Port)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(known)), "\n") {
		key, ok := strings.CutPrefix(l, prefix)
		if !ok {
			t.Fatalf("%s: unexpected line %q", srv.KnownHosts, l)
		}
		lines = append(lines, alias+" "+key)
	}
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`Host %s
  HostName 127.0.0.1
  Port %d
Host %s
  HostName 127.0.0.1
  Port %d
Host *
  HostKeyAlias %s
  User %s
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
`, loopback, srv.Port, wan, proxyPort, alias, srv.User, srv.ClientKey, knownHosts)
	p := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// toolsFor returns the tools that run on sc: those BENCH_TOOLS selects
// and the baselines their ratios need; the sftp ones only copy single
// files.
func (b *bench) toolsFor(sc scenario) []tool {
	tree := b.want[sc.input][sc.input].dir
	var out []tool
	for _, tl := range b.tools {
		if b.wanted(tl) && (!tl.sftp || !tree) {
			out = append(out, tl)
		}
	}
	return out
}

// wanted reports whether BENCH_TOOLS selects tl, or a tool whose ratios
// need tl as their baseline.
func (b *bench) wanted(tl tool) bool {
	if b.settings.tools.MatchString(tl.name) {
		return true
	}
	for _, o := range b.tools {
		if o.name != tl.name && b.settings.tools.MatchString(o.name) &&
			(tl.name == baseline && !o.sftp || tl.name == sftpBaseline && o.sftp) {
			return true
		}
	}
	return false
}

// run runs every tool on sc, alternating, settings.runs times each,
// and checks every copy against its source.
func (b *bench) run(sc scenario) []result {
	t := b.t
	dst := filepath.Join(b.work, "dst")
	in := filepath.Join(b.work, "in")
	tools := b.toolsFor(sc)
	results := make([]result, len(tools))
	for i, tl := range tools {
		results[i] = result{scenario: sc.name(), tool: tl.name, sftp: tl.sftp}
	}
	for run := 1; run <= b.settings.runs; run++ {
		for i, tl := range tools {
			if err := os.RemoveAll(dst); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(dst, 0o755); err != nil {
				t.Fatal(err)
			}
			j := job{cfg: b.cfg, host: sc.host, srcDir: in, name: sc.input, dstDir: dst, up: sc.up,
				recursive: b.want[sc.input][sc.input].dir}
			s, err := measure(t.Context(), tl.argv(j), b.env, b.work)
			if err != nil {
				t.Fatalf("%s, %s: %v", sc.name(), tl.name, err)
			}
			got, err := list(filepath.Join(dst, sc.input))
			if err != nil {
				t.Fatalf("%s, %s: %v", sc.name(), tl.name, err)
			}
			if d := diff(b.want[sc.input], got); d != "" {
				t.Fatalf("%s, %s: the copy differs from the source: %s", sc.name(), tl.name, d)
			}
			t.Logf("%-24s %-20s run %d/%d: %7.2f s %6.1f MiB", sc.name(), tl.name, run, b.settings.runs, s.secs, float64(s.rss)/MiB)
			results[i].samples = append(results[i].samples, s)
		}
	}
	return results
}
