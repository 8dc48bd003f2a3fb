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
	return truncate(argv0+": "+vis(msg, true)+"\r\n", msgBufSize-1)
}

// ServerLogLine is LogLine with \b and \a escaped too, as Log does: for scp's
// SFTP mode, whose messages carry the server's names.
func ServerLogLine(argv0, msg string) string {
	return truncate(argv0+": "+vis(msg, false)+"\r\n", msgBufSize-1)
}

// Log formats msg as OpenSSH's logger writes it to stderr for sftp: LogLine without a prefix,
// and \b and \a escaped too, since sftp's messages carry what the server sent (names, paths)
// and \b can overwrite what a line shows.
func Log(msg string) string {
	return vis(msg, false) + "\r\n"
}

func vis(msg string, safe bool) string {
	return truncate(strnvis(truncate(msg, msgBufSize-1), msgBufSize-1, safe), msgBufSize-3)
}

func truncate(s string, n int) string {
	return s[:min(len(s), n)]
}

// strnvis encodes s like strnvis(3) with VIS_OCTAL, and VIS_SAFE if safe, stopping before
// the first encoding that would not fit in limit bytes.
func strnvis(s string, limit int, safe bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		enc := visByte(s[i], safe)
		if b.Len()+len(enc) > limit {
			break
		}
		b.WriteString(enc)
	}
	return b.String()
}

// visByte keeps printable ASCII, space and the controls \t \n \r (and with safe, VIS_SAFE's
// \b \a), doubles a backslash and writes any other byte as \ooo.
func visByte(c byte, safe bool) string {
	switch {
	case c == '\\':
		return `\\`
	case c >= '!' && c <= '~', c == ' ', c == '\t', c == '\n', c == '\r', safe && (c == '\b' || c == '\a'):
		return string(rune(c))
	default:
		return fmt.Sprintf(`\%03o`, c)
	}
}
