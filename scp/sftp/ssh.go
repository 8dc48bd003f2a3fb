package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"
)

// NewSSHClient opens a session on conn, starts its "sftp" subsystem and
// returns a client speaking over it. Close also closes the session.
func NewSSHClient(ctx context.Context, conn *ssh.Client, opts *Options) (*Client, error) {
	s, err := conn.NewSession()
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	c, err := startSubsystem(ctx, s, opts)
	if err != nil {
		s.Close()
		return nil, err
	}
	c.onClose = func() error {
		if err := s.Close(); !errors.Is(err, io.EOF) {
			return err
		}
		return nil
	}
	return c, nil
}

func startSubsystem(ctx context.Context, s *ssh.Session, opts *Options) (*Client, error) {
	w, err := s.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	r, err := s.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	if err := s.RequestSubsystem("sftp"); err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	return NewClient(ctx, r, w, opts)
}
