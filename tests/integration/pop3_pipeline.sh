#!/usr/bin/env bash
# pop3_pipeline: RFC 2449 PIPELINING in the POP3 source driver, against scripted servers
# (tests/tools/scriptserver.py playing tests/data/pop3pipe/*.scenario) seen through a
# proxy that logs every write of the client as one line ("|" between its commands), so
# the round trips can be counted. A server without PIPELINING gets one command per write,
# each after the reply to the one before; a server with it gets CAPA, STAT, LIST and UIDL
# after login in one write (UIDL alone after them when CAPA did not name it), a batch's TOP commands in one write (no lone first TOP) and
# RSET and QUIT in one write, however slowly its replies come and wherever they are cut;
# a refusal in the middle of a pipelined group is reported with the server's words and
# the replies after it are read past (RSET and QUIT still follow: the session stayed in
# step); nonsense in the middle of a group ends the session without a hang.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
FETCH="$H_TOOLS/pop3_fetch"
SS="$H_ROOT/tests/tools/scriptserver.py"
DATA="$H_ROOT/tests/data/pop3pipe"
[ -x "$FETCH" ] || tap_skip_all "no $FETCH (build the tools first)"
export POP3_PASSWORD=pw

# The proxy: LISTEN_PORT_FILE UPSTREAM_PORT_FILE LOG. Client writes go to LOG, one line
# per chunk read (CR dropped, LF shown as "|", PASS masked).
cat >"$H_DIR/proxy.py" <<'EOF'
import os, re, socket, sys, threading
pf, upf, logf = sys.argv[1:4]
up = int(open(upf).read())
log = open(logf, "a", buffering=1)
def pump(a, b, tag):
    while True:
        try:
            d = a.recv(65536)
        except OSError:
            d = b""
        if tag and d:
            t = re.sub(rb"PASS [^\r\n]*", b"PASS ***", d).replace(b"\r", b"").replace(b"\n", b"|")
            log.write(t.decode("latin-1") + "\n")
        if not d:
            try: b.shutdown(socket.SHUT_WR)
            except OSError: pass
            return
        try: b.sendall(d)
        except OSError: return
def serve(c):
    u = socket.create_connection(("127.0.0.1", up))
    threading.Thread(target=pump, args=(u, c, False), daemon=True).start()
    pump(c, u, True)
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(4)
open(pf + ".tmp", "w").write(str(ls.getsockname()[1])); os.rename(pf + ".tmp", pf)
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# play NAME [pop3_fetch options]: the scenario's server and the proxy in front of it, one
# pop3_fetch through them; $d/out, $d/err, $d/rc, $d/writes (the client's writes) and
# $d/server.log (the scenario server's view) are left for the checks.
play() {
	local name=$1 pids
	shift
	d="$H_DIR/$name"
	mkdir -p "$d"
	"$H_PY" "$SS" "$DATA/$name.scenario" --port-file "$d/sport" --log "$d/server.log" --read-timeout 10 \
		--hang-max 20 &
	pids=$!
	for _ in $(seq 100); do [ -s "$d/sport" ] && break; sleep 0.05; done
	"$H_PY" "$H_DIR/proxy.py" "$d/pport" "$d/sport" "$d/writes" &
	pids="$pids $!"
	for _ in $(seq 100); do [ -s "$d/pport" ] && break; sleep 0.05; done
	timeout -k 2 30 "$FETCH" --host 127.0.0.1 --port "$(cat "$d/pport")" --timeout 5 --user u "$@" \
		>"$d/out" 2>"$d/err"
	echo $? >"$d/rc"
	sleep 0.3   # the server logs what arrived after the client left
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
}
sha() { printf 'Subject: %s\r\n\r\nab\r\n' "$1" | sha256sum | cut -d' ' -f1; }
want_msgs="1 u-one 18 $(sha 1)
2 u-two 18 $(sha 2)
3 u-three 18 $(sha 3)"
msgs() { tail -n +3 "$d/out"; }
# the client's commands, in the order they reached the server
cmds() { grep -o ' C: .*' "$d/server.log" | cut -c5-; }
no_mismatch() { ! grep -q MISMATCH "$d/server.log"; }

# --- no PIPELINING: the one-command-at-a-time path ---
play no-pipelining
tap_is "$(cat "$d/rc")" 0 "no PIPELINING: list and fetch succeed"
tap_is "$(msgs)" "$want_msgs" "no PIPELINING: keys and bytes"
tap_is "$(grep -c '|.' "$d/writes")" 0 "no PIPELINING: every write of the client holds one command"
tap_is "$(cmds | tr '\n' ' ')" \
	"CAPA USER u PASS *** CAPA STAT LIST UIDL TOP 1 2147483647 TOP 2 2147483647 TOP 3 2147483647 RSET QUIT " \
	"no PIPELINING: the commands, one after the other, ending RSET QUIT"
tap_ok "no PIPELINING: the server saw no surprise" no_mismatch

# --- PIPELINING, a slow server that cuts its replies anywhere ---
play slow-split
tap_is "$(cat "$d/rc")" 0 "PIPELINING, slow split replies: list and fetch succeed"
tap_is "$(msgs)" "$want_msgs" "PIPELINING, slow split replies: keys and bytes"
tap_is "$(cat "$d/writes")" "CAPA|
USER u|
PASS ***|
CAPA|STAT|LIST|UIDL|
TOP 1 2147483647|TOP 2 2147483647|TOP 3 2147483647|
RSET|QUIT|" "PIPELINING: after login CAPA STAT LIST UIDL in one write, the TOPs in one, RSET QUIT in one"
tap_ok "PIPELINING: the server saw no surprise" no_mismatch
tap_is "$(grep -c '^warning' "$d/err")" 0 "PIPELINING: no warning"

# --- PIPELINING without UIDL in CAPA: UIDL goes alone, after the group ---
play uidl-unadvertised
tap_is "$(cat "$d/rc"):$(msgs | head -n 2 | cut -d' ' -f2 | tr '\n' ' ')" "0:u-one u-two " \
	"UIDL not advertised: still asked for, keys are the UIDLs"
tap_is "$(sed -n '4,5p' "$d/writes" | tr '\n' ' ')" "CAPA|STAT|LIST| UIDL| " \
	"UIDL not advertised: not in the group after login, sent alone after it"
tap_ok "UIDL not advertised: the server saw no surprise" no_mismatch

# --- a refusal in the middle of a pipelined group ---
play stat-refused --list-only
tap_is "$(cat "$d/rc"):$(grep -c 'SYS/TEMP.*mailbox is being rebuilt, try later' "$d/err")" "75:1" \
	"STAT refused mid-group: a temporary error with the server's words"
tap_is "$(cmds | tail -n 2 | tr '\n' ' ')" "RSET QUIT " "STAT refused: LIST and UIDL replies read past, RSET QUIT follow"
tap_ok "STAT refused: the server saw no surprise" no_mismatch
play list-refused --list-only
tap_is "$(cat "$d/rc"):$(grep -c 'IN-USE.*listing is locked by another session' "$d/err")" "75:1" \
	"LIST refused mid-group (after a CAPA refused): locked, with the server's words"
tap_is "$(cmds | tail -n 2 | tr '\n' ' ')" "RSET QUIT " "LIST refused: UIDL reply read past, RSET QUIT follow"
tap_ok "LIST refused: the server saw no surprise" no_mismatch
play top-refused
tap_is "$(cat "$d/rc")" 0 "TOP refused mid-batch: the fetch goes on"
tap_is "$(msgs)" "1 u-one 18 $(sha 1)
missing u-two (not-found)
3 u-three 18 $(sha 3)" "TOP refused: only that message fails; the one after it is read past, then fetched"
tap_ok "TOP refused: the server saw no surprise" no_mismatch

play top-refused-all
tap_is "$(cat "$d/rc"):$(msgs | tr '\n' ' ')" \
	"0:missing u-one (not-found) missing u-two (not-found) missing u-three (not-found) " \
	"every TOP refused: each message fails alone"
tap_is "$(sed -n '5,$p' "$d/writes" | tr '\n' ' ')" \
	"TOP 1 2147483647|TOP 2 2147483647|TOP 3 2147483647| TOP 2 2147483647| TOP 3 2147483647| RSET|QUIT| " \
	"every TOP refused: after the first batch, one at a time until TOP works"
tap_ok "every TOP refused: the server saw no surprise" no_mismatch

play login-refused --list-only
tap_is "$(cat "$d/rc"):$(cmds | sed -n '4,$p' | tr '\n' ' ')" "77:QUIT " "login refused: QUIT alone after it"

# --- nonsense in the middle of a group ---
play capa-garbage --list-only
tap_is "$(cat "$d/rc"):$(grep -c 'neither +OK nor -ERR' "$d/err")" "76:1" \
	"CAPA answered with nonsense mid-group: a protocol error, no hang"
tap_is "$(cmds | sed -n '8,$p' | grep -vc '^QUIT$')" 0 "nonsense: nothing but QUIT sent after it (no RSET on a session out of step)"

tap_ok "no DELE ever reached a server" bash -c "! grep -q 'C: DELE' '$H_DIR'/*/server.log"
tap_done
