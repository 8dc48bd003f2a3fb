package cmdline

import (
	"fmt"
	"strings"
)

// msgBufSize is MSGBUFSIZ of OpenSSH's log.c; each formatting stage there truncates to it, so
// over-long messages lose their tail (and even the final CR LF) exactly as scp's do.
const msgBufSize = 1024

// LogLine formats msg as OpenSSH's logger writes it to stderr for scp: the message made safe
// with strnvis(VIS_SAFE|VIS_OCTAL), prefixed by argv0 as typed (not made safe) and ended by
// CR LF.
func LogLine(argv0, msg string) string {
	return truncate(argv0+": "+vis(msg)+"\r\n", msgBufSize-1)
}

// Log formats msg as OpenSSH's logger writes it to stderr for sftp: LogLine without a prefix.
func Log(msg string) string {
	return vis(msg) + "\r\n"
}

func vis(msg string) string {
	return truncate(strnvis(truncate(msg, msgBufSize-1), msgBufSize-1), msgBufSize-3)
}

func truncate(s string, n int) string {
	return s[:min(len(s), n)]
}

// strnvis encodes s like strnvis(3) with VIS_SAFE|VIS_OCTAL, stopping before the first
// encoding that would not fit in limit bytes.
func strnvis(s string, limit int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		enc := visByte(s[i])
		if b.Len()+len(enc) > limit {
			break
		}
		b.WriteString(enc)
	}
	return b.String()
}

// visByte keeps printable ASCII, space and the "safe" controls \t \n \r \b \a, doubles a
// backslash and writes any other byte as \ooo.
func visByte(c byte) string {
	switch {
	case c == '\\':
		return `\\`
	case c >= '!' && c <= '~', c == ' ', c == '\t', c == '\n', c == '\r', c == '\b', c == '\a':
		return string(rune(c))
	default:
		return fmt.Sprintf(`\%03o`, c)
	}
}
