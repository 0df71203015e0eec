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
# A ca_file relative to the plan is read from the plan's folder by every command, whatever
# directory the operator runs it from (check did; the sessions and pre-flight did not).
mkdir -p "$H_DIR/relca"
cp "$H_CA" "$H_DIR/relca/ca.pem"
sed "s|ca_file: .*|ca_file: ca.pem|" "$H_DIR/go.yaml" >"$H_DIR/relca/plan.yaml"
(cd / && "$CUTOVER" dry-run "$H_DIR/relca/plan.yaml" >"$H_DIR/relca.out" 2>&1)
tap_is "$?" 0 "a ca_file relative to the plan works from another directory (dry-run GO)"

cp "$H_DIR/out" "$H_DIR/go.txt"
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

# render NAME: $H_DIR/NAME.html as headless Chromium draws it (NAME.png, the first screen
# of 1000x900) and its DOM after layout (NAME.dom).
render() {
	local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
		--disable-background-networking --disable-component-update --disable-sync
		--user-data-dir="$H_DIR/chromium")
	chromium "${flags[@]}" --window-size=1000,900 --screenshot="$H_DIR/$1.png" \
		"file://$H_DIR/$1.html" >/dev/null 2>&1
	chromium "${flags[@]}" --dump-dom "file://$H_DIR/$1.html" >"$H_DIR/$1.dom" 2>/dev/null
}
# first_screen PNG BADGE OTHER: the badge's colour (cmd/dryrun_html.c) drawn as a badge at
# the top, the totals box whole below it on the first screen, the other verdict's colour
# nowhere.
first_screen() {
	"$H_PY" "$H_ROOT/tests/tools/png_colours.py" "$1" "$2" e8f0fe "$3" | "$H_PY" -c '
import sys
c = {l.split()[0]: list(map(int, l.split()[1:])) for l in sys.stdin}
badge, totals, other = c[sys.argv[1]], c["e8f0fe"], c[sys.argv[2]]
print("# badge %s, totals box %s, other verdict %s" % (badge, totals, other))
assert badge[0] > 800 and badge[4] < 200, "no badge at the top"
assert totals[0] > 50000 and totals[2] > badge[4] and totals[4] < 899, "totals box not whole below the badge"
assert other[0] == 0, "the other verdict colour is drawn"' "$2" "$3"
}
if command -v chromium >/dev/null; then
	cp "$H_DIR/report.html" "$H_DIR/go.html"
	render go
	tap_ok "HTML: headless Chromium renders a screenshot" test -s "$H_DIR/go.png"
	tap_ok "HTML screenshot: the green GO badge at the top, the totals box whole on the first screen" \
		first_screen "$H_DIR/go.png" 2e8b57 c0392b
	tap_ok "HTML: the rendered page shows the verdict and the projected finish" \
		grep -qE 'id="verdict"><span class="go">GO<' "$H_DIR/go.dom"
	size=$(sed -nE 's/^Mailboxes  3 customers, 67 messages, (.*)$/\1/p' "$H_DIR/go.txt")
	tap_ok "HTML totals: 3 customers, 67 messages, $size (as the text report)" "$H_PY" -c '
import re, sys
dom, size = open(sys.argv[1]).read(), sys.argv[2]
t = re.search(r"<section id=\"totals\">(.*?)</section>", dom, re.S).group(1)
b = re.findall(r"<b>(.*?)</b>", t)
assert b[:3] == ["3", "67", size], b' "$H_DIR/go.dom" "$size"
	tap_ok "HTML: Japanese plan, Japanese page (lang, labels, durations)" \
		grep -qE '<html lang="ja">.*|<span>総容量</span>' "$H_DIR/go.dom"
	tap_ok "HTML: operator, who prepared it and when (the plan's offset)" "$H_PY" -c '
import re, sys
d = open(sys.argv[1]).read()
assert "<th>事業者</th><td>Test ISP</td>" in d and "<th>作成者</th>" in d
assert re.search(r"<th>作成日時</th><td>\d{4}-\d\d-\d\d \d\d:\d\d \+09:00</td>", d)' "$H_DIR/go.dom"
	tap_ok "HTML: a time estimate per customer" "$H_PY" -c '
import re, sys
rows = re.findall(r"<tr class=\"[a-z]*\"><td>(c\d)</td><td>[^<]*</td>(?:<td class=\"n\">([^<]*)</td>){4}", open(sys.argv[1]).read())
assert [r[0] for r in rows] == ["c1", "c2", "c3"] and all(r[1].endswith("秒") for r in rows), rows' "$H_DIR/go.dom"
	[ -n "${CUTOVER_SCREENSHOT:-}" ] && cp "$H_DIR/go.png" "$CUTOVER_SCREENSHOT"
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
# The same NO-GO for an English plan, as a manager gets it forwarded.
sed 's/^timezone:/language: en\ntimezone:/' "$H_DIR/size.yaml" >"$H_DIR/size-en.yaml"
dry "$H_DIR/size-en.yaml" --format html --out "$H_DIR/nogo.html"
tap_is "$?" 1 "NO-GO HTML report: exit 1"
if command -v chromium >/dev/null; then
	render nogo
	tap_ok "HTML screenshot: the red NO-GO badge at the top, the totals box whole on the first screen" \
		first_screen "$H_DIR/nogo.png" c0392b 2e8b57
	tap_ok "HTML: English plan, English page with the reason" "$H_PY" -c '
import sys
d = open(sys.argv[1]).read()
assert "<html lang=\"en\">" in d and "<h2>Why NO-GO</h2>" in d and "<span>total size</span>" in d
assert "1 customer</span> — 1 message larger than the destination" in d' "$H_DIR/nogo.dom"
	tap_ok "HTML: identical warnings grouped with a count, not one line per customer" "$H_PY" -c '
import re, sys
d = open(sys.argv[1]).read()
w = re.search(r"<ul class=\"warnings\">(.*?)</ul>", d, re.S).group(1)
items = re.findall(r"<li>(.*?)</li>", w, re.S)
assert len(items) == len(set(items)), items
assert any(re.match(r"<span class=\"count\">[23] customers</span> — ", i) for i in items), items' "$H_DIR/nogo.dom"
fi

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
