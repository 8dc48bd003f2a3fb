package sftpcli

import (
	"io"

	"github.com/goscp/goscp/internal/cmdline"
	"github.com/goscp/goscp/internal/sftpxfer"
	"github.com/goscp/goscp/scp/sftp"
)

// transfer is the shared transfer core, speaking as sftp does.
func (s *session) transfer() *sftpxfer.Transfer {
	x := &sftpxfer.Transfer{
		Ctx:      s.ctx,
		Client:   s.client,
		Stdout:   s.stdout,
		Log:      func(msg string) { io.WriteString(s.stderr, cmdline.Log(msg)) },
		LogQuiet: s.logQuiet,
	}
	if s.showMeter && s.meter != nil {
		x.Meter = s.meter
	}
	return x
}

func (o xferOpts) shared() sftpxfer.Options {
	return sftpxfer.Options{Resume: o.resume, Fsync: o.fsync, Preserve: o.preserve}
}

func (s *session) download(src, dst string, a *sftp.Attributes, o xferOpts) error {
	return s.transfer().Download(src, dst, a, o.shared())
}

func (s *session) downloadDir(src, dst string, o xferOpts) error {
	return s.transfer().DownloadDir(src, dst, o.shared())
}

func (s *session) upload(src, dst string, o xferOpts) error {
	return s.transfer().Upload(src, dst, o.shared())
}

func (s *session) uploadDir(src, dst string, o xferOpts) error {
	return s.transfer().UploadDir(src, dst, o.shared())
}
