package cli

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/scp"
)

// relayBufSize is the chunk in which a -3 copy's file data passes through us.
const relayBufSize = 256 << 10

// relay copies from one remote host to another through us (-3, OpenSSH's
// default): the source host's `scp -f` feeds the target host's `scp -t`
// and we pass the bytes along untouched, as OpenSSH does. Unlike OpenSSH
// we watch them go by: the meter shows each file, and each side's error
// messages, which only the other remote scp would see (and not print), are
// shown with the name of the host that sent them.
func (r *run) relay(src, tgt Operand) {
	from, err := r.start(src, "-f", src.Path)
	if err != nil {
		r.printSSH(err.Error())
		r.errs++
		return
	}
	to, err := r.start(tgt, "-t", tgt.Path)
	if err != nil {
		r.printSSH(err.Error())
		r.errs++
		from.Close()
		from.Wait()
		return
	}
	fallback := r.watchRelay(from, to, src, tgt)
	srcHost, tgtHost := hostLabel(src), hostLabel(tgt)
	var srcSaid, tgtSaid bool
	watch := scp.NewRelayWatch(r.meter,
		func(msg string) { srcSaid = true; r.print(srcHost + ": " + msg) },
		func(msg string) { tgtSaid = true; r.print(tgtHost + ": " + msg) })
	acks := make(chan struct{})
	go func() {
		io.Copy(from.Stdin, io.TeeReader(to.Stdout, watch.Sink()))
		from.Stdin.Close()
		close(acks)
	}()
	_, err = io.CopyBuffer(to.Stdin, io.TeeReader(from.Stdout, watch.Source()), make([]byte, relayBufSize))
	to.Stdin.Close()
	lost := err != nil
	if lost {
		// The target went away; the source may be blocked sending to us
		// and would never exit on its own.
		watch.Close() // end the meter's line first
		r.print("lost connection")
		from.Close()
	}
	<-acks
	watch.Close()
	if msg := watch.Omitted(); msg != "" {
		r.print(msg)
	}
	// Either side's failure reached only the other side's protocol
	// stream; its exit status is how we learn of it.
	errFrom, errTo := from.Wait(), to.Wait()
	if fallback.done() {
		return
	}
	if errFrom != nil || errTo != nil {
		r.errs++
	}
	if srcSaid || tgtSaid {
		return // the failure was explained, by the host that had it
	}
	if errFrom != nil && !lost { // when lost, we ended the source ourselves
		r.print(srcHost + ": remote scp " + exitReason(errFrom))
	}
	if errTo != nil {
		r.print(tgtHost + ": remote scp " + exitReason(errTo))
	}
}

// hostLabel names an operand's host in messages as the user wrote it:
// [user@]host, or [user@][host]:port for an IPv6 address or a URI's port.
func hostLabel(op Operand) string {
	host := op.Host
	if strings.Contains(host, ":") || op.Port != 0 {
		host = "[" + host + "]"
	}
	if op.Port != 0 {
		host += ":" + strconv.Itoa(op.Port)
	}
	if op.User != "" {
		host = op.User + "@" + host
	}
	return host
}

// exitReason words how a remote command that failed ended, from its
// session's error: its exit status or signal (over SSH, or the -S
// program's), or the error that ended the session.
func exitReason(err error) string {
	var exit interface { // *ssh.ExitError, which tests cannot make
		ExitStatus() int
		Signal() string
	}
	var missing *ssh.ExitMissingError
	var program *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Signal() != "":
		return "killed by signal " + exit.Signal()
	case errors.As(err, &exit):
		return fmt.Sprintf("exited with status %d", exit.ExitStatus())
	case errors.As(err, &missing):
		return "ended without an exit status" // the connection went away
	case errors.As(err, &program) && program.ExitCode() >= 0:
		return fmt.Sprintf("exited with status %d", program.ExitCode())
	}
	return "ended: " + err.Error()
}
