package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// opensshSCP is the reference implementation.
const opensshSCP = "/usr/bin/scp"

var (
	// ours is the program under test: SCP_UNDER_TEST or the binary built
	// from ./cmd/scp. Empty when the build failed (oursErr says why).
	ours    string
	oursErr error
	// oursBin is a directory holding only `scp` -> ours, for Config.RemotePath.
	oursBin string
	// oursSerial is set when ours runs with -X serial (GOSCP_E2E_SERIAL).
	oursSerial bool
	// workDir is removed after the tests.
	workDir string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	workDir, err = os.MkdirTemp("", "goscp-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(workDir)

	if p := os.Getenv("SCP_UNDER_TEST"); p != "" {
		ours, oursErr = filepath.Abs(p)
		if oursErr == nil {
			_, oursErr = os.Stat(ours)
		}
		if oursErr != nil {
			oursErr = fmt.Errorf("SCP_UNDER_TEST=%s: %w", p, oursErr)
			ours = ""
		}
	} else {
		ours, oursErr = build(filepath.Join(workDir, "build"))
	}
	if ours != "" && os.Getenv("GOSCP_E2E_SERIAL") != "" {
		oursSerial = true
		ours, oursErr = serialWrapper(ours, filepath.Join(workDir, "serial"))
	}
	if ours != "" {
		oursBin = filepath.Join(workDir, "remotebin")
		err := os.Mkdir(oursBin, 0o755)
		if err == nil {
			err = os.Symlink(ours, filepath.Join(oursBin, "scp"))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	return m.Run()
}

// build compiles ./cmd/scp into dir and returns the binary's path.
func build(dir string) (string, error) {
	// go test puts its own GOROOT/bin first in PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "scp")
	cmd := exec.Command(gobin, "build", "-o", out, "./cmd/scp")
	cmd.Dir = ".." // the module root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/scp: %v\n%s", err, b)
	}
	return out, nil
}

// serialWrapper writes a program at path that runs bin with -X serial
// under its own name, so that `make test-serial` runs every test against a
// serial copy (as a client and as the remote scp).
func serialWrapper(bin, path string) (string, error) {
	// Tests that run ours as another user copy the wrapper, not bin: bin
	// must be reachable for them.
	for _, dir := range []string{filepath.Dir(filepath.Dir(bin)), filepath.Dir(bin)} {
		if err := os.Chmod(dir, 0o755); err != nil {
			return "", err
		}
	}
	script := "#!/bin/bash\nexec -a \"$0\" '" + bin + "' -X serial \"$@\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		return "", err
	}
	return path, nil
}

// needOurs returns the program under test, failing the test (not skipping
// it) if it could not be built.
func needOurs(t testing.TB) string {
	t.Helper()
	if oursErr != nil {
		t.Fatalf("program under test unavailable: %v", oursErr)
	}
	return ours
}

// needOpenSSH skips the test if the reference scp is missing.
func needOpenSSH(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(opensshSCP); err != nil {
		t.Skipf("%s not available: %v", opensshSCP, err)
	}
}
