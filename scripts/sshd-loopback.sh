# Sourced by demo.sh: starts a throwaway OpenSSH sshd on
# 127.0.0.1 with fresh keys in $WORK and writes $WORK/ssh_config, whose host
# "loopback" reaches it. The sshd is stopped when the calling script exits.
set -eu
SSHD=${SSHD:-/usr/sbin/sshd}
if [ ! -x "$SSHD" ]; then
	echo "$SSHD not found: install openssh-server (apt-get install -y openssh-server)" >&2
	exit 1
fi
mkdir -p /run/sshd 2>/dev/null || true
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goscp.XXXXXX")
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/client_key"
cp "$WORK/client_key.pub" "$WORK/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$WORK/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $PORT
HostKey $WORK/host_key
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PidFile none
Subsystem sftp internal-sftp
${REMOTE_PATH:+SetEnv PATH=$REMOTE_PATH}
CFG
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$WORK/host_key.pub")" > "$WORK/known_hosts"
cat > "$WORK/ssh_config" <<CFG
Host loopback
	HostName 127.0.0.1
	Port $PORT
	User $(id -un)
	IdentityFile $WORK/client_key
	IdentitiesOnly yes
	UserKnownHostsFile $WORK/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
CFG
"$SSHD" -D -e -f "$WORK/sshd_config" 2>"$WORK/sshd.log" &
SSHD_PID=$!
trap 'kill $SSHD_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
	if ssh -F "$WORK/ssh_config" loopback true 2>/dev/null; then
		break
	fi
	kill -0 $SSHD_PID 2>/dev/null || { cat "$WORK/sshd.log" >&2; exit 1; }
	sleep 0.1
done
