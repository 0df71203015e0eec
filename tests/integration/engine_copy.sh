#!/usr/bin/env bash
# engine_copy: `cutover run` copies several customers with several workers from a POP3
# source to an IMAP destination; the destination serves the old UIDLs over POP3, in the
# same order; awkward messages (ISO-2022-JP, 8-bit headers, bare LF, shared Message-IDs,
# byte-identical duplicates, no Message-ID/Received, dot lines, odd UIDL characters) are all
# copied exactly once; the source is unchanged; a second run copies nothing; verify is 100%.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users c1 c2 c3 c4
e_special "$H_DIR/special"
e_gen "$H_DIR/m2" 120 b
e_gen "$H_DIR/m3" 7 c
maildir_deliver src c1 "$H_DIR"/special/*.eml >/dev/null
maildir_deliver src c2 "$H_DIR"/m2/*.eml >/dev/null
maildir_deliver src c3 "$H_DIR"/m3/*.eml >/dev/null
# c3: UIDLs with unusual but RFC 1939-legal characters (0x21-0x7E): rename the Maildir
# files the source serves them from (pop3_uidl_format = %f).
n=0
for f in "$(dovecot_maildir src c3)"/new/*; do
	n=$((n + 1))
	case $n in
	1) new='x!#$%&'"'"'()*+,-.;<=>?@[\]^_`{|}~1' ;;
	2) new='"quoted"2' ;;
	3) new='a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.0123456789.ABCDEFG' ;;
	*) new="plain$n" ;;
	esac
	mv "$f" "$(dirname "$f")/$new"
done
# c4: empty mailbox.

# \Recent belongs to whichever session looks first; every other flag must stay as it was.
src_flags() { imap_flags src c2 "$PW_c2" | sed 's/ *\\Recent//; s/ *$//'; }
flags_before=$(src_flags)
e_plan "$H_DIR/plan.yaml" copy src dst preserve 3 c1 c2 c3 c4

"$CUTOVER" run "$H_DIR/plan.yaml" --json >"$H_DIR/run1.json" 2>"$H_DIR/run1.err"
tap_is "$?" 0 "first run exits 0"
tap_is "$(e_json_sum "$H_DIR/run1.json" copied)" 137 "first run copies all 10+120+7 messages"
for c in c1 c2 c3 c4; do
	tap_ok "$c: destination serves the source's UIDLs, same order, nothing extra" e_same_uidls "$c"
done
odd='x!#$%&'"'"'()*+,-.;<=>?@[\]^_`{|}~1'
tap_is "$(e_dst_uidls c3 | grep -cxF -e "$odd" -e '"quoted"2')" 2 "odd UIDL characters reach the client"
tap_is "$(src_flags)" "$flags_before" "source flags unchanged (nothing marked \\Seen)"
tap_ok "no password in the output or the journal" \
	bash -c '! grep -qF -e "$PW_c1" -e "$DST_MASTER_PW" "$1"/run1.* "$1"/copy.db*' _ "$H_DIR"

# Bytes: the destination copy is "X-UIDL: <uidl>\r\n" + the source bytes (CRLF).
"$H_PY" - "$H_DIR" "$dst_POP3" "$src_POP3" "$PW_c1" <<'PYEOF' >"$H_DIR/bytes.out"
import poplib, sys
d, dp, sp, spw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def msgs(port, user, pw):
    p = poplib.POP3("127.0.0.1", port); p.user(user); p.pass_(pw)
    out = []
    for line in p.uidl()[1]:
        n, u = line.decode().split(" ", 1)
        out.append((u, b"\r\n".join(p.retr(int(n))[1]) + b"\r\n"))
    p.quit(); return out
src, dst = msgs(sp, "c1", spw), msgs(dp, "c1", "dpw-c1")
bad = 0
for (su, sb), (du, db) in zip(src, dst):
    if db != b"X-UIDL: " + su.encode() + b"\r\n" + sb.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"):
        bad += 1; print("differs:", su)
print("bad", bad, "count", len(src), len(dst))
PYEOF
tap_is "$(tail -n 1 "$H_DIR/bytes.out")" "bad 0 count 10 10" "every message arrives byte for byte, plus one X-UIDL line"

# INTERNALDATE comes from the top Received: header.
date_got=$(H_PW=dpw-c1 "$H_PY" - "$dst_IMAP" <<'PYEOF'
import imaplib, os, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("c1", os.environ["H_PW"])
m.select("INBOX", readonly=True)
typ, data = m.fetch("1", "(INTERNALDATE)")
print(data[0].decode().split('"')[1]); m.logout()
PYEOF
)
tap_is "$date_got" "22-Oct-2002 14:40:00 +0000" "INTERNALDATE is the top Received: date"

"$CUTOVER" run "$H_DIR/plan.yaml" --json --workers 2 >"$H_DIR/run2.json" 2>"$H_DIR/run2.err"
tap_is "$?" 0 "second run exits 0"
tap_is "$(e_json_sum "$H_DIR/run2.json" copied)" 0 "second run copies nothing"
tap_is "$(e_json_sum "$H_DIR/run2.json" skipped)" 137 "second run finds all 137 already there"
for c in c1 c2 c3; do
	tap_ok "$c: still exactly once after the second run" e_same_uidls "$c"
done

"$CUTOVER" verify "$H_DIR/plan.yaml" >"$H_DIR/verify.out" 2>&1
tap_is "$?" 0 "verify exits 0"
tap_ok "verify reports 100% of UIDLs preserved" grep -q 'UIDLs preserved: 137/137 (100.0%)' "$H_DIR/verify.out"
grep -E '^c[0-9]' "$H_DIR/verify.out" | sed 's/^/# /'

# Not a TTY: timestamped log lines, and the summary table.
tap_ok "plain log lines carry a timestamp in the plan's offset" grep -qE '^20[0-9-]+T[0-9:]+\+09:00 c[0-9] info: done' "$H_DIR/run1.err"
tap_done
