#!/usr/bin/env bash
# pop3_cut: a source connection dropped in the middle of a POP3 reply (tests/tools/
# faultproxy between the driver and Dovecot) ends the operation with a network error within
# seconds — during LIST/UIDL, mid-message (the first TOP goes alone) and inside a pipelined
# TOP batch — instead of libetpan's endless read loop at end of file; and `cutover run`
# through such a proxy reconnects and copies every message exactly once.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
FETCH="$H_TOOLS/pop3_fetch"
[ -x "$FETCH" ] || tap_skip_all "no $FETCH (build the tools first)"
[ -x "$H_TOOLS/faultproxy" ] || tap_skip_all "no faultproxy tool"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# c1: one 60 KB message first (fetched alone while TOP proves itself), then 150 small ones
# (fetched in pipelined batches of 50). Greeting, CAPA and login take ~300 bytes of the
# stream, LIST ~1.3 KB, UIDL ~6 KB more: 3000 bytes in is inside the UIDL reply.
e_users c1 c2
e_gen "$H_DIR/s" 150 s
{
	printf 'From: big@example.com\r\nTo: c1@example.jp\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\n\r\n'
	for i in $(seq 800); do printf 'line %04d of a long message that will be cut somewhere in the middle\r\n' "$i"; done
} >"$H_DIR/big.eml"
e_deliver src c1 "$H_DIR/big.eml" "$H_DIR"/s/*.eml
e_deliver src c2 "$H_DIR/big.eml" "$H_DIR"/s/*.eml
export POP3_PASSWORD=$PW_c1

fp_pid=
# proxy DOWN TIMES: a faultproxy to the source's POP3 port cutting DOWN bytes into the
# first TIMES connections; sets $fp_port and $fp_log.
proxy() {
	[ -n "$fp_pid" ] && { kill "$fp_pid" 2>/dev/null; wait "$fp_pid" 2>/dev/null; }
	fp_port=$(harness_free_ports 1)
	fp_log=$H_DIR/fp-$1.log
	"$H_TOOLS/faultproxy" --listen "$fp_port" --to "$src_POP3" --down "$1" --times "$2" 2>"$fp_log" &
	fp_pid=$!
	harness_on_exit "kill $fp_pid 2>/dev/null"
	for _ in $(seq 50); do h_port_open "$fp_port" && break; sleep 0.1; done
}

# cut_at N WHAT PATTERN: pop3_fetch through a proxy cutting N bytes in; it must end within
# 10 s (the driver's timeout is 30 s, so a quick end is the lost connection, not a timeout)
# with "error network" naming PATTERN.
cut_at() {
	local n=$1 what=$2 pat=$3 t0 t1 rc
	proxy "$n" 1
	t0=$(date +%s)
	timeout -s KILL 20 "$FETCH" --host 127.0.0.1 --port "$fp_port" --user c1 --timeout 30 \
		>"$H_DIR/cut-$n.out" 2>"$H_DIR/cut-$n.err"
	rc=$? t1=$(date +%s)
	sed 's/^/# /' "$H_DIR/cut-$n.err" | tail -n 2
	tap_ok "cut $n bytes in ($what): the proxy really cut" grep -q "cut connection [0-9]* after $n bytes" "$fp_log"
	tap_is "$rc" 69 "cut $n bytes in ($what): pop3_fetch ends with a network error (not killed)"
	tap_ok "cut $n bytes in ($what): within 10 s" test $((t1 - t0)) -le 10
	tap_ok "cut $n bytes in ($what): error network in $pat" grep -qE "^error network: $pat: connection closed" "$H_DIR/cut-$n.err"
}

cut_at 300 "LIST" "POP3 LIST"
cut_at 3000 "UIDL" "POP3 LIST"
cut_at 30000 "mid-message, single TOP" "POP3 TOP 1"
cut_at 90000 "pipelined TOP batch" "POP3 TOP ([2-9]|[1-9][0-9]+)"

# The engine: the first two source connections are cut 30 KB in (mid first message), so
# c1 and c2 each reconnect (or one customer twice) and still copy everything exactly once.
proxy 30000 2
E_SRC_PORT=$fp_port E_ATTEMPTS=5 e_plan "$H_DIR/cut.yaml" cut src dst preserve 2 c1 c2
timeout -s KILL 120 "$CUTOVER" run "$H_DIR/cut.yaml" --json >"$H_DIR/run.json" 2>"$H_DIR/run.err"
tap_is "$?" 0 "cutover run with source connections cut mid-message exits 0"
tap_is "$(grep -c 'cut connection .* after 30000 bytes (down)' "$fp_log")" 2 "two source connections were really cut"
tap_ok "the engine retried after the lost connection" grep -q "retrying in" "$H_DIR/run.err"
tap_ok "c1 exactly once, in order" e_same_uidls c1
tap_ok "c2 exactly once, in order" e_same_uidls c2

grep -E "warn|retrying" "$H_DIR/run.err" | head -n 4 | sed 's/^/# /'

# Again into fresh destination mailboxes, the first source connection cut inside a
# pipelined TOP batch: the journal keeps what was copied before the cut.
proxy 90000 1
export E_DST_SUFFIX=_b
e_dst_users c1
E_SRC_PORT=$fp_port E_ATTEMPTS=5 e_plan "$H_DIR/cut2.yaml" cut2 src dst preserve 1 c1
timeout -s KILL 120 "$CUTOVER" run "$H_DIR/cut2.yaml" --json >"$H_DIR/run2.json" 2>"$H_DIR/run2.err"
tap_is "$?" 0 "cutover run with the source cut inside a pipelined batch exits 0"
tap_ok "that source connection was really cut" grep -q "cut connection [0-9]* after 90000 bytes (down)" "$fp_log"
tap_ok "the engine retried after the batch cut" grep -q "connection closed or reset.*retrying in" "$H_DIR/run2.err"
tap_ok "c1 exactly once, in order (batch cut)" e_same_uidls c1
tap_done
