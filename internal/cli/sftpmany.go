package cli

import "github.com/goscp/goscp/internal/sftpxfer"

// sftpFilesInFlight is how many files of one tree copy scp's SFTP mode
// keeps in flight: enough that a tree of small files costs a few round
// trips in all, not a few per file.
const sftpFilesInFlight = 256

// sftpFiles is the number of files a tree copy in SFTP mode may have in
// flight: one with -v or -X serial, which ask for a copy one file at a
// time.
func (r *run) sftpFiles() int {
	if r.opts.Verbose > 0 || r.opts.Serial {
		return 1
	}
	return sftpFilesInFlight
}

// sftpOptions are the options of each copy in SFTP mode.
func (r *run) sftpOptions() sftpxfer.Options {
	return sftpxfer.Options{Preserve: r.opts.Preserve, ResumeChecked: r.opts.Resume, Atomic: r.opts.Atomic}
}
