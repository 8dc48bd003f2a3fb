package auth

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

const sshPath = "/usr/bin/ssh"

// TestSSHDHostKeyMessagesMatchOpenSSH runs OpenSSH's ssh and this package
// against the same sshd and known_hosts file, and wants the same words on
// stderr and the same known_hosts afterwards.
func TestSSHDHostKeyMessagesMatchOpenSSH(t *testing.T) {
	if _, err := os.Stat(sshPath); err != nil {
		t.Skip("OpenSSH ssh is not installed")
	}
	ca := signer(t, newKey(t, "ed25519"))
	certDir := t.TempDir()
	hostKey := newKey(t, "ed25519")
	hostKeyFile := writeKey(t, certDir, "host_cert_key", hostKey, openSSHFormat, "")
	writePub(t, hostKeyFile+"-cert.pub", hostCert(t, publicKey(t, hostKey), ca, "127.0.0.1"))
	plain := startSSHD(t, sshdtest.Config{})
	withCert := startSSHD(t, sshdtest.Config{HostKeys: []string{hostKeyFile}, Extra: []string{"HostCertificate " + hostKeyFile + "-cert.pub"}})

	idKey := newKey(t, "ed25519")
	plain.Authorize(t, publicKey(t, idKey))
	withCert.Authorize(t, publicKey(t, idKey))
	id := writeKey(t, t.TempDir(), "id_ed25519", idKey, openSSHFormat, "")

	ed, rsaKey := plain.hostKeys["ed25519"], plain.hostKeys["rsa"]
	name := plain.knownName()
	otherEd := publicKey(t, newKey(t, "ed25519"))
	wrongID := writeKey(t, t.TempDir(), "id_wrong", newKey(t, "rsa"), pemFormat, "")
	openKey := newKey(t, "ecdsa")
	plain.Authorize(t, publicKey(t, openKey))
	openID := writeKey(t, t.TempDir(), "id_open", openKey, openSSHFormat, "")
	if err := os.Chmod(openID, 0o640); err != nil {
		t.Fatal(err)
	}
	known := []string{knownHostsLine("", name, ed)}
	tests := []struct {
		desc  string
		sshd  *testSSHD
		host  string
		mode  string
		lines []string
		id    string // default: an authorized key
	}{
		{"known", plain, "127.0.0.1", "true", known, ""},
		{"key not authorized", plain, "127.0.0.1", "true", known, wrongID},
		{"key readable by others", plain, "127.0.0.1", "true", known, openID},
		{"hashed", plain, "127.0.0.1", "true", []string{knownHostsLine("", hashName(name), ed)}, ""},
		{"recorded without port", plain, "127.0.0.1", "true", []string{knownHostsLine("", "127.0.0.1", ed)}, ""},
		{"known by rsa only", plain, "127.0.0.1", "true", []string{knownHostsLine("", name, rsaKey)}, ""},
		{"changed", plain, "127.0.0.1", "true", []string{"# first", knownHostsLine("", name, otherEd)}, ""},
		{"changed rsa", plain, "127.0.0.1", "ask", []string{knownHostsLine("", name, publicKey(t, newKey(t, "rsa")))}, ""},
		{"changed ecdsa", plain, "127.0.0.1", "accept-new", []string{knownHostsLine("", "*", publicKey(t, newKey(t, "ecdsa")))}, ""},
		{"changed, not strict", plain, "127.0.0.1", "false", []string{knownHostsLine("", name, otherEd)}, ""},
		{"unknown, strict", plain, "127.0.0.1", "true", nil, ""},
		{"unknown, ask in batch mode", plain, "127.0.0.1", "ask", nil, ""},
		{"unknown, accept-new", plain, "127.0.0.1", "accept-new", []string{"# no newline at the end"}, ""},
		{"unknown, not strict", plain, "LOCALHOST", "false", nil, ""},
		{"revoked", plain, "127.0.0.1", "true", []string{knownHostsLine("", name, ed), knownHostsLine("@revoked", "*", ed)}, ""},
		{"certificate from known CA", withCert, "127.0.0.1", "true", []string{knownHostsLine("@cert-authority", "*", ca.PublicKey())}, ""},
		{"certificate for another name", withCert, "localhost", "true", []string{knownHostsLine("@cert-authority", "*", ca.PublicKey())}, ""},
		{"certificate from unknown CA", withCert, "127.0.0.1", "accept-new", nil, ""},
		{"revoked CA", withCert, "127.0.0.1", "true", []string{knownHostsLine("@cert-authority", "*", ca.PublicKey()), knownHostsLine("@revoked", "*", ca.PublicKey())}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			kh := filepath.Join(t.TempDir(), "known_hosts")
			reset := func() {
				content := strings.Join(tt.lines, "\n")
				if !strings.HasPrefix(tt.desc, "unknown, accept-new") && content != "" {
					content += "\n"
				}
				if err := os.WriteFile(kh, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			reset()
			if tt.id == "" {
				tt.id = id
			}
			want := runOpenSSH(t, tt.sshd, tt.host, tt.mode, kh, tt.id)
			wantFile, _ := os.ReadFile(kh)
			reset()
			got := runOurs(t, tt.sshd, tt.host, tt.mode, kh, tt.id)
			gotFile, _ := os.ReadFile(kh)
			if got != want {
				t.Errorf("stderr differs\nours:\n%s\nssh:\n%s\nours: %q\nssh:  %q", got, want, got, want)
			}
			// ssh glues a new entry onto an unterminated last line; we start a new line.
			if !bytes.Equal(gotFile, wantFile) && !bytes.Equal(gotFile, bytes.Replace(wantFile, []byte("end["), []byte("end\n["), 1)) {
				t.Errorf("known_hosts differs\nours:\n%s\nssh:\n%s", gotFile, wantFile)
			}
		})
	}
}

func runOpenSSH(t *testing.T, s *testSSHD, host, mode, kh, id string) string {
	t.Helper()
	sshMode := map[string]string{"true": "yes", "false": "no"}[mode]
	if sshMode == "" {
		sshMode = mode
	}
	cmd := exec.Command(sshPath, "-F", "/dev/null", "-p", strconv.Itoa(s.Port), "-i", id,
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking="+sshMode, "-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null",
		s.User+"@"+host, "true")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run() // the exit status is in what it printed
	return stderr.String()
}

func runOurs(t *testing.T, s *testSSHD, host, mode, kh, id string) string {
	t.Helper()
	out := &syncBuffer{}
	a, err := New(Options{
		User: s.User, HostName: host, Port: s.Port,
		IdentityFiles: []string{id}, IdentitiesOnly: true, IdentityAgent: "none", BatchMode: true,
		StrictHostKeyChecking: mode, UserKnownHostsFiles: []string{kh}, Stderr: out,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = s.login(t, a)
	var hkErr *HostKeyError
	switch msg, denied := a.PermissionDenied(err); {
	case err == nil:
		return out.String()
	case errors.As(err, &hkErr):
		return out.String() + hkErr.Error() + "\r\n"
	case denied:
		return out.String() + msg + "\r\n"
	}
	t.Fatalf("login: %v", err)
	return ""
}
