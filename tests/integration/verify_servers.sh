#!/usr/bin/env bash
# verify_servers: `cutover verify` reads both servers and finds on its own what was done
# behind the tool's back, with or without the journal: duplicates appended on the
# destination, a message removed, a message's body changed, the POP3 order changed, an
# extra message in an IMAP-sourced customer's folder, a message the journal recorded
# FAILED. Counts per customer and per folder in --json; exit 1 on any. The source is
# only read. Also times verify on a 2,000-message mailbox.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# c1 duplicates, c3 a loss, c4 altered, c5 order, c7 failed recorded (POP3, preserve);
# c2 an IMAP source with two folders.
e_users c1 c2 c3 c4 c5 c7
for c in c1 c3 c4 c5 c7; do
	e_gen "$H_DIR/m-$c" 10 "$c"
	maildir_deliver src "$c" "$H_DIR/m-$c"/*.eml >/dev/null
done
e_gen "$H_DIR/m-c2" 5 c2
maildir_deliver src c2 -f S "$H_DIR/m-c2/c2.00001.eml" "$H_DIR/m-c2/c2.00002.eml" >/dev/null
maildir_deliver src c2 -m Work "$H_DIR/m-c2/c2.00003.eml" "$H_DIR/m-c2/c2.00004.eml" >/dev/null
plan=$H_DIR/plan.yaml
e_plan "$plan" vs src dst preserve 2 c1 c2 c3 c4 c5 c7
sed -i "s/tls: none }\$/tls: none, imap_port: $src_IMAP }/; s/\(dest_login: c2, password_env: PW_c2\)/\1, source_protocol: imap/" "$plan"
db=$H_DIR/vs.db

"$CUTOVER" run "$plan" --json >"$H_DIR/run.json" 2>"$H_DIR/run.err"
tap_is "$?" 0 "the run exits 0"
tap_is "$(e_json_sum "$H_DIR/run.json" copied)" 54 "the run copies 5×10 POP3 + 4 IMAP messages"

# What the source looks like to anyone: UIDL lists and the Maildir files (flags are in
# the names), before and after every verify.
src_state() {
	for c in c1 c2 c3 c4 c5 c7; do e_src_uidls "$c"; done
	find "$(h_var src_DIR)" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%f\n' | sort
}
before=$(src_state)

ver() { # ver NAME [ARGS]: verify --json into NAME.json and text into NAME.out, exit codes VRC/TRC
	local name=$1; shift
	"$CUTOVER" verify "$plan" --json "$@" >"$H_DIR/$name.json" 2>"$H_DIR/$name.err"
	VRC=$?
	"$CUTOVER" verify "$plan" "$@" >"$H_DIR/$name.out" 2>&1
	TRC=$?
}
# vj NAME CUSTOMER [FOLDER]: "missing/extra/duplicated/altered/out_of_order/failed"
vj() {
	"$H_PY" - "$H_DIR/$1.json" "$2" "${3:-}" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["customers"] if c["customer"] == sys.argv[2]][0]
if sys.argv[3]:
    c = [f for f in c["by_folder"] if f["folder"] == sys.argv[3]][0]
print("/".join(str(c[k]) for k in ("missing", "extra", "duplicated", "altered", "out_of_order", "failed")))
PYEOF
}

ver v0
tap_is "$VRC/$TRC" 0/0 "after a good run verify exits 0 (text and --json)"
for c in c1 c2 c3 c4 c5 c7; do
	tap_is "$(vj v0 $c)" 0/0/0/0/0/0 "$c: nothing missing, extra, duplicated, altered, out of order or failed"
done

# Tampering with the destination, as a person or another program might.
# dimap CUSTOMER OP ARGS: python imaplib on the destination (c's own login).
dimap() {
	H_PW=dpw-$1 "$H_PY" - "$dst_IMAP" "$@" <<'PYEOF'
import imaplib, os, sys
port, user, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
m = imaplib.IMAP4("127.0.0.1", port); m.login(user, os.environ["H_PW"])
folder = args[0]
m.select(folder)
def body(seq):
    typ, d = m.fetch(seq, "(BODY.PEEK[])")
    return d[0][1]
if op == "dup":          # dup FOLDER SEQ N: N more copies of message SEQ
    b = body(args[1])
    for _ in range(int(args[2])):
        m.append(folder, None, None, b)
elif op == "del":        # del FOLDER SEQ: expunge message SEQ
    m.store(args[1], "+FLAGS", "\\Deleted"); m.expunge()
elif op == "move-last":  # move-last FOLDER SEQ: expunge it and append it again (at the end)
    b = body(args[1]); m.store(args[1], "+FLAGS", "\\Deleted"); m.expunge(); m.append(folder, None, None, b)
elif op == "alter":      # alter FOLDER SEQ: expunge it, append it with another body
    b = body(args[1]); m.store(args[1], "+FLAGS", "\\Deleted"); m.expunge()
    m.append(folder, None, None, b.replace(b"body of", b"BODY CHANGED of"))
elif op == "new":        # new FOLDER: a message that never was on the source
    m.append(folder, None, None, b"From: x@example.jp\r\nSubject: planted\r\nMessage-ID: <planted@example.jp>\r\n\r\nplanted\r\n")
m.logout()
PYEOF
}
dimap c1 dup INBOX 3 2
dimap c3 del INBOX 4
dimap c4 alter INBOX 10
dimap c5 move-last INBOX 2
dimap c2 new Work
dimap c7 del INBOX 6
# c7: the journal recorded that message as FAILED (as a refused message is).
u7=$(e_src_uidls c7 | sed -n 6p)
sqlite3 "$db" "UPDATE message SET state = 4, why = 'refused by the destination' WHERE customer = 'c7' AND src_key = '$u7';"

ver v1
tap_is "$VRC/$TRC" 1/1 "after tampering verify exits 1 (text and --json)"
tap_is "$(vj v1 c1)" 0/0/2/0/0/0 "2 extra copies of one message: duplicated 2"
tap_ok "the text says duplicated 2 and names the UIDL" \
	bash -c 'grep -qE "^c1 .*duplicated 2" "$1" && grep -qF "$2" "$1"' _ "$H_DIR/v1.out" "$(e_src_uidls c1 | sed -n 3p)"
grep -E '^(c[0-9] |    )' "$H_DIR/v1.out" | sed 's/^/# /'
tap_is "$(vj v1 c3)" 1/0/0/0/0/0 "a message removed from the destination: missing 1"
tap_ok "the text names the missing UIDL" grep -qF "$(e_src_uidls c3 | sed -n 4p)" "$H_DIR/v1.out"
tap_is "$(vj v1 c4)" 0/0/0/1/0/0 "a body changed on the destination (same X-UIDL): altered 1"
tap_is "$(vj v1 c5)" 0/0/0/0/1/0 "a message moved to the end of the POP3 list: out_of_order 1"
tap_ok "the text names the moved UIDL" grep -qF "out of order $(e_src_uidls c5 | sed -n 2p)" "$H_DIR/v1.out"
tap_is "$(vj v1 c2 Work)/$(vj v1 c2 INBOX)" 0/1/0/0/0/0/0/0/0/0/0/0 "IMAP source: the planted message is extra 1 in Work, INBOX clean"
tap_is "$(vj v1 c7)" 0/0/0/0/0/1 "a missing message the journal recorded FAILED: failed 1, not missing"
tap_ok "verify names no message content" bash -c '! grep -qE "planted|BODY CHANGED|body of" "$1"/v1.out "$1"/v1.json' _ "$H_DIR"

# The journal is gone: the servers still tell the same story (c7's failure is then an
# ordinary loss: nothing recorded it).
rm -f "$db" "$db"-wal "$db"-shm
ver v2
tap_is "$VRC" 1 "without the journal verify still exits 1"
same=1
for c in c1 c2 c3 c4 c5; do [ "$(vj v1 $c)" = "$(vj v2 $c)" ] || { same=0; echo "# $c: $(vj v1 $c) then $(vj v2 $c)"; }; done
tap_is "$same" 1 "without the journal: the same counts for every tampered customer"
tap_is "$(vj v2 c7)" 1/0/0/0/0/0 "without the journal the FAILED message is missing 1"
tap_ok "verify created no journal" test ! -e "$db"
tap_is "$(src_state)" "$before" "verify never changed the source (UIDLs, files, flags)"

# Speed: one listing per side, digests in batches — a 2,000-message mailbox.
e_users c6
e_gen "$H_DIR/m-c6" 2000 c6
maildir_deliver src c6 "$H_DIR/m-c6"/*.eml >/dev/null
e_plan "$H_DIR/big.yaml" big src dst preserve 1 c6
"$CUTOVER" run "$H_DIR/big.yaml" >/dev/null 2>"$H_DIR/big.err"
tap_is "$?" 0 "2,000 messages copied"
t0=$EPOCHREALTIME
"$CUTOVER" verify "$H_DIR/big.yaml" --json >"$H_DIR/big.json" 2>&1
rc=$?
t1=$EPOCHREALTIME
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "# verify of 2,000 messages (both sides read, digested, compared): $secs s"
tap_is "$rc/$(plan=$H_DIR/big.yaml; vj big c6)" 0/0/0/0/0/0/0 "verify of 2,000 messages: exact"
tap_ok "verify of 2,000 messages takes under 30 s" awk -v s="$secs" 'BEGIN { exit !(s < 30) }'
tap_done
