#!/bin/sh
# Run OpenSSH's own scp regression tests (scp.sh, scp3.sh, scp-uri.sh) against
# our scp, legacy-protocol (-O) half only, and print PASS/FAIL per sub-case
# and per test.
#
# usage: scripts/openssh-regress.sh OPENSSH_SRC_DIR [test ...]
#
#   OPENSSH_SRC_DIR  an unpacked OpenSSH 9.2p1 source tree (only its regress/
#                    directory is used). Nothing is downloaded.
#   test             any of scp scp3 scp-uri (default: all three)
#
# Environment:
#   SCP_UNDER_TEST   scp binary to test (default: ./bin/scp, made absolute);
#                    set to /usr/bin/scp for a baseline run.
#   BOTH_MODES=1     also run the SFTP-mode half (scp -s).
#   KEEP=1           keep the work directory (logs) instead of removing it.
#   SSH SSHD SSH_AGENT SSH_ADD SSH_KEYGEN SSH_KEYSCAN SFTP SFTP_SERVER
#                    override the OpenSSH tools used (defaults: Debian paths).
#
# How it works: the regress directory is copied to a scratch directory (never
# into this repository); unless BOTH_MODES=1, each test's "for mode in scp sftp"
# loop is narrowed to the scp mode. Each test is then run through the tree's own
# test-exec.sh the way regress/Makefile's t-exec rule does. scp.sh and scp-uri.sh
# use a fake ssh (scp-ssh-wrapper) that runs the scp under test locally as the
# remote side; scp3.sh goes through a real sshd started per connection as a
# ProxyCommand (sshd -i), with the tested scp's directory first in the remote
# PATH. A failure is attributed to the sub-case whose banner preceded it, using
# the failed-regress.log that test-exec.sh writes.
#
# Exit status: 0 if every selected test passed, 1 otherwise, 2 on usage errors.

set -u

if [ $# -lt 1 ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
src=$1
shift
regress=$src/regress
for f in test-exec.sh scp.sh scp3.sh scp-uri.sh scp-ssh-wrapper.sh sshd-log-wrapper.sh; do
	if [ ! -f "$regress/$f" ]; then
		echo "openssh-regress: $regress/$f not found (need an OpenSSH 9.2p1 source tree)" >&2
		exit 2
	fi
done

tests=${*:-scp scp3 scp-uri}
for t in $tests; do
	case $t in
	scp|scp3|scp-uri) ;;
	*) echo "openssh-regress: unknown test '$t' (scp, scp3, scp-uri)" >&2; exit 2 ;;
	esac
done

under=${SCP_UNDER_TEST:-./bin/scp}
case $under in
/*) ;;
*) under=$(cd "$(dirname "$under")" && pwd)/$(basename "$under") ;;
esac
if [ ! -x "$under" ]; then
	echo "openssh-regress: $under is not executable (run make build first)" >&2
	exit 2
fi

SSH=${SSH:-/usr/bin/ssh}
SSHD=${SSHD:-/usr/sbin/sshd}
for p in "$SSH" "$SSHD"; do
	if [ ! -x "$p" ]; then
		echo "openssh-regress: $p not found (apt-get install -y openssh-client openssh-server)" >&2
		exit 2
	fi
done
# sshd refuses to start (even with -i) without its privilege-separation dir.
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd 2>/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/openssh-regress.XXXXXX") || exit 2
if [ "${KEEP:-}" = 1 ]; then
	echo "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

# Scratch copy of regress/: the tests find their helpers next to themselves.
cp -R "$regress" "$work/regress" || exit 2
if [ "${BOTH_MODES:-}" != 1 ]; then
	for t in $tests; do
		s=$work/regress/$t.sh
		grep -q '^for mode in scp sftp ; do$' "$s" || {
			echo "openssh-regress: $t.sh: mode loop not found; is this 9.2p1?" >&2
			exit 2
		}
		sed 's/^for mode in scp sftp ; do$/for mode in scp ; do/' "$s" >"$s.new" &&
			mv "$s.new" "$s"
	done
fi

echo "scp under test: $under"
overall=0
for t in $tests; do
	obj=$work/obj-$t
	mkdir -p "$obj"
	env SUDO= TEST_SHELL=/bin/sh TEST_SSH_UNSAFE_PERMISSIONS=1 \
	    TEST_SSH_SSH="$SSH" TEST_SSH_SSHD="$SSHD" \
	    TEST_SSH_SSHAGENT="${SSH_AGENT:-/usr/bin/ssh-agent}" \
	    TEST_SSH_SSHADD="${SSH_ADD:-/usr/bin/ssh-add}" \
	    TEST_SSH_SSHKEYGEN="${SSH_KEYGEN:-/usr/bin/ssh-keygen}" \
	    TEST_SSH_SSHKEYSCAN="${SSH_KEYSCAN:-/usr/bin/ssh-keyscan}" \
	    TEST_SSH_SFTP="${SFTP:-/usr/bin/sftp}" \
	    TEST_SSH_SFTPSERVER="${SFTP_SERVER:-/usr/lib/openssh/sftp-server}" \
	    TEST_SSH_SCP="$under" \
	    sh "$work/regress/test-exec.sh" "$obj" "$work/regress/$t.sh" \
	    >"$work/$t.out" 2>&1 </dev/null
	rc=$?

	# Sub-case banners are the lines "<tid>: <mode> mode: <what>"; failures
	# are recorded in failed-regress.log as "trace: <banner>" ... "FAIL: <why>".
	grep "^$t: [a-z]* mode: " "$work/$t.out" | while IFS= read -r banner; do
		why=$(awk -v b="trace: $banner" '
			/^trace: / { cur = $0 }
			/^FAIL: / && cur == b { sub(/^FAIL: /, ""); print }' \
			"$obj/failed-regress.log" 2>/dev/null | sort -u | paste -sd ';' -)
		if [ -n "$why" ]; then
			echo "  FAIL $banner -- $why"
		else
			echo "  pass $banner"
		fi
	done
	if [ $rc -eq 0 ]; then
		echo "PASS $t"
	else
		echo "FAIL $t (exit $rc; output: $work/$t.out)"
		overall=1
		grep '^FATAL' "$work/$t.out" | sed 's/^/  /'
	fi
done
if [ $overall -ne 0 ] && [ "${KEEP:-}" != 1 ]; then
	echo "(rerun with KEEP=1 to keep the logs)"
fi
exit $overall
