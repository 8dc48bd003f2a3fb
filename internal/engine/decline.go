package engine

import (
	"context"
	"errors"
)

// ErrDeclined is what an upload returns under a context from NoSerial when
// it would run on one session: it has then touched nothing but started, at
// most, its first session, which the caller's start function handed out.
var ErrDeclined = errors.New("engine: declined")

type noSerialKey struct{}

// NoSerial returns a context under which package scp's parallel upload does
// not fall back to a serial copy of its own but returns ErrDeclined: for the
// scp command, whose serial copy does more (other operands on the same
// session, a fallback to SFTP). It is a context value because package scp
// cannot be given an option that only this module can set.
func NoSerial(ctx context.Context) context.Context {
	return context.WithValue(ctx, noSerialKey{}, true)
}

// SerialDeclined reports whether ctx comes from NoSerial.
func SerialDeclined(ctx context.Context) bool {
	v, _ := ctx.Value(noSerialKey{}).(bool)
	return v
}
