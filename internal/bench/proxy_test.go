package bench

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// echoServer answers every connection with what it read, then half closes.
func echoServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
				c.(*net.TCPConn).CloseWrite()
			}()
		}
	}()
	return l.Addr().String()
}

// roundTrip sends data through p in writes of the given sizes (cycled),
// half closes, and returns everything that came back.
func roundTrip(p *Proxy, data []byte, sizes []int) ([]byte, error) {
	c, err := net.DialTCP("tcp", nil, p.Addr())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	werr := make(chan error, 1)
	go func() {
		rest := data
		for i := 0; len(rest) > 0; i++ {
			n := min(sizes[i%len(sizes)], len(rest))
			if _, err := c.Write(rest[:n]); err != nil {
				werr <- err
				return
			}
			rest = rest[n:]
		}
		werr <- c.CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if err := <-werr; err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return got, nil
}

func TestProxyDeliversInOrder(t *testing.T) {
	target := echoServer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name  string
		delay time.Duration
		data  []byte
		sizes []int
	}{
		{"empty", time.Millisecond, nil, []int{1}},
		{"one byte", time.Millisecond, big[:1], []int{1}},
		{"small writes", 2 * time.Millisecond, big[:200<<10], []int{1, 7, 100, 4096, 3}},
		{"big writes", 5 * time.Millisecond, big, []int{1 << 20, 300 << 10, 65536, 1}},
		{"no delay", 0, big, []int{32 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewProxy(target, tt.delay)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			got, err := roundTrip(p, tt.data, tt.sizes)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Fatalf("got %d bytes back, want the %d sent (first difference at %d)", len(got), len(tt.data), firstDiff(got, tt.data))
			}
		})
	}
}

func TestProxyConcurrentConnections(t *testing.T) {
	p, err := NewProxy(echoServer(t), 3*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := bytes.Repeat([]byte{byte(i)}, (i+1)*100<<10)
			got, err := roundTrip(p, data, []int{10 << 10, 333})
			if err != nil {
				t.Errorf("connection %d: %v", i, err)
			} else if !bytes.Equal(got, data) {
				t.Errorf("connection %d: got %d bytes back, want %d", i, len(got), len(data))
			}
		}()
	}
	wg.Wait()
}

func TestProxyCloseCutsConnections(t *testing.T) {
	p, err := NewProxy(echoServer(t), time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTCP("tcp", nil, p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo: %q, %v", buf, err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if n, err := c.Read(buf); err == nil {
		t.Fatalf("read after Close: %d bytes, no error", n)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
