package sftpcli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts are the session's signals, as sftp handles them. SIGINT
// during a command (see command) prints "\rInterrupt  \n" on stderr and
// cancels that command's context, not the session; between commands it
// ends sftp with status 1 (its killchild), except at a terminal's prompt
// once the session runs (keepSession: sftp's read_interrupt). SIGTERM and
// SIGHUP end sftp with status 1, after restoring the terminal.
type interrupts struct {
	stderr   io.Writer
	exitIdle bool // SIGINT between commands ends sftp (see keepSession)
	ch       chan os.Signal
	done     chan struct{}
	wg       sync.WaitGroup

	mu      sync.Mutex
	cancel  context.CancelFunc // the running command's; nil between commands
	restore func()             // puts the terminal back before an exit
}

func newInterrupts(stderr io.Writer, exitIdle bool) *interrupts {
	i := &interrupts{stderr: stderr, exitIdle: exitIdle, ch: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(i.ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	i.wg.Add(1)
	go i.loop()
	return i
}

func (i *interrupts) loop() {
	defer i.wg.Done()
	for {
		select {
		case <-i.done:
			return
		case sig := <-i.ch:
			if !i.interrupt(sig) {
				i.mu.Lock()
				restore := i.restore
				i.mu.Unlock()
				if restore != nil {
					restore()
				}
				os.Exit(1)
			}
		}
	}
}

// interrupt handles a SIGINT that does not end sftp, reporting whether
// sig was one.
func (i *interrupts) interrupt(sig os.Signal) bool {
	if sig != os.Interrupt {
		return false
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.cancel != nil {
		io.WriteString(i.stderr, "\rInterrupt  \n")
		i.cancel()
		return true
	}
	return !i.exitIdle
}

// keepSession makes SIGINT between commands harmless, as at a terminal's
// prompt.
func (i *interrupts) keepSession() {
	i.mu.Lock()
	i.exitIdle = false
	i.mu.Unlock()
}

// onExit sets what runs before a signal ends sftp.
func (i *interrupts) onExit(restore func()) {
	i.mu.Lock()
	i.restore = restore
	i.mu.Unlock()
}

// command gives one command a context that SIGINT ends; call end when the
// command is over.
func (i *interrupts) command(parent context.Context) (ctx context.Context, end func()) {
	ctx, cancel := context.WithCancel(parent)
	i.mu.Lock()
	i.cancel = cancel
	i.mu.Unlock()
	return ctx, func() {
		i.mu.Lock()
		i.cancel = nil
		i.mu.Unlock()
		cancel()
	}
}

// stop gives the signals back their usual effect.
func (i *interrupts) stop() {
	signal.Stop(i.ch)
	close(i.done)
	i.wg.Wait()
}
