// Package e2e tests the built scp binary end to end against a real OpenSSH
// sshd (internal/sshdtest), side by side with OpenSSH's `/usr/bin/scp -O`.
//
// The differential suite (TestDifferential) runs every case of the table in
// cases_test.go three times in fresh, identical temporary trees:
//
//	reference: /usr/bin/scp -O as client, remote scp = OpenSSH's
//	client:    our binary as client,      remote scp = OpenSSH's
//	server:    /usr/bin/scp -O as client, remote scp = our binary
//
// and requires the client and server runs to agree with the reference on
// the exit status, stdout, stderr (after replacing temporary paths by
// placeholders) and the resulting file trees (names, types, modes, sizes,
// SHA-256, symlink targets, and mtime/atime classes).
//
// TestMain builds ./cmd/scp once. GOSCP_E2E_SERIAL=1 runs it with
// -X serial everywhere (`make test-serial`): ours pipelines by default, and
// both must agree with OpenSSH. SCP_UNDER_TEST=/path/to/program replaces
// the build; pointing it at a wrapper running `exec /usr/bin/scp -O "$@"`
// checks the harness itself, since then every comparison must agree.
//
// The other groups run OpenSSH's client first and ours second on the same
// inputs: logins and host keys (auth_test.go), connections (connect_test.go),
// -v (verbose_test.go), -3 errors (relay_test.go), the meter on a pty
// (progress_test.go), hostile remotes, faults and bad input. Dropbear
// (dropbear_test.go) is a second server for the table and for -3, and
// PuTTY's pscp (pscp_test.go) a second client of our server role.
//
// TestSFTP (sftp_test.go) does the same for the sftp command: each case, a
// batch script or piped commands with flags, runs with /usr/bin/sftp and
// with ours (./cmd/sftp, or SFTP_UNDER_TEST) on identical trees, against
// sshd with OpenSSH's sftp-server and with internal-sftp, comparing exit
// status, stdout, stderr and both trees. TestDifferentialSFTPMode compares
// our `scp -s` with OpenSSH's scp in its SFTP mode over the cases of the
// table that apply and SFTP mode's own (client-side globs, ~user, -3 over
// two SFTP connections, an sshd without the subsystem). TestSFTPHostile
// runs both sftp clients against lying servers (internal/sftpfake, run by
// sshd as a subsystem): nothing may be written outside the target, reach
// the terminal raw, hang or grow without bound. The
// password and one-time-code logins need root: they run sshd under a test
// name whose PAM service, /etc/pam.d/goscp-sshd-*, the test writes and
// removes again (a test binary killed meanwhile leaves that file behind).
package e2e
