package auth

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadSecret(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"secret\r", "secret", nil},
		{"secret\nrest", "secret", nil},
		{"sek\x7fcret\r", "secret", nil},
		{"se\bcret\r", "scret", nil},
		{"wrong\x15secret\r", "secret", nil},
		{"pässwörd\x7f\x7fd\r", "pässwöd", nil},
		{"\x7f\x7fok\r", "ok", nil},
		{"abc\x04", "abc", nil},
		{"\x04", "", io.EOF},
		{"", "", io.EOF},
		{"unterminated", "unterminated", nil},
		{"sec\x03ret\r", "", errInterrupted},
	}
	for _, tt := range tests {
		for name, r := range map[string]io.Reader{"whole": strings.NewReader(tt.in), "bytewise": iotest.OneByteReader(strings.NewReader(tt.in))} {
			got, err := readSecret(r)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("readSecret(%q) %s = %q, %v; want %q, %v", tt.in, name, got, err, tt.want, tt.err)
			}
		}
	}
}

func TestReadLine(t *testing.T) {
	r := strings.NewReader("yes\r\nno\nlast")
	for _, want := range []string{"yes", "no", "last"} {
		if got, err := readLine(r); got != want || err != nil {
			t.Errorf("readLine = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readLine(r); !errors.Is(err, io.EOF) {
		t.Errorf("readLine at end: %v, want EOF", err)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Password: ", "Password: "},
		{"line one\n\tline two", "line one\n\tline two"},
		{"\x1b[2J\x1b]0;pwned\x07", `\033[2J\033]0;pwned\007`},
		{"over\rwrite", `over\015write`},
		{"caf\xc3\xa9 ✓", "café ✓"},
		{"bad\xffbyte", `bad\377byte`},
		{"c1\u009bcontrol", `c1\302\233control`},
		{"del\x7f", `del\177`},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// interruptingPrompter is a user pressing ^C at the first question.
type interruptingPrompter struct{ asked int }

func (p *interruptingPrompter) Prompt(string, bool) (string, error) {
	p.asked++
	return "", errInterrupted
}

func TestPromptAfterInterrupt(t *testing.T) {
	p := &interruptingPrompter{}
	u, _ := testUI(p)
	for range 2 {
		if _, err := u.prompt("Password: ", false); !errors.Is(err, errInterrupted) {
			t.Errorf("prompt: %v, want interrupted", err)
		}
	}
	if p.asked != 1 {
		t.Errorf("asked %d times after ^C, want 1", p.asked)
	}
	u, _ = testUI(nil)
	if _, err := u.prompt("Password: ", false); !errors.Is(err, errNoPrompter) {
		t.Errorf("prompt without a terminal: %v", err)
	}
}
