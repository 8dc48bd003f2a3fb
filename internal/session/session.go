// Package session opens SSH sessions on one connection, one after another
// or at once, as sshd's session limit (MaxSessions) allows.
package session

import (
	"errors"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
)

// An Opener opens sessions on one connection. It is safe for concurrent
// use.
//
// sshd frees a session's slot only once it has read our close of its
// channel and gone round its loop, so a session opened right after another
// ended can find the slot still taken: the open and the close it sent just
// before arrive together. The Opener then makes one round trip, after which
// sshd has freed the slot, and asks again.
type Opener struct {
	conn *ssh.Client
	// ended counts the sessions that ended; synced is what ended was when
	// the last round trip began.
	ended, synced atomic.Int64
}

// New returns an Opener of sessions on conn.
func New(conn *ssh.Client) *Opener { return &Opener{conn: conn} }

// Open opens a session, asking a second time when the server refused it
// while a session that ended may still hold its slot.
func (o *Opener) Open() (*ssh.Session, error) {
	s, err := o.conn.NewSession()
	var refused *ssh.OpenChannelError
	if err == nil || !errors.As(err, &refused) {
		return s, err
	}
	ended := o.ended.Load()
	if ended == o.synced.Load() {
		return nil, err // no slot to wait for: the limit is reached
	}
	// A global request's reply comes after sshd has handled all we sent
	// before it; servers answer even requests they do not know.
	if _, _, rerr := o.conn.SendRequest("keepalive@openssh.com", true, nil); rerr != nil {
		return nil, err
	}
	for {
		synced := o.synced.Load()
		if synced >= ended || o.synced.CompareAndSwap(synced, ended) {
			break
		}
	}
	return o.conn.NewSession()
}

// Ended records that a session Open opened has ended: its Wait returned,
// so its close has been sent.
func (o *Opener) Ended() { o.ended.Add(1) }
