#!/usr/bin/env bash
# pop3_fetch_rate: fetch rate of the POP3 source driver (pipelined TOP) from a harness
# Dovecot, on loopback and through bench/delay_proxy.py (user-space delay, RTT = 2 x D).
#   bench/pop3_fetch_rate.sh [N] [SIZE] [D]     defaults: 1000 messages, 2000 bytes, 0.005 s
# Build first (make tests-bin). Prints one "rate …" line per path.
set -eu
N=${1:-1000} SIZE=${2:-2000} D=${3:-0.005}
. "$(dirname "$0")/../tests/harness/lib.sh"
harness_init
dovecot_start src source good >/dev/null
dovecot_add_user src bench 'bench-Pw1'
md=$(dovecot_maildir src bench)
"$H_PY" - "$md/new" "$N" "$SIZE" <<'PY'
import sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(1, n + 1):
    with open("%s/%d.%d.bench.example.jp" % (d, 1100000000 + i, i), "wb") as f:
        f.write(b"From: x@example.jp\r\nSubject: %d\r\n\r\n" % i + b"x" * size + b"\r\n")
PY
chown -R --reference="$md" "$md/new"
port=$(harness_free_ports 1)
"$H_PY" "$(dirname "$0")/delay_proxy.py" "$port" "$src_POP3" "$D" &
proxy=$!
harness_on_exit "kill $proxy 2>/dev/null"
sleep 0.5
export POP3_PASSWORD='bench-Pw1'
for p in "loopback:$src_POP3" "rtt $(awk "BEGIN { print $D * 2000 }") ms:$port"; do
	line=$("$H_TOOLS/pop3_fetch" --host 127.0.0.1 --port "${p##*:}" --user bench --rate 2>&1 >/dev/null | grep '^rate')
	echo "${p%:*}: $line"
done
