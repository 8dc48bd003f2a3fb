package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// hashName is what HashKnownHosts writes for name, with a fixed salt.
func hashName(name string) string {
	salt := []byte("0123456789abcdefghij")
	mac := hmac.New(sha1.New, salt)
	mac.Write([]byte(name))
	return "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestParseKnownHost(t *testing.T) {
	pub := publicKey(t, newKey(t, "ed25519"))
	b64 := strings.Fields(string(ssh.MarshalAuthorizedKey(pub)))[1]
	tests := []struct {
		line   string
		ok     bool
		marker marker
		hosts  string
	}{
		{"host ssh-ed25519 " + b64, true, markerNone, "host"},
		{"  \thost,other ssh-ed25519 " + b64 + " a comment\r", true, markerNone, "host,other"},
		{"@cert-authority *.example.com ssh-ed25519 " + b64, true, markerCA, "*.example.com"},
		{"@revoked * ssh-ed25519 " + b64, true, markerRevoked, "*"},
		{"@other host ssh-ed25519 " + b64, false, 0, ""},
		{"# host ssh-ed25519 " + b64, false, 0, ""},
		{"", false, 0, ""},
		{"host", false, 0, ""},
		{"host ssh-ed25519", false, 0, ""},
		{"host ssh-rsa " + b64, false, 0, ""}, // type does not match the blob
		{"host ssh-ed25519 !!!notbase64", false, 0, ""},
		{"host 2048 65537 12345", false, 0, ""}, // SSH-1 RSA, long gone
		{"@revoked", false, 0, ""},
	}
	for _, tt := range tests {
		h, ok := parseKnownHost(tt.line)
		if ok != tt.ok {
			t.Errorf("parseKnownHost(%q) ok = %v, want %v", tt.line, ok, tt.ok)
			continue
		}
		if ok && (h.marker != tt.marker || h.hosts != tt.hosts || !sameKey(h.key, pub)) {
			t.Errorf("parseKnownHost(%q) = marker %v hosts %q, want %v %q", tt.line, h.marker, h.hosts, tt.marker, tt.hosts)
		}
	}
}

func TestKnownHostMatches(t *testing.T) {
	tests := []struct {
		hosts, name string
		want        bool
	}{
		{"example.com", "example.com", true},
		{"EXAMPLE.com", "example.com", true},
		{"example.com", "example.org", false},
		{"a,example.com,b", "example.com", true},
		{"*.example.com", "www.example.com", true},
		{"*.example.com", "example.com", false},
		{"www?.example.com", "www1.example.com", true},
		{"www?.example.com", "www.example.com", false},
		{"*", "anything", true},
		{"*,!bad", "bad", false},
		{"!bad,*", "bad", false},
		{"!bad", "good", false}, // a negation alone matches nothing
		{"[127.0.0.1]:2222", "[127.0.0.1]:2222", true},
		{"[127.0.0.1]:2222", "127.0.0.1", false},
		{"127.0.0.1", "[127.0.0.1]:2222", false},
		{"[127.0.0.*]:2222", "[127.0.0.1]:2222", true},
		{"[127.0.0.1]:*", "[127.0.0.1]:2222", true},
		{"*:2222", "[127.0.0.1]:2222", true},
		{"[127.0.0.1]:2222,!*", "[127.0.0.1]:2222", false},
		{"a*b*c*d*e*f*g*h*i*j", strings.Repeat("ab", 5000), false},
		{hashName("example.com"), "example.com", true},
		{hashName("example.com"), "example.org", false},
		{hashName("[127.0.0.1]:2222"), "[127.0.0.1]:2222", true},
		{"|1|bad|salt", "example.com", false},
		{"|1|", "example.com", false},
	}
	pub := publicKey(t, newKey(t, "ed25519"))
	for _, tt := range tests {
		h := knownHost{hosts: tt.hosts, key: pub}
		if got := h.matches(tt.name); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.hosts, tt.name, got, tt.want)
		}
	}
}

func TestKnownHostsStatus(t *testing.T) {
	dir := t.TempDir()
	key := publicKey(t, newKey(t, "ed25519"))
	other := publicKey(t, newKey(t, "ed25519"))
	rsaKey := publicKey(t, newKey(t, "rsa"))
	user, global := filepath.Join(dir, "user"), filepath.Join(dir, "global")
	writeLines(t, user,
		"# comment",
		knownHostsLine("", "changed", other),
		knownHostsLine("", "changed", rsaKey),
		knownHostsLine("", "ok,changed", key),
		"garbage line that ssh skips",
		knownHostsLine("", "typechanged", rsaKey),
	)
	writeLines(t, global, knownHostsLine("", "changed", other), knownHostsLine("", "global", key))
	db := loadKnownHosts([]string{user, filepath.Join(dir, "missing"), global})

	tests := []struct {
		name         string
		want         hostStatus
		file         string
		line         int
		offendingKey ssh.PublicKey
	}{
		{"ok", hostOK, "", 0, nil},
		{"changed", hostOK, "", 0, nil}, // one matching line is enough
		{"global", hostOK, "", 0, nil},
		{"typechanged", hostChanged, user, 6, rsaKey}, // ssh: a key of any other type counts as changed
		{"new", hostNew, "", 0, nil},
	}
	for _, tt := range tests {
		got, offending := db.check(tt.name, key)
		if got != tt.want {
			t.Errorf("status(%q) = %v, want %v", tt.name, got, tt.want)
			continue
		}
		if tt.want == hostChanged && (offending.file != tt.file || offending.line != tt.line || !sameKey(offending.key, tt.offendingKey)) {
			t.Errorf("status(%q) offending %s:%d, want %s:%d", tt.name, offending.file, offending.line, tt.file, tt.line)
		}
	}
	// ssh names the last line recorded for the host, the global file coming last.
	if _, offending := db.check("changed", publicKey(t, newKey(t, "ed25519"))); offending.file != global || offending.line != 1 {
		t.Errorf("offending line = %s:%d, want %s:1", offending.file, offending.line, global)
	}
}

func TestHostKeyAlgorithms(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	writeLines(t, kh,
		knownHostsLine("", "ed", publicKey(t, newKey(t, "ed25519"))),
		knownHostsLine("", "[rsa]:2222", publicKey(t, newKey(t, "rsa"))),
		knownHostsLine("@revoked", "revoked", publicKey(t, newKey(t, "rsa"))),
	)
	db := loadKnownHosts([]string{kh})
	tests := []struct {
		name  string
		first []string
	}{
		{"ed", []string{ssh.CertAlgoED25519v01, ssh.KeyAlgoED25519, ssh.CertAlgoECDSA256v01}},
		{"[rsa]:2222", []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.CertAlgoED25519v01}},
		{"revoked", []string{ssh.CertAlgoED25519v01, ssh.CertAlgoECDSA256v01}},
		{"unknown", []string{ssh.CertAlgoED25519v01, ssh.CertAlgoECDSA256v01}},
	}
	for _, tt := range tests {
		algs := db.hostKeyAlgorithms(tt.name)
		if len(algs) != len(defaultHostKeyAlgorithms) {
			t.Errorf("%s: %d algorithms, want all %d", tt.name, len(algs), len(defaultHostKeyAlgorithms))
		}
		if got := algs[:len(tt.first)]; strings.Join(got, ",") != strings.Join(tt.first, ",") {
			t.Errorf("%s: algorithms start %v, want %v", tt.name, got, tt.first)
		}
	}
}

// FuzzParseKnownHost checks that no line makes the parser or the matcher
// panic or hang, and that what parses is self-consistent. Seeds are in
// testdata/fuzz/FuzzParseKnownHost.
func FuzzParseKnownHost(f *testing.F) {
	f.Fuzz(func(t *testing.T, line []byte) {
		h, ok := parseKnownHost(string(line))
		if !ok {
			return
		}
		if h.key == nil || h.hosts == "" || strings.ContainsAny(h.hosts, " \t") {
			t.Fatalf("parsed %q into hosts %q, key %v", line, h.hosts, h.key)
		}
		for _, name := range []string{"example.com", "[127.0.0.1]:2222", h.hosts, strings.ToLower(h.hosts)} {
			h.matches(name)
		}
		prefix := map[marker]string{markerCA: "@cert-authority ", markerRevoked: "@revoked "}[h.marker]
		again, ok := parseKnownHost(prefix + h.hosts + " " + string(ssh.MarshalAuthorizedKey(h.key)))
		if !ok || again.marker != h.marker || again.hosts != h.hosts || !sameKey(again.key, h.key) {
			t.Fatalf("re-marshalled line of %q does not parse back", line)
		}
	})
}
