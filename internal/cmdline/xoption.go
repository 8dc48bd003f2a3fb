package cmdline

import (
	"fmt"
	"strings"
)

// TransferOption parses an -X option as scp and sftp 9.2 do: buffer=N (a
// size with scan_scaled's units, at most 256 KiB) or nrequests=N (1 to
// 262144). It returns the value set (the other is 0), or msg, OpenSSH's
// fatal message for a bad value or an unknown option.
func TransferOption(arg string) (buffer, requests int, msg string) {
	if v, ok := strings.CutPrefix(arg, "buffer="); ok {
		n, err := ScanScaled(v)
		if err == nil && (n <= 0 || n > 256*1024) {
			err = ErrInvalid
		}
		if err != nil {
			return 0, 0, fmt.Sprintf("Invalid buffer size \"%s\": %v", v, err)
		}
		return int(n), 0, ""
	}
	if v, ok := strings.CutPrefix(arg, "nrequests="); ok {
		n, errstr := Strtonum(v, 1, 256*1024)
		if errstr != "" {
			return 0, 0, fmt.Sprintf("Invalid number of requests \"%s\": %s", v, errstr)
		}
		return 0, int(n), ""
	}
	return 0, 0, "Invalid -X option"
}
