package cmdline

import (
	"maps"
	"strings"
	"testing"
)

func TestParseServices(t *testing.T) {
	const services = `# comment line
ssh		22/tcp				# SSH Remote Login Protocol
http		80/tcp		www		# WorldWideWeb HTTP
http		80/udp		www-udp
alt		8080/tcp	http
wrap		65558/tcp
zero		0/tcp
bad		x/tcp
noproto		99
dup		1/tcp
dup		2/tcp
tabbed	3/tcp	t1	t2#t3
`
	got := parseServices(strings.NewReader(services), "tcp")
	want := map[string]int{"ssh": 22, "http": 80, "www": 80, "alt": 8080, "wrap": 22, "zero": 0, "dup": 1, "tabbed": 3, "t1": 3, "t2": 3}
	if !maps.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestA2port(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"22", 22},
		{"0", 0},
		{"65535", 65535},
		{" +022", 22},
		{"65536", -1},
		{"-1", -1},
		{"", -1},
		{"22 ", -1},
		{"no-such-service-here", -1},
	}
	for _, tt := range tests {
		if got := A2port(tt.in); got != tt.want {
			t.Errorf("A2port(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestA2portServiceNames(t *testing.T) {
	if tcpServices() == nil {
		t.Skip("no " + servicesPath)
	}
	if _, ok := tcpServices()["ssh"]; !ok {
		t.Skip("no ssh entry in " + servicesPath)
	}
	if got := A2port("ssh"); got != 22 {
		t.Errorf("A2port(ssh) = %d", got)
	}
	if got := A2port("SSH"); got != -1 {
		t.Errorf("A2port(SSH) = %d, want -1: getservbyname is case-sensitive", got)
	}
}
