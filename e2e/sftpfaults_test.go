package e2e

// Faults in scp's SFTP mode (-s): the connection cut by a proxy, and the
// sftp-server killed, in the middle of a big file. OpenSSH's scp -s runs
// the same fault as the reference (it exits 1 or 255, "lost connection"
// or "Connection closed", depending on whether it first writes to the
// dead server or reads from it); ours must fail, say so, and never leave
// a complete-looking file. Then -X resume completes the copy byte for
// byte, sending only the rest, and -X atomic leaves the old target as it
// was.
//
// The server is killed without timing: a -D wrapper passes a byte count
// through dd, then kills it. Bytes are counted the same way: a -D
// wrapper with dd in front of the server.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"

	"github.com/goscp/goscp/internal/sshdtest"
)

const sfKill = 1 << 20 // bytes passed before the fault

func TestSFTPFaults(t *testing.T) {
	needOpenSSH(t)
	needOurs(t)
	e := startFaultEnv(t)
	for _, up := range []bool{true, false} {
		dir := map[bool]string{true: "upload", false: "download"}[up]
		t.Run("cut/"+dir, func(t *testing.T) { t.Parallel(); sfCut(t, e, up) })
		t.Run("killed/"+dir, func(t *testing.T) { t.Parallel(); sfKilled(t, e, up) })
		t.Run("atomic-killed/"+dir, func(t *testing.T) { t.Parallel(); sfAtomicKilled(t, e, up) })
	}
	t.Run("atomic-cut/upload", func(t *testing.T) { t.Parallel(); sfAtomicCut(t, e) })
	t.Run("interrupt/upload-atomic", func(t *testing.T) { t.Parallel(); sfInterrupt(t, e, true) })
	t.Run("interrupt/upload-resume", func(t *testing.T) { t.Parallel(); sfInterrupt(t, e, false) })
}

// sfFiles makes the source of a copy in the direction up, and returns
// it, the target, and scp's operands with host for the remote end.
func sfFiles(t *testing.T, s *fSpace, up bool, host string) (src, dst string, args []string) {
	t.Helper()
	src, dst = filepath.Join(s.local, "big"), filepath.Join(s.remote, "big")
	if !up {
		src, dst = dst, src
	}
	writeRandom(t, src, faultBig, 0o644)
	return src, dst, sfArgs(s, up, host)
}

// sfArgs are scp's operands for a copy of "big" in the direction up.
func sfArgs(s *fSpace, up bool, host string) []string {
	if up {
		return []string{"big", host + ":" + filepath.Join(s.remote, "big")}
	}
	return []string{host + ":" + filepath.Join(s.remote, "big"), "big"}
}

// sfWantFailed checks ours after a fault: a failure that says the
// connection ended, and no complete target.
func sfWantFailed(t *testing.T, r clientRun, dst, src string) {
	t.Helper()
	r.wantExit(t, 255)
	r.wantStderr(t, "scp: Connection closed\r\n")
	wantPartialNotWhole(t, r.who, dst, src)
}

// sfResume runs ours again with -X resume and -v and checks that the
// copy completes, keeping all the target held, which must be something
// if prefix; it returns the bytes kept, from the -v line.
func sfResume(t *testing.T, s *fSpace, config string, args []string, dst, src string, prefix bool) int64 {
	t.Helper()
	r := client(t, whoOurs, config, s.local, s.env, append([]string{"-s", "-v", "-X", "resume"}, args...)...).run(t)
	r.wantExit(t, 0)
	wantSame(t, "resume", dst, src)
	m := regexp.MustCompile(`resume "[^"]*": keeping (\d+) of its (\d+) bytes`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume line in %q", r.stderr)
	}
	kept, _ := strconv.ParseInt(m[1], 10, 64)
	if had, _ := strconv.ParseInt(m[2], 10, 64); kept != had || prefix && kept == 0 {
		t.Errorf("the target kept %s of its %s bytes: a failed copy should leave a prefix to keep", m[1], m[2])
	}
	return kept
}

// sfCut cuts the connection after sfKill bytes of file data, then
// resumes without the proxy.
func sfCut(t *testing.T, e *faultEnv, up bool) {
	var src, dst string
	var args []string
	var s *fSpace
	for _, who := range []string{whoOpenSSH, whoOurs} {
		s = newFSpace(t, e)
		px := startCutProxy(t, e.srv.Addr, sfKill, up)
		cfg := aliasConfig(t, e.srv, "cut", px.port)
		src, dst, args = sfFiles(t, s, up, "cut")
		r := client(t, who, cfg, s.local, s.env, append([]string{"-s"}, args...)...).run(t)
		if px.cutCount() == 0 {
			t.Fatalf("%s: the proxy never cut the connection", who)
		}
		if who == whoOpenSSH {
			if r.exit == 0 {
				t.Errorf("OpenSSH exited 0 after the cut")
			}
			continue
		}
		sfWantFailed(t, r, dst, src)
	}
	// sshd may drop what it had not yet passed to the server: an upload
	// can leave nothing to keep.
	sfResume(t, s, e.srv.ConfigFile, sfArgs(s, up, "sshdtest"), dst, src, !up)
}

// sfServer writes a -D program into dir: the real sftp-server behind
// body, a shell fragment that has $srv (the server) and $d (dir).
func sfServer(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	script := fmt.Sprintf("#!/bin/sh\nsrv=/usr/lib/openssh/sftp-server\nd=%s\n%s\n", shq(dir), body)
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// sfKiller is a -D program that kills the server after sfKill bytes in
// the data's direction: to it (up) or from it.
func sfKiller(t *testing.T, dir string, up bool) string {
	// A command run with & reads /dev/null unless told otherwise.
	redirect, dd := "<", ">&3"
	if !up {
		redirect, dd = "<&4 >", "<&3"
	}
	open := map[bool]string{true: "3>", false: "3<"}[up]
	return sfServer(t, dir, "killer", fmt.Sprintf(`fifo="$d/fifo.$$"
mkfifo "$fifo" || exit 1
exec 4<&0
"$srv" %s"$fifo" &
pid=$!
exec %s"$fifo"
dd bs=65536 count=%d iflag=count_bytes %s 2>/dev/null
kill -9 $pid && echo killed >"$d/killed"
wait $pid
rm -f "$fifo"
exit 1`, redirect, open, sfKill, dd))
}

// sfCounter is a -D program that counts the bytes sent to the server in
// $d/count.
func sfCounter(t *testing.T, dir string) string {
	return sfServer(t, dir, "counter", `dd bs=65536 2>"$d/count" | "$srv"`)
}

// sfCount reads what sfCounter counted.
func sfCount(t *testing.T, dir string) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "count"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^(\d+) bytes`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no count in %q", b)
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}

// sfKilled kills sftp-server in the middle of the file, then resumes,
// sending only the rest.
func sfKilled(t *testing.T, e *faultEnv, up bool) {
	var src, dst string
	var args []string
	var s *fSpace
	for _, who := range []string{whoOpenSSH, whoOurs} {
		s = newFSpace(t, e)
		src, dst, args = sfFiles(t, s, up, "h")
		killer := sfKiller(t, s.base, up)
		r := client(t, who, "", s.local, s.env, append([]string{"-s", "-D", killer}, args...)...).run(t)
		if _, err := os.Stat(filepath.Join(s.base, "killed")); err != nil {
			t.Fatalf("%s: the server was not killed mid-file", who)
		}
		if who == whoOpenSSH {
			if r.exit == 0 {
				t.Errorf("OpenSSH exited 0 after the kill")
			}
			continue
		}
		sfWantFailed(t, r, dst, src)
	}
	counter := sfCounter(t, s.base)
	kept := sfResume(t, s, "", append([]string{"-D", counter}, args...), dst, src, true)
	// An upload sends the rest and the requests' headers (about 30 bytes
	// for each 32 KiB write); a download reads the kept part back to
	// compare it, so only its requests go to the server.
	sent, rest := sfCount(t, s.base), int64(faultBig)-kept
	t.Logf("kept %d, sent %d to the server for %d to copy", kept, sent, rest)
	if up && (sent < rest || sent > rest+rest/256+4096) || !up && sent > 64<<10 {
		t.Errorf("sent %d bytes to the server for the %d left to copy", sent, rest)
	}
}

// sfAtomicOld puts an old file where the copy goes and returns it.
func sfAtomicOld(t *testing.T, dst string) string {
	t.Helper()
	old := dst + ".old"
	writeRandom(t, old, 3000, 0o600)
	b, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return old
}

// sfWantOld checks that the old target is untouched and lists the
// temporary files beside it.
func sfWantOld(t *testing.T, dst, old string) []string {
	t.Helper()
	wantSame(t, "atomic", dst, old)
	temps, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".*"))
	return temps
}

// sfAtomicKilled kills the server in the middle of an atomic copy over
// an old target: the target stays as it was. A local temporary file is
// removed; a remote one cannot be once the server is gone (see the
// README): it is the only thing left.
func sfAtomicKilled(t *testing.T, e *faultEnv, up bool) {
	s := newFSpace(t, e)
	src, dst, args := sfFiles(t, s, up, "h")
	old := sfAtomicOld(t, dst)
	killer := sfKiller(t, s.base, up)
	r := client(t, whoOurs, "", s.local, s.env, append([]string{"-s", "-X", "atomic", "-D", killer}, args...)...).run(t)
	sfWantFailed(t, r, dst, src)
	temps := sfWantOld(t, dst, old)
	switch {
	case !up && len(temps) > 0:
		t.Errorf("local temporary files left: %q", temps)
	case up && len(temps) != 1:
		t.Errorf("remote temporary files: %q; want the one the killed server kept", temps)
	}
	// Afterwards an atomic copy replaces the old file.
	r = client(t, whoOurs, "", s.local, s.env, append([]string{"-s", "-X", "atomic", "-D", "/usr/lib/openssh/sftp-server"}, args...)...).run(t)
	r.wantExit(t, 0)
	wantSame(t, "atomic", dst, src)
}

// sfAtomicCut cuts the connection in the middle of an atomic upload over
// an old target, through sshd.
func sfAtomicCut(t *testing.T, e *faultEnv) {
	s := newFSpace(t, e)
	px := startCutProxy(t, e.srv.Addr, sfKill, true)
	cfg := aliasConfig(t, e.srv, "cut", px.port)
	src, dst, args := sfFiles(t, s, true, "cut")
	old := sfAtomicOld(t, dst)
	r := client(t, whoOurs, cfg, s.local, s.env, append([]string{"-s", "-X", "atomic"}, args...)...).run(t)
	if px.cutCount() == 0 {
		t.Fatal("the proxy never cut the connection")
	}
	sfWantFailed(t, r, dst, src)
	// The server went with the connection, and kept the temporary file.
	if temps := sfWantOld(t, dst, old); len(temps) > 1 {
		t.Errorf("temporary files: %q", temps)
	}
}

// sfHolder is a -D program that passes sfKill bytes to the server, says
// "held" on the FIFO $d/events, and passes the rest once a line comes on
// the FIFO $d/go.
func sfHolder(t *testing.T, dir string) (prog string, events *bufio.Reader, release func()) {
	t.Helper()
	for _, f := range []string{"events", "go"} {
		if err := syscall.Mkfifo(filepath.Join(dir, f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Held open for reading and writing, the FIFOs never block an open.
	ev, err := os.OpenFile(filepath.Join(dir, "events"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	gof, err := os.OpenFile(filepath.Join(dir, "go"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ev.Close(); gof.Close() })
	prog = sfServer(t, dir, "holder", fmt.Sprintf(`{ dd bs=65536 count=%d iflag=count_bytes 2>/dev/null
echo held >"$d/events"
read x <"$d/go"
cat; } | "$srv"`, sfKill))
	return prog, bufio.NewReader(ev), func() { gof.WriteString("go\n") }
}

// sfInterrupt sends SIGINT to ours in the middle of a 16 MiB upload,
// held by the server's wrapper; then the server goes on. It runs through
// sshd (an sshd of its own, whose ForceCommand is the wrapper), since ^C
// ends a -D or -S program at once: the connection must outlive ^C for the
// cleanup. With atomic, the old target must be untouched and the
// temporary file removed; without, -X resume must then complete the copy
// sending only the rest. A client that finished before the signal took
// effect must have copied the whole file.
func sfInterrupt(t *testing.T, e *faultEnv, atomic bool) {
	s := newFSpace(t, e)
	src, dst := filepath.Join(s.local, "big"), filepath.Join(s.remote, "big")
	writeRandom(t, src, 16<<20, 0o644)
	var old string
	if atomic {
		old = sfAtomicOld(t, dst)
	}
	holder, events, release := sfHolder(t, s.base)
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"Match all", "ForceCommand " + holder}})
	x := map[bool]string{true: "atomic", false: "resume"}[atomic]
	p := client(t, whoOurs, srv.ConfigFile, s.local, s.env, append([]string{"-s", "-X", x}, sfArgs(s, true, sshdtest.HostAlias)...)...)
	p.start()
	held := make(chan error, 1)
	go func() { _, err := events.ReadString('\n'); held <- err }()
	select {
	case err := <-held:
		if err != nil {
			t.Fatal(err)
		}
	case <-p.done:
		t.Fatalf("ours ended before the server held the upload")
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	release()
	r := p.wait(t)
	if r.exit == 0 {
		t.Logf("the upload ended before SIGINT took effect")
		wantSame(t, "ours", dst, src)
		return
	}
	if atomic {
		if temps := sfWantOld(t, dst, old); len(temps) > 0 {
			t.Errorf("temporary files left after ^C: %q", temps)
		}
		return
	}
	wantPartialNotWhole(t, "ours", dst, src)
	counter := sfCounter(t, s.base)
	kept := sfResume(t, s, "", append([]string{"-D", counter}, sfArgs(s, true, "h")...), dst, src, true)
	sent, rest := sfCount(t, s.base), int64(16<<20)-kept
	if sent < rest || sent > rest+rest/256+4096 {
		t.Errorf("sent %d bytes to the server for the %d left to copy", sent, rest)
	}
}
