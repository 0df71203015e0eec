#!/usr/bin/env bash
# imapsrc: the IMAP source driver against a real Dovecot (tests/harness): nested and
# Japanese folders, every message fetched with its flags, dates and exact bytes, and the
# source left exactly as it was (EXAMINE + BODY.PEEK: \Seen unchanged).
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
harness_certs
command -v dovecot >/dev/null 2>&1 || tap_skip_all "dovecot not installed"
[ -x "$H_TOOLS/imap_dump" ] || tap_skip_all "build the tools first (make tests-bin)"
dovecot_start src source good || tap_skip_all "cannot start dovecot"
dovecot_add_user src carol 'carol-Pw1'

DUMP=$H_TOOLS/imap_dump
PY="$H_PY $(dirname "$0")/imapdst_corpus.py"
C=$H_DIR/corpus
$PY corpus "$C" 30 600
f() { for i in "$@"; do printf '%s/%03d.eml\n' "$C" "$i"; done; }
maildir_deliver src carol -t 1034173800 $(f $(seq 1 10)) >/dev/null
maildir_deliver src carol -f S $(f $(seq 11 20)) >/dev/null
maildir_deliver src carol -f FRS $(f $(seq 21 30)) >/dev/null
maildir_deliver src carol -m Work $(f 1 2 3 4 5) >/dev/null
maildir_deliver src carol -m Work.2002 -f S $(f 6 7 8) >/dev/null
maildir_deliver src carol -m '&ZeVnLIqe-' $(f 9 10) >/dev/null
maildir_deliver src carol -m '&ZeVnLIqe-.&U9dP4TDIMOwwpA-' -f D $(f 2) >/dev/null
STLS=(-p "$src_IMAP" -t starttls -c "$H_CA")
export IMAP_PASSWORD='carol-Pw1'

out=$("$DUMP" "${STLS[@]}" -u carol folders 2>&1 | cut -f1 | LC_ALL=C sort | tr '\n' ' ')
tap_is "$out" "INBOX Work Work/2002 日本語 日本語/受信トレイ " "folders: nested and Japanese names in UTF-8 with '/'"

flags_before=""
for fo in INBOX Work Work.2002 '&ZeVnLIqe-'; do
	flags_before+="$fo: $(imap_flags src carol 'carol-Pw1' "$fo" | tr '\n' ';')"$'\n'
done

# Everything, through the master user (AUTHENTICATE PLAIN, authzid = carol).
IMAP_PASSWORD=$src_MASTER_PW "$DUMP" "${STLS[@]}" -u carol -m migrate all >"$H_DIR/all" 2>"$H_DIR/all.err"
tap_is "$?" 0 "dump of every folder as the master user over STARTTLS"
tap_is "$(wc -l <"$H_DIR/all")" 41 "every message of every folder fetched (30+5+3+2+1)"
tap_is "$(grep -c '^#' "$H_DIR/all")" 0 "fetched sizes equal RFC822.SIZE"

# The INBOX bodies are the delivered files, byte for byte (after CRLF normalisation), in order.
want=$($PY expect "$C" | cut -d' ' -f3,4)
got=$(grep '^INBOX	' "$H_DIR/all" | cut -f2 | cut -d' ' -f4,5)
tap_is "$got" "$want" "INBOX bodies and sizes match the delivered messages, in UID order"
got=$(grep '^日本語/受信トレイ	' "$H_DIR/all" | cut -f2 | cut -d' ' -f2,5)
tap_is "$got" "\\Draft $($PY expect "$C" | sed -n 2p | cut -d' ' -f4)" "message in the nested Japanese folder, with its flag"

# Flags as the driver reports them agree with what an independent client sees.
canon_dump() { grep "^$1	" "$H_DIR/all" | cut -f2 | while read -r uid fl _; do
	printf '%s %s\n' "$uid" "$(tr ',' '\n' <<<"$fl" | grep -v '^-$' | LC_ALL=C sort | tr '\n' ' ')"; done; }
canon_imaplib() { imap_flags src carol 'carol-Pw1' "$1" | while read -r uid fl; do
	printf '%s %s\n' "$uid" "$(tr ' ' '\n' <<<"$fl" | grep -v -e '^$' -e '^\\Recent$' | LC_ALL=C sort | tr '\n' ' ')"; done; }
tap_is "$(canon_dump INBOX)" "$(canon_imaplib INBOX)" "INBOX flags (\\Seen, \\Answered, \\Flagged) as listed = as imaplib sees them"
tap_is "$(grep -c '^INBOX	[0-9]* - ' "$H_DIR/all")" 10 "the 10 unread messages are listed without \\Seen"
tap_is "$(grep '^INBOX	' "$H_DIR/all" | head -n 1 | cut -d' ' -f3)" 1034173801 "INTERNALDATE kept (file mtime of the first message)"

flags_after=""
for fo in INBOX Work Work.2002 '&ZeVnLIqe-'; do
	flags_after+="$fo: $(imap_flags src carol 'carol-Pw1' "$fo" | tr '\n' ';')"$'\n'
done
tap_is "$flags_after" "$flags_before" "source flags unchanged after fetching everything (\\Seen not set)"
tap_is "$(ls "$(dovecot_maildir src carol)/new" | wc -l)" 10 "unread INBOX files still in new/ (nothing moved them to cur/)"

# Plain LOGIN without TLS and implicit TLS also work; a wrong password is ERR_AUTH.
out=$("$DUMP" -p "$src_IMAP" -u carol dump Work 2>&1 | wc -l)
tap_is "$out" 5 "plain LOGIN, dump of Work"
out=$("$DUMP" -p "$src_IMAPS" -t tls -c "$H_CA" -u carol dump 'Work/2002' 2>&1 | cut -d' ' -f2 | tr '\n' ' ')
tap_is "$out" '\Seen \Seen \Seen ' "IMAPS, dump of the nested folder Work/2002"
out=$(IMAP_PASSWORD=nope "$DUMP" -p "$src_IMAP" -u carol folders 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "77  auth" "wrong password -> ERR_AUTH"
out=$("$DUMP" -p "$src_IMAP" -u carol dump Nonexistent 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "65  not-found" "EXAMINE of a missing folder -> ERR_NOTFOUND"

tap_done
