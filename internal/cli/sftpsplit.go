package cli

import (
	"context"

	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/scp/sftp"
)

// splitPool is the pool of extra SFTP sessions on op's connection that
// big files are split across, or nil when every file must move on the
// one channel: -l paces one stream, -S and -D programs are one pipe each,
// -X serial asks for OpenSSH's own way, and -v would show the extra
// sessions. Nothing opens until a big file needs it.
func (r *run) splitPool(op Operand) *sftpxfer.Pool {
	o := r.opts
	if o.LimitKbps > 0 || o.SFTPServer != "" || o.Program != "" || o.Serial || o.Verbose > 0 {
		return nil
	}
	conn, err := r.connect(op) // the connection the first session opened on
	if err != nil {
		return nil
	}
	buffer, requests := r.transferOptions()
	opts := &sftp.Options{BufferSize: buffer, Requests: requests}
	return sftpxfer.NewPool(func(ctx context.Context) (*sftp.Client, func(), error) {
		sess, err := conn.StartSubsystem("sftp")
		if err != nil {
			return nil, nil, err
		}
		c, err := sftp.NewClient(ctx, sess.Stdout, sess.Stdin, opts)
		if err != nil {
			sess.Close()
			return nil, nil, err
		}
		return c, func() { c.Close(); sess.Close() }, nil
	})
}
