package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// opensshSCP and opensshSFTP are the reference implementations.
const (
	opensshSCP  = "/usr/bin/scp"
	opensshSFTP = "/usr/bin/sftp"
)

var (
	// ours is the program under test: SCP_UNDER_TEST or the binary built
	// from ./cmd/scp. Empty when the build failed (oursErr says why).
	ours    string
	oursErr error
	// oursBin is a directory holding only `scp` -> ours, for Config.RemotePath.
	oursBin string
	// oursSerial is set when ours runs with -X serial (GOSCP_E2E_SERIAL).
	oursSerial bool
	// oursSFTP is the sftp under test: SFTP_UNDER_TEST or the binary built
	// from ./cmd/sftp. Empty when the build failed (oursSFTPErr says why).
	oursSFTP    string
	oursSFTPErr error
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

	ours, oursErr = underTest("SCP_UNDER_TEST", "scp")
	oursSFTP, oursSFTPErr = underTest("SFTP_UNDER_TEST", "sftp")
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

// underTest returns the program named by the environment variable env, or
// else builds ./cmd/name.
func underTest(env, name string) (string, error) {
	p := os.Getenv(env)
	if p == "" {
		return build(filepath.Join(workDir, "build"), name)
	}
	abs, err := filepath.Abs(p)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		return "", fmt.Errorf("%s=%s: %w", env, p, err)
	}
	return abs, nil
}

// build compiles ./cmd/name into dir and returns the binary's path.
func build(dir, name string) (string, error) {
	// go test puts its own GOROOT/bin first in PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command(gobin, "build", "-o", out, "./cmd/"+name)
	cmd.Dir = ".." // the module root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %v\n%s", name, err, b)
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

// needOursSFTP returns the sftp under test, failing the test (not skipping
// it) if it could not be built.
func needOursSFTP(t testing.TB) string {
	t.Helper()
	if oursSFTPErr != nil {
		t.Fatalf("sftp under test unavailable: %v", oursSFTPErr)
	}
	return oursSFTP
}

// needOpenSSH skips the test if the reference scp is missing.
func needOpenSSH(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(opensshSCP); err != nil {
		t.Skipf("%s not available: %v", opensshSCP, err)
	}
}
