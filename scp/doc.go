// Package scp implements the legacy SCP protocol (the rcp-style "source" and
// "sink" that OpenSSH's scp speaks with -O) on plain io.Reader and io.Writer
// values, so it can run over an SSH session, a pipe or a test buffer.
//
// Send is the source side: it reads local files and directories through an
// FS and writes C, D, E and T records and file data. Receive is the sink
// side: it reads records and writes files through an FS, with OpenSSH's
// checks on every name and mode it is sent. Serve runs either side the way a
// remote `scp -t` or `scp -f` does.
//
// The package knows nothing about SSH, flags or terminals: the caller
// connects the two sides and decides what to show the user through
// Options.Report and Options.Progress.
package scp
