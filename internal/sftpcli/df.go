package sftpcli

import (
	"errors"
	"fmt"

	"github.com/goscp/goscp/scp/sftp"
)

const statVFSExtension = "statvfs@openssh.com"

// df runs df as sftp's do_df does: the statistics of the file system
// holding cmd.path1 (the working directory without one), in 1K blocks,
// scaled with -h, or inodes with -i. The error is errReported, or one wrapping
// sftp.ErrConnLost.
func (s *session) df(cmd *command) error {
	path := s.pwd
	if cmd.hasPath1 {
		path = makeAbsolute(cmd.path1, s.pwd)
	}
	if !s.client.HasExtension(statVFSExtension) {
		s.errorf("Server does not support %s extension", statVFSExtension)
		return errReported
	}
	st, err := s.client.StatVFS(s.ctx, path)
	var se *sftp.StatusError
	switch {
	case errors.As(err, &se):
		return errReported
	case err != nil:
		return err
	}
	s.printf("%s", formatDf(st, cmd.human, cmd.inodes))
	return nil
}

// formatDf is df's table: a header and one line. The arithmetic is C's
// unsigned 64-bit one, overflow included.
func formatDf(st *sftp.StatVFS, human, inodes bool) string {
	if inodes {
		return fmt.Sprintf("     Inodes        Used       Avail      (root)    %%Capacity\n"+
			"%11d %11d %11d %11d         %s\n",
			st.Files, st.Files-st.Ffree, st.Favail, st.Ffree, capacity(st.Files, st.Ffree))
	}
	if human {
		return fmt.Sprintf("    Size     Used    Avail   (root)    %%Capacity\n"+
			"%7sB %7sB %7sB %7sB         %s\n",
			scaled(st.Blocks*st.Frsize), scaled((st.Blocks-st.Bfree)*st.Frsize),
			scaled(st.Bavail*st.Frsize), scaled(st.Bfree*st.Frsize), capacity(st.Blocks, st.Bfree))
	}
	return fmt.Sprintf("        Size         Used        Avail       (root)    %%Capacity\n"+
		"%12d %12d %12d %12d         %s\n",
		st.Frsize*st.Blocks/1024, st.Frsize*(st.Blocks-st.Bfree)/1024,
		st.Frsize*st.Bavail/1024, st.Frsize*st.Bfree/1024, capacity(st.Blocks, st.Bfree))
}

// capacity is the used percentage of total, or "ERR" without a total.
func capacity(total, free uint64) string {
	if total == 0 {
		return "ERR"
	}
	return fmt.Sprintf("%3d%%", 100*(total-free)/total)
}

// scaled is fmtScaled of a byte count C passes as a long long, or "error".
func scaled(n uint64) string {
	if s, ok := fmtScaled(int64(n)); ok {
		return s
	}
	return "error"
}
