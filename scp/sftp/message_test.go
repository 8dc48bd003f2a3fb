package sftp

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// sampleMessages has one message of every packet type.
func sampleMessages() []message {
	attrs := Attributes{Flags: AttrSize | AttrUIDGID | AttrPermissions | AttrACModTime | AttrExtended,
		Size: 1 << 40, UID: 1000, GID: 100, Mode: 0o100644, Atime: 1, Mtime: 2,
		Extended: []Extension{{"a@b", "c"}}}
	return []message{
		&versionMsg{Type: fxpInit, Version: 3},
		&versionMsg{Type: fxpVersion, Version: 3, Extensions: []Extension{{"limits@openssh.com", "1"}, {"x", ""}}},
		&openMsg{ID: 1, Path: "/p", Pflags: fxfWrite | fxfCreat, Attrs: Attributes{Flags: AttrPermissions, Mode: 0o644}},
		&stringMsg{Type: fxpClose, ID: 2, Value: "h"},
		&readMsg{ID: 3, Handle: "h", Offset: 1 << 33, Len: 32768},
		&writeMsg{ID: 4, Handle: "h", Offset: 7, Data: []byte("data")},
		&stringMsg{Type: fxpLstat, ID: 5, Value: "l"},
		&stringMsg{Type: fxpFstat, ID: 6, Value: "h"},
		&attrsPathMsg{Type: fxpSetstat, ID: 7, Path: "p", Attrs: attrs},
		&attrsPathMsg{Type: fxpFsetstat, ID: 8, Path: "h", Attrs: Attributes{}},
		&stringMsg{Type: fxpOpendir, ID: 9, Value: "d"},
		&stringMsg{Type: fxpReaddir, ID: 10, Value: "h"},
		&stringMsg{Type: fxpRemove, ID: 11, Value: "f"},
		&attrsPathMsg{Type: fxpMkdir, ID: 12, Path: "d", Attrs: Attributes{Flags: AttrPermissions, Mode: 0o755}},
		&stringMsg{Type: fxpRmdir, ID: 13, Value: "d"},
		&stringMsg{Type: fxpRealpath, ID: 14, Value: "."},
		&stringMsg{Type: fxpStat, ID: 15, Value: "s"},
		&twoPathMsg{Type: fxpRename, ID: 16, A: "a", B: "b"},
		&stringMsg{Type: fxpReadlink, ID: 17, Value: "l"},
		&twoPathMsg{Type: fxpSymlink, ID: 18, A: "target", B: "link"},
		&statusMsg{ID: 19, Code: CodeNoSuchFile, Message: "No such file", Lang: "en"},
		&stringMsg{Type: fxpHandle, ID: 20, Value: "\x00\x01"},
		&dataMsg{ID: 21, Data: []byte{0, 1, 2}},
		&nameMsg{ID: 22, Entries: []nameEntry{{"a", "-rw-r--r-- a", attrs}, {"b/..\x1b", "", Attributes{}}}},
		&attrsMsg{ID: 23, Attrs: attrs},
		&extendedMsg{Type: fxpExtended, ID: 24, Name: "posix-rename@openssh.com", Data: appendString(appendString(nil, "a"), "b")},
		&extendedMsg{Type: fxpExtendedReply, ID: 25, Data: []byte{1, 2, 3}},
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, m := range sampleMessages() {
		b := m.appendTo(nil)
		got, err := unmarshal(b[0], b[1:])
		if err != nil {
			t.Errorf("%T: %v", m, err)
			continue
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip:\n got %#v\nwant %#v", got, m)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  byte
		body []byte
	}{
		{"unknown type", 99, []byte{0, 0, 0, 1}},
		{"short id", fxpStatus, []byte{0, 0}},
		{"string past end", fxpHandle, []byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 'h'}},
		{"trailing", fxpHandle, []byte{0, 0, 0, 1, 0, 0, 0, 1, 'h', 'x'}},
		{"name count past end", fxpName, []byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff}},
		{"attrs missing size", fxpAttrs, []byte{0, 0, 0, 1, 0, 0, 0, 1, 0, 0}},
		{"ext attrs count", fxpAttrs, []byte{0, 0, 0, 1, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}},
	} {
		if _, err := unmarshal(tc.typ, tc.body); !errors.Is(err, errBadPacket) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestReadPacketBounds(t *testing.T) {
	var hdr [4]byte
	for _, tc := range []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"largest", append([]byte{0, 4, 4, 0}, make([]byte, maxPacket)...), true},
		{"too long", append([]byte{0, 4, 4, 1}, make([]byte, maxPacket+1)...), false},
		{"huge", []byte{0xff, 0xff, 0xff, 0xff}, false},
		{"zero", []byte{0, 0, 0, 0}, false},
		{"truncated", []byte{0, 0, 0, 9, 1, 2}, false},
	} {
		_, err := readPacket(bytes.NewReader(tc.in), hdr[:])
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestFileMode(t *testing.T) {
	for _, tc := range []struct {
		mode uint32
		want string
	}{
		{0o100644, "-rw-r--r--"},
		{0o040755, "drwxr-xr-x"},
		{0o120777, "Lrwxrwxrwx"},
		{0o010600, "prw-------"},
		{0o140700, "Srwx------"},
		{0o020660, "Dcrw-rw----"},
		{0o060660, "Drw-rw----"},
		{0o104755, "urwxr-xr-x"},
		{0o041777, "dtrwxrwxrwx"},
		{0o102755, "grwxr-xr-x"},
		{0o170644, "?rw-r--r--"},
	} {
		a := Attributes{Flags: AttrPermissions, Mode: tc.mode}
		if got := a.FileMode().String(); got != tc.want {
			t.Errorf("%o: %s, want %s", tc.mode, got, tc.want)
		}
	}
}
