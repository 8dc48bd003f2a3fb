#!/usr/bin/env bash
# setup.sh TARGET...: make sure this machine has what the make targets TARGET
# (test, demo, bench, man) need. As root, the missing Debian packages are
# installed with apt-get (one update per run) and sshd's privilege separation
# directory /run/sshd is created; otherwise one line names what to install
# and the script exits 1.
#
# For testing this script: SETUP_ROOT is put in front of every absolute path
# checked and created (commands are found through PATH).
set -euo pipefail

# The one list: the targets that need a file or command, and its package.
# A name starting with / is a file, anything else a command on PATH.
requirements='
test,demo,bench  openssh-server       /usr/sbin/sshd
test,demo,bench  openssh-client       /usr/bin/ssh
test,bench       openssh-client       /usr/bin/scp
test,demo,bench  openssh-client       ssh-keygen
test             openssh-client       ssh-agent
test             openssh-client       ssh-add
test             openssh-sftp-server  /usr/lib/openssh/sftp-server
test             dropbear-bin         /usr/sbin/dropbear
test             putty-tools          pscp
test             putty-tools          puttygen
test             gcc                  gcc
test             libc6-dev            /usr/include/stdio.h
test             procps               pgrep
test             netbase              /etc/services
demo,bench       python3-minimal      python3
bench            time                 /usr/bin/time
man              man-db               man
man              groff-base           groff
'
# dropbear-bin and putty-tools: a second server and a second client for
# the e2e tests. gcc and libc6-dev: go test -race needs cgo. procps: the e2e tests look for
# stray remote processes. python3: sshd-loopback.sh picks a free port.

root=${SETUP_ROOT:-}
name=${0##*/}
[ -z "${MAKELEVEL:-}" ] || name=make

if [ $# -eq 0 ]; then
	echo "usage: setup.sh TARGET... (test, demo, bench, man)" >&2
	exit 2
fi

present() {
	case $1 in
	/*) [ -e "$root$1" ] ;;
	*) command -v "$1" >/dev/null ;;
	esac
}

# rows prints the lines of the list (package, then file or command) that
# the targets given as arguments need.
rows() {
	local targets pkg what t
	while read -r targets pkg what; do
		for t in "$@"; do
			case ,$targets, in *,"$t",*) echo "$pkg $what"; break ;; esac
		done
	done <<<"$requirements"
}

# missing prints the packages, once each, that provide what the targets
# need and this machine lacks.
missing() {
	local pkg what out=
	while read -r pkg what; do
		present "$what" && continue
		case " $out " in *" $pkg "*) ;; *) out="$out $pkg" ;; esac
	done < <(rows "$@")
	echo "${out# }"
}

for t in "$@"; do
	if [ -z "$(rows "$t")" ]; then
		echo "$name: unknown setup target $t (test, demo, bench, man)" >&2
		exit 2
	fi
done
pkgs=$(missing "$@")
if [ -n "$pkgs" ]; then
	verb="is needed"
	[ "${pkgs// /}" = "$pkgs" ] || verb="are needed"
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
		echo "$name: ${pkgs// /, } $verb: run 'apt-get install -y $pkgs' as root" >&2
		exit 1
	fi
	echo "$name: installing $pkgs"
	# Another apt-get on the same machine holds the lock for a while.
	apt=(apt-get -q -o DPkg::Lock::Timeout=600)
	"${apt[@]}" update >/dev/null
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes "${apt[@]}" install -y --no-install-recommends $pkgs >/dev/null
	left=$(missing "$@")
	if [ -n "$left" ]; then
		echo "$name: still missing after apt-get install: $left" >&2
		exit 1
	fi
fi
# sshd refuses to start as root without it; a fresh container has no /run/sshd.
if [ "$(id -u)" -eq 0 ] && rows "$@" | grep -q ' /usr/sbin/sshd$'; then
	mkdir -p "$root/run/sshd"
fi
