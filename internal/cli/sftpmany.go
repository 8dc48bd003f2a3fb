package cli

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
