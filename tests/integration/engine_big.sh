#!/usr/bin/env bash
# engine_big: a 1,000-message mailbox and a 20 MB message (beside small ones, so batches
# are cut by bytes as well as by count) are copied exactly once, in order, with memory
# bounded: the process's peak RSS stays far below the mailbox size.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users thousand huge
"$H_PY" - "$H_DIR" <<'PYEOF'
import os, sys
d = sys.argv[1]
os.makedirs(d + "/t", exist_ok=True); os.makedirs(d + "/h", exist_ok=True)
for i in range(1, 1001):
    with open("%s/t/%05d.eml" % (d, i), "wb") as f:
        f.write(b"From: s%d@example.com\r\nSubject: msg %d\r\nMessage-ID: <t%d@example.com>\r\n"
                b"Date: Wed, 9 Oct 2002 23:00:00 +0900\r\n\r\n" % (i, i, i) + b"x" * (i % 700) + b"\r\n")
line = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKL\r\n"
hdr = (b"From: big@example.com\r\nSubject: twenty megabytes\r\nMessage-ID: <big@example.com>\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n")
body = line * ((20 * 1024 * 1024 - len(hdr)) // len(line))
for i, name in enumerate(["1-small", "2-big", "3-small"]):
    with open("%s/h/%s.eml" % (d, name), "wb") as f:
        if name == "2-big":
            f.write(hdr + body)
        else:
            f.write(b"From: s@example.com\r\nSubject: small %d\r\nMessage-ID: <s%d@example.com>\r\n\r\nhi\r\n" % (i, i))
PYEOF
e_deliver src thousand "$H_DIR"/t/*.eml
e_deliver src huge "$H_DIR"/h/*.eml
e_plan "$H_DIR/plan.yaml" big src dst preserve 2 thousand huge

/usr/bin/time -f "%M" -o "$H_DIR/rss" "$CUTOVER" run "$H_DIR/plan.yaml" --json >"$H_DIR/run.json" 2>"$H_DIR/run.err"
tap_is "$?" 0 "run exits 0"
tap_is "$(e_json "$H_DIR/run.json" thousand copied)" 1000 "1,000 messages copied"
tap_is "$(e_json "$H_DIR/run.json" huge copied)" 3 "the 20 MB message and its neighbours copied"
tap_ok "thousand: exactly once, in order" e_same_uidls thousand
tap_ok "huge: exactly once, in order" e_same_uidls huge
rss=$(tail -n 1 "$H_DIR/rss")
# AddressSanitizer keeps freed memory in quarantine and adds shadow memory: allow twice.
limit=200
case "${CUTOVER_BUILD:-build}" in *san*) limit=400 ;; esac
echo "# peak RSS ${rss} KB (limit $limit MB)"
tap_ok "peak memory stays under $limit MB (20 MB message, 1,000-message mailbox, 2 workers)" [ "$rss" -lt $((limit * 1024)) ]
"$CUTOVER" verify "$H_DIR/plan.yaml" >"$H_DIR/verify.out" 2>&1
tap_is "$?" 0 "verify: the 20 MB message's digest matches"
sed 's/^/# /' "$H_DIR/verify.out"
tap_done
