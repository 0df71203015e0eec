#!/usr/bin/env bash
# engine_refused: every message accounted for (issue 11, item 4), against real Dovecot.
# A message the destination refuses (over the quota, inside a MULTIAPPEND batch) is FAILED
# in the journal with the server's words, the rest of the mailbox is copied, the run exits
# 1 and status counts it failed (not in doubt). A message with NUL bytes is stored exactly
# (Dovecot has IMAP BINARY: literal8) by the destination driver.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users q1 z1
e_gen "$H_DIR/q" 20 q
# One message of ~60 KB among 20 small ones; the destination takes 30 KB in all.
big="$H_DIR/q/q.00010.eml"
{ printf 'From: big@example.com\r\nSubject: too big\r\nMessage-ID: <big@example.com>\r\n\r\n'
  for i in $(seq 1 800); do printf '%075d\r\n' "$i"; done; } >"$big"
e_deliver src q1 "$H_DIR"/q/*.eml
dovecot_set_quota dst q1 30000

e_plan "$H_DIR/q.yaml" refused src dst preserve 1 q1
"$CUTOVER" run "$H_DIR/q.yaml" >"$H_DIR/q.out" 2>&1
tap_is "$?" 1 "refused message: run exits 1"
tap_is "$(e_dst_uidls q1 | wc -l)" 19 "refused message: the 19 others are copied"
db="$H_DIR/refused.db"
tap_is "$(sqlite3 "$db" "select count(*) from message where state = 4")" 1 "refused message: FAILED in the journal"
tap_ok "refused message: the reason keeps the server's words" \
	grep -qi "quota" <<<"$(sqlite3 "$db" "select why from message where state = 4")"
tap_is "$(sqlite3 "$db" "select count(*) from message where state = 1")" 0 "refused message: nothing left in doubt"
"$CUTOVER" status "$H_DIR/q.yaml" --json >"$H_DIR/q.status" 2>&1
tap_is "$("$H_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["totals"]["messages_failed"], d["totals"]["messages_in_doubt"])' "$H_DIR/q.status" 2>&1)" \
	"1 0" "refused message: status counts it failed, none in doubt"
tap_ok "refused message: the run says done, 1 failed" grep -q "done, 1 failed (quota): 1 message(s) not copied" "$H_DIR/q.out"

# NUL bytes, through the destination driver: Dovecot has BINARY, so literal8 stores them.
[ -x "$H_TOOLS/imap_append" ] || tap_skip_all "build the tools first (make tests-bin)"
mkdir -p "$H_DIR/z"
printf 'From: nul@example.com\r\nSubject: nul\r\nMessage-ID: <nul@example.com>\r\n\r\nbefore\000after\r\n' >"$H_DIR/z/1.eml"
e_gen "$H_DIR/z" 2 z
out=$(IMAP_PASSWORD=dpw-z1 "$H_TOOLS/imap_append" -p "$(h_var dst_IMAP)" -u z1 append INBOX 10 "$H_DIR/z" 2>&1)
tap_ok "NUL bytes: the batch with a NUL message is stored ($out)" grep -q "done=3" <<<"$out"
m=$(dovecot_maildir dst z1)
tap_ok "NUL bytes: the destination stores the NUL byte exactly (BINARY literal8)" \
	grep -qaP 'before\x00after' -r "$m/cur" "$m/new"
tap_done
