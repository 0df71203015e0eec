#!/usr/bin/env bash
# imap_rtt: the IMAP session's round-trip savers, and the old way for servers without them
# (issue 14). Scripted servers (tests/tools/scriptserver.py, tests/data/imap_rtt/) that
# expect every command exactly, tags included, so a MISMATCH in a server's log fails here:
# - a server with no SASL-IR, no capabilities in the login's OK and no LIST-EXTENDED gets
#   AUTHENTICATE then its "+" step, a CAPABILITY command, LIST and LSUB; folders and
#   subscriptions come out as before;
# - a server with SASL-IR and capabilities in the OK gets the SASL response on the
#   AUTHENTICATE line (the exact payload checked) and no CAPABILITY command;
# - a server that answers the initial response with "+" gets a cancel ("*") and the
#   session ends with a protocol error, at once, not after a timeout;
# - an empty CAPABILITY code in the OK counts as none: CAPABILITY is asked;
# - EXAMINE and the listing's UID FETCH 1:* are pipelined: the messages listed and fetched,
#   an empty folder whose UID FETCH is refused is empty, a missing folder is "not found"
#   and the session stays in step (its LOGOUT is read as expected);
# - on the destination, CREATE and SUBSCRIBE of a new folder are pipelined, and a
#   subscription whose CREATE was refused is taken back.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
SS="$H_ROOT/tests/tools/scriptserver.py"
DATA="$H_ROOT/tests/data/imap_rtt"
DUMP=$H_TOOLS/imap_dump APP=$H_TOOLS/imap_append
[ -x "$DUMP" ] && [ -x "$APP" ] || tap_skip_all "build the tools first (make tests-bin)"
export IMAP_PASSWORD='master-Pw1'
B64=$("$H_PY" -c 'import base64,sys; print(base64.b64encode(b"c1\0migrate\0" + sys.argv[1].encode()).decode())' "$IMAP_PASSWORD")

# play NAME: start the scenario's server; its port in $port, its log in $H_DIR/NAME.log.
play() {
	local scen="$H_DIR/$1.scenario"
	sed "s|@B64@|$B64|" "$DATA/$1.scenario" >"$scen"
	"$H_PY" "$SS" "$scen" --port-file "$H_DIR/$1.port" --log "$H_DIR/$1.log" --read-timeout 10 --hang-max 20 &
	harness_on_exit "kill $! 2>/dev/null"
	for _ in $(seq 50); do [ -s "$H_DIR/$1.port" ] && break; sleep 0.1; done
	port=$(cat "$H_DIR/$1.port")
}
# clean NAME: the server saw every command it expected, and nothing else.
clean() { ! grep -q MISMATCH "$H_DIR/$1.log" && grep -q ' end$' "$H_DIR/$1.log"; }
folders() { "$DUMP" -p "$port" -u c1 -m migrate -T 5 folders 2>&1 | LC_ALL=C sort | tr '\t\n' '| '; }

play plain-server
out=$(folders)
tap_is "$out" "INBOX|- subscribed INBOX/Work|- subscribed Old|- " \
	"no SASL-IR, no capabilities in the OK, no LIST-EXTENDED: folders and subscriptions from LIST and LSUB"
sleep 0.3
tap_ok "... in the old order: AUTHENTICATE, \"+\", response; CAPABILITY; LIST; LSUB" clean plain-server

play modern-server
out=$(folders)
tap_is "$out" "INBOX|- subscribed INBOX/Work|- subscribed Old|- " "SASL-IR server: the same folders and subscriptions"
sleep 0.3
tap_ok "... the SASL response on the AUTHENTICATE line, no CAPABILITY after the OK with its list, LIST and LSUB sent before either reply was awaited" clean modern-server
tap_ok "the server's log masks the credential line" bash -c '! grep -qF "$1" "$2"' _ "$B64" "$H_DIR/modern-server.log"

play sasl-ir-challenged
t0=$SECONDS
out=$("$DUMP" -p "$port" -u c1 -m migrate -T 8 folders 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "76  protocol" "a \"+\" after the initial response: cancelled, a protocol error"
tap_ok "... at once, not after the 8 s timeout" test $((SECONDS - t0)) -lt 5
sleep 0.3
tap_ok "... the client sent \"*\" to cancel" grep -qF 'C: *' "$H_DIR/sasl-ir-challenged.log"

play ok-empty-capability
out=$(folders)
tap_is "$out" "INBOX|- " "an empty CAPABILITY code in the OK: CAPABILITY asked, the session goes on"
sleep 0.3
tap_ok "... CAPABILITY sent after the OK" clean ok-empty-capability

play examine-listing
out=$("$DUMP" -p "$port" -u c1 -T 5 all 2>&1 | cut -d' ' -f1-4 | tr '\t\n' '| ')
tap_is "$out" "INBOX|10 \\Seen 1034173800 5 INBOX|11 - 1034173860 5 " \
	"EXAMINE + UID FETCH 1:* pipelined: both messages listed and fetched; the empty folder's BAD is no error"
sleep 0.3
tap_ok "... EXAMINE and UID FETCH 1:* sent before either reply was awaited" clean examine-listing

play examine-missing
out=$("$DUMP" -p "$port" -u c1 -T 5 dump Gone 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "65  not-found" "a missing folder: EXAMINE's NO is the error (not the FETCH's BAD)"
sleep 0.3
tap_ok "... both replies read: the session ends with its LOGOUT" clean examine-missing

play create-subscribe
out=$("$APP" -p "$port" -u c1 -T 5 create Work/2002 2>&1); rc=$?
tap_is "$rc $out" "0 " "destination: a new subscribed folder created"
sleep 0.3
tap_ok "... CREATE and SUBSCRIBE sent before either reply was awaited" clean create-subscribe

play create-refused
out=$("$APP" -p "$port" -u c1 -T 5 create Work 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2-3)" "69  permanent: imap CREATE 'Work'" "CREATE refused: its error is the one told"
sleep 0.3
tap_ok "... the subscription sent behind it is taken back (UNSUBSCRIBE)" clean create-refused

tap_done
