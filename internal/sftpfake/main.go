// Command sftpfake is a lying SFTP server for the hostile tests of e2e.
//
//	sftpfake SCENARIO [EVENTS]
//	sftpfake -list
//
// It speaks SFTP version 3 on stdin and stdout, as sshd's subsystem,
// serving a small made-up tree (home /h: a file f, a directory d with
// files a, big and a subdirectory s) whose file bytes are contentByte of
// their offset. SCENARIO (see scenarios.go) says how it lies: hostile
// names in readdir replies, lengths beyond the packet, wrong ids, short,
// holed or endless reads, stalls, junk VERSION replies. EVENTS, if given,
// is a FIFO on which it writes a line when it reaches a point the test
// waits for (a stall begins, an endless file passes 16 MiB), so the test
// synchronises on the server, not on time.
//
// -list prints the scenarios, one a line, so that the tests can check
// the names they use.
//
// It is built by the e2e tests; it is a program rather than a re-executed
// test binary so that sshd can run it, as any user, with a plain argv.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sftpfake:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: sftpfake SCENARIO [EVENTS] | -list")
	}
	names := slices.Sorted(maps.Keys(scenarios))
	if args[0] == "-list" {
		_, err := fmt.Println(strings.Join(names, "\n"))
		return err
	}
	sc, ok := scenarios[args[0]]
	if !ok {
		return fmt.Errorf("unknown scenario %q (have %s)", args[0], strings.Join(names, " "))
	}
	s := &server{in: bufio.NewReader(os.Stdin), out: bufio.NewWriter(os.Stdout), sc: sc, handles: map[string]*handle{}}
	if len(args) == 2 {
		s.events = args[1]
	}
	if err := s.serve(); err != nil && !errors.Is(err, errStalled) {
		return err
	}
	return nil
}
