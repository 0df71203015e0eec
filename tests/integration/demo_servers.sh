#!/usr/bin/env bash
# demo_servers.sh: tests/demo-servers.sh start leaves two filled servers running and
# describes them in DIR/servers.env and DIR/users.tsv; stop ends them from another shell.
# shellcheck disable=SC2154 # ${NAME}_PORT variables are exported by lib.sh
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
DEMO="$H_ROOT/tests/demo-servers.sh"
LOGIN="$H_TOOLS/etpan_login"
D="$H_DIR/demo"
quiet() { "$@" >/dev/null 2>&1; }
harness_on_exit "'$DEMO' stop '$D' >/dev/null 2>&1"

cat >"$H_DIR/users" <<'EOF'
# source  password   dest                 password  quota  messages
kato      k-old-pw   kato@example.jp      k-new-pw  0      4
mori      m-old-pw   mori@example.jp      m-new-pw  50000
hara      h-old-pw   hara@example.jp      h-new-pw  0      0
EOF
tap_ok "start returns with the servers up" quiet "$DEMO" start "$D" --users "$H_DIR/users" --count 3 --large 300k --sizes small
tap_ok "status says running" quiet "$DEMO" status "$D"
tap_is "$(stat -c %a "$D/servers.env") $(stat -c %a "$D/users.tsv")" "600 600" "secrets files are private"
(
	. "$D/servers.env"
	for k in SRC_POP3 SRC_POP3S SRC_IMAP SRC_IMAPS DST_IMAP DST_IMAPS DST_POP3 DST_POP3S \
		DEST_MASTER_USER DEST_MASTER_PW DEMO_CA DEMO_USERS DEMO_CORPUS HARNESS_DIR; do
		[ -n "${!k:-}" ] || { echo "# missing $k"; exit 1; }
	done
) </dev/null
tap_ok "servers.env has every key" test $? = 0
. "$D/servers.env"
tap_is "$(cut -f1,3,5,6 "$D/users.tsv" | tail -n +2 | tr '\t' ' ')" \
	"kato kato@example.jp 0 4
mori mori@example.jp 50000 3
hara hara@example.jp 0 0" "users.tsv lists customers, quotas and message counts"
tap_is "$(awk -F'\t' '$6 ~ /large/ { print $1 " " $3 }' "$DEMO_CORPUS/manifest.tsv")" "kato 307200" \
	"the first customer has the large message"

while IFS=$'\t' read -r su sp du _ _ n _; do
	[ "$su" = source_user ] && continue
	tap_is "$(ETPAN_PASSWORD=$sp "$LOGIN" -t starttls pop3 127.0.0.1 "$SRC_POP3" "$su" | head -n 1)" \
		"count $n" "old server: $su has $n messages over POP3"
	tap_is "$(ETPAN_PASSWORD=$DEST_MASTER_PW "$LOGIN" -m "$DEST_MASTER_USER" -t implicit imap 127.0.0.1 "$DST_IMAPS" "$du" | head -n 1)" \
		"count 0" "new server: $du is empty, reachable with the master user"
done <"$D/users.tsv"
tap_ok "the demo CA verifies the new server's certificate" \
	quiet openssl s_client -connect "127.0.0.1:$DST_IMAPS" -CAfile "$DEMO_CA" -verify_return_error -verify_ip 127.0.0.1 </dev/null

if "$H_PY" -c 'import aiosmtpd' 2>/dev/null; then
	tap_ok "the new outgoing server: STARTTLS with a certificate for the demo plan's smtp.example.jp" \
		quiet openssl s_client -starttls smtp -connect "127.0.0.1:${DST_SUBMISSION:-0}" -CAfile "$DEMO_CA" \
		-verify_return_error -verify_hostname smtp.example.jp </dev/null
	tap_ok "its login is in servers.env" test -n "${NOTICE_USER:-}" -a -n "${NOTICE_PW:-}"
fi

pids=$(pgrep -f "$HARNESS_DIR/")
tap_ok "stop from another shell" quiet "$DEMO" stop "$D"
alive=""
for p in $pids; do h_alive "$p" && alive="$alive $p"; done
tap_is "$alive" "" "no server process left"
tap_not "ports closed" h_port_open "$SRC_POP3"
tap_not "server state removed" test -e "$HARNESS_DIR"
tap_done
