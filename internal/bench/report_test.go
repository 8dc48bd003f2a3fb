//go:build bench

package bench

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// result is every run of one tool in one scenario.
type result struct {
	scenario, tool string
	sftp           bool // compared with sftpBaseline
	samples        []sample
}

func (r result) median() float64 {
	s := make([]float64, len(r.samples))
	for i, x := range r.samples {
		s[i] = x.secs
	}
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (r result) peakRSS() int64 {
	var m int64
	for _, x := range r.samples {
		m = max(m, x.rss)
	}
	return m
}

// row is a result as the report shows it.
type row struct {
	scenario, tool, median, ratio, rss string
}

// rows formats results, each ratio relative to its baseline tool's median
// in the same scenario (OpenSSH's scp -O, or OpenSSH's sftp for sftp tools).
func rows(results []result) []row {
	base := map[string]float64{}
	for _, r := range results {
		if r.tool == baseline || r.tool == sftpBaseline {
			base[r.scenario+"\x00"+r.tool] = r.median()
		}
	}
	var out []row
	for _, r := range results {
		ratio := ""
		key := r.scenario + "\x00" + baseline
		if r.sftp {
			key = r.scenario + "\x00" + sftpBaseline
		}
		if b := base[key]; b > 0 {
			ratio = fmt.Sprintf("%.2f", r.median()/b)
		}
		out = append(out, row{r.scenario, r.tool, fmt.Sprintf("%.2f", r.median()), ratio,
			fmt.Sprintf("%.1f", float64(r.peakRSS())/MiB)})
	}
	return out
}

func (r row) cells() [5]string { return [5]string{r.scenario, r.tool, r.median, r.ratio, r.rss} }

var header = row{"scenario", "tool", "median s", "ratio to " + baseline + " (sftp: to " + sftpBaseline + ")", "peak RSS MiB"}

// report writes the machine line, then the table aligned for a terminal
// and again as Markdown.
func report(w io.Writer, machine string, results []result) {
	all := append([]row{header}, rows(results)...)
	var width [5]int
	for _, r := range all {
		for i, c := range r.cells() {
			width[i] = max(width[i], len(c))
		}
	}
	fmt.Fprintf(w, "%s\n\n", machine)
	for _, r := range all {
		c := r.cells()
		fmt.Fprintf(w, "%-*s  %-*s  %*s  %*s  %*s\n", width[0], c[0], width[1], c[1], width[2], c[2], width[3], c[3], width[4], c[4])
	}
	fmt.Fprintf(w, "\n%s\n\n", machine)
	for i, r := range all {
		c := r.cells()
		for j := range c {
			c[j] = strings.ReplaceAll(c[j], "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(c[:], " | "))
		if i == 0 {
			fmt.Fprintln(w, "|---|---|--:|--:|--:|")
		}
	}
}

// machine names what the figures were measured on.
func machine(rtt time.Duration, runs int) string {
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("machine: %d CPUs (nproc), %s; %s; wan RTT %v; %d run(s) per tool, medians; load average %s at the start; %s",
		runtime.NumCPU(), cpuModel(), opensshVersion(), rtt, runs, load, runtime.Version())
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "CPU unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "CPU unknown"
}

func opensshVersion() string {
	out, err := exec.Command("/usr/bin/ssh", "-V").CombinedOutput()
	if err != nil {
		return "OpenSSH version unknown"
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), ",")
	return v
}
