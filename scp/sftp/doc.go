// Package sftp is a client for SFTP version 3 (draft-ietf-secsh-filexfer-02)
// as OpenSSH speaks it, with OpenSSH's extensions.
//
// A [Client] runs over any io.Reader and io.WriteCloser pair: [NewClient]
// takes the server's output and input, so the same client works over an SSH
// subsystem channel, a local sftp-server process or an external ssh
// program. [NewSSHClient] opens the "sftp" subsystem on an *ssh.Client.
// Both do the INIT/VERSION handshake, record the server's extensions
// ([Client.HasExtension]) and, when the server offers limits@openssh.com,
// size transfers from its limits; [Options] override that, as sftp's -B
// and -R do.
//
// # Copying files
//
// [Client.Upload] and [Client.Download] copy local files and trees to and
// from the server, as `cp -r` and sftp's put and get do: into a target
// that is an existing directory under the source's name, otherwise to the
// target name. [Client.Put] and [Client.Get] copy between a remote file
// and an io.Reader or io.Writer, [Client.UploadFS] from an fs.FS such as
// an embed.FS. [CopyOptions] choose recursion, exact modes and times, a
// bandwidth limit and a per-file [Progress]. A file that cannot be copied
// does not stop the others: each problem is a [*TransferError], joined
// into the returned error; only a lost connection, a closed client or the
// context's end stop a copy at once. Tree copies never follow symlinks
// inside the tree ([ErrSymlink]), and a download never writes outside its
// target, whatever names the server lists ([ErrUnsafeName]).
//
// # The protocol
//
// Path operations are methods of [Client]: [Client.Stat], [Client.Lstat],
// [Client.Setstat] and its helpers ([Client.Chmod], [Client.Chown],
// [Client.Chtimes], [Client.Truncate]), [Client.ReadDir], [Client.Mkdir],
// [Client.Rmdir], [Client.Remove], [Client.Rename], [Client.Symlink],
// [Client.Readlink], [Client.Realpath], and the extensions
// [Client.PosixRename], [Client.Link], [Client.Lsetstat],
// [Client.StatVFS], [Client.ExpandPath], [Client.HomeDirectory],
// [Client.UsersGroupsByID], [Client.Limits] and [Client.CopyData].
//
// [Client.Open], [Client.Create] and [Client.OpenFile] return a [File].
// [File.CopyTo] (download) and [File.CopyFrom] (upload) keep many requests
// in flight, accept replies in any order, ask again for the rest of a
// short read, and never report success for a copy missing a byte: an end
// of file before the size the server gave is an error wrapping
// io.ErrUnexpectedEOF. [File.ReadAt] and [File.WriteAt] pipeline the same
// way over one range.
//
// Every blocking call takes a context; when it ends the call returns and
// the reply, if it comes, is dropped. Failed requests return a
// [*StatusError] (usually inside an *fs.PathError) whose text is the
// status worded as OpenSSH's sftp words it; errors.Is matches
// fs.ErrNotExist and fs.ErrPermission. When the connection breaks every
// pending and later request fails with an error wrapping [ErrConnLost].
//
// Everything the server sends is untrusted. The protocol methods pass
// names, longnames, link targets and status messages through as sent,
// which may include "/", "..", NUL or terminal escapes: callers must
// sanitise them before printing them or using them as local names. The
// copy methods check names themselves, and the names they give a
// [Progress] and the text of a [TransferError] are sanitised. The client itself
// bounds every packet to 256 KiB and never allocates from a length the
// server sends before checking it against the packet.
//
// A Client and its Files may be used from several goroutines at once.
package sftp
