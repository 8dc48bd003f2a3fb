package localcopy

// kind is a file's type, as cp tells them apart.
type kind uint8

const (
	kindRegular kind = iota
	kindDir
	kindSymlink
	kindFIFO
	kindChar
	kindBlock
	kindSocket
	kindOther
)
