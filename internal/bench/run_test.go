//go:build bench

package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// timeProgram measures a client's peak RSS. The test's own wait4 cannot:
// Go starts children with vfork (CLONE_VM), and Linux carries the shared
// address space's high-water mark, this test's, into the child's maxrss
// at exec. GNU time forks for real, and its wait4 reports the peak of the
// client and of every process the client waited for (ssh under scp, both
// sides of the tar pipeline).
const timeProgram = "/usr/bin/time"

// runTimeout only guards against a hung client.
const runTimeout = 30 * time.Minute

// sample is one run of one tool.
type sample struct {
	secs float64
	rss  int64 // bytes
}

// measure runs argv with env and returns its wall time and peak RSS; a
// failure carries the client's stderr. scratch is a directory for
// timeProgram's report.
func measure(ctx context.Context, argv, env []string, scratch string) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	report := filepath.Join(scratch, "rss")
	cmd := exec.CommandContext(ctx, timeProgram, append([]string{"-f", "%M", "-o", report}, argv...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, stderr.Bytes())
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return sample{}, fmt.Errorf("%s report: %w", timeProgram, err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return sample{}, fmt.Errorf("%s report %q: %w", timeProgram, b, err)
	}
	return sample{secs: secs, rss: kib * KiB}, nil
}
