// Package cmdline holds the command-line conventions that OpenSSH's scp and sftp share: their
// getopt, their number and port parsing.
package cmdline

import (
	"slices"
	"strings"
)

// Error is the diagnostic line getopt prints before the command shows its usage.
type Error string

func (e Error) Error() string { return string(e) }

// Getopt scans args as OpenSSH's bundled BSD getopt does (no permutation), with the getopt(3)
// option string optString (a letter followed by ':' takes an argument): it calls
// visit for each option in order and returns the operands. Options end at "--" (dropped), at
// the first word that is not an option (including "" and a lone "-"), and, as a quirk kept for
// fidelity, at a '-' that ends a cluster: "-r-" applies -r and is itself the first operand.
// The first error, from getopt or from visit, stops the scan.
func Getopt(optString string, args []string, visit func(letter byte, arg string) error) ([]string, error) {
	i := 0
	for i < len(args) {
		word := args[i]
		if word == "--" {
			return slices.Clone(args[i+1:]), nil
		}
		if len(word) < 2 || word[0] != '-' {
			break
		}
		next, err := cluster(optString, args, i, visit)
		if err != nil {
			return nil, err
		}
		if next < 0 {
			break
		}
		i = next
	}
	return slices.Clone(args[i:]), nil
}

// cluster handles the option word args[i] ("-rp", "-P22", "-P" "22"). It returns the index of
// the next word to scan, or -1 when the word turned out to be an operand.
func cluster(optString string, args []string, i int, visit func(byte, string) error) (next int, err error) {
	word := args[i]
	for j := 1; j < len(word); j++ {
		c := word[j]
		if c == '-' && j == len(word)-1 {
			return -1, nil
		}
		takesArg, known := Spec(optString, c)
		if !known {
			return 0, Error("unknown option -- " + string([]byte{c}))
		}
		if !takesArg {
			if err := visit(c, ""); err != nil {
				return 0, err
			}
			continue
		}
		if j+1 < len(word) {
			return i + 1, visit(c, word[j+1:])
		}
		if i+1 >= len(args) {
			return 0, Error("option requires an argument -- " + string([]byte{c}))
		}
		return i + 2, visit(c, args[i+1])
	}
	return i + 1, nil
}

// Spec reports whether letter is in optString and whether it takes an argument.
// ':' is never an option letter, and '-' only appears here inside a cluster, where it is unknown.
func Spec(optString string, letter byte) (takesArg, known bool) {
	k := strings.IndexByte(optString, letter)
	if k < 0 || letter == ':' {
		return false, false
	}
	return k+1 < len(optString) && optString[k+1] == ':', true
}
