package sftpcli

import (
	"strings"
	"testing"

	"github.com/goscp/goscp/scp/sftp"
)

func TestFormatDf(t *testing.T) {
	// The file system OpenSSH's sftp showed as below.
	disk := &sftp.StatVFS{Bsize: 4096, Frsize: 4096, Blocks: 66053021, Bfree: 62040224, Bavail: 19862519,
		Files: 16777216, Ffree: 16334592, Favail: 16334592}
	tests := []struct {
		st            *sftp.StatVFS
		human, inodes bool
		want          string
	}{
		{disk, false, false, "        Size         Used        Avail       (root)    %Capacity\n" +
			"   264212084     16051188     79450076    248160896           6%\n"},
		{disk, true, false, "    Size     Used    Avail   (root)    %Capacity\n" +
			"   252GB   15.3GB   75.8GB    237GB           6%\n"},
		{disk, false, true, "     Inodes        Used       Avail      (root)    %Capacity\n" +
			"   16777216      442624    16334592    16334592           2%\n"},
		{disk, true, true, "     Inodes        Used       Avail      (root)    %Capacity\n" +
			"   16777216      442624    16334592    16334592           2%\n"},
		{&sftp.StatVFS{}, false, false, "        Size         Used        Avail       (root)    %Capacity\n" +
			"           0            0            0            0         ERR\n"},
		{&sftp.StatVFS{}, false, true, "     Inodes        Used       Avail      (root)    %Capacity\n" +
			"          0           0           0           0         ERR\n"},
		{&sftp.StatVFS{Frsize: 1, Blocks: 1 << 63}, true, false, "    Size     Used    Avail   (root)    %Capacity\n" +
			"  errorB   errorB      0BB      0BB           0%\n"},
		{&sftp.StatVFS{Frsize: 1024, Blocks: 100, Bfree: 100}, true, false, "    Size     Used    Avail   (root)    %Capacity\n" +
			"   100KB      0BB      0BB    100KB           0%\n"},
	}
	for _, tt := range tests {
		if got := formatDf(tt.st, tt.human, tt.inodes); got != tt.want {
			t.Errorf("formatDf(%+v, %v, %v) =\n%s; want\n%s", *tt.st, tt.human, tt.inodes, got, tt.want)
		}
	}
}

// The numbers change as other programs write, so beside OpenSSH only the
// headers, the totals and the layout are compared.
func TestDfMatchesOpenSSH(t *testing.T) {
	s := newTestSession(t)
	makeTree(t, s.pwd, "dir/")
	for _, line := range []string{"df", "df -h", "df -i", "df -hi", "df dir", `df ""`, "df /nonexist", "df nonexist"} {
		wantOut, wantErr, wantFailed := runOpenSSH(t, s.pwd, line)
		out, errOut, failed := runOurs(t, s, line, s.df)
		if !sameDf(out, wantOut) || errOut != wantErr || failed != wantFailed {
			t.Errorf("%q:\n got stdout %q\n     stderr %q, failed %v\nwant stdout %q\n     stderr %q, failed %v",
				line, out, errOut, failed, wantOut, wantErr, wantFailed)
		}
	}
}

func sameDf(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) || len(la) != 3 {
		return a == b
	}
	fa, fb := strings.Fields(la[1]), strings.Fields(lb[1])
	return la[0] == lb[0] && len(la[1]) == len(lb[1]) && len(fa) == len(fb) && fa[0] == fb[0]
}

func TestDfWithoutExtension(t *testing.T) {
	s := newTestSessionArgs(t, "-P", "statvfs")
	for _, line := range []string{"df", "df -h"} {
		wantOut, wantErr, wantFailed := runOpenSSH(t, s.pwd, line, "-P", "statvfs")
		out, errOut, failed := runOurs(t, s, line, s.df)
		if out != wantOut || errOut != wantErr || failed != wantFailed {
			t.Errorf("%q: stdout %q, stderr %q, failed %v; want %q, %q, %v", line, out, errOut, failed, wantOut, wantErr, wantFailed)
		}
	}
}
