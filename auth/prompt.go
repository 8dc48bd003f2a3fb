package auth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/term"
)

// Prompter asks the user something on the terminal (/dev/tty). echo=false
// for secrets.
type Prompter interface {
	Prompt(prompt string, echo bool) (string, error)
}

// TTYPrompter returns a Prompter on /dev/tty, or nil if there is no terminal.
func TTYPrompter() Prompter {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !term.IsTerminal(int(tty.Fd())) {
		tty.Close()
		return nil
	}
	return &ttyPrompter{tty: tty}
}

type ttyPrompter struct {
	mu  sync.Mutex // one question at a time, even from parallel connections
	tty *os.File
}

func (p *ttyPrompter) Prompt(prompt string, echo bool) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if echo {
		if err := p.write(prompt); err != nil {
			return "", err
		}
		return readLine(p.tty)
	}
	return p.readSecret(prompt)
}

func (p *ttyPrompter) write(prompt string) error {
	if _, err := io.WriteString(p.tty, prompt); err != nil {
		return fmt.Errorf("auth: write prompt: %w", err)
	}
	return nil
}

// readSecret reads without echo in raw mode rather than with
// term.ReadPassword: a ^C then arrives as a byte, so the terminal is restored
// before the interrupt is passed on, as ssh does, and never left without echo.
// The prompt comes once echo is off, so nothing typed after it shows; raw
// mode does not turn its newlines into CR LF, so that is done here.
func (p *ttyPrompter) readSecret(prompt string) (string, error) {
	fd := int(p.tty.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("auth: terminal raw mode: %w", err)
	}
	secret, err := "", p.write(strings.ReplaceAll(prompt, "\n", "\r\n"))
	if err == nil {
		secret, err = readSecret(p.tty)
	}
	if rerr := term.Restore(fd, old); rerr != nil && err == nil {
		err = fmt.Errorf("auth: restore terminal: %w", rerr)
	}
	io.WriteString(p.tty, "\n")
	if errors.Is(err, errInterrupted) {
		if self, ferr := os.FindProcess(os.Getpid()); ferr == nil {
			self.Signal(os.Interrupt)
		}
	}
	return secret, err
}

// readLine reads one line from a terminal in canonical mode, one byte at a
// time so nothing after the newline is consumed.
func readLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSuffix(string(line), "\r"), nil
			}
			line = append(line, b[0])
		}
		if err == io.EOF && len(line) > 0 {
			return string(line), nil
		}
		if err != nil {
			return "", fmt.Errorf("auth: read answer: %w", err)
		}
	}
}

// Control keys readSecret understands in raw mode.
const (
	keyInterrupt = 0x03 // ^C
	keyEOF       = 0x04 // ^D
	keyBackspace = 0x08
	keyKill      = 0x15 // ^U erases the line
	keyDelete    = 0x7f
)

// readSecret does the line editing a terminal in raw mode no longer does.
// It reads a byte at a time, leaving what was typed ahead for the next read.
func readSecret(r io.Reader) (string, error) {
	var line []byte
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			switch c {
			case '\r', '\n':
				return string(line), nil
			case keyInterrupt:
				return "", errInterrupted
			case keyEOF:
				return endOfSecret(line)
			case keyBackspace, keyDelete:
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
			case keyKill:
				line = line[:0]
			default:
				line = append(line, c)
			}
		}
		if err == io.EOF {
			return endOfSecret(line)
		}
		if err != nil {
			return "", fmt.Errorf("auth: read secret: %w", err)
		}
	}
}

func endOfSecret(line []byte) (string, error) {
	if len(line) == 0 {
		return "", io.EOF
	}
	return string(line), nil
}

// ui is how the package talks to the user: warnings to stderr, questions
// through the Prompter.
type ui struct {
	stderr io.Writer
	// quiet shows none of ssh's messages, errorsOnly only its errors.
	quiet, errorsOnly bool
	prompter          Prompter // nil in BatchMode or without a terminal
	// prompts is NumberOfPasswordPrompts: how many times a passphrase, a
	// password or a keyboard-interactive answer is asked for.
	prompts     int
	debugLog    func(level int, msg string) // Options.Debug, may be nil
	interrupted atomic.Bool
}

// prompt asks through the Prompter. After a ^C nothing more is asked.
func (u *ui) prompt(prompt string, echo bool) (string, error) {
	if u.prompter == nil {
		return "", errNoPrompter
	}
	if u.interrupted.Load() {
		return "", errInterrupted
	}
	answer, err := u.prompter.Prompt(prompt, echo)
	if errors.Is(err, errInterrupted) {
		u.interrupted.Store(true)
	}
	return answer, err
}

// info writes lines that ssh logs at level INFO (logit), as log does.
func (u *ui) info(lines ...string) {
	if !u.errorsOnly {
		u.log(lines...)
	}
}

// log writes lines as ssh's log writes its errors: each ends in "\r\n",
// since ssh may have the terminal in raw mode; a line may hold a "\n" of
// its own.
func (u *ui) log(lines ...string) {
	if u.quiet {
		return
	}
	for _, line := range lines {
		io.WriteString(u.stderr, line+"\r\n")
	}
}

// debug writes a line of ssh's debug log.
func (u *ui) debug(level int, msg string) {
	if u.debugLog != nil {
		u.debugLog(level, msg)
	}
}
