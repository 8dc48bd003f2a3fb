#!/usr/bin/env bash
# make bench: a 1 GiB upload over loopback, ours vs OpenSSH's scp -O against
# the same sshd; median wall time of RUNS runs and peak RSS of ours.
set -euo pipefail
SCP=${SCP:-bin/scp}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-1024}
. "$(dirname "$0")/sshd-loopback.sh"
head -c "${SIZE_MB}M" /dev/urandom > "$WORK/big.bin"
mkdir -p "$WORK/dest"
measure() { # prints "seconds maxrss_kb"
	/usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null
	cat "$WORK/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for _ in $(seq "$RUNS"); do
	measure "$SCP" -q -F "$WORK/ssh_config" "$WORK/big.bin" loopback:"$WORK/dest/ours" >> "$WORK/ours"
	measure /usr/bin/scp -O -q -F "$WORK/ssh_config" "$WORK/big.bin" loopback:"$WORK/dest/openssh" >> "$WORK/openssh"
	cmp "$WORK/big.bin" "$WORK/dest/ours"
done
ours=$(cut -d' ' -f1 "$WORK/ours" | median)
theirs=$(cut -d' ' -f1 "$WORK/openssh" | median)
rss=$(cut -d' ' -f2 "$WORK/ours" | sort -n | tail -1)
printf '%-28s %10s %10s %8s %12s\n' case "ours(s)" "openssh(s)" ratio "our RSS(MiB)"
printf '%-28s %10s %10s %8.2f %12.1f\n' "upload ${SIZE_MB} MiB x$RUNS (median)" "$ours" "$theirs" \
	"$(echo "$ours $theirs" | awk '{print $1/$2}')" "$(echo "$rss" | awk '{print $1/1024}')"
