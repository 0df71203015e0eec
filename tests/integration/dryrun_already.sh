#!/usr/bin/env bash
# dryrun_already: dry-run's "already on the destination" counts the source messages a run
# would find there and not copy — the run's own matching (X-UIDL, else Message-ID and
# stored size, each destination message once) — not every message in a folder of the same
# name (issue 11, item 1), per customer in text, JSON and HTML, against real Dovecot. The
# check that matters: after the journal is lost, the next run finds exactly as many as
# dry-run said. dry-run changes nothing on the destination.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users d1 d2
e_gen "$H_DIR/m1" 10 d1
e_gen "$H_DIR/m2" 10 d2
e_deliver src d1 "$H_DIR"/m1/*.eml
e_deliver src d2 "$H_DIR"/m2/*.eml
plan=$H_DIR/plan.yaml
e_plan "$plan" da src dst preserve 2 d1 d2
"$CUTOVER" run "$plan" --customer d1 >/dev/null 2>&1
tap_is "$?" 0 "d1 copied"

# Behind the tool's back: d1 loses one copied message and gets 2 that never were on the
# source; d2's INBOX holds 5 unrelated messages (a folder of the same name, nothing of d2's).
dimap() { # dimap USER OP [ARG]
	H_PW=dpw-$1 "$H_PY" - "$dst_IMAP" "$@" <<'PYEOF'
import imaplib, os, sys
port, user, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
m = imaplib.IMAP4("127.0.0.1", port); m.login(user, os.environ["H_PW"]); m.select("INBOX")
if op == "del":
    m.store(args[0], "+FLAGS", "\\Deleted"); m.expunge()
elif op == "plant":
    for i in range(int(args[0])):
        m.append("INBOX", None, None, b"From: x@example.jp\r\nSubject: planted %d\r\nMessage-ID: <planted.%d.%s@example.jp>\r\n\r\nnot from the source\r\n" % (i, i, user.encode()))
elif op == "count":
    print(m.select("INBOX", readonly=True)[1][0].decode())
m.logout()
PYEOF
}
dimap d1 del 4
dimap d1 plant 2
dimap d2 plant 5
before="$(dimap d1 count) $(dimap d2 count)"
tap_is "$before" "11 5" "destination: d1 holds 9 copies + 2 planted, d2 5 planted"

"$CUTOVER" dry-run "$plan" --format json >"$H_DIR/dry.json" 2>"$H_DIR/dry.err"
dj() { "$H_PY" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["customers"]:
    if c.get("id", c.get("customer")) == sys.argv[2]:
        print([v for k, v in c.items() if "already" in k][0])' "$H_DIR/dry.json" "$1"; }
tap_is "$(dj d1)" 9 "dry-run --format json: d1 has 9 of its messages there (not the 11 in its INBOX)"
tap_is "$(dj d2)" 0 "dry-run --format json: d2 has none (not the 5 unrelated ones)"
"$CUTOVER" dry-run "$plan" >"$H_DIR/dry.txt" 2>&1
tap_ok "dry-run text: d1 9 already on the destination" grep -q "9 already on the destination" "$H_DIR/dry.txt"
tap_not "dry-run text: no count of folder contents (11 or 5)" grep -Eq "(11|5) already on the destination" "$H_DIR/dry.txt"
"$CUTOVER" dry-run "$plan" --format html >"$H_DIR/dry.html" 2>&1
tap_ok "dry-run html: d1 9 already on the destination" grep -qE "9 already on the destination|新サーバーに既に 9 通" "$H_DIR/dry.html"  # the page is in the plan's language
tap_is "$(dimap d1 count) $(dimap d2 count)" "$before" "dry-run changed nothing on the destination"

# The journal lost: the run must find exactly what dry-run said, and copy the rest.
rm -f "$H_DIR/da.db" "$H_DIR/da.db-wal" "$H_DIR/da.db-shm"
"$CUTOVER" run "$plan" --json >"$H_DIR/run.json" 2>"$H_DIR/run.err"
tap_is "$?" 0 "the run after losing the journal exits 0"
tap_is "$(e_json "$H_DIR/run.json" d1 found_on_destination) $(e_json "$H_DIR/run.json" d1 copied)" "9 1" \
	"d1: the run found the 9 dry-run counted and copied the 1 missing"
tap_is "$(e_json "$H_DIR/run.json" d2 found_on_destination) $(e_json "$H_DIR/run.json" d2 copied)" "0 10" \
	"d2: found 0 as dry-run said, copied 10"
tap_done
