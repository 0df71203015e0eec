#!/usr/bin/env bash
# engine_spool: a message over migration.spool_threshold goes through a spool file and
# arrives byte for byte (threshold lowered to 64 KB so a 3 MB message is enough: the IMAP
# source is read in several BODY.PEEK[]<o.n> pieces, the APPEND literal streamed from the
# file in several pieces); the spool directory is empty afterwards; the same for a POP3
# source (read with TOP into the file: dot-stuffed lines, a message without a final line
# break, UIDLs kept, nothing marked \Seen); a spool directory that
# cannot be written stops the customer with a message naming it (so the spool is what the
# big message went through). File mode 0600 and unlink-at-once: tests/unit/test_spool.c.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

E_DST_SUFFIX=_a e_users spooly
dovecot_add_user dst spooly_b "dpw-spooly" || exit 1
"$H_PY" - "$H_DIR" <<'PYEOF'
import sys
d = sys.argv[1]
hdr = (b"From: big@example.com\r\nSubject: =?UTF-8?B?5aSn44GN44Gq5re75LuY?=\r\n"
       b"Message-ID: <spool@example.com>\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: text/plain; charset=UTF-8\r\n\r\n")
lines = []
for i in range(40000):
    # Japanese text, long and short lines: the 256 KB read pieces end mid-line and at CRLF
    lines.append(("%05d 日本語の行です。" % i + "あ" * (i % 40)).encode() + b"\r\n")
with open(d + "/2-big.eml", "wb") as f:
    f.write(hdr + b"".join(lines))
for n in (1, 3):
    with open("%s/%d-small.eml" % (d, n), "wb") as f:
        f.write(b"From: s@example.com\r\nSubject: small %d\r\nMessage-ID: <s%d@example.com>\r\n\r\nhi\r\n" % (n, n))
PYEOF
e_deliver src spooly "$H_DIR"/1-small.eml "$H_DIR"/2-big.eml "$H_DIR"/3-small.eml
size=$(stat -c %s "$H_DIR/2-big.eml")
echo "# big message: $size bytes"
mkdir -m 700 "$H_DIR/spool"

# IMAP source: every byte of each destination message equals the source's (the X-UIDL the
# strategy adds is taken off first), and the big one went through the spool.
same_bytes() { # DEST_USER [SOURCE_USER COUNT]
	"$H_PY" - "$src_IMAP" "$dst_IMAP" "$1" "${2:-spooly}" "${3:-3}" <<'PYEOF'
import imaplib, os, re, sys
def bodies(port, user, pw):
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(user + "*migrate", pw)
    m.select("INBOX", readonly=True)
    _, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
    m.logout()
    return [x[1] for x in data if isinstance(x, tuple)]
src = bodies(int(sys.argv[1]), sys.argv[4], os.environ["SRC_MASTER_PW"])
dst = bodies(int(sys.argv[2]), sys.argv[3], os.environ["DST_MASTER_PW"])
dst = [re.sub(rb"\AX-UIDL:[^\r\n]*\r\n", b"", b) for b in dst]
print("# source sizes %s, destination %s" % ([len(b) for b in src], [len(b) for b in dst]))
sys.exit(0 if src == dst and len(src) == int(sys.argv[5]) else 1)
PYEOF
}
export SRC_MASTER_PW=$src_MASTER_PW DST_MASTER_PW=$dst_MASTER_PW

E_SRC_PROTO=imap E_DST_SUFFIX=_a E_PLAN_EXTRA="  spool_threshold: 64KB
  spool_dir: $H_DIR/spool" e_plan "$H_DIR/a.yaml" spool src dst preserve 2 spooly
"$CUTOVER" run "$H_DIR/a.yaml" --json >"$H_DIR/a.json" 2>"$H_DIR/a.err"
tap_is "$?" 0 "run through the spool exits 0"
sed 's/^/#   /' "$H_DIR/a.err" | head -n 5
tap_is "$(e_json "$H_DIR/a.json" spooly copied)" 3 "3 messages copied"
tap_ok "every byte of the 3 MB message arrived (and of its neighbours)" same_bytes spooly_a
tap_is "$(find "$H_DIR/spool" -mindepth 1 | wc -l)" 0 "the spool directory is empty afterwards"
tap_is "$(stat -c %a "$H_DIR/spool")" 700 "the spool directory is left as it was (mode 700)"

# POP3 source: the big message and one of 2 MB that has dot-stuffed lines and no final
# line break (the server adds one before "."; the spool must not keep it).
E_DST_SUFFIX= e_users spoolp
"$H_PY" - "$H_DIR" <<'PYEOF'
import sys
lines = [b"From: dots@example.com\r\nSubject: dots\r\nMessage-ID: <dots@example.com>\r\n\r\n"]
for i in range(30000):
    lines.append(b"." if i % 7 == 0 else b"..%05d line" % i if i % 7 == 1 else b"x" * (i % 120))
    lines.append(b"\r\n")
lines.append(b"the end, no line break")
with open(sys.argv[1] + "/4-dots.eml", "wb") as f:
    f.write(b"".join(lines))
PYEOF
e_deliver src spoolp "$H_DIR"/1-small.eml "$H_DIR"/2-big.eml "$H_DIR"/4-dots.eml
pop3_before=$(e_src_uidls spoolp)
E_DST_SUFFIX= E_PLAN_EXTRA="  spool_threshold: 64KB
  spool_dir: $H_DIR/spool
  journal: $H_DIR/p.db" e_plan "$H_DIR/p.yaml" spoolp src dst preserve 2 spoolp
"$CUTOVER" run "$H_DIR/p.yaml" --json >"$H_DIR/p.json" 2>"$H_DIR/p.err"
tap_is "$?" 0 "POP3 source: run through the spool exits 0"
sed 's/^/#   /' "$H_DIR/p.err" | head -n 5
tap_is "$(e_json "$H_DIR/p.json" spoolp copied)" 3 "POP3 source: 3 messages copied"
tap_ok "POP3 source: every byte arrived (big, dot-stuffed, no final line break)" same_bytes spoolp spoolp 3
tap_is "$(find "$H_DIR/spool" -mindepth 1 | wc -l)" 0 "POP3 source: the spool directory is empty afterwards"
tap_ok "POP3 source: the destination serves the source's UIDLs" e_same_uidls spoolp
tap_is "$(e_src_uidls spoolp)" "$pop3_before" "POP3 source: its UIDLs are unchanged"
seen_flags() {
	"$H_PY" - "$src_IMAP" <<'PYEOF'
import imaplib, os, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("spoolp*migrate", os.environ["SRC_MASTER_PW"])
m.select("INBOX", readonly=True)
_, data = m.uid("FETCH", "1:*", "(FLAGS)")
m.logout()
print(sum(1 for x in data if b"\\Seen" in x))
PYEOF
}
tap_is "$(seen_flags)" 0 "POP3 source: read with TOP, nothing marked \\Seen"
# and it is the spool that carried them: without a spool directory the big one fails
dovecot_add_user dst spoolp_q "dpw-spoolp" || exit 1
E_DST_SUFFIX=_q E_PLAN_EXTRA="  spool_threshold: 64KB
  spool_dir: $H_DIR/no-such-dir
  journal: $H_DIR/q.db" e_plan "$H_DIR/q.yaml" spoolq src dst preserve 2 spoolp
"$CUTOVER" run "$H_DIR/q.yaml" --json >"$H_DIR/q.json" 2>"$H_DIR/q.err"
tap_ok "POP3 source: without its spool directory the run fails" [ "$?" != 0 ]
tap_ok "POP3 source: and the error names the spool directory" grep -q "spool file in $H_DIR/no-such-dir" "$H_DIR/q.json" "$H_DIR/q.err"

# The same with a spool directory that does not exist: the big message cannot be spooled,
# and the error says where.
E_SRC_PROTO=imap E_DST_SUFFIX=_b E_PLAN_EXTRA="  spool_threshold: 64KB
  spool_dir: $H_DIR/no-such-dir
  journal: $H_DIR/b.db" e_plan "$H_DIR/b.yaml" spoolb src dst preserve 2 spooly
"$CUTOVER" run "$H_DIR/b.yaml" --json >"$H_DIR/b.json" 2>"$H_DIR/b.err"
rc=$?
tap_ok "an unwritable spool directory fails the run (exit $rc)" [ "$rc" != 0 ]
tap_ok "and the error names the spool directory" grep -q "spool file in $H_DIR/no-such-dir" "$H_DIR/b.json" "$H_DIR/b.err"
tap_done
