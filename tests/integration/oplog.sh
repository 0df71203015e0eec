#!/usr/bin/env bash
# oplog: what the operator has the morning after a night's run (issue 15, items 2-4) —
# the log file (plan key and --log) with times in the plan's offset and levels, the -v
# protocol trace without a password or SASL payload, the log's path in the journal and in
# status (text and JSON), the closing summary in text and JSON with its numbers checked
# against what the destination holds, and the dry-run's inventory as the run's totals.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users c1 c2 c3
e_gen "$H_DIR/m1" 20 a
e_gen "$H_DIR/m2" 4 b
# c2: one message of 300 KB, the largest of the run
"$H_PY" - "$H_DIR/m2/big.eml" <<'PYEOF'
import sys
body = ("x" * 76 + "\r\n") * 3900
open(sys.argv[1], "w", newline="").write(
    "From: big@example.com\r\nTo: user@example.jp\r\nSubject: big\r\n"
    "Message-ID: <big@example.com>\r\nDate: Wed, 9 Oct 2002 23:00:00 +0900\r\n\r\n" + body)
PYEOF
maildir_deliver src c1 "$H_DIR"/m1/*.eml >/dev/null
maildir_deliver src c2 "$H_DIR"/m2/*.eml >/dev/null
# c3: the plan has the wrong password: an auth failure, grouped with its advice
export PW_c3=wrong-password
E_ATTEMPTS=1 E_PLAN_EXTRA='  log: night.log' e_plan "$H_DIR/plan.yaml" oplog src dst record 2 c1 c2 c3

"$CUTOVER" dry-run "$H_DIR/plan.yaml" --skip-preflight >"$H_DIR/dry.out" 2>"$H_DIR/dry.err"
tap_is "$("$H_PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select group_concat(customer||\":\"||msgs, \" \") from (select * from inventory order by customer)").fetchone()[0])' "$H_DIR/oplog.db")" \
	"c1:20 c2:5" "dry-run keeps its inventory in the journal (the customer it could not read is left out)"

"$CUTOVER" run "$H_DIR/plan.yaml" --json -v >"$H_DIR/run.json" 2>"$H_DIR/run.err"
tap_is "$?" 1 "a customer failed: exit 1"
log="$H_DIR/night.log"
tap_ok "the plan's log: is written beside the plan" test -s "$log"
tap_is "$(stat -c %a "$log")" 600 "the log is private (mode 600)"
tap_is "$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+09:00 (error|warn |info |debug) [^ ]' "$log")" 0 \
	"every line: time in the plan's offset (+09:00), a level, who"
for lv in info error debug; do
	tap_ok "level $lv present" grep -qE "^[^ ]+ $lv " "$log"
done
tap_ok "the run's start and its end are logged" \
	bash -c 'grep -q "cutover run .* started" "$1" && grep -q "cutover run ended: exit 1" "$1"' _ "$log"
tap_ok "-v: POP3 commands and replies in the trace" \
	bash -c 'grep -qF "> USER [redacted]" "$1" && grep -qF "> PASS [redacted]" "$1" && grep -qE "< \+OK" "$1"' _ "$log"
tap_ok "-v: IMAP commands and tagged replies in the trace" \
	bash -c 'grep -qE "debug destination imap .*> [0-9a-z]+ (APPEND|SELECT)" "$1" && grep -qE "< [0-9a-z]+ OK" "$1"' _ "$log"
tap_ok "-v: the destination's master login is redacted" grep -qE "> [0-9a-z]+ (LOGIN|AUTHENTICATE) \[redacted\]" "$log"
# the SASL PLAIN payload as the destination login would send it
sasl=$("$H_PY" -c 'import base64,sys; print(base64.b64encode(("c1\0migrate\0"+sys.argv[1]).encode()).decode())' "$DST_MASTER_PW")
tap_ok "no password and no SASL payload in the log" \
	bash -c '! grep -qF -e "$PW_c1" -e "$PW_c2" -e "wrong-password" -e "$DST_MASTER_PW" -e "$2" "$1"' _ "$log" "$sasl"
tap_ok "no mail in the trace (message bodies are not protocol)" bash -c '! grep -qE "body of a|xxxxxxxxxx" "$1"' _ "$log"
tap_ok "the failure and its advice are in the log" grep -qE " error c3: auth: .*check the password" "$log"

# The summary in JSON, checked against what the destination holds.
j() { "$H_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$H_DIR/run.json" "$1"; }
tap_is "$(j 'd["schema"], d["command"], d["exit"]')" "(1, 'run', 1)" "JSON: schema 1, command run, exit"
tap_ok "JSON: started and ended in the plan's offset" \
	bash -c '[[ "$1" =~ ^20[0-9-]{8}T[0-9:]{8}\+09:00\ 20[0-9-]{8}T[0-9:]{8}\+09:00$ ]]' _ "$(j 'd["started"] + " " + d["ended"]')"
tap_is "$(j 'd["totals"]["customers"], d["totals"]["done"], d["totals"]["failed"], d["totals"]["interrupted"], d["totals"]["not_started"]')" \
	"(3, 2, 1, 0, 0)" "JSON: customers 3: 2 done, 1 failed"
dst_stat() { "$H_PY" - "$dst_POP3" "$@" <<'PYEOF'
import poplib, sys
n = b = 0
for u in sys.argv[2:]:
    p = poplib.POP3("127.0.0.1", int(sys.argv[1])); p.user(u); p.pass_("dpw-" + u)
    c, o = p.stat(); n += c; b += o; p.quit()
print(n, b)
PYEOF
}
tap_is "$(j 'd["totals"]["messages_copied"], d["totals"]["bytes_copied"]' | tr -d '(),')" "$(dst_stat c1 c2)" \
	"JSON: messages and bytes copied = what the destination's POP3 serves (STAT)"
tap_is "$(j 'd["largest_message"]["customer"], d["largest_message"]["bytes"] > 290000')" "('c2', True)" \
	"JSON: the largest message (c2's 300 KB)"
tap_ok "JSON: peak memory, an integer over 1 MB" test "$(j 'd["peak_memory_bytes"]')" -gt 1000000
tap_is "$(j 'type(d["totals"]["mb_per_second"]).__name__, d["totals"]["messages_per_second"] == round(d["totals"]["messages_per_second"], 1)')" \
	"('float', True)" "JSON: rates rounded to one decimal"
tap_is "$(j '[(f["reason"], f["customers"]) for f in d["failures"]]')" "[('auth', ['c3'])]" "JSON: failures grouped by reason"
tap_is "$(j 'd["log"]')" "$(realpath "$log")" "JSON: the log's path"

# status: the last run's log, text and JSON
"$CUTOVER" status "$H_DIR/plan.yaml" >"$H_DIR/status.out" 2>&1
tap_ok "status names the run's log" grep -qxF "log: $(realpath "$log")" "$H_DIR/status.out"
"$CUTOVER" status "$H_DIR/plan.yaml" --json >"$H_DIR/status.json" 2>&1
tap_is "$("$H_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["last_run"]["log"])' "$H_DIR/status.json")" \
	"$(realpath "$log")" "status --json: last_run.log"

# Second run, text, --log on the command line (wins over the plan's): nothing to copy.
"$CUTOVER" run "$H_DIR/plan.yaml" --customer c1 --customer c2 --log "$H_DIR/second.log" \
	>"$H_DIR/run2.out" 2>"$H_DIR/run2.err"
tap_is "$?" 0 "second run (c1, c2) exits 0"
tap_ok "--log wins over the plan's log:" bash -c 'test -s "$1/second.log" && ! grep -q "run 2\b" "$1/night.log"' _ "$H_DIR"
tap_ok "no trace without -v" bash -c '! grep -q " debug " "$1"' _ "$H_DIR/second.log"
out=$(cat "$H_DIR/run2.out")
tap_ok "text summary: started and ended in the plan's offset" \
	bash -c 'grep -qE "^  started +20.*\+09:00$" "$1" && grep -qE "^  ended +20.*\+09:00 \(took " "$1"' _ "$H_DIR/run2.out"
tap_ok "text summary: customers, copied, already there (human sizes)" \
	bash -c 'grep -qE "^  customers +2: 2 done, 0 failed, 0 interrupted, 0 not started$" "$1" &&
	         grep -qE "^  copied +0 messages, 0 B$" "$1" && grep -qE "^  already there +25 messages, [0-9.]+ KB$" "$1"' _ "$H_DIR/run2.out"
tap_ok "text summary: rate, peak memory, log, journal" \
	bash -c 'grep -qE "^  rate +[0-9.]+ msg/s, [0-9.]+ MB/s$" "$1" && grep -qE "^  peak memory +[0-9.]+ MB$" "$1" &&
	         grep -qE "^  log +/.*second.log$" "$1" && grep -qE "^  journal +/.*oplog.db" "$1"' _ "$H_DIR/run2.out"
tap_ok "the log says the run took its totals from the dry-run" \
	grep -q "totals from the last dry-run's inventory" "$H_DIR/second.log"

# The first run's text summary for the failure: grouped with a ready command.
"$CUTOVER" run "$H_DIR/plan.yaml" --customer c3 >"$H_DIR/run3.out" 2>"$H_DIR/run3.err"
tap_ok "text: failures by reason, with what to do and the command" \
	bash -c 'grep -qE "^  auth, 1 customer: c3$" "$1" && grep -qE "check the password" "$1" &&
	         grep -qF "cutover run $2 --customer c3" "$1"' _ "$H_DIR/run3.out" "$H_DIR/plan.yaml"

# A log that cannot be written stops the run before anything is recorded.
"$CUTOVER" run "$H_DIR/plan.yaml" --log /nonexistent/dir/x.log >"$H_DIR/run4.out" 2>"$H_DIR/run4.err"
rc=$?
tap_ok "an unwritable log: refused before the run ($rc), said once" \
	bash -c '[ "$1" != 0 ] && grep -c "x.log" "$2" | grep -qx 1' _ "$rc" "$H_DIR/run4.err"

# The live display on a terminal (a pseudo-TTY): its totals are the dry-run's, not "≥".
e_users c4
e_gen "$H_DIR/m4" 600 d
maildir_deliver src c4 "$H_DIR"/m4/*.eml >/dev/null
E_ATTEMPTS=1 e_plan "$H_DIR/tty.yaml" tty src dst record 1 c4
"$CUTOVER" dry-run "$H_DIR/tty.yaml" --skip-preflight >/dev/null 2>&1
TERM=xterm script -qec "$CUTOVER run $H_DIR/tty.yaml" /dev/null >"$H_DIR/tty.out" 2>&1
tap_ok "TTY: the live display counts against the dry-run's 600 messages" \
	grep -qE "customers 0/1 done, 0 failed \| messages [0-9,]+/600 handled" "$H_DIR/tty.out"
tap_not "TTY: no total marked partial" grep -qE "/≥" "$H_DIR/tty.out"

tap_done
