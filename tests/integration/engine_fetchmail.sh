#!/usr/bin/env bash
# engine_fetchmail: a real POP3 client's view of a cutover. fetchmail (--keep --uidl)
# downloads everything from the old server and leaves it there; `cutover run` copies the
# mailbox; the old server stops and the new one takes over its address and port (a plain
# forwarding proxy on the old port); new mail arrives on the new server; fetchmail's next
# poll downloads only the new mail, and the one after that nothing.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
command -v fetchmail >/dev/null || tap_skip_all "fetchmail not installed"
[ -x "$H_TOOLS/faultproxy" ] || tap_skip_all "no faultproxy tool"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# The customer keeps the password across the move (the new server has the same accounts).
export PW_fm="pw-fm-$RANDOM"
dovecot_add_user src fm "$PW_fm"
dovecot_add_user dst fm "$PW_fm"
e_special "$H_DIR/old"
e_gen "$H_DIR/old" 5 old
e_deliver src fm "$H_DIR"/old/*.eml
old_n=$(ls "$H_DIR"/old/*.eml | wc -l)
old_port=$src_POP3

mkdir -p "$H_DIR/got" "$H_DIR/home"
printf '#!/bin/sh\ncat >"$(mktemp "%s/got/msg.XXXXXX")"\n' "$H_DIR" >"$H_DIR/mda.sh"
chmod 755 "$H_DIR/mda.sh"
# The client knows the server by address and port only: after the switch the same address
# and port lead to the new server. The rc file holds a password: mode 0600.
(
	umask 077
	printf 'set no syslog\npoll 127.0.0.1 with proto POP3 service %s uidl\n' "$old_port"
	printf '  user "fm" there with password "%s" is "%s" here\n' "$PW_fm" "$(id -un)"
	printf "  sslproto ''\n  mda \"%s/mda.sh\"\n" "$H_DIR"
) >"$H_DIR/fetchmailrc"
chmod 600 "$H_DIR/fetchmailrc"
poll() {
	HOME="$H_DIR/home" fetchmail -N --keep --uidl --nosyslog -f "$H_DIR/fetchmailrc" \
		--idfile "$H_DIR/fetchids" --pidfile "$H_DIR/fetchmail.pid" >>"$H_DIR/fetchmail.log" 2>&1
	local rc=$?
	# 0: mail fetched, 1: no mail.
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "# fetchmail exited $rc"; tail -n 5 "$H_DIR/fetchmail.log" | sed 's/^/#   /'; }
}
got() { ls "$H_DIR/got" | wc -l; }

poll
tap_is "$(got)" "$old_n" "first poll on the old server downloads all $old_n messages (kept there)"
poll
tap_is "$(got)" "$old_n" "a second poll on the old server downloads nothing"

e_plan "$H_DIR/plan.yaml" fm src dst preserve 1 fm
"$CUTOVER" run "$H_DIR/plan.yaml" >"$H_DIR/run.out" 2>&1
tap_is "$?" 0 "cutover run copies the mailbox"

# The switch: the old server goes, the new one answers on the old address and port.
dovecot_stop src
"$H_TOOLS/faultproxy" --listen "$old_port" --to "$dst_POP3" --times 0 2>"$H_DIR/proxy.log" &
proxy=$!
harness_on_exit "kill $proxy 2>/dev/null"
for i in $(seq 50); do h_port_open "$old_port" && break; sleep 0.1; done
e_gen "$H_DIR/new" 2 new
maildir_deliver dst fm "$H_DIR"/new/*.eml >/dev/null

poll
tap_is "$(got)" "$((old_n + 2))" "after the switch the client downloads only the 2 new messages"
tap_is "$(grep -l 'Subject: new message' "$H_DIR"/got/msg.* | wc -l)" 2 "and they are the new ones"
poll
tap_is "$(got)" "$((old_n + 2))" "the next poll downloads nothing"
tap_done
