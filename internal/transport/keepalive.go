package transport

import (
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/termsafe"
)

// activityConn counts the reads that brought data from the server, which is
// how ssh decides the server is alive.
type activityConn struct {
	net.Conn
	reads atomic.Uint64
}

func (c *activityConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.reads.Add(1)
	}
	return n, err
}

// aliveSettings returns ServerAliveInterval (0 = off) and
// ServerAliveCountMax (default 3).
func aliveSettings(cfg *sshconfig.Config) (time.Duration, int) {
	secs, _ := strconv.Atoi(cfg.Get("ServerAliveInterval"))
	countMax := 3
	if n, err := strconv.Atoi(cfg.Get("ServerAliveCountMax")); err == nil && n >= 0 {
		countMax = n
	}
	return time.Duration(secs) * time.Second, countMax
}

// keepalive is ssh's server-alive check: after each interval in which
// nothing came from the server it sends a keepalive@openssh.com request
// wanting a reply; when more than countMax intervals in a row pass that
// way, it says so as ssh does and closes the connection, so that every
// session on it fails instead of hanging.
func (c *Client) keepalive(conn *activityConn, interval time.Duration, countMax int) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last, missed := conn.reads.Load(), 0
	for {
		select {
		case <-c.closed:
			return
		case <-t.C:
		}
		if n := conn.reads.Load(); n != last {
			last, missed = n, 0
			continue
		}
		missed++
		if missed > countMax {
			if !c.quiet {
				fmt.Fprintf(c.stderr, "Timeout, server %s not responding.\r\n", termsafe.String(c.dest))
			}
			c.Close()
			return
		}
		// The reply (or an error once closed) ends the goroutine; what
		// counts is the data it brings, seen by conn.
		go c.sendKeepalive()
	}
}

// sendKeepalive sends ssh's keepalive request and waits for the answer.
// ssh's log shows them only as packets: a global request, then its reply.
func (c *Client) sendKeepalive() {
	c.log(3, "send packet: type 80")
	if ok, _, err := c.ssh.SendRequest("keepalive@openssh.com", true, nil); err == nil {
		c.log(3, fmt.Sprintf("receive packet: type %d", replyType(ok)))
	}
}

// replyType is the message number of a global request's answer.
func replyType(ok bool) int {
	if ok {
		return 81 // SSH_MSG_REQUEST_SUCCESS
	}
	return 82 // SSH_MSG_REQUEST_FAILURE
}
