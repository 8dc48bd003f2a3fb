// Package scp copies files over SSH with the legacy SCP protocol (the
// rcp-style "source" and "sink" that OpenSSH's scp speaks with -O), as a
// high-level client and as the protocol itself.
//
// # Copying files
//
// A [Client] runs scp on a server and copies with it: [Client.Upload],
// [Client.Download] and [Client.DownloadAll] for local files and trees,
// [Client.Put] and [Client.Get] for an io.Reader or io.Writer,
// [Client.UploadFS] for an fs.FS such as an embed.FS. [NewClient] makes one
// over an *ssh.Client of your own; [Dial] connects the way the scp command
// does, from the user's ssh_config, keys, agent and known_hosts, so a
// program can copy to "web1" with the same configuration a shell script
// uses; [NewClientFunc] runs the remote scp through a function of yours (an
// ssh program, say). [CopyOptions] choose recursion, times and modes,
// progress, a bandwidth limit, pipelining, and how many sessions a copy
// runs on at once ([CopyOptions].Sessions): several sessions of one
// connection lift the round trip a file costs on one, with the same files,
// modes, times and messages as a copy on one.
//
// Remote paths are single literal names unless [CopyOptions].Expand hands
// them to the remote shell. A file that cannot be copied does not stop the
// others: each problem is a [*FileError], joined into the returned error,
// which then also matches [ErrIncomplete]; [CopyOptions].Report takes the
// messages instead, worded and ordered as the scp command prints them. Text
// from the server reaches the caller sanitised unless
// [CopyOptions].RawMessages asks for it raw.
//
// # The protocol
//
// [Send] is the source side: it reads local files and directories through
// an [FS] and writes C, D, E and T records and file data. [Receive] is the
// sink side: it reads records and writes files through an [FS], with
// OpenSSH's checks on every name and mode it is sent. [Serve] runs either
// side the way a remote `scp -t` or `scp -f` does. They work on plain
// io.Reader and io.Writer values, so they run over an SSH session, a pipe
// or a test buffer; they know nothing about SSH, flags or terminals: the
// caller connects the two sides and decides what to show the user through
// [Options].Report and [Options].Progress.
package scp
