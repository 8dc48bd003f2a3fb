package sftpcli

import "testing"

func TestLookupCommand(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		want string
		id   cmdID
	}{
		{"get", true, "get", cmdGet},
		{"GET", true, "get", cmdGet},
		{"mGeT", true, "mget", cmdGet},
		{"dir", true, "dir", cmdLs},
		{"!", true, "!", cmdShell},
		{"?", true, "?", cmdHelp},
		{"bye", true, "bye", cmdQuit},
		{"Lumask", true, "lumask", cmdLumask},
		{"", false, "", cmdNone},
		{"ge", false, "", cmdNone},
		{"gets", false, "", cmdNone},
		{"\u017Fymlink", false, "", cmdNone}, // long s: not ASCII
		{"lm\u212Adir", false, "", cmdNone},  // Kelvin sign
	}
	for _, tt := range tests {
		e, ok := lookupCommand(tt.name)
		if ok != tt.ok || e.name != tt.want || e.id != tt.id {
			t.Errorf("lookupCommand(%q) = %+v, %v; want %q %v, %v", tt.name, e, ok, tt.want, tt.id, tt.ok)
		}
	}
}

func TestCommandTableNames(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range commandTable {
		if seen[e.name] {
			t.Errorf("%q twice", e.name)
		}
		seen[e.name] = true
	}
	if len(commandTable) != 37 {
		t.Errorf("%d commands, want 37", len(commandTable))
	}
}
