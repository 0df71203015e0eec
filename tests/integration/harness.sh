#!/usr/bin/env bash
# harness.sh: proves tests/harness/lib.sh — real source and destination Dovecot servers,
# users, Maildir delivery, logins from C (libetpan) over every port, master user, qmail-style
# UIDLs on the source, X-UIDL reuse on the destination, quota, clean stop (TLS certificates:
# harness_tls.sh).
# shellcheck disable=SC2154 # ${NAME}_PORT variables are exported by lib.sh
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init

etpan() { h_etpan "$@"; }
t0=$SECONDS
ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
t=$(ms)
tap_ok "source server starts" dovecot_start src source
start_ms=$(( $(ms) - t ))
tap_ok "destination server starts" dovecot_start dst dest
tap_ok "eight distinct ports" test "$(printf '%s\n' "$src_IMAP" "$src_IMAPS" "$src_POP3" "$src_POP3S" \
	"$dst_IMAP" "$dst_IMAPS" "$dst_POP3" "$dst_POP3S" | sort -u | wc -l)" = 8

dovecot_add_user src alice 'al1ce-old'
dovecot_add_user src bob 'b0b old pw'
dovecot_add_user dst alice 'al1ce-new' 20000

m="$H_DIR/msgs"; mkdir -p "$m"
for i in 1 2 3; do
	printf 'From: sender%d@example.jp\r\nTo: alice@example.jp\r\nSubject: test %d\r\nMessage-ID: <%d@example.jp>\r\n\r\nbody %d\r\n' \
		"$i" "$i" "$i" "$i" >"$m/$i.eml"
done
names=$(maildir_deliver src alice "$m/1.eml" "$m/2.eml" "$m/3.eml")
tap_is "$(echo "$names" | wc -l)" 3 "three messages delivered"
tap_ok "qmail-style file names (TIME.PID.HOST)" \
	bash -c '! grep -vqE "^[0-9]{10}\.[0-9]+\.[a-z0-9.]+$" <<<"$1"' _ "$names"

out=$(etpan 'al1ce-old' -u pop3 127.0.0.1 "$src_POP3" alice)
tap_is "$(head -n 1 <<<"$out")" "count 3" "source POP3 USER/PASS: 3 messages"
tap_is "$(grep '^uidl' <<<"$out" | cut -d' ' -f3)" "$names" "source POP3 UIDLs are the Maildir names, in delivery order"
tap_is "$(pop3_uidls src alice 'al1ce-old' | cut -d' ' -f2)" "$names" "pop3_uidls agrees"
tap_is "$(etpan 'al1ce-old' -t starttls pop3 127.0.0.1 "$src_POP3" alice | head -n 1)" "count 3" "source POP3 STLS"
tap_is "$(etpan 'al1ce-old' -t implicit pop3 127.0.0.1 "$src_POP3S" alice | head -n 1)" "count 3" "source POP3S"
tap_is "$(etpan 'al1ce-old' imap 127.0.0.1 "$src_IMAP" alice | head -n 1)" "count 3" "source IMAP LOGIN"
tap_is "$(etpan 'al1ce-old' -t starttls imap 127.0.0.1 "$src_IMAP" alice | head -n 1)" "count 3" "source IMAP STARTTLS"
tap_is "$(etpan 'al1ce-old' -t implicit imap 127.0.0.1 "$src_IMAPS" alice | head -n 1)" "count 3" "source IMAPS"
tap_is "$(etpan 'b0b old pw' pop3 127.0.0.1 "$src_POP3" bob)" "count 0" "second user, password with spaces, empty mailbox"
out=$(etpan 'wrong' pop3 127.0.0.1 "$src_POP3" alice)
tap_ok "wrong password is refused" grep -q '^fail pass:' <<<"$out"

tap_ok "source offers APOP, and APOP works" "$H_PY" -c '
import os, poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
assert p.timestamp.search(p.welcome), p.welcome
p.apop("alice", "al1ce-old")
assert p.stat()[0] == 3
p.quit()' "$src_POP3"

# A held session holds Dovecot's maildrop lock; a second login would wait Dovecot's fixed
# 10 s for it and then get -ERR [IN-USE] (pop3src.sh tests that), so look at the lock file.
lock="$(dovecot_maildir src alice)/dovecot-pop3-session.lock"
holder=$(pop3_hold src alice 'al1ce-old' 30)
harness_on_exit "kill $holder 2>/dev/null"
tap_ok "pop3_hold returns logged in, holding the maildrop lock" test -e "$lock"
kill "$holder"
for _ in $(seq 100); do [ -e "$lock" ] || break; sleep 0.05; done
tap_not "the lock is gone when the holder is killed" test -e "$lock"
tap_is "$(etpan 'al1ce-old' pop3 127.0.0.1 "$src_POP3" alice | head -n 1)" "count 3" "and POP3 login works again"

# Destination: a message carrying the old UIDL, one without, one flagged.
printf 'X-UIDL: %s\r\nSubject: migrated\r\n\r\nold mail\r\n' "$(head -n 1 <<<"$names")" >"$m/x.eml"
maildir_deliver dst alice "$m/x.eml" "$m/2.eml" >/dev/null
maildir_deliver dst alice -f FS "$m/3.eml" >/dev/null
maildir_deliver dst alice -m Sent -f S "$m/1.eml" >/dev/null
out=$(etpan 'al1ce-new' -u pop3 127.0.0.1 "$dst_POP3" alice)
tap_is "$(head -n 1 <<<"$out")" "count 3" "destination POP3: 3 messages in INBOX"
tap_is "$(grep '^uidl 1 ' <<<"$out" | cut -d' ' -f3)" "$(head -n 1 <<<"$names")" \
	"destination serves the X-UIDL header as the UIDL (pop3_reuse_xuidl)"
tap_ok "destination's own UIDLs for other messages" \
	test "$(grep '^uidl 2 ' <<<"$out" | cut -d' ' -f3)" != "$(sed -n 2p <<<"$names")"
tap_is "$(imap_flags dst alice 'al1ce-new' | sed -n 3p)" '3 \Flagged \Seen' "flags on delivery reach IMAP"
tap_is "$(etpan 'al1ce-new' -f Sent imap 127.0.0.1 "$dst_IMAP" alice | head -n 1)" "count 1" "delivery into a folder"
maildir_deliver dst alice -m '日本語.Café & Co' "$m/1.eml" "$m/2.eml" >/dev/null
tap_is "$(etpan 'al1ce-new' -f '&ZeVnLIqe-.Caf&AOk- &- Co' imap 127.0.0.1 "$dst_IMAP" alice | head -n 1)" \
	"count 2" "a UTF-8 folder name is stored as mUTF-7 (日本語.Café & Co)"

out=$(etpan "$dst_MASTER_PW" -m "$dst_MASTER_USER" -t starttls imap 127.0.0.1 "$dst_IMAP" alice)
tap_is "$(head -n 1 <<<"$out")" "count 3" "destination IMAP master user (AUTHENTICATE PLAIN authzid)"
tap_is "$(etpan "$dst_MASTER_PW" -m "$dst_MASTER_USER" -t implicit pop3 127.0.0.1 "$dst_POP3S" alice | head -n 1)" \
	"count 3" "destination POP3S master user (USER alice*migrate)"
out=$(etpan 'nope' -m "$dst_MASTER_USER" imap 127.0.0.1 "$dst_IMAP" alice)
tap_ok "wrong master password is refused" grep -q '^fail authenticate:' <<<"$out"

caps=$("$H_PY" -c '
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=10)
m.login("alice", "al1ce-new")
print(m.capability()[1][0].decode())
m.logout()' "$dst_IMAP")
for c in UIDPLUS MULTIAPPEND LITERAL+ QUOTA; do
	tap_ok "destination advertises $c after login" grep -qw -- "$c" <<<"$caps"
done
# append_big PORT WANT: APPEND 30 kB as alice; the answer must be WANT (OK or NO [OVERQUOTA]).
append_big() {
	"$H_PY" -c '
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=10)
m.login("alice", "al1ce-new")
typ, data = m.append("INBOX", None, None, b"Subject: big\r\n\r\n" + b"x" * 30000 + b"\r\n")
want = sys.argv[2]
assert typ == want and (b"OVERQUOTA" if want == "NO" else b"APPENDUID") in data[0], (typ, data)
m.logout()' "$@"
}
tap_ok "APPEND over the 20000-byte quota gets NO [OVERQUOTA]" append_big "$dst_IMAP" NO
tap_ok "doveadm sees the 20000-byte quota" grep -qE 'STORAGE +[0-9]+ +(19|20) ' <<<"$(dovecot_doveadm dst quota get -u alice)"
dovecot_set_quota dst alice 0
tap_ok "quota can be lifted while running" append_big "$dst_IMAP" OK

# A test killed with SIGKILL runs no trap: the watchdog must still stop its servers.
bash -c '. "$1"; harness_init; dovecot_start k source; echo "$k_DIR" >"$2"; sleep 60' _ \
	"$H_ROOT/tests/harness/lib.sh" "$H_DIR/kdir" >/dev/null 2>&1 &
kpid=$!
disown "$kpid"
for _ in $(seq 400); do [ -s "$H_DIR/kdir" ] && break; sleep 0.05; done
kdir=$(cat "$H_DIR/kdir")
kmaster=$(cat "$kdir/master.pid")
kill -KILL "$kpid"
for _ in $(seq 100); do h_alive "$kmaster" || break; sleep 0.05; done
tap_not "a SIGKILLed test's server stops by itself within 5 s" h_alive "$kmaster"
[ -n "$kdir" ] && rm -rf "$(dirname "$kdir")"

pids=$(dovecot_pids src)
tap_ok "restart keeps ports and mail" dovecot_restart src
tap_is "$(etpan 'al1ce-old' pop3 127.0.0.1 "$src_POP3" alice | head -n 1)" "count 3" "source answers after restart"
pids="$pids $(dovecot_pids src)"
t=$(ms)
dovecot_stop src
stop_ms=$(( $(ms) - t ))
dovecot_stop dst
alive=""
for p in $pids; do h_alive "$p" && alive="$alive $p"; done
tap_is "$alive" "" "no source process left after stop"
tap_ok "ports closed after stop" bash -c '! (exec 3<>/dev/tcp/127.0.0.1/'"$src_POP3"') 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/'"$dst_IMAP"') 2>/dev/null'
echo "# start ${start_ms} ms, stop ${stop_ms} ms, whole test $((SECONDS - t0)) s"
tap_ok "a server starts in under 10 s (0.1-0.3 s on an idle machine)" test "$start_ms" -lt 10000
tap_ok "and stops in under 4 s" test "$stop_ms" -lt 4000
tap_done
