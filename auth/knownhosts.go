package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
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
	key, err := ssh.ParsePublicKey(blob)
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
	if rest, ok := strings.CutPrefix(h.hosts, "|1|"); ok {
		salt, hash, _ := strings.Cut(rest, "|")
		return hashedMatch(salt, hash, name)
	}
	return matchPatternList(name, strings.ToLower(h.hosts))
}

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
	mac := hmac.New(sha1.New, salt)
	mac.Write([]byte(name))
	return hmac.Equal(mac.Sum(nil), want)
}

// matchPatternList applies a comma-separated list of glob patterns: a match
// of any negated pattern (!pat) vetoes the whole list.
func matchPatternList(name, list string) bool {
	matched := false
	for pat := range strings.SplitSeq(list, ",") {
		negated := strings.HasPrefix(pat, "!")
		if !glob(strings.TrimPrefix(pat, "!"), name) {
			continue
		}
		if negated {
			return false
		}
		matched = true
	}
	return matched
}

// glob matches * and ? wildcards in linear time, so hostile patterns cannot
// make a lookup slow.
func glob(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && (pat[p] == '?' || pat[p] == s[i]):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
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
	hostNew     hostStatus = iota // no key recorded for the host
	hostOK                        // the key is recorded for the host
	hostChanged                   // other keys, of any type, are recorded
)

// status classifies key for name. For hostChanged it also returns the line
// ssh calls offending: the last one recorded for the host.
func (db knownHosts) status(name string, key ssh.PublicKey) (hostStatus, knownHost) {
	lines := db.lookup(name, markerNone)
	for _, h := range lines {
		if sameKey(h.key, key) {
			return hostOK, h
		}
	}
	if len(lines) == 0 {
		return hostNew, knownHost{}
	}
	return hostChanged, lines[len(lines)-1]
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

// isAuthority reports whether a @cert-authority line for name lists ca.
func (db knownHosts) isAuthority(name string, ca ssh.PublicKey) bool {
	for _, h := range db.lookup(name, markerCA) {
		if sameKey(h.key, ca) {
			return true
		}
	}
	return false
}

// otherNames lists the plain (not hashed) lines that record key, for ssh's
// "known by the following other names" hint.
func (db knownHosts) otherNames(key ssh.PublicKey) []knownHost {
	var out []knownHost
	for _, h := range db {
		if h.marker == markerNone && !strings.HasPrefix(h.hosts, "|") && sameKey(h.key, key) {
			out = append(out, h)
		}
	}
	return out
}

func sameKey(a, b ssh.PublicKey) bool {
	return bytes.Equal(a.Marshal(), b.Marshal())
}

// knownHostsName is the name ssh records and looks up: the host, or
// [host]:port when the port is not 22.
func knownHostsName(host string, port int) string {
	if port == 22 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}
