#!/usr/bin/env bash
# verify_altered: a message that cannot be stored byte for byte is copied with its change
# recorded, and verify accepts exactly that (issue 11, items 4 and 7), against real Dovecot
# and a POP3 source: a message with bare CR bytes (every APPEND path stores them as CR LF)
# is recorded ALTERED with what changed, said in the run summary and its JSON, and
# `verify` reports it "altered as recorded" and exits 0, status counts it; a message with NUL bytes is stored
# exactly (Dovecot has BINARY: literal8) and is not altered at all. A change made on the
# destination behind the tool's back (unrecorded) is reported altered, exit 1.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users a1
e_gen "$H_DIR/m" 4 a
{ printf 'From: cr@example.jp\r\nSubject: bare CR\r\nMessage-ID: <cr@example.jp>\r\n\r\n'
  printf 'one\rtwo\r\nthree\r\r\nfour\r\n'; } >"$H_DIR/m/a.00002.eml"
{ printf 'From: nul@example.jp\r\nSubject: NUL\r\nMessage-ID: <nul@example.jp>\r\n\r\n'
  printf 'before\000after\r\n'; } >"$H_DIR/m/a.00003.eml"
e_deliver src a1 "$H_DIR"/m/*.eml
plan=$H_DIR/plan.yaml
e_plan "$plan" va src dst preserve 1 a1
db=$H_DIR/va.db

"$CUTOVER" run "$plan" >"$H_DIR/run.out" 2>&1
tap_is "$?" 0 "run exits 0 ($(tail -n 3 "$H_DIR/run.out" | tr '\n' ' '))"
tap_is "$(sqlite3 "$db" "select count(*) from message where state = 2")" 4 "all 4 messages DONE"
tap_is "$(sqlite3 "$db" "select altered from message where altered is not null")" \
	"2 bare CR byte(s) stored as CR LF" "the bare-CR message alone is recorded ALTERED, saying what changed"
tap_ok "the run summary says so" grep -q "a1: 1 stored ALTERED" "$H_DIR/run.out"
"$CUTOVER" run "$plan" --json >"$H_DIR/run2.json" 2>/dev/null
"$CUTOVER" status "$plan" --json >"$H_DIR/status.json" 2>&1
tap_is "$("$H_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["messages_altered"])' "$H_DIR/status.json" 2>&1)" \
	1 "status --json counts it: totals.messages_altered 1"
"$CUTOVER" status "$plan" >"$H_DIR/status.out" 2>&1
tap_ok "status says so" grep -q "^1 copied ALTERED" "$H_DIR/status.out"
m=$(dovecot_maildir dst a1)
tap_ok "the NUL bytes are stored exactly (BINARY literal8)" grep -qaP 'before\x00after' -r "$m/cur" "$m/new"
tap_ok "the bare CRs were stored as CR LF (what the record says)" grep -qaP '^one$' -r "$m/cur" "$m/new"

ver() { # ver NAME: verify --json into NAME.json, text into NAME.out; VRC, TRC
	"$CUTOVER" verify "$plan" --json >"$H_DIR/$1.json" 2>"$H_DIR/$1.err"
	VRC=$?
	"$CUTOVER" verify "$plan" >"$H_DIR/$1.out" 2>&1
	TRC=$?
}
vj() { "$H_PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["customers"][0]; print(c["altered"], c["altered_recorded"], c["missing"], c["extra"])' "$H_DIR/$1.json"; }
ver v1
tap_is "$VRC/$TRC" "0/0" "verify accepts the recorded alteration: exit 0 ($(head -c 300 "$H_DIR/v1.out"))"
tap_is "$(vj v1)" "0 1 0 0" "verify --json: altered 0, altered_recorded 1, nothing missing or extra"
tap_ok "verify's text says altered as recorded" grep -q "1 altered as recorded" "$H_DIR/v1.out"

# Behind the tool's back: the body of a plain message changed on the destination.
H_PW=dpw-a1 "$H_PY" - "$dst_IMAP" <<'PYEOF'
import imaplib, os, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("a1", os.environ["H_PW"]); m.select("INBOX")
b = m.fetch("1", "(BODY.PEEK[])")[1][0][1]
m.store("1", "+FLAGS", "\\Deleted"); m.expunge()
m.append("INBOX", None, None, b.replace(b"body of", b"BODY CHANGED of"))
m.logout()
PYEOF
ver v2
tap_is "$VRC/$TRC" "1/1" "an unrecorded change on the destination: verify exits 1"
tap_is "$(vj v2)" "1 1 0 0" "verify --json: altered 1 (unrecorded), the recorded one still accepted"
tap_done
