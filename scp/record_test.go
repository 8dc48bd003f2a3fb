package scp

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseRecord(t *testing.T) {
	long := strings.Repeat("n", 2000)
	tests := []struct {
		line string
		want Record
		err  string // the ProtocolError's reason, if any
	}{
		// Any kind.
		{line: "", err: "unexpected <newline>"},
		{line: "X", err: "expected control record"},
		{line: "No match.", err: "expected control record"},
		{line: "\x00C0644 1 a", err: "expected control record"},
		{line: "c0644 1 a", err: "expected control record"},

		// Status records and E.
		{line: "\x01scp: a: Permission denied", want: Record{Kind: KindWarning, Text: "scp: a: Permission denied"}},
		{line: "\x02fatal", want: Record{Kind: KindFatal, Text: "fatal"}},
		{line: "\x01", want: Record{Kind: KindWarning}},
		{line: "\x01cut\x00here", want: Record{Kind: KindWarning, Text: "cut"}},
		{line: "E", want: Record{Kind: KindEndDir}},
		{line: "Egarbage 1 2", want: Record{Kind: KindEndDir}},

		// T.
		{line: "T1234567890 0 1234567891 0", want: Record{Kind: KindTime, Mtime: 1234567890, Atime: 1234567891}},
		{line: "T0 0 0 0", want: Record{Kind: KindTime}},
		{line: "T1 999999 2 999999", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}},
		{line: "T1 +5 2 -0", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}},
		{line: "T1  5 2 \v7", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}}, // strtol skips white space
		{line: "T1 0 2 ", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}},     // strtol of "" is 0
		{line: "T01 0 002 0", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}},
		{line: "T1 0 2 0\x00trailing", want: Record{Kind: KindTime, Mtime: 1, Atime: 2}},
		{line: "T9223372036854775807 0 1 0", want: Record{Kind: KindTime, Mtime: math.MaxInt64, Atime: 1}},
		{line: "T9223372036854775808 0 1 0", want: Record{Kind: KindTime, Mtime: math.MaxInt64, Atime: 1}},
		{line: "T1 0 99999999999999999999999 0", want: Record{Kind: KindTime, Mtime: 1, Atime: math.MaxInt64}},
		{line: "T", err: "mtime.sec not present"},
		{line: "Tx 0 1 0", err: "mtime.sec not present"},
		{line: "T-1 0 1 0", err: "mtime.sec not present"},
		{line: "T 1 0 1 0", err: "mtime.sec not present"},
		{line: "T1", err: "mtime.sec not delimited"},
		{line: "T1x 0 1 0", err: "mtime.sec not delimited"},
		{line: "T1\t0 1 0", err: "mtime.sec not delimited"},
		{line: "T1 ", err: "mtime.usec not delimited"},
		{line: "T1 0", err: "mtime.usec not delimited"},
		{line: "T1 x 1 0", err: "mtime.usec not delimited"},
		{line: "T1 1000000 1 0", err: "mtime.usec not delimited"},
		{line: "T1 -1 1 0", err: "mtime.usec not delimited"},
		{line: "T1 0x 1 0", err: "mtime.usec not delimited"},
		{line: "T1 99999999999999999999 1 0", err: "mtime.usec not delimited"},
		{line: "T1 0 ", err: "atime.sec not present"},
		{line: "T1 0 x 0", err: "atime.sec not present"},
		{line: "T1 0 \t1 0", err: "atime.sec not present"},
		{line: "T1 0 -1 0", err: "atime.sec not present"},
		{line: "T1 0 1", err: "atime.sec not delimited"},
		{line: "T1 0 1x 0", err: "atime.sec not delimited"},
		{line: "T1 0 1 0 ", err: "atime.usec not delimited"},
		{line: "T1 0 1 0x", err: "atime.usec not delimited"},
		{line: "T1 0 1 0 0", err: "atime.usec not delimited"},
		{line: "T1 0 1 1000000", err: "atime.usec not delimited"},
		{line: "T1 0 1 -1", err: "atime.usec not delimited"},
		{line: "T1 0 1 -", err: "atime.usec not delimited"},
		{line: "T1 0 1 99999999999999999999", err: "atime.usec not delimited"},

		// C and D.
		{line: "C0644 3 a", want: Record{Kind: KindFile, Mode: 0644, Size: 3, Name: "a"}},
		{line: "C7777 0 x", want: Record{Kind: KindFile, Mode: 07777, Name: "x"}},
		{line: "C4755 1 x", want: Record{Kind: KindFile, Mode: 04755, Size: 1, Name: "x"}},
		{line: "C0000 007 x", want: Record{Kind: KindFile, Size: 7, Name: "x"}},
		{line: "C0644 9223372036854775807 big", want: Record{Kind: KindFile, Mode: 0644, Size: math.MaxInt64, Name: "big"}},
		{line: "C0644 1 name with  spaces ", want: Record{Kind: KindFile, Mode: 0644, Size: 1, Name: "name with  spaces "}},
		{line: "C0644 1 \t\x7f\xff", want: Record{Kind: KindFile, Mode: 0644, Size: 1, Name: "\t\x7f\xff"}},
		{line: "C0644 3 a\x00b", want: Record{Kind: KindFile, Mode: 0644, Size: 3, Name: "a"}},
		// The parser leaves names to the sink, which rejects these.
		{line: "C0644 3 ", want: Record{Kind: KindFile, Mode: 0644, Size: 3}},
		{line: "C0644 3 a/b", want: Record{Kind: KindFile, Mode: 0644, Size: 3, Name: "a/b"}},
		{line: "C0644 3 ..", want: Record{Kind: KindFile, Mode: 0644, Size: 3, Name: ".."}},
		{line: "D0755 0 dir", want: Record{Kind: KindDir, Mode: 0755, Name: "dir"}},
		{line: "D0755 12 dir", want: Record{Kind: KindDir, Mode: 0755, Size: 12, Name: "dir"}},
		{line: "D1777 0 " + long, want: Record{Kind: KindDir, Mode: 01777, Name: long}},
		{line: "C", err: "bad mode"},
		{line: "C064", err: "bad mode"},
		{line: "C0648 1 a", err: "bad mode"},
		{line: "C-644 1 a", err: "bad mode"},
		{line: "C 0644 1 a", err: "bad mode"},
		{line: "C064\x00 1 a", err: "bad mode"},
		{line: "D075", err: "bad mode"},
		{line: "C0644", err: "mode not delimited"},
		{line: "C06444 1 a", err: "mode not delimited"},
		{line: "C0644\t1 a", err: "mode not delimited"},
		{line: "C0644 ", err: "size not present"},
		{line: "C0644 x a", err: "size not present"},
		{line: "C0644 -1 a", err: "size not present"},
		{line: "C0644 +1 a", err: "size not present"},
		{line: "C0644  1 a", err: "size not present"},
		{line: "D0755 ", err: "size not present"},
		{line: "C0644 1", err: "size not delimited"},
		{line: "C0644 1a a", err: "size not delimited"},
		{line: "C0644 1\ta", err: "size not delimited"},
		{line: "C0644 99999999999999999999999", err: "size not delimited"},
		{line: "C0644 9223372036854775808 a", err: "size out of range"},
		{line: "C0644 18446744073709551616 a", err: "size out of range"},
		{line: "C0644 99999999999999999999999 a", err: "size out of range"},
		{line: "D0755 99999999999999999999999 d", err: "size out of range"},
	}
	for _, tt := range tests {
		got, err := ParseRecord([]byte(tt.line))
		if tt.err != "" {
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Reason != tt.err {
				t.Errorf("ParseRecord(%q) = %+v, %v; want protocol error %q", tt.line, got, err, tt.err)
			} else if err.Error() != "protocol error: "+tt.err {
				t.Errorf("ParseRecord(%q) error text %q", tt.line, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRecord(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}

func TestRecordAppend(t *testing.T) {
	tests := []struct {
		rec  Record
		want string
	}{
		{Record{Kind: KindFile, Mode: 0644, Size: 3, Name: "a"}, "C0644 3 a\n"},
		{Record{Kind: KindFile, Mode: 04755, Size: 0, Name: "suid"}, "C4755 0 suid\n"},
		{Record{Kind: KindFile, Mode: 07, Size: 1, Name: "x"}, "C0007 1 x\n"},
		{Record{Kind: KindFile, Mode: 0100644, Size: 1, Name: "x"}, "C0644 1 x\n"},
		{Record{Kind: KindFile, Mode: 0600, Size: math.MaxInt64, Name: "with space"}, "C0600 9223372036854775807 with space\n"},
		{Record{Kind: KindFile, Mode: 0644, Size: 1, Name: `a\^Jb`}, "C0644 1 a\\^Jb\n"},
		{Record{Kind: KindDir, Mode: 0755, Name: "d"}, "D0755 0 d\n"},
		{Record{Kind: KindDir, Mode: 01777, Name: strings.Repeat("x", 1024)}, "D1777 0 " + strings.Repeat("x", 1024) + "\n"},
		{Record{Kind: KindDir, Mode: 0700, Name: strings.Repeat("y", 1500)}, "D0700 0 " + strings.Repeat("y", 1024) + "\n"},
		// C names are not cut: OpenSSH's buffer holds a whole path.
		{Record{Kind: KindFile, Mode: 0644, Name: strings.Repeat("z", 1500)}, "C0644 0 " + strings.Repeat("z", 1500) + "\n"},
		{Record{Kind: KindEndDir}, "E\n"},
		{Record{Kind: KindTime, Mtime: 1234567890, Atime: 1234567891}, "T1234567890 0 1234567891 0\n"},
		{Record{Kind: KindTime, Mtime: -5, Atime: -1}, "T0 0 0 0\n"},
		{Record{Kind: KindWarning, Text: "scp: a: No such file or directory"}, "\x01scp: a: No such file or directory\n"},
		{Record{Kind: KindFatal, Text: "scp: fatal"}, "\x02scp: fatal\n"},
	}
	for _, tt := range tests {
		if got := string(tt.rec.Append([]byte("prefix"))); got != "prefix"+tt.want {
			t.Errorf("%+v.Append = %q; want %q", tt.rec, got, "prefix"+tt.want)
		}
		if got := tt.rec.String(); got != strings.TrimSuffix(tt.want, "\n") {
			t.Errorf("%+v.String() = %q", tt.rec, got)
		}
	}
}

// TestRecordRoundTrip parses what Append writes and gets the record back.
func TestRecordRoundTrip(t *testing.T) {
	recs := []Record{
		{Kind: KindFile, Mode: 0644, Size: 3, Name: "a"},
		{Kind: KindFile, Mode: 07777, Size: math.MaxInt64, Name: " a b "},
		{Kind: KindFile, Mode: 0, Size: 0, Name: "\x01\xff"},
		{Kind: KindDir, Mode: 02755, Name: "dir"},
		{Kind: KindDir, Mode: 0755, Name: strings.Repeat("d", 1024)},
		{Kind: KindEndDir},
		{Kind: KindTime, Mtime: 1, Atime: 2},
		{Kind: KindTime, Mtime: math.MaxInt64, Atime: 0},
		{Kind: KindWarning, Text: "scp: x: y"},
		{Kind: KindFatal, Text: ""},
	}
	for _, r := range recs {
		line := r.Append(nil)
		got, err := ParseRecord(line[:len(line)-1])
		if err != nil || got != r {
			t.Errorf("ParseRecord(%q) = %+v, %v; want %+v", line, got, err, r)
		}
	}
}

func TestValidName(t *testing.T) {
	tests := map[string]bool{
		"a": true, "a b": true, "...": true, ".a": true, "a.": true, `a\b`: true, "\n": true,
		"": false, ".": false, "..": false, "/": false, "a/b": false, "/etc": false, "a/": false, "../x": false,
	}
	for name, want := range tests {
		if got := validName(name); got != want {
			t.Errorf("validName(%q) = %v; want %v", name, got, want)
		}
	}
}

func TestVisNewlines(t *testing.T) {
	tests := map[string]string{
		"a\nb":           `a\^Jb`,
		"\n":             `\^J`,
		"back\\slash\n":  `back\\slash\^J`,
		"tab\t sp\n":     "tab\t sp\\^J",
		"\x01\x7f\n":     `\^A\^?\^J`,
		"\xe9\xff\x80\n": `\M-i\M^?\M^@\^J`,
		"\xa0\n":         `\240\^J`,
		"~!#*?[\n":       `~!#*?[\^J`,
	}
	for in, want := range tests {
		if got := visNewlines(in); got != want {
			t.Errorf("visNewlines(%q) = %q; want %q", in, got, want)
		}
	}
}
