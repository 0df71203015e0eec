#!/usr/bin/env bash
# pop3_exact: the POP3 source hands the engine a message's bytes exactly as the server
# sends them, against real Dovecot: NUL bytes (libetpan's line reader cut the line at the
# first one), bare CR, lines that are "." or start with dots (dot-unstuffing), a message
# with no final line break, NUL bytes across read-buffer boundaries of a 300 KB message —
# in the first fetch (alone, TOP proving itself), inside pipelined TOP batches, and in
# header blocks (TOP n 0). A scripted server covers what Dovecot never sends: a bare-LF
# terminator and a connection closed inside a body.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
FETCH="$H_TOOLS/pop3_fetch"
[ -x "$FETCH" ] || tap_skip_all "no $FETCH (build the tools first)"
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || tap_skip_all "dovecot is not installed"
dovecot_start src source || tap_skip_all "dovecot would not start"
W=$H_DIR/exact
mkdir -p "$W/got" "$W/hdr"
PW='exact pw'
dovecot_add_user src nul "$PW"
export POP3_PASSWORD=$PW
sha() { sha256sum | cut -d' ' -f1; }

hdr() { printf 'From: x%s@example.jp\r\nTo: nul@example.jp\r\nSubject: %s\r\nMessage-ID: <%s@example.jp>\r\n' "$1" "$1" "$1"; }
# 1: NUL bytes in the body (fetched alone: the first fetch proves TOP)
{ hdr nul1; printf '\r\nbefore\000after\r\n\000\000 two at a line start\r\nend\000\r\n'; } >"$W/m1"
# 2: dots: a line that is ".", one that is "..", one starting ".\r" mid-line, NUL after a dot
{ hdr dots; printf '\r\n.\r\n..\r\n.\rx\r\n.\000y\r\n...three\r\nlast\r\n'; } >"$W/m2"
# 3: bare CR inside lines, and a CR just before the CRLF
{ hdr cr; printf '\r\none\rtwo\r\nthree\r\r\nfour\r\n'; } >"$W/m3"
# 4: no line break at the end (LIST counts no CRLF; the server adds one before ".")
{ hdr noeol; printf '\r\nno final line break\000'; } >"$W/m4"
# 5: 300 KB with a NUL every ~4 KB, so NULs and dots straddle every read buffer boundary
{ hdr big; printf '\r\n'; for i in $(seq 1 2400); do printf '.%05d line of a long message\000 with NUL bytes in it, and a dot first:%060d\r\n' "$i" 0; done; } >"$W/m5"
# 6: a NUL in a header line (the header block, TOP n 0, must keep it too)
{ printf 'From: hnul@example.jp\r\nX-Odd: a\000b\r\nSubject: header NUL\r\n'; printf '\r\nbody\r\n'; } >"$W/m6"
# 7..30: plain messages so that the NUL ones are also inside pipelined batches
for i in $(seq 7 30); do { hdr "p$i"; printf '\r\nplain %s\r\n' "$i"; } >"$W/m$i"; done
cp "$W/m1" "$W/m31"; printf 'Subject: copy\000\r\n' >>"$W/m31"   # a NUL message deep in a batch
files=$(for i in $(seq 1 31); do printf 'm%s ' "$i"; done)
# shellcheck disable=SC2086
maildir_deliver src nul $(for f in $files; do printf '%s ' "$W/$f"; done) >/dev/null

"$FETCH" --host 127.0.0.1 --port "$src_POP3" --timeout 15 --user nul --save "$W/got" >"$W/out" 2>"$W/err"
tap_is "$?" 0 "fetch the mailbox ($(head -c 200 "$W/err"))"
bad=""
n=0
for f in $files; do
	n=$((n + 1))
	cmp -s "$W/$f" "$W/got/$n" || bad="$bad $f"
done
tap_is "$bad" "" "every message arrives byte for byte (NUL, bare CR, dots, no final CRLF, 300 KB)"
tap_is "$(awk 'NR==3 {print $3}' "$W/out")" "$(wc -c <"$W/m1")" "the first message (fetched alone) keeps its NUL bytes"
tap_ok "no size warning: what LIST says is what arrived" h_not grep -q "LIST says" "$W/err"

"$FETCH" --host 127.0.0.1 --port "$src_POP3" --timeout 15 --user nul --headers --save "$W/hdr" >"$W/hout" 2>"$W/herr"
tap_is "$?" 0 "header blocks (TOP n 0)"
# the header block as served: everything up to and including the empty line
hbad=$("$H_PY" - "$W" $files <<'PY'
import sys
w, bad = sys.argv[1], []
for n, f in enumerate(sys.argv[2:], 1):
    d = open(f"{w}/{f}", "rb").read()
    if open(f"{w}/hdr/{n}", "rb").read() != d[:d.find(b"\r\n\r\n") + 4]:
        bad.append(f)
print(" ".join(bad))
PY
)
tap_is "$hbad" "" "header blocks arrive byte for byte (a NUL in a header line kept)"

# --- a scripted server: what Dovecot never does ---
SS=$H_ROOT/tests/tools/scriptserver.py
ss() {   # scenario file -> port in $W/$1.port
	"$H_PY" "$SS" "$W/$1" --port-file "$W/$1.port" --log "$W/$1.log" --hang-max 20 &
	harness_on_exit "kill $! 2>/dev/null"
	for _ in $(seq 50); do [ -s "$W/$1.port" ] && break; sleep 0.1; done
}
login='S: +OK ready
C: CAPA
S: +OK
S: TOP
S: UIDL
S: .
C: USER *
S: +OK
C: PASS *
S: +OK
C: CAPA
S: +OK
S: TOP
S: UIDL
S: .
C: STAT
S: +OK 1 19
C: LIST
S: +OK
S: 1 19
S: .
C: UIDL
S: +OK
S: 1 u1
S: .'
# A server that ends lines and the terminator with a bare LF (seen on old qmail setups).
printf '%s\nC: TOP 1 *\nSN: +OK\\nSubject: lf\\n\\na\\x00b\\nc\\n.\\n\nC: *\nS: +OK\nC: *\nS: +OK\nCLOSE\n' "$login" >"$W/lf.scn"
ss lf.scn
mkdir -p "$W/lfgot"
"$FETCH" --host 127.0.0.1 --port "$(cat "$W/lf.scn.port")" --timeout 5 --user u --save "$W/lfgot" >"$W/lf.out" 2>"$W/lf.err"
tap_is "$?" 0 "bare-LF terminator: the reply ends at \".\\n\" ($(head -c 200 "$W/lf.err"))"
tap_is "$(od -An -c "$W/lfgot/1" 2>/dev/null | tr -s ' ' | tr -d '\n')" \
	" S u b j e c t : l f \n \n a \0 b \n c \n" "bare-LF reply: the bytes as sent, NUL kept"

# A connection closed inside a body: a network error within seconds, not a hang or a short message.
printf '%s\nC: TOP 1 *\nSN: +OK\\r\\nSubject: cut\\r\\n\\r\\nhalf a\\x00 line\nCLOSE\n' "$login" >"$W/cut.scn"
ss cut.scn
start=$SECONDS
"$FETCH" --host 127.0.0.1 --port "$(cat "$W/cut.scn.port")" --timeout 5 --user u >"$W/cut.out" 2>"$W/cut.err"
rc=$?
tap_ok "closed mid-body: an error, not a message ($rc: $(head -c 200 "$W/cut.err"))" \
	bash -c "[ $rc -ne 0 ] && grep -q '^error net' '$W/cut.err' && ! grep -q '^1 ' '$W/cut.out'"
tap_ok "closed mid-body: within seconds" [ $((SECONDS - start)) -lt 5 ]
tap_done
