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
