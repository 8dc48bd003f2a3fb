package scp

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Record kinds as they appear as the first byte of a control line.
const (
	KindFile    = 'C'
	KindDir     = 'D'
	KindEndDir  = 'E'
	KindTime    = 'T'
	KindWarning = '\x01'
	KindFatal   = '\x02'
)

// Record is one control line of the protocol.
type Record struct {
	Kind byte
	// Mode holds the Unix permission bits (07777) of a C or D record.
	Mode uint32
	// Size is the byte count of a C record.
	Size int64
	// Name is the last path component of a C or D record.
	Name string
	// Mtime and Atime are the seconds of a T record.
	Mtime, Atime int64
	// Text is the message of a warning or fatal record.
	Text string
}

// ProtocolError is a control line the peer should not have sent. Its text is
// OpenSSH's, e.g. "protocol error: bad mode".
type ProtocolError struct {
	Reason string
}

func (e *ProtocolError) Error() string { return "protocol error: " + e.Reason }

func protocolErr(reason string) error { return &ProtocolError{Reason: reason} }

// maxDirName is the length OpenSSH cuts directory names to in D records.
const maxDirName = 1024

// Append appends the record's wire form, including the final newline.
func (r Record) Append(b []byte) []byte {
	switch r.Kind {
	case KindFile, KindDir:
		name := r.Name
		if r.Kind == KindDir && len(name) > maxDirName {
			name = name[:maxDirName]
		}
		b = append(b, r.Kind)
		b = fmt.Appendf(b, "%04o %d ", r.Mode&07777, r.Size)
		b = append(b, name...)
	case KindEndDir:
		b = append(b, KindEndDir)
	case KindTime:
		b = fmt.Appendf(b, "T%d 0 %d 0", max(r.Mtime, 0), max(r.Atime, 0))
	case KindWarning, KindFatal:
		b = append(b, r.Kind)
		b = append(b, r.Text...)
	}
	return append(b, '\n')
}

// String returns the wire form without the final newline, for logs.
func (r Record) String() string {
	b := r.Append(nil)
	return string(b[:len(b)-1])
}

// ParseRecord parses one control line without its final newline. Errors are
// *ProtocolError with OpenSSH's wording. A line whose first byte is not a
// known kind yields an error with the reason "expected control record".
// Like OpenSSH, which handles the line as a C string, ParseRecord ignores
// everything from the first NUL byte on.
func ParseRecord(line []byte) (Record, error) {
	if len(line) == 0 {
		return Record{}, protocolErr("unexpected <newline>")
	}
	line = cString(line)
	if len(line) == 0 {
		return Record{}, protocolErr("expected control record")
	}
	switch kind := line[0]; kind {
	case KindWarning, KindFatal:
		return Record{Kind: kind, Text: string(line[1:])}, nil
	case KindEndDir:
		// OpenSSH looks at the first byte only.
		return Record{Kind: KindEndDir}, nil
	case KindTime:
		return parseTime(line[1:])
	case KindFile, KindDir:
		return parseEntry(kind, line[1:])
	}
	return Record{}, protocolErr("expected control record")
}

// cString cuts b at its first NUL byte.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

func parseEntry(kind byte, s []byte) (Record, error) {
	r := Record{Kind: kind}
	for i := 0; i < 4; i++ {
		if i >= len(s) || s[i] < '0' || s[i] > '7' {
			return r, protocolErr("bad mode")
		}
		r.Mode = r.Mode<<3 | uint32(s[i]-'0')
	}
	s = s[4:]
	if len(s) == 0 || s[0] != ' ' {
		return r, protocolErr("mode not delimited")
	}
	s = s[1:]
	digits := leadingDigits(s)
	if digits == 0 {
		return r, protocolErr("size not present")
	}
	if digits == len(s) || s[digits] != ' ' {
		return r, protocolErr("size not delimited")
	}
	size, err := strconv.ParseInt(string(s[:digits]), 10, 64)
	if err != nil {
		return r, protocolErr("size out of range")
	}
	r.Size = size
	r.Name = string(s[digits+1:])
	return r, nil
}

func parseTime(s []byte) (Record, error) {
	r := Record{Kind: KindTime}
	mtime, s, err := parseTimeField(s, "mtime")
	if err != nil {
		return r, err
	}
	atime, s, err := parseTimeField(s, "atime")
	if err != nil {
		return r, err
	}
	if len(s) != 0 {
		return r, protocolErr("atime.usec not delimited")
	}
	r.Mtime, r.Atime = mtime, atime
	return r, nil
}

// parseTimeField parses "<sec> <usec>" plus the space after it, except that
// the final atime usec must end the line instead.
func parseTimeField(s []byte, field string) (int64, []byte, error) {
	digits := leadingDigits(s)
	if digits == 0 {
		return 0, nil, protocolErr(field + ".sec not present")
	}
	if digits == len(s) || s[digits] != ' ' {
		return 0, nil, protocolErr(field + ".sec not delimited")
	}
	sec, err := strconv.ParseInt(string(s[:digits]), 10, 64)
	if err != nil {
		// Out of time_t range: OpenSSH ignores such times silently; we
		// clamp so the record still parses, then the sink skips it.
		sec = math.MaxInt64
	}
	s = s[digits+1:]
	usec, end, ok := strtol(s)
	last := field == "atime"
	delimited := (last && end == len(s)) || (!last && end < len(s) && s[end] == ' ')
	if !ok || usec < 0 || usec > 999999 || !delimited {
		return 0, nil, protocolErr(field + ".usec not delimited")
	}
	if !last {
		end++
	}
	return sec, s[end:], nil
}

// strtol reads a decimal at s's start the way C's strtol does, which is
// how OpenSSH reads the microseconds: leading white space and a sign are
// allowed, and no digits at all is 0 with end 0. ok is false on overflow.
func strtol(s []byte) (v int64, end int, ok bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := leadingDigits(s[i:])
	if digits == 0 {
		return 0, 0, true
	}
	end = i + digits
	v, err := strconv.ParseInt(string(s[start:end]), 10, 64)
	return v, end, err == nil
}

func leadingDigits(s []byte) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// validName reports whether a received name is a single path component.
// Empty, ".", ".." and names with "/" are what CVE-2018-20685 and friends
// used to escape the target.
func validName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.Contains(name, "/")
}
