#!/usr/bin/env bash
# engine_isolation: one customer's wrong password fails that customer only — the others
# are copied completely, the run exits 1, the table and `cutover status` name the failure,
# the password never shows; fixing the password and running again finishes the job.
# Connections cut mid-APPEND (tests/tools/faultproxy) reconnect and continue, every message
# exactly once. (Source connections cut mid-reply: tests/integration/pop3_cut.sh.)
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
[ -x "$H_TOOLS/faultproxy" ] || tap_skip_all "no faultproxy tool"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users w1 w2 w3 f1 f2
e_gen "$H_DIR/a" 40 a
e_gen "$H_DIR/b" 130 b
e_deliver src w1 "$H_DIR"/a/*.eml
e_deliver src w2 "$H_DIR"/a/*.eml
e_deliver src w3 "$H_DIR"/a/*.eml
e_deliver src f1 "$H_DIR"/b/*.eml
e_deliver src f2 "$H_DIR"/b/*.eml

right=$PW_w2
export PW_w2="wrong-password-$RANDOM"
e_plan "$H_DIR/plan.yaml" iso src dst preserve 3 w1 w2 w3
"$CUTOVER" run "$H_DIR/plan.yaml" >"$H_DIR/run1.out" 2>"$H_DIR/run1.err"
tap_is "$?" 1 "a wrong password: the run exits 1"
tap_ok "w1 copied completely despite w2" e_same_uidls w1
tap_ok "w3 copied completely despite w2" e_same_uidls w3
tap_is "$(e_dst_uidls w2 | grep -c .)" 0 "w2: nothing copied"
tap_ok "the summary names w2 as failed for auth" grep -qE '^w2 .*FAILED \(auth\)' "$H_DIR/run1.out"
tap_ok "the others are ok in the summary" bash -c 'grep -qE "^w1 .* ok$" "$1" && grep -qE "^w3 .* ok$" "$1"' _ "$H_DIR/run1.out"
tap_ok "no retry for a refused password (one attempt)" bash -c '! grep -q "w2 warn: .*retrying" "$1"' _ "$H_DIR/run1.err"
tap_ok "the wrong password is never shown" bash -c '! grep -qF "$PW_w2" "$1"/run1.* "$1"/iso.db*' _ "$H_DIR"
"$CUTOVER" status "$H_DIR/plan.yaml" >"$H_DIR/status.out" 2>&1
tap_ok "cutover status shows w2 failed" grep -qE 'w2.*failed' "$H_DIR/status.out"
sed 's/^/# /' "$H_DIR/status.out" | head -n 8

export PW_w2=$right
"$CUTOVER" run "$H_DIR/plan.yaml" --json >"$H_DIR/run2.json" 2>"$H_DIR/run2.err"
tap_is "$?" 0 "with the right password the next run exits 0"
tap_is "$(e_json "$H_DIR/run2.json" w2 copied) $(e_json "$H_DIR/run2.json" w1 copied)" "40 0" \
	"it copies w2's 40 messages and nothing of w1"
tap_ok "w2 now complete" e_same_uidls w2

# Faults: a proxy in front of the destination cuts the first two connections 20 KB into the
# APPENDs (MULTIAPPEND batches of 50 messages).
p_dst=$(harness_free_ports 1)
"$H_TOOLS/faultproxy" --listen "$p_dst" --to "$dst_IMAP" --up 20000 --times 2 2>"$H_DIR/fp-dst.log" &
fp=$!
harness_on_exit "kill $fp 2>/dev/null"
for i in $(seq 50); do h_port_open "$p_dst" && break; sleep 0.1; done
E_DST_PORT=$p_dst E_ATTEMPTS=5 e_plan "$H_DIR/fault.yaml" fault src dst preserve 1 f1 f2
timeout -s KILL 120 "$CUTOVER" run "$H_DIR/fault.yaml" --json >"$H_DIR/fault.json" 2>"$H_DIR/fault.err"
tap_is "$?" 0 "connections cut mid-APPEND: the run still exits 0"
tap_is "$(grep -c "cut connection .* after 20000 bytes (up)" "$H_DIR/fp-dst.log")" 2 "two destination connections were really cut mid-APPEND"
tap_ok "the engine reconnected and retried" grep -q "retrying in" "$H_DIR/fault.err"
tap_ok "f1 exactly once, in order" e_same_uidls f1
tap_ok "f2 exactly once, in order" e_same_uidls f2
grep -E "warn|info: message" "$H_DIR/fault.err" | head -n 6 | sed 's/^/# /'
tap_done
