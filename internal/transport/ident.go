package transport

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
)

// maxIdentLine bounds what is kept of one line before the server's
// identification (x/crypto refuses longer ones anyway).
const maxIdentLine = 255

// identConn logs the identification strings where ssh logs them, as they
// cross the connection: ours when the handshake writes it, the server's
// (and any lines it sends first) as they are read, then calls identified.
// After that it only passes data through.
type identConn struct {
	net.Conn
	log        func(level int, msg string)
	identified func()

	sent   atomic.Bool
	done   atomic.Bool
	line   []byte // the server's current line; only the handshake reads it
	banner int    // lines the server sent before its identification
}

func (c *identConn) Write(b []byte) (int, error) {
	if !c.sent.Swap(true) {
		// The handshake's first write is our identification line.
		line, _, _ := strings.Cut(string(b), "\n")
		c.log(1, "Local version string "+strings.TrimSuffix(line, "\r"))
	}
	return c.Conn.Write(b)
}

func (c *identConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if !c.done.Load() {
		c.scan(b[:n])
	}
	return n, err
}

// scan follows the server's lines up to its identification.
func (c *identConn) scan(b []byte) {
	for _, ch := range b {
		if ch != '\n' {
			if len(c.line) < maxIdentLine {
				c.line = append(c.line, ch)
			}
			continue
		}
		line := strings.TrimSuffix(string(c.line), "\r")
		c.line = c.line[:0]
		if strings.HasPrefix(line, "SSH-") {
			c.done.Store(true)
			c.remote(line)
			return
		}
		c.log(1, fmt.Sprintf("kex_exchange_identification: banner line %d: %s", c.banner, line))
		c.banner++
	}
}

// remote logs the server's identification, "SSH-protoversion-software".
func (c *identConn) remote(line string) {
	proto, software, ok := strings.Cut(strings.TrimPrefix(line, "SSH-"), "-")
	if ok {
		c.log(1, fmt.Sprintf("Remote protocol version %s, remote software version %s", proto, software))
	}
	c.identified()
}
