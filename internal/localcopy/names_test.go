package localcopy

import (
	"io/fs"
	"syscall"
	"testing"

	"github.com/goscp/goscp/internal/strerror"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct{ dir, name, want string }{
		{"t", "a", "t/a"},
		{"t/", "a", "t/a"},
		{"t//", "a", "t/a"},
		{"./t/./", "a", "./t/./a"},
		{".", "d", "./d"},
		{"/", "a", "/a"},
	} {
		if got := joinName(tc.dir, tc.name); got != tc.want {
			t.Errorf("joinName(%q, %q) = %q, want %q", tc.dir, tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{"a", "a"},
		{"d/", "d"},
		{"d//", "d"},
		{"x/y/z", "z"},
		{"d/..", "."},
		{"..", "."},
		{".", "."},
	} {
		if got := operandBase(tc.src); got != tc.want {
			t.Errorf("operandBase(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
	for _, tc := range []struct{ p, dir, base string }{
		{"a", ".", "a"},
		{"d/a", "d", "a"},
		{"d/a/", "d", "a"},
		{"/a", "/", "a"},
	} {
		if dir, base := splitName(tc.p); dir != tc.dir || base != tc.base {
			t.Errorf("splitName(%q) = %q, %q, want %q, %q", tc.p, dir, base, tc.dir, tc.base)
		}
	}
}

func TestErrTextCapitalises(t *testing.T) {
	err := &fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}
	got := strerror.Text(err)
	if got == "" || got[0] < 'A' || got[0] > 'Z' || got[1:] != syscall.ENOENT.Error()[1:] {
		t.Fatalf("errText = %q", got)
	}
}
