#!/usr/bin/env bash
# Tests setup.sh without touching the machine: SETUP_ROOT moves every file it
# checks into a scratch tree and a fake apt-get on PATH logs its calls and
# "installs" a package by creating its files there. The non-root cases need
# root to drop to nobody (setpriv); they are skipped otherwise.
set -euo pipefail
setup=$(cd "$(dirname "$0")" && pwd)/setup.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

mkdir -p "$tmp/bin"
cat >"$tmp/bin/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$SETUP_ROOT/apt.log"
for arg; do
	case $arg in
	openssh-server) mkdir -p "$SETUP_ROOT/usr/sbin" && : >"$SETUP_ROOT/usr/sbin/sshd" ;;
	openssh-client) mkdir -p "$SETUP_ROOT/usr/bin" && : >"$SETUP_ROOT/usr/bin/ssh" && : >"$SETUP_ROOT/usr/bin/scp" ;;
	esac
done
EOF
chmod +x "$tmp/bin/apt-get"

# fresh ROOT FILE...: an empty scratch tree holding only FILEs.
fresh() {
	rm -rf "$1" && mkdir -p "$1"
	local r=$1 f
	shift
	for f; do mkdir -p "$r${f%/*}" && : >"$r$f"; done
}

# check NAME WANT_RC WANT_OUTPUT WANT_APT_LOG COMMAND...
check() {
	local name=$1 want_rc=$2 want_out=$3 want_log=$4 rc=0 out log
	shift 4
	out=$("$@" 2>&1) || rc=$?
	log=$(cat "$tmp/root/apt.log" 2>/dev/null || true)
	if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ] || [ "$log" != "$want_log" ]; then
		printf 'FAIL %s\n  rc %s, want %s\n  output %q\n  want   %q\n  apt %q\n  want %q\n' \
			"$name" "$rc" "$want_rc" "$out" "$want_out" "$log" "$want_log"
		fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}

run() { env SETUP_ROOT="$tmp/root" PATH="$tmp/bin:$PATH" "$@"; }
root_ok=
[ "$(id -u)" -ne 0 ] || root_ok=1
all=(/usr/sbin/sshd /usr/bin/ssh /usr/bin/scp /usr/lib/openssh/sftp-server /usr/sbin/dropbear /usr/include/stdio.h /etc/services /usr/bin/time)
apt="apt-get -q -o DPkg::Lock::Timeout=600"

fresh "$tmp/root" "${all[@]}"
check "everything there" 0 "" "" run "$setup" test demo bench

fresh "$tmp/root" "${all[@]:1}"
check "unknown target" 2 "setup.sh: unknown setup target tset (test, demo, bench, man)" "" run "$setup" test tset

if [ -n "$root_ok" ]; then
	fresh "$tmp/root" "${all[@]:1}"
	check "root: sshd missing" 0 "setup.sh: installing openssh-server" \
		"$apt update
$apt install -y --no-install-recommends openssh-server" run "$setup" test demo
	[ -d "$tmp/root/run/sshd" ] || { echo "FAIL root: /run/sshd not created"; fails=$((fails + 1)); }

	fresh "$tmp/root" /usr/lib/openssh/sftp-server /usr/sbin/dropbear /usr/include/stdio.h /etc/services
	check "root: one update for several packages, from make" 0 "make: installing openssh-server openssh-client" \
		"$apt update
$apt install -y --no-install-recommends openssh-server openssh-client" run MAKELEVEL=1 "$setup" test

	fresh "$tmp/root" "${all[@]:1}" /usr/sbin/sshd
	rm "$tmp/root/etc/services"
	check "root: still missing after install" 1 "setup.sh: installing netbase
setup.sh: still missing after apt-get install: netbase" \
		"$apt update
$apt install -y --no-install-recommends netbase" run "$setup" test

	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fresh "$tmp/root" "${all[@]:1}"
	chmod -R a+rX "$tmp"
	check "non-root: sshd missing" 1 \
		"make: openssh-server is needed: run 'apt-get install -y openssh-server' as root" "" \
		run MAKELEVEL=1 "${nobody[@]}" "$setup" demo
	[ ! -e "$tmp/root/run/sshd" ] || { echo "FAIL non-root: /run/sshd created"; fails=$((fails + 1)); }

	fresh "$tmp/root" /usr/sbin/sshd
	chmod -R a+rX "$tmp"
	check "non-root: several missing" 1 \
		"setup.sh: openssh-client, time are needed: run 'apt-get install -y openssh-client time' as root" "" \
		run "${nobody[@]}" "$setup" bench
else
	echo "skip root and non-root cases: not running as root"
fi
[ "$fails" -eq 0 ]
