#!/usr/bin/env bash
# imap_append_rate: APPEND rate of the IMAP destination driver on loopback, one message
# per command vs MULTIAPPEND batches, into a fresh harness Dovecot (tests/harness).
#   bench/imap_append_rate.sh [N] [BATCH]     defaults: 2000 messages, batch 50
# Build first (make tests-bin). Prints one line per mode: messages, seconds, msg/s.
# FSYNC=never in the environment sets Dovecot's mail_fsync=never, which takes the disk out
# of the measurement and leaves the protocol cost (commands, round trips).
set -eu
N=${1:-2000} BATCH=${2:-50}
. "$(dirname "$0")/../tests/harness/lib.sh"
harness_init
[ -n "${FSYNC:-}" ] && export H_EXTRA_CONF="mail_fsync = $FSYNC"
dovecot_start dst dest good >/dev/null
dovecot_add_user dst bench 'bench-Pw1' 0
C=$H_DIR/corpus
"$H_PY" "$(dirname "$0")/../tests/integration/imapdst_corpus.py" corpus "$C" "$N" 1500
export IMAP_PASSWORD='bench-Pw1'
for mode in "one-by-one:1:One" "multiappend:$BATCH:Multi"; do
	IFS=: read -r label b folder <<<"$mode"
	"$H_TOOLS/imap_append" -p "$dst_IMAP" -u bench create "$folder" >/dev/null
	line=$("$H_TOOLS/imap_append" -p "$dst_IMAP" -u bench append "$folder" "$b" "$C" 2>&1 >/dev/null | grep '^appended')
	echo "$label (batch $b): $line"
done
