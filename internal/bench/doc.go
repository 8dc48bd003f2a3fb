// Package bench measures the scp and sftp binaries against OpenSSH
// (`make bench`).
//
// The benchmark itself is TestBench, behind the build tag "bench" so that
// `go test ./...` never runs it:
//
//	go test -tags bench -run '^TestBench$' -v -timeout 90m ./internal/bench
//
// It starts a real sshd (internal/sshdtest) and copies the same inputs with
// each tool of a table (ours, ours in SFTP mode (-s), OpenSSH's scp -O,
// OpenSSH's scp in SFTP mode, and the `tar | ssh` floor), up and down, straight over loopback or through
// [Proxy], which adds a round-trip time. Runs alternate between the tools;
// the report gives each tool's median wall time, its ratio to OpenSSH's
// scp -O and the client's peak RSS. On single files, our sftp and OpenSSH's
// run too (one put or get in batch mode), ours compared with OpenSSH's sftp. After every run the destination tree
// must equal the source (names, sizes, SHA-256), or the benchmark fails.
// Times are reported, never asserted.
//
// Environment:
//
//	SCP         the scp under test (absolute path; default: ./cmd/scp built into a temporary directory)
//	SFTP        the sftp under test (likewise, ./cmd/sftp)
//	BENCH       a regular expression: only the scenarios whose names match
//	BENCH_TOOLS a regular expression: only the tools whose names match, and their baselines
//	BENCH_RUNS  runs per tool and scenario (default 3)
//	BENCH_RTT   the round-trip time of the "wan" scenarios (default 50ms)
//
// The package's non-test code is the latency proxy.
package bench
