#!/usr/bin/env bash
# make demo: copy a tree up to a throwaway loopback sshd and back down with
# our scp, progress bar visible on a terminal, then look at it with our sftp.
set -euo pipefail
SCP=${SCP:-bin/scp}
SFTP=${SFTP:-bin/sftp}
. "$(dirname "$0")/sshd-loopback.sh"
mkdir -p "$WORK/tree/docs" "$WORK/remote"
head -c 64M /dev/urandom > "$WORK/tree/big.bin"
head -c 8M /dev/urandom > "$WORK/tree/docs/medium.bin"
echo "hello from goscp" > "$WORK/tree/docs/readme.txt"
echo "== upload:   $SCP -F ssh_config -r tree loopback:remote/"
"$SCP" -F "$WORK/ssh_config" -r "$WORK/tree" "loopback:$WORK/remote/"
echo "== download: $SCP -F ssh_config -rp loopback:remote/tree back"
"$SCP" -F "$WORK/ssh_config" -rp "loopback:$WORK/remote/tree" "$WORK/back"
diff -r "$WORK/tree" "$WORK/back" && echo "== round trip identical"
echo "== sftp:     $SFTP -F ssh_config -b - loopback  (cd, ls -l, get)"
printf 'cd %s\nls -l\nget docs/readme.txt %s\n' "$WORK/remote/tree" "$WORK/readme.copy" |
	"$SFTP" -F "$WORK/ssh_config" -b - loopback
cmp "$WORK/tree/docs/readme.txt" "$WORK/readme.copy" && echo "== sftp get identical"
