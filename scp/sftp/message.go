package sftp

import "fmt"

// A message is one SFTP packet without its length field. Every packet
// type of the protocol maps to one of the structs below; several types
// that share a layout share a struct and carry the type in Type.
type message interface {
	// appendTo appends the type byte and the body.
	appendTo(b []byte) []byte
}

// Extension is a name and data pair: an extension announced in INIT or
// VERSION, or an extended attribute.
type Extension struct {
	Name string
	Data string
}

// versionMsg is SSH_FXP_INIT or SSH_FXP_VERSION.
type versionMsg struct {
	Type       byte
	Version    uint32
	Extensions []Extension
}

// openMsg is SSH_FXP_OPEN.
type openMsg struct {
	ID     uint32
	Path   string
	Pflags uint32
	Attrs  Attributes
}

// stringMsg is a request or reply made of an id and one string:
// CLOSE, LSTAT, FSTAT, OPENDIR, READDIR, REMOVE, RMDIR, REALPATH, STAT,
// READLINK and the HANDLE reply.
type stringMsg struct {
	Type  byte
	ID    uint32
	Value string
}

// readMsg is SSH_FXP_READ.
type readMsg struct {
	ID     uint32
	Handle string
	Offset uint64
	Len    uint32
}

// writeMsg is SSH_FXP_WRITE.
type writeMsg struct {
	ID     uint32
	Handle string
	Offset uint64
	Data   []byte
}

// attrsPathMsg is SETSTAT, FSETSTAT (Path is the handle) or MKDIR.
type attrsPathMsg struct {
	Type  byte
	ID    uint32
	Path  string
	Attrs Attributes
}

// twoPathMsg is RENAME or SYMLINK.
type twoPathMsg struct {
	Type byte
	ID   uint32
	A, B string
}

// extendedMsg is SSH_FXP_EXTENDED (Data is the request-specific part)
// or SSH_FXP_EXTENDED_REPLY (Name unused).
type extendedMsg struct {
	Type byte
	ID   uint32
	Name string
	Data []byte
}

// statusMsg is SSH_FXP_STATUS.
type statusMsg struct {
	ID      uint32
	Code    Code
	Message string
	Lang    string
}

// dataMsg is SSH_FXP_DATA.
type dataMsg struct {
	ID   uint32
	Data []byte
}

// nameMsg is SSH_FXP_NAME.
type nameMsg struct {
	ID      uint32
	Entries []nameEntry
}

type nameEntry struct {
	Name, Longname string
	Attrs          Attributes
}

// attrsMsg is SSH_FXP_ATTRS.
type attrsMsg struct {
	ID    uint32
	Attrs Attributes
}

func (m *versionMsg) appendTo(b []byte) []byte {
	b = appendU32(append(b, m.Type), m.Version)
	for _, e := range m.Extensions {
		b = appendString(appendString(b, e.Name), e.Data)
	}
	return b
}

func (m *openMsg) appendTo(b []byte) []byte {
	b = appendString(appendU32(append(b, fxpOpen), m.ID), m.Path)
	return m.Attrs.appendTo(appendU32(b, m.Pflags))
}

func (m *stringMsg) appendTo(b []byte) []byte {
	return appendString(appendU32(append(b, m.Type), m.ID), m.Value)
}

func (m *readMsg) appendTo(b []byte) []byte {
	b = appendString(appendU32(append(b, fxpRead), m.ID), m.Handle)
	return appendU32(appendU64(b, m.Offset), m.Len)
}

func (m *writeMsg) appendTo(b []byte) []byte {
	b = appendString(appendU32(append(b, fxpWrite), m.ID), m.Handle)
	return appendBytes(appendU64(b, m.Offset), m.Data)
}

func (m *attrsPathMsg) appendTo(b []byte) []byte {
	return m.Attrs.appendTo(appendString(appendU32(append(b, m.Type), m.ID), m.Path))
}

func (m *twoPathMsg) appendTo(b []byte) []byte {
	return appendString(appendString(appendU32(append(b, m.Type), m.ID), m.A), m.B)
}

func (m *extendedMsg) appendTo(b []byte) []byte {
	b = appendU32(append(b, m.Type), m.ID)
	if m.Type == fxpExtended {
		b = appendString(b, m.Name)
	}
	return append(b, m.Data...)
}

func (m *statusMsg) appendTo(b []byte) []byte {
	b = appendU32(appendU32(append(b, fxpStatus), m.ID), uint32(m.Code))
	return appendString(appendString(b, m.Message), m.Lang)
}

func (m *dataMsg) appendTo(b []byte) []byte {
	return appendBytes(appendU32(append(b, fxpData), m.ID), m.Data)
}

func (m *nameMsg) appendTo(b []byte) []byte {
	b = appendU32(appendU32(append(b, fxpName), m.ID), uint32(len(m.Entries)))
	for _, e := range m.Entries {
		b = e.Attrs.appendTo(appendString(appendString(b, e.Name), e.Longname))
	}
	return b
}

func (m *attrsMsg) appendTo(b []byte) []byte {
	return m.Attrs.appendTo(appendU32(append(b, fxpAttrs), m.ID))
}

// unmarshal decodes a packet body of the given type. Byte slices in the
// result alias body.
func unmarshal(typ byte, body []byte) (message, error) {
	d := &decoder{b: body}
	var m message
	switch typ {
	case fxpInit, fxpVersion:
		v := &versionMsg{Type: typ, Version: d.u32()}
		for d.err == nil && len(d.b) > 0 {
			v.Extensions = append(v.Extensions, Extension{Name: d.str(), Data: d.str()})
		}
		m = v
	case fxpOpen:
		m = &openMsg{ID: d.u32(), Path: d.str(), Pflags: d.u32(), Attrs: d.attrs()}
	case fxpClose, fxpLstat, fxpFstat, fxpOpendir, fxpReaddir, fxpRemove, fxpRmdir,
		fxpRealpath, fxpStat, fxpReadlink, fxpHandle:
		m = &stringMsg{Type: typ, ID: d.u32(), Value: d.str()}
	case fxpRead:
		m = &readMsg{ID: d.u32(), Handle: d.str(), Offset: d.u64(), Len: d.u32()}
	case fxpWrite:
		m = &writeMsg{ID: d.u32(), Handle: d.str(), Offset: d.u64(), Data: d.bytes()}
	case fxpSetstat, fxpFsetstat, fxpMkdir:
		m = &attrsPathMsg{Type: typ, ID: d.u32(), Path: d.str(), Attrs: d.attrs()}
	case fxpRename, fxpSymlink:
		m = &twoPathMsg{Type: typ, ID: d.u32(), A: d.str(), B: d.str()}
	case fxpExtended:
		e := &extendedMsg{Type: typ, ID: d.u32(), Name: d.str()}
		e.Data, d.b = d.b, nil
		m = e
	case fxpExtendedReply:
		e := &extendedMsg{Type: typ, ID: d.u32()}
		e.Data, d.b = d.b, nil
		m = e
	case fxpStatus:
		s := &statusMsg{ID: d.u32(), Code: Code(d.u32())}
		// Servers of older versions send no message; accept that.
		if len(d.b) > 0 {
			s.Message, s.Lang = d.str(), d.str()
		}
		m = s
	case fxpData:
		m = &dataMsg{ID: d.u32(), Data: d.bytes()}
	case fxpName:
		n := &nameMsg{ID: d.u32()}
		count := d.u32()
		// No preallocation from count: each entry is decoded or fails.
		for i := uint32(0); i < count && d.err == nil; i++ {
			n.Entries = append(n.Entries, nameEntry{Name: d.str(), Longname: d.str(), Attrs: d.attrs()})
		}
		m = n
	case fxpAttrs:
		m = &attrsMsg{ID: d.u32(), Attrs: d.attrs()}
	default:
		return nil, fmt.Errorf("%w: unknown type %d", errBadPacket, typ)
	}
	if err := d.end(); err != nil {
		return nil, fmt.Errorf("packet type %d: %w", typ, err)
	}
	return m, nil
}
