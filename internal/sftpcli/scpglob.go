package sftpcli

import (
	"context"

	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/scp/sftp"
)

// RemoteGlob expands pattern on the server as OpenSSH's remote_glob with
// GLOB_MARK|GLOB_NOCHECK does, for scp's SFTP mode: directories end in
// "/", and a pattern that matches nothing is its own result (with a Size
// of -1). n counts the real matches (gl_matchc). Readdir failures go
// to log; err is a lost connection, a cancelled ctx, or a pattern glob
// refuses.
func RemoteGlob(ctx context.Context, client *sftp.Client, log func(msg string), pattern string) (list []sftpxfer.Match, n int, err error) {
	s := &session{ctx: ctx, client: client, log: log}
	found, err := s.remoteGlob(pattern, globMark|globNoCheck)
	if err != nil {
		return nil, 0, err
	}
	for _, m := range found {
		size := int64(-1)
		if m.info != nil {
			size = m.info.Size()
		}
		list = append(list, sftpxfer.Match{Path: m.path, Size: size})
	}
	return list, matched(found), nil
}
