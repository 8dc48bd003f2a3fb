package cmdline

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"sync"
)

// servicesPath is the services(5) file that glibc's getservbyname reads.
const servicesPath = "/etc/services"

// A2port mirrors OpenSSH's a2port: a decimal 0..65535, else a TCP service name, else -1.
// Callers treat a result <= 0 as invalid.
func A2port(s string) int {
	if v, errstr := Strtonum(s, 0, 65535); errstr == "" {
		return int(v)
	}
	if port, ok := tcpService(s); ok {
		return port
	}
	return -1
}

// tcpServices holds the TCP entries of servicesPath, or nil when it cannot be read.
var tcpServices = sync.OnceValue(func() map[string]int {
	f, err := os.Open(servicesPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseServices(f, "tcp")
})

// tcpService looks name up as getservbyname(name, "tcp") does: case-sensitively, in
// servicesPath. Go's resolver is only the fallback for systems without that file (Windows),
// because it folds case ("SSH") where scp does not.
func tcpService(name string) (int, bool) {
	if m := tcpServices(); m != nil {
		port, ok := m[name]
		return port, ok
	}
	port, err := net.LookupPort("tcp", name)
	return port, err == nil
}

// parseServices reads services(5) lines "name port/proto [aliases...] [# comment]" and maps
// each name and alias of proto to its port. The first entry for a name wins, as in a
// sequential getservbyname scan; the port is kept modulo 65536 as s_port's htons keeps it.
func parseServices(r io.Reader, proto string) map[string]int {
	m := make(map[string]int)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.FieldsFunc(line, func(c rune) bool { return c < 0x80 && isSpace(byte(c)) })
		if len(f) < 2 {
			continue
		}
		num, p, ok := strings.Cut(f[1], "/")
		if !ok || p != proto || num == "" || strings.Trim(num, "0123456789") != "" {
			continue
		}
		port := servicePort(num)
		for _, name := range append([]string{f[0]}, f[2:]...) {
			if _, seen := m[name]; !seen {
				m[name] = port
			}
		}
	}
	return m
}

// servicePort converts the decimal digits num to a port modulo 65536.
func servicePort(num string) int {
	port := 0
	for i := 0; i < len(num); i++ {
		port = (port*10 + int(num[i]-'0')) & 0xffff
	}
	return port
}
