package cli

import (
	"errors"
	"github.com/goscp/goscp/internal/cmdline"
	"strings"
	"testing"

	"github.com/goscp/goscp/internal/sshconfig"
)

// operandTests are shared with TestParseOperandMatchesOpenSSH. A nil want means the operand
// is an invalid URI.
var operandTests = []struct {
	in   string
	want *Operand
}{
	// [user@]host:[path]
	{"host:p", remote("", "host", 0, "p")},
	{"u@h:p", remote("u", "h", 0, "p")},
	{"u@h@x:p", remote("u@h", "x", 0, "p")},
	{"@h:p", remote("", "h", 0, "p")},
	{"h@:p", remote("h", "", 0, "p")},
	{"host:", remote("", "host", 0, ".")},
	{"C:/x", remote("", "C", 0, "/x")},
	{"h::x", remote("", "h", 0, ":x")},
	{"u:p@h:x", remote("", "u", 0, "p@h:x")},
	{"h:-x", remote("", "h", 0, "-x")},
	{"h:~/a b", remote("", "h", 0, "~/a b")},
	{"h:a/b:c", remote("", "h", 0, "a/b:c")},
	{"h:'*.log'", remote("", "h", 0, "'*.log'")},
	{"[::1]:p", remote("", "::1", 0, "p")},
	{"[::1]:", remote("", "::1", 0, ".")},
	{"[::1]:b:c", remote("", "::1", 0, "b:c")},
	{"u@[fe80::1%eth0]:p", remote("u", "fe80::1%eth0", 0, "p")},
	{"u@[::1]:/tmp", remote("u", "::1", 0, "/tmp")},
	{"a:b@[c]:d", remote("", "a", 0, "b@[c]:d")},
	{"x[a]:b", remote("", "x[a]", 0, "b")},
	{"[]:x", remote("", "", 0, "x")},
	{"SCP://h/x", remote("", "SCP", 0, "//h/x")},
	{"sftp://h/x", remote("", "sftp", 0, "//h/x")},
	{"scp:/h", remote("", "scp", 0, "/h")},
	{"scp:", remote("", "scp", 0, ".")},
	// local
	{"host", local("host")},
	{"", local("")},
	{"[::1]", local("[::1]")},
	{"u@[::1]", local("u@[::1]")},
	{"[::1]/x:y", local("[::1]/x:y")},
	{"[a]b:c", local("[a]b:c")},
	{"./a:b", local("./a:b")},
	{"a/b:c", local("a/b:c")},
	{"/abs:x", local("/abs:x")},
	{":x", local(":x")},
	{"-", local("-")},
	// scp:// URIs
	{"scp://h", remote("", "h", 0, ".")},
	{"scp://h/", remote("", "h", 0, ".")},
	{"scp://h/x", remote("", "h", 0, "x")},
	{"scp://h//tmp/x", remote("", "h", 0, "/tmp/x")},
	{"scp://u@h:2222/p", remote("u", "h", 2222, "p")},
	{"scp://h:22", remote("", "h", 22, ".")},
	{"scp://h:22/", remote("", "h", 22, ".")},
	{"scp://h:", remote("", "h", 0, ".")},
	{"scp://h:+022/x", remote("", "h", 22, "x")},
	{"scp://h:65535/x", remote("", "h", 65535, "x")},
	{"scp://u;fingerprint=SHA256:x@h/p", remote("u", "h", 0, "p")},
	{"scp://u;@h", remote("u", "h", 0, ".")},
	{"scp://h/a@b", remote("h/a", "b", 0, ".")},
	{"scp://h/a%20b+c", remote("", "h", 0, "a b c")},
	{"scp://%75s+r@h/%2Ftmp", remote("us r", "h", 0, "/tmp")},
	{"scp://h/%41%6a%2b", remote("", "h", 0, "Aj+")},
	{"scp://host./x", remote("", "host", 0, "x")},
	{"scp://[example.com]/x", remote("", "example.com", 0, "x")},
	{"scp://My_Host-1.example:2/x", remote("", "My_Host-1.example", 2, "x")},
	{"scp://1.2.3.4/x", remote("", "1.2.3.4", 0, "x")},
	{"scp://h/x/../y z", remote("", "h", 0, "x/../y z")},
	// invalid URIs
	{"scp://", nil},
	{"scp:///x", nil},
	{"scp://u@/x", nil},
	{"scp://@h/x", nil},
	{"scp://;p@h/x", nil},
	{"scp://h/p@", nil},
	{"scp://h/%zz", nil},
	{"scp://h/%4", nil},
	{"scp://h/x%", nil},
	{"scp://h/a%00b", nil},
	{"scp://%00@h/x", nil},
	{"scp://%g0@h/x", nil},
	{"scp://h:0/x", nil},
	{"scp://h:65536/x", nil},
	{"scp://h:-1", nil},
	{"scp://h:/x", nil},
	{"scp://h:22:33/x", nil},
	{"scp://h:nosuchservice/x", nil},
	{"scp://[::1]/x", nil},
	{"scp://[::1]:22/x", nil},
	{"scp://u@[fe80::1%25eth0]/x", nil},
	{"scp://[]/x", nil},
	{"scp://[h/x", nil},
	{"scp://[h]x/y", nil},
	{"scp://-h/x", nil},
	{"scp://.h/x", nil},
	{"scp://a..b/x", nil},
	{"scp://h!/x", nil},
	{"scp://h%41/x", nil},
}

func remote(user, host string, port int, path string) *Operand {
	return &Operand{Remote: true, User: user, Host: host, Port: port, Path: path}
}

func local(path string) *Operand {
	return &Operand{Path: path}
}

func TestParseOperand(t *testing.T) {
	for _, tt := range operandTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOperand(tt.in)
			if tt.want == nil {
				var uriErr *URIError
				if !errors.As(err, &uriErr) || err.Error() != tt.in+": invalid uri" {
					t.Fatalf("got %+v, %v; want an invalid uri error", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := *tt.want
			want.Raw = tt.in
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseOperandServicePort(t *testing.T) {
	if cmdline.A2port("ssh") != 22 {
		t.Skip("no tcp service named ssh here")
	}
	got, err := ParseOperand("scp://h:ssh/x")
	if err != nil || got.Port != 22 || got.Path != "x" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestCheckUser(t *testing.T) {
	tests := []struct {
		user string
		ok   bool
	}{
		{"", true},
		{"root", true},
		{"a.b-c_d+e$f", true},
		{"user@host", true},
		{"DOMAIN\\user", true},
		{"a b", false},
		{"a'b", false},
		{"a\"b", false},
		{"a`b", false},
		{"a#b", false},
		{"é", false},
		{"\x80", false},
		{"a\tb", true},
	}
	for _, tt := range tests {
		if got := CheckUser(tt.user); got != tt.ok {
			t.Errorf("CheckUser(%q) = %v, want %v", tt.user, got, tt.ok)
		}
	}
}

// FuzzParseOperand checks that ParseOperand never panics and that its result is consistent
// with its input.
func FuzzParseOperand(f *testing.F) {
	for _, tt := range operandTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		op, err := ParseOperand(s)
		isURI := strings.HasPrefix(s, uriPrefix)
		if err != nil {
			if !isURI || err.Error() != s+": invalid uri" {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if op.Raw != s || op.Port < 0 || op.Port > 65535 || op.Port != 0 && !isURI {
			t.Fatalf("%q: bad result %+v", s, op)
		}
		if !op.Remote {
			if op.Path != s || op.User != "" || op.Host != "" || isURI {
				t.Fatalf("%q: bad local result %+v", s, op)
			}
			return
		}
		if op.Path == "" {
			t.Fatalf("%q: empty remote path", s)
		}
		if !isURI && !strings.HasSuffix(s, ":"+op.Path) && op.Path != "." {
			t.Fatalf("%q: path %q is not the operand's tail", s, op.Path)
		}
		if isURI {
			if _, h, _, _, ok := sshconfig.ParseURI(op.Host); !ok || h != op.Host || strings.HasSuffix(h, ".") {
				t.Fatalf("%q: invalid host %q accepted", s, op.Host)
			}
		}
	})
}
