package scp

import (
	"context"
	"os"
	"testing"
)

// copyLocal runs Send and Receive against each other over pipes, the way
// the two ends of an SSH session would, and returns the messages each side
// reported and both results.
func copyLocal(t *testing.T, fsys FS, paths []string, target string, opt Options) (msgs []string, sendErr, recvErr error) {
	t.Helper()
	sourceMsgs, sinkMsgs, sendErr, recvErr := copyPiped(t, fsys, paths, target, opt, opt)
	for _, m := range sourceMsgs {
		msgs = append(msgs, "source: "+m)
	}
	for _, m := range sinkMsgs {
		msgs = append(msgs, "sink: "+m)
	}
	return msgs, sendErr, recvErr
}

// copyPiped is copyLocal with options for each side, returning each side's
// messages. The pipes are the system's, buffered as between two processes:
// a pipelined side writes ahead before it reads.
func copyPiped(t *testing.T, fsys FS, paths []string, target string, sourceOpt, sinkOpt Options) (sourceMsgs, sinkMsgs []string, sendErr, recvErr error) {
	t.Helper()
	toSink, fromSource, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	toSource, fromSink, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	sinkOpt.Report = func(m string) { sinkMsgs = append(sinkMsgs, m) }
	sourceOpt.Report = func(m string) { sourceMsgs = append(sourceMsgs, m) }
	done := make(chan error, 1)
	go func() {
		err := Receive(context.Background(), toSink, fromSink, fsys, target, sinkOpt)
		fromSink.Close()
		toSink.Close()
		done <- err
	}()
	sendErr = Send(context.Background(), toSource, fromSource, fsys, paths, sourceOpt)
	fromSource.Close()
	recvErr = <-done
	toSource.Close()
	return sourceMsgs, sinkMsgs, sendErr, recvErr
}
