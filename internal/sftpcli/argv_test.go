package sftpcli

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSplitLine(t *testing.T) {
	tests := []struct {
		line string
		want []string
		err  error
	}{
		{"", nil, nil},
		{"   ", nil, nil},
		{"ls", []string{"ls"}, nil},
		{"  ls  -l\tx  ", []string{"ls", "-l", "x"}, nil},
		{"a\vb\fc\rd\ne", []string{"a", "b", "c", "d", "e"}, nil},
		{"ls # comment", []string{"ls"}, nil},
		{"ls x#y z", []string{"ls", "x"}, nil},
		{"#", nil, nil},
		{`ls "#x"`, []string{"ls", "#x"}, nil},
		{`ls '#x'`, []string{"ls", "#x"}, nil},
		{`"a b"`, []string{"a b"}, nil},
		{`'a b'c"d e"`, []string{"a bcd e"}, nil},
		{`""`, []string{""}, nil},
		{`'' x`, []string{"", "x"}, nil},
		{`"it's"`, []string{"it's"}, nil},
		{`'say "hi"'`, []string{`say "hi"`}, nil},
		{`"a\"b"`, []string{`a"b`}, nil},
		{`'a\'b'`, []string{`a'b`}, nil},
		{`"a\'b"`, []string{`a\'b`}, nil},
		{`"a\nb"`, []string{`a\nb`}, nil},
		{`"a\\b"`, []string{`a\\b`}, nil},
		// Quoted metacharacters get a backslash, so globs take them literally.
		{`"a*b"`, []string{`a\*b`}, nil},
		{`'a?[b'`, []string{`a\?\[b`}, nil},
		{`'a]b'`, []string{`a]b`}, nil},
		{`"a\*b"`, []string{`a\\\*b`}, nil},
		{`'a\?b'`, []string{`a\\\?b`}, nil},
		// Outside quotes, a backslash before a metacharacter or a backslash
		// stays for the glob; before anything else it just escapes.
		{`a*b`, []string{`a*b`}, nil},
		{`a\*b`, []string{`a\*b`}, nil},
		{`a\[b`, []string{`a\[b`}, nil},
		{`a\\b`, []string{`a\\b`}, nil},
		{`a\bc`, []string{`abc`}, nil},
		{`a\ b`, []string{`a b`}, nil},
		{`a\#b`, []string{`a#b`}, nil},
		{`a\"b`, []string{`a"b`}, nil},
		{`\x`, []string{`x`}, nil},
		{`ls \`, []string{"ls", ""}, nil},
		{`ls a\`, []string{"ls", "a"}, nil},
		{`ls 'a'\`, []string{"ls", "a"}, nil},
		{"ls a\x00b c", []string{"ls", "a"}, nil},
		{`ls "a`, nil, errUnterminated},
		{`ls 'a`, nil, errUnterminated},
		{`ls "a\`, nil, errUnterminated},
		{`ls "a\"`, nil, errUnterminated},
		{`ls 'a"`, nil, errUnterminated},
		{`ls a"b`, nil, errUnterminated},
		{`ls "a" # "`, []string{"ls", "a"}, nil},
	}
	for _, tt := range tests {
		got, err := splitLine(tt.line)
		if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
			t.Errorf("splitLine(%q) = %q, %v; want %q, %v", tt.line, got, err, tt.want, tt.err)
		}
	}
}

func TestSplitLineLimits(t *testing.T) {
	words := func(n int, sep string) string {
		return strings.TrimSuffix(strings.Repeat("x"+sep, n), sep)
	}
	tests := []struct {
		name  string
		line  string
		nargs int
		err   error
	}{
		{"128 words", words(128, " "), 128, nil},
		{"128 words, blank after", words(128, " ") + " ", 128, nil},
		// sftp counts before each byte, so a 129th word ending the line
		// passes and one followed by anything does not.
		{"129 words", words(129, " "), 129, nil},
		{"129 words, blank after", words(129, " ") + " ", 0, errTooManyArgs},
		{"129 words, comment after", words(129, " ") + " #", 0, errTooManyArgs},
		{"130 words", words(130, " "), 0, errTooManyArgs},
		{"longest line", strings.Repeat("a", maxLineLen), 1, nil},
		{"line too long", strings.Repeat("a", maxLineLen+1), 0, errTooLong},
		{"blanks too long", strings.Repeat(" ", maxLineLen+1), 0, errTooLong},
		// Quoted metacharacters grow the words; sftp's buffer is the bound.
		{"quoted stars fit", `"` + strings.Repeat("*", 4095) + `"`, 1, nil},
		{"quoted stars overflow", `"` + strings.Repeat("*", 4096) + `"`, 0, errTooLong},
		{"escaped quoted stars fit", `"` + strings.Repeat(`\*`, 2047) + `"`, 1, nil},
		{"escaped quoted stars overflow", `"` + strings.Repeat(`\*`, 2048) + `"`, 0, errTooLong},
	}
	for _, tt := range tests {
		got, err := splitLine(tt.line)
		if !errors.Is(err, tt.err) || len(got) != tt.nargs {
			t.Errorf("%s: %d words, %v; want %d, %v", tt.name, len(got), err, tt.nargs, tt.err)
		}
	}
}
