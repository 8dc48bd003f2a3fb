package localcopy

import "testing"

// quoteCases are names and how GNU cp 9.1 quotes them in its messages,
// taken from its output (`cp -- NAME /nonexistent`).
var quoteCases = []struct {
	name    string
	utf8, c string // in a UTF-8 locale and in the C locale
}{
	{"a", `'a'`, `'a'`},
	{"", `''`, `''`},
	{"a b", `'a b'`, `'a b'`},
	{"it's", `"it's"`, `"it's"`},
	{"'", `"'"`, `"'"`},
	{"a'b'c", `"a'b'c"`, `"a'b'c"`},
	{`a"b`, `'a"b'`, `'a"b'`},
	{`it's "x"`, `'it'\''s "x"'`, `'it'\''s "x"'`},
	{"it's $x", `'it'\''s $x'`, `'it'\''s $x'`},
	{`it's \x`, `'it'\''s \x'`, `'it'\''s \x'`},
	{"it's@", `"it's@"`, `"it's@"`},
	{"it's=", `'it'\''s='`, `'it'\''s='`},
	{"it's?", `'it'\''s?'`, `'it'\''s?'`},
	{"it's:,./_+-]%", `"it's:,./_+-]%"`, `"it's:,./_+-]%"`},
	{"#it's", `"#it's"`, `"#it's"`},
	{"it's#", `'it'\''s#'`, `'it'\''s#'`},
	{"~it's", `"~it's"`, `"~it's"`},
	{"{it's", `'{it'\''s'`, `'{it'\''s'`},
	{"é", `'é'`, `''$'\303\251'`},
	{"it's é", `"it's é"`, `'''it'\''s '$'\303\251'`},
	{"a\nb", `'a'$'\n''b'`, `'a'$'\n''b'`},
	{"a\n\nb", `'a'$'\n\n''b'`, `'a'$'\n\n''b'`},
	{"a\tb", `'a'$'\t''b'`, `'a'$'\t''b'`},
	{"a\r\a\b\f\v\x1bz", `'a'$'\r\a\b\f\v\033''z'`, `'a'$'\r\a\b\f\v\033''z'`},
	{"a\x01\x02b", `'a'$'\001\002''b'`, `'a'$'\001\002''b'`},
	{"\x7f", `''$'\177'`, `''$'\177'`},
	{"a\x1b[1m", `'a'$'\033''[1m'`, `'a'$'\033''[1m'`},
	{"a\xffb", `'a'$'\377''b'`, `'a'$'\377''b'`},
	{"é\xff\xfe", `'é'$'\377\376'`, `''$'\303\251\377\376'`},
	{"a\xe2\x80", `'a'$'\342\200'`, `'a'$'\342\200'`},
	{"a\xe2\x80b", `'a'$'\342\200''b'`, `'a'$'\342\200''b'`},
	{"\u200b", "'\u200b'", `''$'\342\200\213'`},
	{"\u0085", `''$'\302\205'`, `''$'\302\205'`},
	{"\u2028", `''$'\342\200\250'`, `''$'\342\200\250'`},
	{"名前 ü", `'名前 ü'`, `''$'\345\220\215\345\211\215'' '$'\303\274'`},
	// A name with an apostrophe that ends inside $'...': GNU's second
	// pass starts in that state and writes a stray '' first.
	{"it's\x01", `'''it'\''s'$'\001'`, `'''it'\''s'$'\001'`},
	{"x'\x01", `'''x'\'''$'\001'`, `'''x'\'''$'\001'`},
	{"'\x01", `''\'''$'\001'`, `''\'''$'\001'`},
	{"\x01'", `''$'\001'\'''`, `''$'\001'\'''`},
	{"ab'\x01'", `'ab'\'''$'\001'\'''`, `'ab'\'''$'\001'\'''`},
	{"it's\x01x", `'it'\''s'$'\001''x'`, `'it'\''s'$'\001''x'`},
	{"'\n'", `''\'''$'\n'\'''`, `''\'''$'\n'\'''`},
	{"it's\n\x01é\xff\u200b\u2028 x", `'it'\''s'$'\n\001''é'$'\377''` + "\u200b" + `'$'\342\200\250'' x'`,
		`'it'\''s'$'\n\001\303\251\377\342\200\213\342\200\250'' x'`},
}

func TestQuote(t *testing.T) {
	for _, tc := range quoteCases {
		if got := quoteName(tc.name, true); got != tc.utf8 {
			t.Errorf("UTF-8 locale: quote(%q) = %s, want %s", tc.name, got, tc.utf8)
		}
		if got := quoteName(tc.name, false); got != tc.c {
			t.Errorf("C locale: quote(%q) = %s, want %s", tc.name, got, tc.c)
		}
	}
}

func FuzzQuote(f *testing.F) {
	for _, tc := range quoteCases {
		f.Add(tc.name)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, utf8Mode := range []bool{true, false} {
			q := quoteName(s, utf8Mode)
			// Nothing a terminal would act on gets through.
			for i := 0; i < len(q); i++ {
				if c := q[i]; c < ' ' || c == 0x7f {
					t.Fatalf("quote(%q) = %q has control byte %#x", s, q, c)
				}
			}
			if !utf8Mode {
				for i := 0; i < len(q); i++ {
					if q[i] >= 0x80 {
						t.Fatalf("C locale: quote(%q) = %q has byte %#x", s, q, q[i])
					}
				}
			}
		}
	})
}
