package cmdline

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// scpOptions is scp 9.2's option string, the one these cases were written for.
const scpOptions = "12346ABCTdfOpqRrstvD:F:J:M:P:S:c:i:l:o:X:"

func TestGetopt(t *testing.T) {
	tests := []struct {
		args     []string
		visited  string // "letter[=arg]" words
		operands []string
		err      string
	}{
		{args: nil, visited: "", operands: []string{}},
		{args: []string{"a", "b"}, visited: "", operands: []string{"a", "b"}},
		{args: []string{"-r", "-p", "a"}, visited: "r p", operands: []string{"a"}},
		{args: []string{"-rpq", "a"}, visited: "r p q", operands: []string{"a"}},
		{args: []string{"-P2222", "a"}, visited: "P=2222", operands: []string{"a"}},
		{args: []string{"-P", "2222", "a"}, visited: "P=2222", operands: []string{"a"}},
		{args: []string{"-rP22", "a"}, visited: "r P=22", operands: []string{"a"}},
		{args: []string{"-rP", "22", "a"}, visited: "r P=22", operands: []string{"a"}},
		{args: []string{"-P", "-r", "a"}, visited: "P=-r", operands: []string{"a"}},
		{args: []string{"-P", "--", "a"}, visited: "P=--", operands: []string{"a"}},
		{args: []string{"-o", "", "a"}, visited: "o=", operands: []string{"a"}},
		{args: []string{"-r", "--", "-p", "a"}, visited: "r", operands: []string{"-p", "a"}},
		{args: []string{"--"}, visited: "", operands: []string{}},
		{args: []string{"--", "--"}, visited: "", operands: []string{"--"}},
		{args: []string{"-r", "a", "-p", "b"}, visited: "r", operands: []string{"a", "-p", "b"}},
		{args: []string{"-", "-r"}, visited: "", operands: []string{"-", "-r"}},
		{args: []string{"-r", "-", "b"}, visited: "r", operands: []string{"-", "b"}},
		{args: []string{"", "-r"}, visited: "", operands: []string{"", "-r"}},
		{args: []string{"-r-", "-p"}, visited: "r", operands: []string{"-r-", "-p"}},
		{args: []string{"-rv-", "x"}, visited: "r v", operands: []string{"-rv-", "x"}},
		{args: []string{"---"}, visited: "", err: "unknown option -- -"},
		{args: []string{"-r-x"}, visited: "r", err: "unknown option -- -"},
		{args: []string{"-Z"}, visited: "", err: "unknown option -- Z"},
		{args: []string{"-rZp"}, visited: "r", err: "unknown option -- Z"},
		{args: []string{"-:"}, visited: "", err: "unknown option -- :"},
		{args: []string{"-\xc3\xa9"}, visited: "", err: "unknown option -- \xc3"},
		{args: []string{"-P"}, visited: "", err: "option requires an argument -- P"},
		{args: []string{"-rvX"}, visited: "r v", err: "option requires an argument -- X"},
		{args: []string{"-r", "-Z", "-P"}, visited: "r", err: "unknown option -- Z"},
		{args: []string{"-12346ABCTdfOpqRrstv", "x"}, visited: "1 2 3 4 6 A B C T d f O p q R r s t v", operands: []string{"x"}},
		{args: []string{"-Dd", "-F", "f", "-Jj", "-Mm", "-Ss", "-cc", "-ii", "-ll", "-oo", "-Xx"},
			visited: "D=d F=f J=j M=m S=s c=c i=i l=l o=o X=x", operands: []string{}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var visited []string
			operands, err := Getopt(scpOptions, tt.args, func(letter byte, arg string) error {
				w := string(letter)
				if takesArg, _ := Spec(scpOptions, letter); takesArg {
					w += "=" + arg
				}
				visited = append(visited, w)
				return nil
			})
			if got := strings.Join(visited, " "); got != tt.visited {
				t.Errorf("visited %q, want %q", got, tt.visited)
			}
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(operands, tt.operands) {
				t.Errorf("operands %q, want %q", operands, tt.operands)
			}
		})
	}
}

func TestGetoptStopsAtVisitError(t *testing.T) {
	stop := errors.New("stop")
	var seen []byte
	_, err := Getopt(scpOptions, []string{"-rPx", "-q"}, func(letter byte, _ string) error {
		seen = append(seen, letter)
		if letter == 'P' {
			return stop
		}
		return nil
	})
	if err != stop || string(seen) != "rP" {
		t.Fatalf("err %v, seen %q", err, seen)
	}
}

func TestGetoptOperandsAreCopies(t *testing.T) {
	args := []string{"-r", "a", "b"}
	operands, _ := Getopt(scpOptions, args, func(byte, string) error { return nil })
	operands[0] = "x"
	if args[1] != "a" {
		t.Fatal("operands alias the argument slice")
	}
}
