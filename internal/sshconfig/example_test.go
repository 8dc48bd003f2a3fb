package sshconfig_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goscp/goscp/internal/sshconfig"
)

func ExampleEvaluate() {
	dir, _ := os.MkdirTemp("", "sshconfig")
	defer os.RemoveAll(dir)
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte(`
Host build
  HostName build.%h.example.com
  User ci
  IdentityFile ~/.ssh/ci_%r
Host *
  Port 2222
  User ignored-because-first-value-wins
`), 0o644)

	c, err := sshconfig.Evaluate(sshconfig.Request{
		Host:       "build",
		ConfigFile: config,
		Options:    []string{"BatchMode=yes"},
		Home:       "/home/alice",
		LocalUser:  "alice",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.HostName, c.User, c.Port, c.IdentityFiles, c.BatchMode)
	// Output: build.build.example.com ci 2222 [/home/alice/.ssh/ci_ci] true
}
