#!/usr/bin/env bash
# dryrun: `cutover dry-run` against real Dovecot servers and a real SMTP server: a GO case
# with a plausible estimate, then one NO-GO case per cause (wrong password, oversize
# message, quota exceeded, closed port, certificate for the wrong name, window too short);
# the HTML report rendered in headless Chromium; nothing changed on either server.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
harness_certs
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"
dovecot_start bad dest wrongname || tap_skip_all "dovecot did not start"

# A submission server with STARTTLS and AUTH, as the plan promises customers.
read -r SMTP_PORT CLOSED_PORT < <(harness_free_ports 2 | tr '\n' ' ')
export NOTICE_PW="smtp-$RANDOM"
/usr/bin/python3 "$H_ROOT/tests/harness/smtpd.py" --port "$SMTP_PORT" --dir "$H_DIR/smtp" \
	--cert "$H_CERT_GOOD" --key "$H_KEY_GOOD" --user notices --password-env NOTICE_PW \
	--pidfile "$H_DIR/smtpd.pid" >"$H_DIR/smtpd.log" 2>&1 &
SMTPD_PID=$!
smtpd_stop() { kill "$SMTPD_PID" 2>/dev/null; }
harness_on_exit smtpd_stop
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break; sleep 0.1; done

e_users c1 c2 c3
e_gen "$H_DIR/m1" 40 a
e_gen "$H_DIR/m2" 25 b
maildir_deliver src c1 "$H_DIR"/m1/*.eml >/dev/null
maildir_deliver src c2 "$H_DIR"/m2/*.eml >/dev/null
# c3 holds one message of 60 KB: over the limit of the oversize case.
"$H_PY" - "$H_DIR/big.eml" <<'PYEOF'
import sys
body = ("x" * 76 + "\r\n") * 800
open(sys.argv[1], "w", newline="").write(
    "From: a@example.com\r\nTo: c3@example.jp\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\n\r\n" + body)
PYEOF
printf 'From: a@example.com\r\nSubject: no id\r\n\r\nno Message-ID here\r\n' >"$H_DIR/noid.eml"
maildir_deliver src c3 "$H_DIR/big.eml" "$H_DIR/noid.eml" >/dev/null

# plan FILE [window-end] [max_message_size] [dst-name] [imap-port-for-services]
plan() {
	local file=$1 end=${2:-2027-01-17T03:00:00+09:00} maxsize=${3:-} dst=${4:-dst}
	local ipop iimap
	ipop=$(h_var "${dst}_POP3") iimap=${5:-$(h_var "${dst}_IMAP")}
	export DST_MASTER_PW
	DST_MASTER_PW=$(h_var "${dst}_MASTER_PW")
	cat >"$file" <<-EOT
	version: 1
	name: dry-run-test
	operator: { company: Test ISP, support_email: support@example.jp }
	timezone: Asia/Tokyo
	window:
	  start: 2027-01-16T23:30:00+09:00
	  end: $end
	services:
	  incoming:
	    before: { host: mx.example.jp, protocol: pop3, port: 110 }
	    after:
	      - { host: localhost, protocol: pop3, port: $ipop, tls: starttls }
	      - { host: localhost, protocol: imap, port: $iimap, tls: starttls }
	  outgoing:
	    before: { host: mx.example.jp, port: 25 }
	    after:
	      - { host: localhost, port: $SMTP_PORT, auth: smtp-auth, tls: starttls }
	migration:
	  source: { protocol: pop3, host: 127.0.0.1, port: $src_POP3, tls: none }
	  destination:
	    protocol: imap
	    host: 127.0.0.1
	    port: $(h_var "${dst}_IMAP")
	    tls: starttls
	    ca_file: $H_CA
	    pop3_port: $ipop
	    auth: { master_user: migrate, password_env: DST_MASTER_PW }
	    ${maxsize:+max_message_size: $maxsize}
	  uidl: preserve
	  workers: 2
	customers:
	EOT
	for c in c1 c2 c3; do
		printf '  - { id: %s, email: %s@example.jp, source_login: %s, dest_login: %s, password_env: PW_%s }\n' \
			"$c" "$c" "$c" "$c" "$c" >>"$file"
	done
}

# What a client would see, before and after: message bodies on both sides, folder lists.
state() {
	local c
	for c in c1 c2 c3; do
		find "$(dovecot_maildir src "$c")" "$(dovecot_maildir dst "$c")" -type f \
			\( -path '*/cur/*' -o -path '*/new/*' \) -exec sha256sum {} + | cut -d' ' -f1 | sort
		imap_flags src "$c" "$(h_var "PW_$c")" | sed 's/ *\\Recent//; s/ *$//'
		"$H_PY" - "$dst_IMAP" "$c" "dpw-$c" <<-'PYEOF'
		import imaplib, sys
		m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login(sys.argv[2], sys.argv[3])
		print(sorted(m.list()[1])); m.logout()
		PYEOF
	done
}

dry() { # dry PLAN ARGS... -> exit code, output in $H_DIR/out
	"$CUTOVER" dry-run "$@" >"$H_DIR/out" 2>"$H_DIR/err"
}

state >"$H_DIR/state.before"
plan "$H_DIR/go.yaml"
dry "$H_DIR/go.yaml"
rc=$?
tap_is "$rc" 0 "GO case exits 0"
tap_is "$(head -n 1 "$H_DIR/out" | cut -d' ' -f1)" GO "GO case: the report starts with GO"
[ "$rc" = 0 ] || sed 's/^/# /' "$H_DIR/out" "$H_DIR/err" | head -n 40
tap_ok "GO case: the estimate names a finish and a margin" grep -qE '^Estimate .* finish [0-9]{2}:[0-9]{2} [+-][0-9:]+, .* to spare' "$H_DIR/out"
tap_ok "GO case: every customer counted (40 + 25 + 2 messages)" grep -qE '^Mailboxes  3 customers, 67 messages' "$H_DIR/out"
tap_ok "GO case: a message without Message-ID is counted" grep -qE '^  c3 .* 1 without Message-ID' "$H_DIR/out"
tap_ok "GO case: the source's UIDL style is named" grep -qE '^  c1 .* qmail' "$H_DIR/out"
tap_ok "GO case: the submission port's AUTH was seen after STARTTLS" grep -q 'SMTP AUTH offered' "$H_DIR/out"
tap_ok "GO case: certificates verified" grep -qE 'ok +localhost:[0-9]+ smtp \(outgoing\) +certificate +valid' "$H_DIR/out"

dry "$H_DIR/go.yaml" --format json
tap_ok "JSON: parses, verdict GO, estimate present" "$H_PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["verdict"] == "GO", d["verdict"]
assert d["estimate"]["seconds"] >= 0 and d["estimate"]["messages"] == 67
assert sum(c["messages"] for c in d["customers"]) == 67
assert any(p["check"] == "capability" for p in d["preflight"])' "$H_DIR/out"

dry "$H_DIR/go.yaml" --format html --out "$H_DIR/report.html"
tap_is "$?" 0 "HTML report written"
if command -v chromium >/dev/null; then
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$H_DIR/chromium" --window-size=1000,900 \
		--screenshot="$H_DIR/report.png" "file://$H_DIR/report.html" >/dev/null 2>&1
	tap_ok "HTML: headless Chromium renders a screenshot" test -s "$H_DIR/report.png"
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$H_DIR/chromium" --dump-dom "file://$H_DIR/report.html" \
		>"$H_DIR/dom.html" 2>/dev/null
	tap_ok "HTML: the rendered page shows the verdict and the projected finish" \
		grep -qE 'id="verdict"><span class="go">GO<.*|projected finish' "$H_DIR/dom.html"
	[ -n "${CUTOVER_SCREENSHOT:-}" ] && cp "$H_DIR/report.png" "$CUTOVER_SCREENSHOT"
else
	tap_ok "HTML: chromium is installed (tests/deps.sh)" false
fi
tap_ok "HTML: self-contained (no external assets)" bash -c '! grep -qE "(src|href)=\"(https?:)?//" "$1"' _ "$H_DIR/report.html"

state >"$H_DIR/state.after"
tap_ok "nothing changed on either server (messages, flags, folders)" diff -u "$H_DIR/state.before" "$H_DIR/state.after"

# NO-GO cases: each must name its cause.
nogo() { # nogo DESC PATTERN PLAN
	dry "$3"
	local rc=$?
	if [ "$rc" = 1 ] && head -n 1 "$H_DIR/out" | grep -q '^NO-GO' && grep -qE "$2" "$H_DIR/out"; then
		tap_ok "NO-GO: $1" true
	else
		tap_ok "NO-GO: $1 (exit $rc)" false
		sed 's/^/# /' "$H_DIR/out" | head -n 20
	fi
}


plan "$H_DIR/size.yaml" "" 20000
nogo "a message over the destination's size limit" "customer c3: 1 message larger than the destination's limit" "$H_DIR/size.yaml"

plan "$H_DIR/port.yaml" "" "" dst "$CLOSED_PORT"
nogo "a closed port" "localhost:$CLOSED_PORT imap \(incoming\): tcp" "$H_DIR/port.yaml"

plan "$H_DIR/cert.yaml" "" "" bad
dovecot_add_user bad c1 x >/dev/null; dovecot_add_user bad c2 x >/dev/null; dovecot_add_user bad c3 x >/dev/null
nogo "a certificate for the wrong name" 'certificate: .*(name|mail\.wrong\.invalid)' "$H_DIR/cert.yaml"

dovecot_set_quota dst c1 1000
plan "$H_DIR/quota.yaml"
nogo "quota exceeded" 'customer c1: mailbox of .* does not fit the destination quota' "$H_DIR/quota.yaml"
dovecot_set_quota dst c1 0

good=$PW_c2
export PW_c2=wrong-password
plan "$H_DIR/pw.yaml"
nogo "a wrong password" 'customer c2: login failed \(auth\): source: ' "$H_DIR/pw.yaml"
export PW_c2=$good
# After a pre-stage, the window only has to hold the final phase.
"$CUTOVER" run "$H_DIR/go.yaml" >"$H_DIR/run.out" 2>&1
tap_is "$?" 0 "a pre-stage run copies everything"
e_gen "$H_DIR/m4" 3 late
maildir_deliver src c1 "$H_DIR"/m4/*.eml >/dev/null
dry "$H_DIR/go.yaml"
tap_ok "after the pre-stage the estimate is for the final phase (3 of 70 messages)" \
	grep -q 'final phase only: the pre-stage in the journal leaves 3 of 70 messages' "$H_DIR/out"
# A window of one second for 3,000 more messages.
# Written straight into the Maildir: 3,000 calls of maildir_deliver would take minutes.
"$H_PY" - "$(dovecot_maildir src c2)/new" <<'PYEOF'
import os, sys
for i in range(3000):
    with open(os.path.join(sys.argv[1], "1800000000.M%dP1.bulk" % i), "w", newline="") as f:
        f.write("From: bulk@example.com\r\nSubject: bulk %d\r\nMessage-ID: <bulk.%d@example.com>\r\n\r\nbody\r\n" % (i, i))
PYEOF
plan "$H_DIR/short.yaml" 2027-01-16T23:30:01+09:00
nogo "window too short" 'does not fit the window' "$H_DIR/short.yaml"
tap_ok "no password in any report" bash -c '! grep -rqF -e "$PW_c1" -e "$DST_MASTER_PW" -e wrong-password "$1"/out "$1"/err "$1"/report.html' _ "$H_DIR"

tap_done
