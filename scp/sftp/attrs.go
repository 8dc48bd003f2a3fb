package sftp

import (
	"io/fs"
	"time"
)

// Attribute flags: which fields of [Attributes] are present.
const (
	AttrSize        = 0x00000001
	AttrUIDGID      = 0x00000002
	AttrPermissions = 0x00000004
	AttrACModTime   = 0x00000008
	AttrExtended    = 0x80000000
)

// Attributes are a file's attributes as SFTP version 3 carries them.
// Flags says which fields are set; the others are zero and not sent.
type Attributes struct {
	Flags    uint32
	Size     uint64
	UID, GID uint32
	Mode     uint32 // POSIX st_mode: file type and permission bits
	Atime    uint32 // seconds since the Unix epoch
	Mtime    uint32
	Extended []Extension
}

func (a *Attributes) appendTo(b []byte) []byte {
	b = appendU32(b, a.Flags)
	if a.Flags&AttrSize != 0 {
		b = appendU64(b, a.Size)
	}
	if a.Flags&AttrUIDGID != 0 {
		b = appendU32(appendU32(b, a.UID), a.GID)
	}
	if a.Flags&AttrPermissions != 0 {
		b = appendU32(b, a.Mode)
	}
	if a.Flags&AttrACModTime != 0 {
		b = appendU32(appendU32(b, a.Atime), a.Mtime)
	}
	if a.Flags&AttrExtended != 0 {
		b = appendU32(b, uint32(len(a.Extended)))
		for _, e := range a.Extended {
			b = appendString(appendString(b, e.Name), e.Data)
		}
	}
	return b
}

func (d *decoder) attrs() Attributes {
	a := Attributes{Flags: d.u32()}
	if a.Flags&AttrSize != 0 {
		a.Size = d.u64()
	}
	if a.Flags&AttrUIDGID != 0 {
		a.UID, a.GID = d.u32(), d.u32()
	}
	if a.Flags&AttrPermissions != 0 {
		a.Mode = d.u32()
	}
	if a.Flags&AttrACModTime != 0 {
		a.Atime, a.Mtime = d.u32(), d.u32()
	}
	if a.Flags&AttrExtended != 0 {
		count := d.u32()
		for i := uint32(0); i < count && d.err == nil; i++ {
			a.Extended = append(a.Extended, Extension{Name: d.str(), Data: d.str()})
		}
	}
	return a
}

// POSIX st_mode file types.
const (
	modeType = 0o170000
	modeFIFO = 0o010000
	modeChr  = 0o020000
	modeDir  = 0o040000
	modeBlk  = 0o060000
	modeReg  = 0o100000
	modeLnk  = 0o120000
	modeSock = 0o140000
)

// FileMode converts Mode to an [fs.FileMode].
func (a *Attributes) FileMode() fs.FileMode {
	m := fs.FileMode(a.Mode & 0o777)
	switch a.Mode & modeType {
	case modeDir:
		m |= fs.ModeDir
	case modeLnk:
		m |= fs.ModeSymlink
	case modeFIFO:
		m |= fs.ModeNamedPipe
	case modeSock:
		m |= fs.ModeSocket
	case modeChr:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case modeBlk:
		m |= fs.ModeDevice
	case modeReg:
	default:
		if a.Flags&AttrPermissions != 0 {
			m |= fs.ModeIrregular
		}
	}
	if a.Mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if a.Mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if a.Mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// posixPerm converts the permission bits of an [fs.FileMode] to st_mode
// bits, without the file type.
func posixPerm(m fs.FileMode) uint32 {
	p := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		p |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		p |= 0o1000
	}
	return p
}

// FileInfo describes a remote file. It implements [fs.FileInfo]; Sys
// returns its *Attributes.
//
// Name and Longname come from the server as they are: they may hold any
// bytes, including "/", "..", NUL and terminal escapes. Sanitise them
// before printing or using them as local names.
type FileInfo struct {
	name     string
	Longname string // the `ls -l` line of a ReadDir entry; empty otherwise
	Attrs    Attributes
}

func (fi *FileInfo) Name() string       { return fi.name }
func (fi *FileInfo) Size() int64        { return int64(fi.Attrs.Size) }
func (fi *FileInfo) Mode() fs.FileMode  { return fi.Attrs.FileMode() }
func (fi *FileInfo) ModTime() time.Time { return time.Unix(int64(fi.Attrs.Mtime), 0) }
func (fi *FileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *FileInfo) Sys() any           { return &fi.Attrs }
