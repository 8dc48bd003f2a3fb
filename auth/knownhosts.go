package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/pattern"
	"github.com/goscp/goscp/internal/strerror"
)

// marker is the optional @-word that starts a known_hosts line.
type marker int

const (
	markerNone marker = iota
	markerCA
	markerRevoked
)

// knownHost is one usable line of a known_hosts file.
type knownHost struct {
	file   string
	line   int
	marker marker
	hosts  string // the host field as written: patterns, or |1|salt|hash
	key    ssh.PublicKey
}

// parseKnownHost parses one known_hosts line. ok is false for blank lines,
// comments and malformed lines, which ssh skips without a word.
func parseKnownHost(line string) (h knownHost, ok bool) {
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return h, false
	}
	if strings.HasPrefix(fields[0], "@") {
		switch fields[0] {
		case "@cert-authority":
			h.marker = markerCA
		case "@revoked":
			h.marker = markerRevoked
		default:
			return h, false
		}
		fields = fields[1:]
	}
	if len(fields) < 3 {
		return h, false
	}
	h.hosts = fields[0]
	key, err := parsePublicKey(fields[1], fields[2])
	if err != nil {
		return h, false
	}
	h.key = key
	return h, true
}

// parsePublicKey decodes "type base64", insisting like ssh that the blob is of
// the type the line claims.
func parsePublicKey(typ, b64 string) (ssh.PublicKey, error) {
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, err
	}
	key, err := parsePublicKeyBlob(blob)
	if err != nil {
		return nil, err
	}
	if key.Type() != typ {
		return nil, errKeyTypeMismatch
	}
	return key, nil
}

// matches reports whether the line is about name, the lower-case host or
// [host]:port that ssh looks up.
func (h knownHost) matches(name string) bool {
	if rest, ok := strings.CutPrefix(h.hosts, hashMagic); ok {
		salt, hash, _ := strings.Cut(rest, "|")
		return hashedMatch(salt, hash, name)
	}
	return pattern.MatchHostList(name, h.hosts) == 1
}

// hashMagic starts a host field written with HashKnownHosts.
const hashMagic = "|1|"

// hashedMatch checks a HashKnownHosts entry: base64 HMAC-SHA1 of the name
// keyed with the salt, both 20 bytes as ssh writes them.
func hashedMatch(salt64, hash64, name string) bool {
	salt, err := base64.StdEncoding.DecodeString(salt64)
	if err != nil || len(salt) != sha1.Size {
		return false
	}
	want, err := base64.StdEncoding.DecodeString(hash64)
	if err != nil || len(want) != sha1.Size {
		return false
	}
	return hmac.Equal(hostHash(salt, name), want)
}

func hostHash(salt []byte, name string) []byte {
	mac := hmac.New(sha1.New, salt)
	mac.Write([]byte(name))
	return mac.Sum(nil)
}

// hashHostName is the host field HashKnownHosts writes for name: a new
// random salt and the HMAC of the name, as |1|salt|hash.
func hashHostName(name string) (string, error) {
	salt := make([]byte, sha1.Size)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt for a hashed host name: %w", err)
	}
	enc := base64.StdEncoding
	return hashMagic + enc.EncodeToString(salt) + "|" + enc.EncodeToString(hostHash(salt, name)), nil
}

// knownHosts is every usable line of the known_hosts files, users' first.
type knownHosts []knownHost

// loadKnownHosts reads the files in order; files that are missing or
// unreadable are skipped, as ssh does.
func loadKnownHosts(files []string) knownHosts {
	var db knownHosts
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			if h, ok := parseKnownHost(line); ok {
				h.file, h.line = file, i+1
				db = append(db, h)
			}
		}
	}
	return db
}

// lookup returns the lines with marker m that are about name.
func (db knownHosts) lookup(name string, m marker) []knownHost {
	var out []knownHost
	for _, h := range db {
		if h.marker == m && h.matches(name) {
			out = append(out, h)
		}
	}
	return out
}

// hostStatus is what the known_hosts files say about a host's key.
type hostStatus int

const (
	hostNew     hostStatus = iota // no key (or, for a certificate, no CA) recorded for the host
	hostOK                        // the key, or the certificate's CA, is recorded
	hostChanged                   // other keys, of any type, are recorded
	hostRevoked                   // a @revoked line lists the key or its CA
)

// check classifies key for name as ssh does. A certificate is judged by
// the @cert-authority lines, a plain key by the others. found is the line
// that matched, or for hostChanged the one ssh calls offending: the last
// one recorded for the host.
func (db knownHosts) check(name string, key ssh.PublicKey) (status hostStatus, found knownHost) {
	cert, isCert := key.(*ssh.Certificate)
	want := markerNone
	if isCert {
		want = markerCA
	}
	for _, h := range db.lookup(name, want) {
		if isCert && sameKey(cert.SignatureKey, h.key) || !isCert && sameKey(key, h.key) {
			status, found = hostOK, h
			break
		}
		if !isCert {
			status, found = hostChanged, h
		}
	}
	if db.revoked(name, key) {
		return hostRevoked, knownHost{}
	}
	return status, found
}

// revoked reports whether a @revoked line for name lists key or, for a
// certificate, its key or its CA.
func (db knownHosts) revoked(name string, key ssh.PublicKey) bool {
	keys := []ssh.PublicKey{key}
	if cert, ok := key.(*ssh.Certificate); ok {
		keys = append(keys, cert.Key, cert.SignatureKey)
	}
	for _, h := range db.lookup(name, markerRevoked) {
		for _, k := range keys {
			if sameKey(h.key, k) {
				return true
			}
		}
	}
	return false
}

// otherNames lists the lines about other hosts that record key, for
// ssh's "known by the following other names" hint.
func (db knownHosts) otherNames(host string, key ssh.PublicKey) []knownHost {
	var out []knownHost
	for _, h := range db {
		if h.marker == markerNone && !h.matches(host) && sameKey(h.key, key) {
			out = append(out, h)
		}
	}
	return out
}

func sameKey(a, b ssh.PublicKey) bool {
	return bytes.Equal(a.Marshal(), b.Marshal())
}

// knownHostsName is the name ssh records and looks up: the host, or
// [host]:port when the port is neither 22 nor 0 (no port).
func knownHostsName(host string, port int) string {
	if port == 22 || port == 0 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}

// recordHost appends a line for key to file: the names joined by commas,
// or with hash one hashed line for each.
func recordHost(file string, names []string, key ssh.PublicKey, hash bool) error {
	fields := []string{strings.Join(names, ",")}
	if hash {
		fields = fields[:0]
		for _, name := range names {
			h, err := hashHostName(name)
			if err != nil {
				return err
			}
			fields = append(fields, h)
		}
	}
	var lines strings.Builder
	for _, f := range fields {
		lines.WriteString(f + " " + string(ssh.MarshalAuthorizedKey(key)))
	}
	return appendToFile(file, lines.String())
}

func appendToFile(file, text string) error {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("auth: open known hosts: %w", err)
	}
	// ssh would glue the entry onto an unterminated last line; start a new one.
	if !endsWithNewline(f) {
		text = "\n" + text
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("auth: write %s: %w", file, err)
	}
	return nil
}

// userSSHDir is the user's ~/.ssh, the home directory taken from the
// password database as ssh does; tests replace it.
var userSSHDir = func() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	return filepath.Join(u.HomeDir, ".ssh")
}

// createSSHDir makes ~/.ssh (0700) before the first known_hosts entry is
// written into it, as ssh does; no other missing directory is created.
func (u *ui) createSSHDir(file string) {
	dir := userSSHDir()
	if dir == "" || filepath.Dir(filepath.Clean(file)) != dir {
		return
	}
	_, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(dir, 0o700); err != nil {
			u.log(fmt.Sprintf("Could not create directory '%s' (%s).", dir, strerror.Text(err)))
		}
	case err != nil:
		u.log(fmt.Sprintf("Could not stat %s: %s", dir, strerror.Text(err)))
	}
}

// endsWithNewline reports whether f is empty or its last byte is a newline.
func endsWithNewline(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return true
	}
	last := make([]byte, 1)
	_, err = f.ReadAt(last, fi.Size()-1)
	return err != nil || last[0] == '\n'
}
