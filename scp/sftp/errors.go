package sftp

import (
	"errors"
	"io"
	"io/fs"
)

// Code is an SFTP status code (SSH_FX_*).
type Code uint32

// Status codes of SFTP version 3.
const (
	CodeOK               Code = 0
	CodeEOF              Code = 1
	CodeNoSuchFile       Code = 2
	CodePermissionDenied Code = 3
	CodeFailure          Code = 4
	CodeBadMessage       Code = 5
	CodeNoConnection     Code = 6
	CodeConnectionLost   Code = 7
	CodeOpUnsupported    Code = 8
)

// String words the code as OpenSSH's sftp client does.
func (c Code) String() string {
	switch c {
	case CodeOK:
		return "No error"
	case CodeEOF:
		return "End of file"
	case CodeNoSuchFile:
		return "No such file or directory"
	case CodePermissionDenied:
		return "Permission denied"
	case CodeFailure:
		return "Failure"
	case CodeBadMessage:
		return "Bad message"
	case CodeNoConnection:
		return "No connection"
	case CodeConnectionLost:
		return "Connection lost"
	case CodeOpUnsupported:
		return "Operation unsupported"
	}
	return "Unknown status"
}

// StatusError is a request the server answered with a status other than
// OK. Its text is the code's, as OpenSSH words it; Message is the
// server's own text, untrusted and unsanitised.
type StatusError struct {
	Code    Code
	Message string
	Lang    string
}

func (e *StatusError) Error() string { return e.Code.String() }

// Is lets errors.Is match fs.ErrNotExist, fs.ErrPermission and io.EOF.
func (e *StatusError) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.Code == CodeNoSuchFile
	case fs.ErrPermission:
		return e.Code == CodePermissionDenied
	case io.EOF:
		return e.Code == CodeEOF
	case errors.ErrUnsupported:
		return e.Code == CodeOpUnsupported
	}
	return false
}

var (
	// ErrConnLost is wrapped by the error of every request that was
	// pending, or is made, after the connection broke: the reader hit
	// EOF or an error, a write failed, or the server sent a malformed
	// packet or a reply to a request never made.
	ErrConnLost = errors.New("sftp: connection lost")
	// ErrClosed is returned by requests made after [Client.Close].
	ErrClosed = errors.New("sftp: client closed")
)
