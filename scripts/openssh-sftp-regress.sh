#!/bin/sh
# Run OpenSSH's own sftp regression tests against our sftp and print PASS/FAIL
# per test (with the failure messages the test recorded).
#
# usage: scripts/openssh-sftp-regress.sh OPENSSH_SRC_DIR [test ...]
#
#   OPENSSH_SRC_DIR  an unpacked OpenSSH 9.2p1 source tree (only its regress/
#                    directory is used). Nothing is downloaded. From a git
#                    mirror: git -C MIRROR archive V_9_2_P1 regress | tar -x -C DIR
#   test             any of sftp sftp-cmds sftp-badcmds sftp-batch sftp-glob
#                    sftp-perm sftp-uri (default: all seven)
#
# Environment:
#   SFTP_UNDER_TEST  sftp binary to test (default: ./bin/sftp, made absolute);
#                    set to /usr/bin/sftp for a baseline run.
#   TEST_SSH_PORT    port for the sshd that sftp-uri starts (default: a port
#                    derived from this script's process id).
#   KEEP=1           keep the work directory (logs) instead of removing it.
#   SSH SSHD SSH_AGENT SSH_ADD SSH_KEYGEN SSH_KEYSCAN SCP SFTP_SERVER
#                    override the OpenSSH tools used (defaults: Debian paths).
#
# How it works: the regress directory is copied to a scratch directory (never
# into this repository) and each test is run through the tree's own
# test-exec.sh the way regress/Makefile's t-exec rule does, with the sftp
# under test as TEST_SSH_SFTP. Most tests talk to OpenSSH's sftp-server
# through `sftp -D`; sftp-uri goes through a real sshd (internal-sftp) on
# loopback. A test's failures are the "FAIL:" lines of the failed-regress.log
# that test-exec.sh writes.
#
# Exit status: 0 if every selected test passed, 1 otherwise, 2 on usage errors.

set -u

all="sftp sftp-cmds sftp-badcmds sftp-batch sftp-glob sftp-perm sftp-uri"

if [ $# -lt 1 ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
src=$1
shift
regress=$src/regress
for f in test-exec.sh; do
	if [ ! -f "$regress/$f" ]; then
		echo "openssh-sftp-regress: $regress/$f not found (need an OpenSSH 9.2p1 source tree)" >&2
		exit 2
	fi
done

tests=${*:-$all}
for t in $tests; do
	case " $all " in
	*" $t "*) ;;
	*) echo "openssh-sftp-regress: unknown test '$t' ($all)" >&2; exit 2 ;;
	esac
	if [ ! -f "$regress/$t.sh" ]; then
		echo "openssh-sftp-regress: $regress/$t.sh not found (need an OpenSSH 9.2p1 source tree)" >&2
		exit 2
	fi
done

under=${SFTP_UNDER_TEST:-./bin/sftp}
case $under in
/*) ;;
*) under=$(cd "$(dirname "$under")" && pwd)/$(basename "$under") ;;
esac
if [ ! -x "$under" ]; then
	echo "openssh-sftp-regress: $under is not executable (build ./cmd/sftp first)" >&2
	exit 2
fi

SSH=${SSH:-/usr/bin/ssh}
SSHD=${SSHD:-/usr/sbin/sshd}
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
for p in "$SSH" "$SSHD" "$SFTP_SERVER"; do
	if [ ! -x "$p" ]; then
		echo "openssh-sftp-regress: $p not found (apt-get install -y openssh-client openssh-server openssh-sftp-server)" >&2
		exit 2
	fi
done
# sshd refuses to start without its privilege-separation dir.
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd 2>/dev/null

# test-exec.sh defaults to port 4242; another run (or another regress
# script) on the same machine must not collide with this one.
port=${TEST_SSH_PORT:-$((20000 + $$ % 20000))}

work=$(mktemp -d "${TMPDIR:-/tmp}/openssh-sftp-regress.XXXXXX") || exit 2
if [ "${KEEP:-}" = 1 ]; then
	echo "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

# Scratch copy of regress/: the tests find their helpers next to themselves.
cp -R "$regress" "$work/regress" || exit 2

echo "sftp under test: $under"
overall=0
for t in $tests; do
	obj=$work/obj-$t
	mkdir -p "$obj"
	env SUDO= TEST_SHELL=/bin/sh TEST_SSH_UNSAFE_PERMISSIONS=1 \
	    TEST_SSH_PORT="$port" \
	    TEST_SSH_SSH="$SSH" TEST_SSH_SSHD="$SSHD" \
	    TEST_SSH_SSHAGENT="${SSH_AGENT:-/usr/bin/ssh-agent}" \
	    TEST_SSH_SSHADD="${SSH_ADD:-/usr/bin/ssh-add}" \
	    TEST_SSH_SSHKEYGEN="${SSH_KEYGEN:-/usr/bin/ssh-keygen}" \
	    TEST_SSH_SSHKEYSCAN="${SSH_KEYSCAN:-/usr/bin/ssh-keyscan}" \
	    TEST_SSH_SCP="${SCP:-/usr/bin/scp}" \
	    TEST_SSH_SFTP="$under" \
	    TEST_SSH_SFTPSERVER="$SFTP_SERVER" \
	    sh "$work/regress/test-exec.sh" "$obj" "$work/regress/$t.sh" \
	    >"$work/$t.out" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS $t"
		continue
	fi
	echo "FAIL $t (exit $rc; output: $work/$t.out)"
	overall=1
	sed -n 's/^FAIL: /  /p' "$obj/failed-regress.log" 2>/dev/null | sort -u
	grep '^FATAL' "$work/$t.out" | sed 's/^/  /'
done
if [ $overall -ne 0 ] && [ "${KEEP:-}" != 1 ]; then
	echo "(rerun with KEEP=1 to keep the logs)"
fi
exit $overall
