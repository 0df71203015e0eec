#!/usr/bin/env bash
# engine_orphan: a run killed while its APPEND is still on the way to the destination (data
# in flight on a slow link, tests/tools/holdproxy.py holding it), then run again at once
# (a requeue, an impatient operator). The killed run's APPEND lands on the destination
# AFTER the new run has started: the new run must not take the messages it finds missing
# at first look for lost and append them again. Every message ends up there exactly once.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

export PW_o1=pw-o1
dovecot_add_user src o1 pw-o1
e_gen "$H_DIR/g" 120 o
e_deliver src o1 "$H_DIR"/g/*.eml
e_dst_users o1

hold=3
port=$(harness_free_ports 1)
"$H_PY" "$CUTOVER_ROOT/tests/tools/holdproxy.py" "$port" "$dst_IMAP" "$hold" "$H_DIR/append.seen" \
	2>"$H_DIR/proxy.err" &
harness_on_exit "kill $! 2>/dev/null"
for _ in $(seq 50); do h_port_open "$port" && break; sleep 0.1; done

# The first run goes through the proxy and is killed once its first APPEND has left it.
plan="$H_DIR/plan-orphan.yaml"
E_DST_PORT=$port E_IN_DOUBT_WAIT=$((hold + 3))s e_plan "$plan" orphan src dst preserve 1 o1
"$CUTOVER" run "$plan" >"$H_DIR/run1.out" 2>&1 &
pid=$!
for _ in $(seq 300); do [ -e "$H_DIR/append.seen" ] && break; sleep 0.05; done
tap_ok "the first run sent an APPEND" [ -e "$H_DIR/append.seen" ]
sleep 0.5   # the whole batch is written out (LITERAL+): the run now waits for the answer
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
tap_is "$(e_dst_uidls o1 | grep -c .)" 0 "when it is killed, nothing of the APPEND has reached the destination yet"

# The second run goes straight to the destination, while the first run's APPEND is still
# held. It must wait for it (in_doubt_wait) before it looks for the messages in doubt.
E_IN_DOUBT_WAIT=$((hold + 3))s e_plan "$plan" orphan src dst preserve 1 o1
"$CUTOVER" run "$plan" --json >"$H_DIR/run2.json" 2>"$H_DIR/run2.err"
tap_is "$?" 0 "the next run, started at once, finishes"
sleep "$hold"   # anything still held has landed by now
tap_ok "every message exactly once, in order, after the killed run's APPEND landed" e_same_uidls o1
tap_ok "verify agrees" "$CUTOVER" verify "$plan"
tap_ok "the run said why it waited" grep -q "in doubt" "$H_DIR/run2.err"
tap_done
