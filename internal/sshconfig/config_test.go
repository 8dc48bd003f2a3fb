package sshconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sandbox points the system configuration at a temporary directory and
// returns a home directory and the system directory.
func sandbox(t *testing.T, userConfig, systemConfigText string) (home, sys string) {
	t.Helper()
	home, sys = t.TempDir(), t.TempDir()
	if userConfig != "" {
		writeFile(t, filepath.Join(home, ".ssh", "config"), userConfig)
	}
	if systemConfigText != "" {
		writeFile(t, filepath.Join(sys, "ssh_config"), systemConfigText)
	}
	oldConfig, oldDir := systemConfig, systemDir
	systemConfig, systemDir = filepath.Join(sys, "ssh_config"), sys
	t.Cleanup(func() { systemConfig, systemDir = oldConfig, oldDir })
	return home, sys
}

func evaluate(t *testing.T, req Request) *Config {
	t.Helper()
	if req.LocalUser == "" {
		req.LocalUser = "me"
	}
	c, err := Evaluate(req)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return c
}

func TestDefaultFiles(t *testing.T) {
	home, sys := sandbox(t,
		"Host h\n  User fromuser\n  Include extra.conf\n",
		"Host *\n  User fromsystem\n  Port 2200\n  Include sys.d/*.conf\n")
	writeFile(t, filepath.Join(home, ".ssh", "extra.conf"), "ConnectTimeout 7\n")
	writeFile(t, filepath.Join(sys, "sys.d", "a.conf"), "IdentitiesOnly yes\n")
	c := evaluate(t, Request{Host: "h", Home: home})
	if c.User != "fromuser" || c.Port != 2200 || !c.IdentitiesOnly || c.ConnectTimeout != 7*time.Second {
		t.Errorf("got user %q port %d identitiesonly %v timeout %v", c.User, c.Port, c.IdentitiesOnly, c.ConnectTimeout)
	}
}

func TestDefaultFilesMissing(t *testing.T) {
	home, _ := sandbox(t, "", "")
	c := evaluate(t, Request{Host: "Example.COM", Home: home})
	want := []string{home + "/.ssh/id_rsa", home + "/.ssh/id_ecdsa", home + "/.ssh/id_ecdsa_sk",
		home + "/.ssh/id_ed25519", home + "/.ssh/id_ed25519_sk", home + "/.ssh/id_xmss", home + "/.ssh/id_dsa"}
	if c.HostName != "example.com" || c.User != "me" || c.Port != 22 || !c.DefaultIdentities || !slices.Equal(c.IdentityFiles, want) {
		t.Errorf("defaults: %+v", c)
	}
	if c.StrictHostKeyChecking != "ask" || c.BatchMode || c.ConnectTimeout != 0 || c.IdentityAgent != "" || c.ProxyCommand != "" {
		t.Errorf("defaults: %+v", c)
	}
	wantKnown := []string{home + "/.ssh/known_hosts", home + "/.ssh/known_hosts2"}
	if !slices.Equal(c.UserKnownHostsFiles, wantKnown) ||
		!slices.Equal(c.GlobalKnownHostsFiles, []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}) {
		t.Errorf("known hosts: %q %q", c.UserKnownHostsFiles, c.GlobalKnownHostsFiles)
	}
}

func TestConfigNoneSkipsFiles(t *testing.T) {
	home, _ := sandbox(t, "User fromuser\n", "Port 2\n")
	c := evaluate(t, Request{Host: "h", Home: home, ConfigFile: "NONE"})
	if c.User != "me" || c.Port != 22 {
		t.Errorf("files were read: user %q port %d", c.User, c.Port)
	}
}

func TestUnsafeUserConfig(t *testing.T) {
	home, _ := sandbox(t, "User x\n", "")
	path := filepath.Join(home, ".ssh", "config")
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	_, err := Evaluate(Request{Host: "h", Home: home, LocalUser: "me"})
	if err == nil || err.Error() != "Bad owner or permissions on "+path {
		t.Errorf("got %v", err)
	}
}

func TestSystemIncludeMayNotUseTilde(t *testing.T) {
	home, sys := sandbox(t, "", "Include ~/x\n")
	_, err := Evaluate(Request{Host: "h", Home: home, LocalUser: "me"})
	path := filepath.Join(sys, "ssh_config")
	want := path + " line 1: bad include path ~/x.\n" + path + ": terminating, 1 bad configuration options"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

func TestMissingConfigFile(t *testing.T) {
	_, err := Evaluate(Request{Host: "h", ConfigFile: "/nonexistent/config", LocalUser: "me", Home: "/home/me"})
	if err == nil || err.Error() != "Can't open user config file /nonexistent/config: No such file or directory" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error does not wrap fs.ErrNotExist")
	}
}

func TestNoHost(t *testing.T) {
	if _, err := Evaluate(Request{ConfigFile: "none"}); err == nil {
		t.Error("no error for an empty host")
	}
}

func TestGetAll(t *testing.T) {
	c := evaluate(t, Request{Host: "h", ConfigFile: "none", Home: "/home/me", Options: []string{
		"ChallengeResponseAuthentication no", "SendEnv A B", "PubkeyAcceptedKeyTypes ssh-ed25519"}})
	tests := map[string]string{
		"KbdInteractiveAuthentication":    "no",
		"challengeresponseauthentication": "no",
		"PUBKEYACCEPTEDALGORITHMS":        "ssh-ed25519",
		"sendenv":                         "A",
		"Ciphers":                         "",
		"HOSTNAME":                        "h",
		"Port":                            "22",
		"user":                            "me",
	}
	for k, want := range tests {
		if got := c.Get(k); got != want {
			t.Errorf("Get(%q) = %q, want %q", k, got, want)
		}
	}
	all := c.All("sendenv")
	all[0] = "changed"
	if !slices.Equal(c.All("SendEnv"), []string{"A", "B"}) {
		t.Errorf("All returned shared storage: %q", c.All("SendEnv"))
	}
}

func TestExpandedFields(t *testing.T) {
	t.Setenv("SSHCONFIG_TEST_DIR", "/run/test")
	c := evaluate(t, Request{Host: "Alias", User: "bob", Port: 2022, ConfigFile: "none", Home: "/home/me", Options: []string{
		"HostName %h.example", "HostKeyAlias KEY",
		"ProxyCommand ssh -W %h:%p -l %r gw # %n %k",
		"IdentityAgent ${SSHCONFIG_TEST_DIR}/agent-%u",
		"CertificateFile ~/.ssh/%r-cert.pub",
		"IdentityFile none",
		"ConnectTimeout 1m",
		"StrictHostKeyChecking off",
	}})
	if want := "ssh -W alias.example:2022 -l bob gw # Alias key"; c.ProxyCommand != want {
		t.Errorf("ProxyCommand = %q, want %q", c.ProxyCommand, want)
	}
	if c.Get("proxycommand") != "ssh -W %h:%p -l %r gw # %n %k" {
		t.Errorf("Get keeps the raw command like ssh -G: %q", c.Get("proxycommand"))
	}
	if c.IdentityAgent != "/run/test/agent-me" {
		t.Errorf("IdentityAgent = %q", c.IdentityAgent)
	}
	if !slices.Equal(c.CertificateFiles, []string{"/home/me/.ssh/bob-cert.pub"}) {
		t.Errorf("CertificateFiles = %q", c.CertificateFiles)
	}
	if len(c.IdentityFiles) != 0 || c.DefaultIdentities {
		t.Errorf("IdentityFile none: %q %v", c.IdentityFiles, c.DefaultIdentities)
	}
	if c.ConnectTimeout != time.Minute || c.StrictHostKeyChecking != "false" {
		t.Errorf("timeout %v strict %q", c.ConnectTimeout, c.StrictHostKeyChecking)
	}
}

func TestIdentitiesFromCommandLine(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	writeFile(t, key, "")
	missing := filepath.Join(dir, "missing")
	c := evaluate(t, Request{Host: "h", ConfigFile: "none", Home: "/home/me",
		Identities: []string{missing, key}, Options: []string{"IdentityFile ~/.ssh/opt"}})
	if !slices.Equal(c.IdentityFiles, []string{"/home/me/.ssh/opt", key}) {
		t.Errorf("IdentityFiles = %q", c.IdentityFiles)
	}
	want := "Warning: Identity file " + missing + " not accessible: No such file or directory."
	if !slices.Equal(c.Warnings, []string{want}) {
		t.Errorf("Warnings = %q", c.Warnings)
	}
}

func TestMatchExecUsesShell(t *testing.T) {
	t.Setenv("SHELL", "/bin/false")
	c := evaluate(t, Request{Host: "h", ConfigFile: writeConfig(t, "Match exec true\n  User ran\n"), Home: "/home/me"})
	if c.User != "me" {
		t.Errorf("Match exec did not use $SHELL: user %q", c.User)
	}
}

func TestCommandLineErrorsStopAtFirst(t *testing.T) {
	_, err := Evaluate(Request{Host: "h", ConfigFile: "none", Home: "/home/me", LocalUser: "me",
		Options: []string{"RSAAuthentication yes", "Port 0", "Foo bar"}})
	want := "command-line line 0: Unsupported option \"rsaauthentication\"\ncommand-line line 0: Bad port '0'."
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

func TestBadPortRequest(t *testing.T) {
	_, err := Evaluate(Request{Host: "h", Port: 70000, ConfigFile: "none", Home: "/home/me", LocalUser: "me"})
	if err == nil || !strings.Contains(err.Error(), "Bad port '70000'") {
		t.Errorf("got %v", err)
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, text)
	return path
}
