package scp

import (
	"context"
	"io"
	"testing"
)

// copyLocal runs Send and Receive against each other over pipes, the way
// the two ends of an SSH session would, and returns the messages each side
// reported and both results.
func copyLocal(t *testing.T, fsys FS, paths []string, target string, opt Options) (msgs []string, sendErr, recvErr error) {
	t.Helper()
	toSink, fromSource := io.Pipe()
	toSource, fromSink := io.Pipe()
	sinkOpt, sourceOpt := opt, opt
	var sinkMsgs []string
	sinkOpt.Report = func(m string) { sinkMsgs = append(sinkMsgs, m) }
	sourceOpt.Report = func(m string) { msgs = append(msgs, "source: "+m) }
	done := make(chan error, 1)
	go func() {
		err := Receive(context.Background(), toSink, fromSink, fsys, target, sinkOpt)
		fromSink.Close()
		toSink.CloseWithError(io.EOF)
		done <- err
	}()
	sendErr = Send(context.Background(), toSource, fromSource, fsys, paths, sourceOpt)
	fromSource.Close()
	recvErr = <-done
	for _, m := range sinkMsgs {
		msgs = append(msgs, "sink: "+m)
	}
	return msgs, sendErr, recvErr
}
