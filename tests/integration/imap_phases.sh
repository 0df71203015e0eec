#!/usr/bin/env bash
# imap_phases: an IMAP source with nested and Japanese folders, flags, keywords and dates
# is copied so a client sees the same thing on the destination (special-use and plan
# folder mapping, \Deleted skipped, exclusions, subscriptions); then the two-phase cutover:
# prestage → new mail, flag changes and a deletion on the source → final copies only the
# delta, carries the flags, reports the deletion (removed only with --mirror-deletes); a
# UIDVALIDITY reset on the source duplicates nothing; re-runs change nothing; the source
# is never modified (flags incl. \Seen compared before and after every run).
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
# The destination: '/' as delimiter and its own special-use names.
H_EXTRA_CONF='namespace inbox {
  inbox = yes
  separator = /
  mailbox Gesendet {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Papierkorb {
    special_use = \Trash
    auto = create
  }
}' dovecot_start dst dest || tap_skip_all "dovecot did not start"

mutf7() {
	"$H_PY" -c 'import base64,re,sys
enc = lambda m: "&" + base64.b64encode(m.group(0).encode("utf-16-be")).decode().rstrip("=").replace("/", ",") + "-"
print(re.sub(r"[^\x20-\x7e]+", enc, sys.argv[1].replace("&", "&-")))' "$1"
}
JA=$(mutf7 仕事) JA2=$(mutf7 報告)

e_users c1
e_gen "$H_DIR/m" 30 p
M() { printf '%s/p.%05d.eml' "$H_DIR/m" "$1"; }
maildir_deliver src c1 -t 1034000000 "$(M 1)" "$(M 2)" >/dev/null
maildir_deliver src c1 -f S -t 1034100000 "$(M 3)" >/dev/null
maildir_deliver src c1 -f FRS -t 1034200000 "$(M 4)" >/dev/null
maildir_deliver src c1 -f DT -t 1034300000 "$(M 5)" >/dev/null            # \Deleted: skipped
maildir_deliver src c1 -f Sa -t 1034400000 "$(M 6)" >/dev/null            # keyword $Forwarded
maildir_deliver src c1 -m Work -f S -t 1034500000 "$(M 7)" "$(M 8)" "$(M 9)" >/dev/null
maildir_deliver src c1 -m Work.2002 -t 1034600000 "$(M 10)" >/dev/null
maildir_deliver src c1 -m "$JA" -f Sb -t 1034700000 "$(M 11)" >/dev/null  # keyword Project-X
maildir_deliver src c1 -m "$JA.$JA2" -t 1034800000 "$(M 12)" >/dev/null
maildir_deliver src c1 -m "Sent Items" -f S -t 1034900000 "$(M 13)" >/dev/null
maildir_deliver src c1 -m Trash -f S -t 1035000000 "$(M 14)" >/dev/null
maildir_deliver src c1 -m Junk -t 1035100000 "$(M 15)" >/dev/null
maildir_deliver src c1 -m Projects.Alpha -t 1035200000 "$(M 16)" >/dev/null
SRC=$(dovecot_maildir src c1)
for d in "$SRC" "$SRC/.$JA"; do
	printf '0 $Forwarded\n1 Project-X\n' >"$d/dovecot-keywords"
done
h_chown "$SRC"

E_SRC_PROTO=imap E_PLAN_EXTRA='  exclude_folders: [Junk]
  folders:
    - { from: "Projects.*", to: "Archive/*" }' \
	e_plan "$H_DIR/plan.yaml" phases src dst preserve 1 c1

MAP=(--map "Sent Items=Gesendet" --map Trash=Papierkorb --map Projects/Alpha=Archive/Alpha)
src_dump() { H_PW=$PW_c1 "$H_PY" "$H_ROOT/tests/integration/lib/imap_dump.py" "$src_IMAP" c1 "$@"; }
dst_dump() { H_PW=dpw-c1 "$H_PY" "$H_ROOT/tests/integration/lib/imap_dump.py" "$dst_IMAP" c1 "$@"; }
# What the destination should show: the source without \Deleted mail and without Junk.
expect() { src_dump --skip-deleted "${MAP[@]}" | grep -v '^Junk	'; }
same() {
	local a b
	a=$(expect) b=$(dst_dump)
	[ "$a" = "$b" ] && return 0
	diff <(echo "$a") <(echo "$b") | head -n 12 | sed 's/^/#   /'
	return 1
}
run() { # run NAME ARGS...: a run, JSON in $H_DIR/NAME.json, source state compared around it
	local name=$1 before; shift
	before=$(src_dump)
	"$CUTOVER" run "$H_DIR/plan.yaml" --json "$@" >"$H_DIR/$name.json" 2>"$H_DIR/$name.err"
	RC=$?
	[ "$(src_dump)" = "$before" ] || { echo "# $name changed the source"; SRC_CHANGED=1; }
}
SRC_CHANGED=0
j() { e_json "$H_DIR/$1.json" c1 "$2"; }

run pre --phase prestage
tap_is "$RC" 0 "prestage exits 0"
tap_is "$(j pre copied)" 14 "prestage copies 14 of 16 messages (not the \\Deleted one, not Junk)"
tap_ok "destination shows every folder, flag, keyword, date and byte as the source does" same
folders=$(dst_dump | cut -f1 | sort -u | tr '\n' '|')
tap_is "$folders" "Archive/Alpha|Gesendet|INBOX|Papierkorb|Work|Work/2002|仕事|仕事/報告|" \
	"folders: nested, Japanese, special use (Sent Items→Gesendet, Trash→Papierkorb), plan rule, Junk excluded"
tap_ok "keywords \$Forwarded and Project-X arrived" bash -c 'grep -q "\\\$Forwarded" <<<"$1" && grep -q "Project-X" <<<"$1"' _ "$(dst_dump)"
lsub=$(H_PW=dpw-c1 "$H_PY" -c 'import imaplib,os,sys
m=imaplib.IMAP4("127.0.0.1",int(sys.argv[1])); m.login("c1",os.environ["H_PW"])
print(len([l for l in m.lsub()[1] if l])); m.logout()' "$dst_IMAP")
tap_is "$lsub" 7 "the source's 7 subscribed folders (Junk aside) are subscribed on the destination"
tap_ok "no X-UIDL header for IMAP-sourced mail" bash -c '! grep -rqs "^X-UIDL:" "$1"' _ "$(dovecot_maildir dst c1)"

ver() { # ver NAME: cutover verify --json into $H_DIR/NAME.json, exit code in VRC
	local before
	before=$(src_dump)
	"$CUTOVER" verify "$H_DIR/plan.yaml" --json >"$H_DIR/$1.json" 2>"$H_DIR/$1.err"
	VRC=$?
	[ "$(src_dump)" = "$before" ] || { echo "# verify $1 changed the source"; SRC_CHANGED=1; }
}
vj() { "$H_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["customers"][0]
print("/".join(str(x) for x in [d["phase"]] + [c.get(k) for k in sys.argv[2:]]))' "$H_DIR/$1.json" "${@:2}"; }
ver v1
tap_is "$VRC/$(vj v1 folders content_matched lost pending flags_differ dates_differ)" 0/prestage/8/14/0/0/0/0 \
	"verify after the prestage: 8 folders, 14 messages, flags and dates identical"

run pre2 --phase prestage
tap_is "$(j pre2 copied)/$(j pre2 flags_updated)/$(j pre2 deleted_on_source)" 0/0/0 "a second prestage changes nothing"

# Between the phases: new mail, flag changes, one deletion.
maildir_deliver src c1 -t 1036000000 "$(M 20)" "$(M 21)" >/dev/null
maildir_deliver src c1 -m Work -t 1036100000 "$(M 22)" >/dev/null
f=$(ls "$SRC"/cur/*:2,S | head -n 1); mv "$f" "${f%:2,S}:2,FS"          # flagged
f=$(ls "$SRC/.Work"/cur/*:2,S | head -n 1); mv "$f" "${f%:2,S}:2,"       # unread again
rm "$(ls "$SRC/.Sent Items"/cur/* | head -n 1)"                            # deleted
h_chown "$SRC"

ver v2
tap_is "$VRC/$(vj v2 lost pending flags_differ)" 0/prestage/0/3/2 \
	"verify before the final phase: 3 newer messages and 2 flag changes expected, no loss"

run fin --phase final
tap_is "$RC" 0 "final exits 0"
tap_is "$(j fin copied)" 3 "final copies only the 3 new messages"
tap_is "$(j fin flags_updated)" 2 "final carries the 2 flag changes"
tap_is "$(j fin deleted_on_source)/$(j fin removed)" 1/0 "final reports the deletion and keeps the copy"
secs=$("$H_PY" -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["seconds"])' "$H_DIR/fin.json")
echo "# final phase for a delta of 3 new messages, 2 flag changes, 1 deletion: $secs s"
tap_is "$(dst_dump | grep -c "^Gesendet")" 1 "the destination still holds the deleted message"
run fin2 --phase final --mirror-deletes
tap_is "$(j fin2 copied)/$(j fin2 removed)" 0/1 "--mirror-deletes removes it, copies nothing"
tap_ok "after the final phase the destination is what the source shows" same
order() { "$@" --ordered | awk -F'\t' '$1 == "INBOX" || $1 == "Work" { print $1, $2 }'; }
tap_is "$(order dst_dump)" "$(order src_dump --skip-deleted)" "messages keep the source's order in INBOX and Work"
ver v3
tap_is "$VRC/$(vj v3 content_matched lost pending flags_differ dates_differ)" 0/final/16/0/0/0/0 \
	"verify after the final phase: everything there, identical"
# In the window after the final phase, a new message on the old server is a loss.
maildir_deliver src c1 -t 1036150000 "$(M 24)" >/dev/null
ver v4
tap_is "$VRC/$(vj v4 pending)" 1/final/1 "verify after the final phase flags mail the final phase missed"
rm "$SRC"/new/1036150001.*; h_chown "$SRC"

# A UIDVALIDITY reset of Work on the source (index and uidlist gone), plus a flag change
# and a new message there.
sleep 1
rm -f "$SRC/.Work"/dovecot-uidlist "$SRC/.Work"/dovecot.index*
f=$(ls "$SRC/.Work"/cur/*:2,S | head -n 1); mv "$f" "${f%:2,S}:2,RS"
maildir_deliver src c1 -m Work -t 1036200000 "$(M 23)" >/dev/null
h_chown "$SRC"
dovecot_restart src
run uv --phase final
tap_is "$RC" 0 "final after a UIDVALIDITY reset exits 0"
tap_is "$(j uv copied)/$(j uv rematched)" 5/4 "the 4 known Work messages are re-matched, only the new one appended"
tap_is "$(dst_dump | grep -c '^Work	')" 5 "no duplicates in Work"
tap_ok "the flag change made with the reset is carried too" same
run uv2 --phase final
tap_is "$(j uv2 copied)/$(j uv2 flags_updated)/$(j uv2 deleted_on_source)/$(j uv2 rematched)" 0/0/0/0 \
	"a re-run after the reset changes nothing"
# A mixed plan: the source is POP3 (c2: into INBOX of the IMAP destination), one customer
# (c3) is read over IMAP from the same old server (source_protocol + source.imap_port).
e_users c2 c3
maildir_deliver src c2 "$(M 25)" "$(M 26)" >/dev/null
maildir_deliver src c3 -f S "$(M 27)" >/dev/null
maildir_deliver src c3 -m Work -f F "$(M 28)" >/dev/null
e_plan "$H_DIR/mixed.yaml" mixed src dst preserve 2 c2 c3
sed -i "s/tls: none }\$/tls: none, imap_port: $src_IMAP }/; s/\(dest_login: c3, password_env: PW_c3\)/\1, source_protocol: imap/" "$H_DIR/mixed.yaml"
"$CUTOVER" run "$H_DIR/mixed.yaml" --json >"$H_DIR/mixed.json" 2>"$H_DIR/mixed.err"
tap_is "$?/$(e_json "$H_DIR/mixed.json" c2 copied)/$(e_json "$H_DIR/mixed.json" c3 copied)" 0/2/2 \
	"mixed plan: POP3 customer and IMAP customer copied in one run"
tap_is "$(H_PW=dpw-c2 "$H_PY" "$H_ROOT/tests/integration/lib/imap_dump.py" "$dst_IMAP" c2 | cut -f1 | tr '\n' ' ')" \
	"INBOX INBOX " "the POP3 customer's mail is in INBOX"
tap_is "$(H_PW=dpw-c3 "$H_PY" "$H_ROOT/tests/integration/lib/imap_dump.py" "$dst_IMAP" c3 | cut -f1,3 | tr '\t\n' ': ')" \
	'INBOX:\Seen Work:\Flagged ' "the IMAP customer's folders and flags arrived"
"$CUTOVER" verify "$H_DIR/mixed.yaml" >"$H_DIR/mixed-verify.out" 2>&1
tap_is "$?" 0 "verify of the mixed plan (POP3 view for c2, IMAP view for c3) finds no loss"
tap_ok "no password in the output or the journals" \
	bash -c '! grep -qF -e "$PW_c1" -e "$PW_c3" -e "$DST_MASTER_PW" "$1"/*.json "$1"/*.err "$1"/*.db* "$1"/mixed-verify.out' _ "$H_DIR"

tap_is "$SRC_CHANGED" 0 "no run changed the source (flags incl. \\Seen, bytes, dates)"
tap_done
