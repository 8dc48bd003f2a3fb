package sftpcli

import (
	"errors"
	"testing"
)

// FuzzParseLine checks that no line panics and that what parseLine returns
// holds together.
func FuzzParseLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := parseLine(line)
		if cmd == nil {
			t.Fatal("nil command")
		}
		if err != nil {
			var le lineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a lineError", err)
			}
			if *cmd != (command{ignoreErrors: cmd.ignoreErrors, noEcho: cmd.noEcho}) {
				t.Fatalf("error %v with a parsed command %+v", err, *cmd)
			}
			return
		}
		if cmd.id == cmdNone {
			if cmd.name != "" || cmd.hasPath1 || cmd.rest != "" {
				t.Fatalf("blank line with %+v", *cmd)
			}
			return
		}
		e, ok := lookupCommand(cmd.name)
		if !ok || e.id != cmd.id || e.name != cmd.name {
			t.Fatalf("command %q (%d) is not in the table", cmd.name, cmd.id)
		}
		if cmd.path1 != "" && !cmd.hasPath1 {
			t.Fatalf("path1 %q without hasPath1", cmd.path1)
		}
		if cmd.path2 != "" && !cmd.hasPath1 {
			t.Fatalf("path2 %q without path1", cmd.path2)
		}
		if cmd.rest != "" && cmd.id != cmdLls && cmd.id != cmdShell {
			t.Fatalf("%s with rest %q", cmd.name, cmd.rest)
		}
		if cmd.ls != 0 && cmd.id != cmdLs {
			t.Fatalf("%s with ls flags %b", cmd.name, cmd.ls)
		}
		if words, err := splitLine(line); err == nil && len(words) > maxArgs+1 {
			t.Fatalf("%d words", len(words))
		}
	})
}
