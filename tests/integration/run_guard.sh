#!/usr/bin/env bash
# run_guard: one run at a time per journal, and interrupts counted apart from failures.
# Two `cutover run` on one plan at once: the second exits 75 naming the first (pid, host,
# start, command), as does `notices --send`, and nothing is duplicated; status, verify and
# dry-run still work during the run.
# A run killed with -9 leaves a lock the next run takes over (and says so), then finishes.
# SIGINT mid-run: the summary says how many customers were stopped mid-copy and how many
# never started, exit 75, the journal has them pending (not failed); interrupted again, a
# resumed run lists customers finished earlier as done, never as "not started"; the last
# run completes with every message exactly once.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

CUST="g1 g2 g3 g4 g5 g6"
for c in $CUST; do
	export "PW_$c=pw-$c"
	dovecot_add_user src "$c" "pw-$c"
done
e_gen "$H_DIR/big" 600 b
for c in $CUST; do e_deliver src "$c" "$H_DIR"/big/*.eml; done

# wait_for FILE PATTERN: until the file holds the pattern (a run's stderr, a lock), 30 s at most.
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
exactly_once() {
	local c
	for c in $CUST; do e_same_uidls "$c" || return 1; done
}
# The state of each customer in `status --json`: "id state" lines.
states() {
	"$CUTOVER" status "$1" --json | "$H_PY" -c '
import json, sys
for c in json.load(sys.stdin)["customers"]:
    print(c["customer"], c["state"])'
}

# fresh NAME WORKERS: fresh destination mailboxes and a plan (journal) of that name in $plan.
fresh() {
	export E_DST_SUFFIX=_$1
	e_dst_users $CUST
	plan="$H_DIR/plan-$1.yaml"
	e_plan "$plan" "$1" src dst preserve "$2" $CUST
}

# ---- two runs at once ----
fresh two 1
"$CUTOVER" run "$plan" >"$H_DIR/a.out" 2>"$H_DIR/a.err" &
pa=$!
wait_for "$H_DIR/a.err" "started; journal"
"$CUTOVER" run "$plan" >"$H_DIR/b.out" 2>"$H_DIR/b.err"
tap_is "$?" 75 "a second run on a journal in use exits 75"
tap_ok "it names the holder: pid, host, start time, command" \
	grep -Eq "in use by pid $pa on host $(hostname), started 20[0-9-]+T[0-9:]+Z \(cutover run $plan\)" "$H_DIR/b.err"
sed 's/^/# /' "$H_DIR/b.err"
"$CUTOVER" notices "$plan" --send --out "$H_DIR/notices" >/dev/null 2>"$H_DIR/n.err"
tap_is "$?" 75 "notices --send on a journal in use exits 75"
tap_ok "naming the holder" grep -q "in use by pid $pa on host" "$H_DIR/n.err"
"$CUTOVER" status "$plan" >"$H_DIR/status-during.out" 2>&1
tap_is "$?" 0 "status works during the run"
kill -0 "$pa" 2>/dev/null
tap_is "$?" 0 "(the first run was still running meanwhile)"
"$CUTOVER" verify "$plan" >"$H_DIR/verify-during.out" 2>&1
tap_not "verify is not refused during the run" grep -q "in use by" "$H_DIR/verify-during.out"
"$CUTOVER" dry-run "$plan" >"$H_DIR/dry-during.out" 2>&1
tap_not "dry-run is not refused during the run" grep -q "in use by" "$H_DIR/dry-during.out"
wait "$pa"
tap_is "$?" 0 "the first run finishes"
tap_ok "nothing duplicated: every message once, in order" exactly_once
tap_ok "the lock is released at the end" test ! -s "$H_DIR/two.journal.lock" -o ! -e "$H_DIR/two.journal.lock"

# ---- kill -9, then take over ----
fresh kill 2
"$CUTOVER" run "$plan" >/dev/null 2>"$H_DIR/k.err" &
pk=$!
wait_for "$H_DIR/k.err" "started; journal"
sleep 0.5
kill -9 "$pk"
wait "$pk" 2>/dev/null
"$CUTOVER" run "$plan" >"$H_DIR/k2.out" 2>"$H_DIR/k2.err"
tap_is "$?" 0 "after kill -9 the next run takes the lock over and finishes"
tap_ok "and says whose lock it took over" grep -q "last writer (pid $pk on host" "$H_DIR/k2.err"
tap_ok "after kill -9 and a takeover, every message once" exactly_once

# ---- SIGINT ----
fresh int 1
"$CUTOVER" run "$plan" >"$H_DIR/i1.out" 2>"$H_DIR/i1.err" &
pi=$!
wait_for "$H_DIR/i1.err" "info: done:"
kill -INT "$pi"
wait "$pi"
tap_is "$?" 75 "SIGINT: exit 75"
sed 's/^/# /' "$H_DIR/i1.err" | grep -v progress | tail -n 3
tap_ok "the summary counts customers stopped mid-copy and not started, apart from failures" \
	bash -c 'grep -Eq "^  customers +6: [0-9] done, 0 failed, 1 interrupted, [1-5] not started" "$1" &&
	         grep -Eq "^  interrupted, 1 customer: " "$1" && grep -q "run again to continue" "$1"' _ "$H_DIR/i1.out"
tap_ok "stderr says it too" grep -q "^cutover run: interrupted: " "$H_DIR/i1.err"
tap_not "no customer is listed FAILED" grep -q FAILED "$H_DIR/i1.out"
states "$plan" >"$H_DIR/i1.states"
tap_not "the journal has no customer failed" grep -q " failed$" "$H_DIR/i1.states"
tap_ok "the stopped customer is pending" grep -q " pending$" "$H_DIR/i1.states"
# Interrupted again at once: customers finished by the first run are "done earlier".
"$CUTOVER" run "$plan" --json >"$H_DIR/i2.json" 2>"$H_DIR/i2.err" &
pi=$!
wait_for "$H_DIR/i2.err" "started; journal"
kill -INT "$pi"
wait "$pi"
tap_is "$?" 75 "interrupted again: exit 75"
"$H_PY" - "$H_DIR/i1.states" "$H_DIR/i2.json" >"$H_DIR/i2.check" <<'PYEOF'
import json, sys
done = {l.split()[0] for l in open(sys.argv[1]) if l.split()[1] == "done"}
d = json.load(open(sys.argv[2]))
bad = [c["customer"] for c in d["customers"]
       if c["customer"] in done and not c["started"] and not c["done_earlier"]]
print("done-before", len(done), "bad", len(bad), "not_started", d["not_started"],
      "done_earlier", d["done_earlier"], "interrupted", d["interrupted"])
PYEOF
cat "$H_DIR/i2.check" | sed 's/^/# /'
tap_ok "a resumed run never lists customers finished earlier as not started" grep -q " bad 0 " "$H_DIR/i2.check"
tap_ok "JSON: interrupted true" grep -q "interrupted True" "$H_DIR/i2.check"
"$CUTOVER" run "$plan" >"$H_DIR/i3.out" 2>"$H_DIR/i3.err"
tap_is "$?" 0 "the resumed run completes"
tap_ok "after the interrupts, every message exactly once" exactly_once
tap_done
