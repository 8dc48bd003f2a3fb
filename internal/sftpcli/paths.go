package sftpcli

import (
	"github.com/goscp/goscp/internal/sftpxfer"
	"strings"
)

// escapeGlob escapes every glob metacharacter and backslash in s, so that a
// glob of the result matches s alone.
func escapeGlob(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`[]?*\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// undoGlobEscape removes the backslash before ?, [, * and \, for a path
// that is used as it is rather than globbed. Other backslashes stay, and so
// does a trailing one.
func undoGlobEscape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (isGlobMeta(s[i+1]) || s[i+1] == '\\') {
			i++
		}
		b = append(b, s[i])
	}
	return string(b)
}

// pathAbsolute reports whether p starts at the root.
func pathAbsolute(p string) bool {
	return strings.HasPrefix(p, "/")
}

// makeAbsolute puts a relative p under pwd; an empty p gives pwd and a "/".
func makeAbsolute(p, pwd string) string {
	if pathAbsolute(p) {
		return p
	}
	return sftpxfer.PathAppend(pwd, p)
}

// makeAbsolutePwdGlob makes the pattern p absolute under pwd, escaping pwd
// so that only p's metacharacters glob. p == "" means no pattern: the
// result is pwd itself. (A pattern that is given but empty is
// makeAbsolute("", escapeGlob(pwd)), which ends in "/".)
func makeAbsolutePwdGlob(p, pwd string) string {
	esc := escapeGlob(pwd)
	if p == "" {
		return esc
	}
	return makeAbsolute(p, esc)
}

// pathStrip removes strip (usually the working directory) from the start
// of path, with the "/" after it; a path outside strip is returned as is.
// Like sftp, it compares bytes, so "/ab" loses "/a" and keeps "b".
func pathStrip(path, strip string) string {
	if strip == "" || !strings.HasPrefix(path, strip) {
		return path
	}
	rest := path[len(strip):]
	if !strings.HasSuffix(strip, "/") && strings.HasPrefix(rest, "/") {
		rest = rest[1:]
	}
	return rest
}
