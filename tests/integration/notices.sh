#!/usr/bin/env bash
# notices: `cutover announce` and `cutover notices` on every sample plan against golden
# files (CUTOVER_UPDATE_GOLDEN=1 rewrites them), xmllint on the configuration files,
# template and usage errors, and --send to a real SMTP server (aiosmtpd with STARTTLS and
# AUTH on a random loopback port): delivery, 4xx retry, 5xx per customer, the rate limit,
# no second sending on a re-run, refused password and untrusted certificate.
set -u
cd "${CUTOVER_ROOT:-$(dirname "$0")/../..}"
BIN=${CUTOVER_BIN:-$PWD/build/cutover}
GOLD=$PWD/tests/data/notices/sample
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cutover-notices.XXXXXX")
smtpd_pid=
cleanup() {
	[ -n "$smtpd_pid" ] && kill "$smtpd_pid" 2>/dev/null && wait "$smtpd_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
export SOURCE_DATE_EPOCH=1034812800   # 2002-10-17: documents carry a fixed date

# ---- golden files for every sample plan, language and format ----
for plan in sample-plans/*.yaml; do
	name=$(basename "$plan" .yaml)
	out=$tmp/gold/$name
	mkdir -p "$out"
	rc=0
	for lang in ja en; do
		"$BIN" announce "$plan" -q --lang $lang >"$out/announcement.$lang.txt" || rc=1
		"$BIN" announce "$plan" -q --lang $lang --format html >"$out/announcement.$lang.html" || rc=1
	done
	for f in text html eml autoconfig autodiscover mobileconfig srv autoconfig-domain; do
		"$BIN" notices "$plan" -q --out "$out" --format $f || rc=1
	done
	check "$name: announce and notices in every format exit 0" [ $rc = 0 ]
	if [ -n "${CUTOVER_UPDATE_GOLDEN:-}" ]; then
		rm -rf "${GOLD:?}/$name"; mkdir -p "$GOLD"; cp -r "$out" "$GOLD/$name"
	fi
	if diff -r "$GOLD/$name" "$out" >"$tmp/diff" 2>&1; then
		ok "$name: output equals tests/data/notices/sample/$name"
	else
		nok "$name: output equals tests/data/notices/sample/$name"
		head -n 20 "$tmp/diff" | sed 's/^/# /'
	fi
	bad=0
	for x in "$out"/*.xml "$out"/*.mobileconfig; do
		[ -f "$x" ] || continue
		xmllint --noout "$x" 2>"$tmp/xml" || { bad=1; sed 's/^/# /' "$tmp/xml"; }
	done
	check "$name: autoconfig, Autodiscover and mobileconfig are well-formed XML" [ $bad = 0 ]
	bad=0
	for x in "$out"/*.html; do
		xmllint --html --noout "$x" 2>"$tmp/xml" && [ ! -s "$tmp/xml" ] || { bad=1; sed 's/^/# /' "$tmp/xml"; }
	done
	check "$name: HTML parses without errors" [ $bad = 0 ]
done

# ---- one instruction per customer: check, the JSON records and every notice agree ----
# schedule/instr.c decides whether a customer's program downloads the mail left on the
# server once more; `check --json`, `notices --format json` and the notice text must all
# say the same for every customer of every sample plan (dry-run calls the same function).
for plan in sample-plans/*.yaml; do
	name=$(basename "$plan" .yaml)
	"$BIN" check "$plan" --json 2>/dev/null | jq -S '.customers | map({(.customer): .redownload}) | add' >"$tmp/c.json"
	"$BIN" notices "$plan" -q --format json | jq -S '.customers | map({(.customer): .redownload}) | add' >"$tmp/n.json"
	check "$name: check and notices --format json predict the same re-download per customer" \
		bash -c "[ -s '$tmp/c.json' ] && [ \"\$(jq length '$tmp/c.json')\" -gt 0 ] && diff '$tmp/c.json' '$tmp/n.json' >&2"
	bad=0
	for id in $(jq -r 'keys[]' "$tmp/n.json"); do
		f=$tmp/gold/$name/$id.txt
		[ -f "$f" ] || continue          # notify: no
		r=$(jq -r --arg id "$id" '.[$id]' "$tmp/n.json")
		yes=0; newacct=0
		grep -q -e '重複したメールを一度だけ削除' -e 'please delete the duplicates once' "$f" && yes=1
		grep -q -e '新しいアカウントを作成すると' -e 'A new account would download' "$f" && newacct=1
		case $r in
		yes) [ $yes = 1 ] && [ $newacct = 0 ] ;;
		new-account-only) [ $yes = 0 ] && [ $newacct = 1 ] ;;
		no) [ $yes = 0 ] && [ $newacct = 0 ] ;;
		*) false ;;
		esac || { bad=1; echo "# $name $id: check says $r, the notice says otherwise"; }
	done
	check "$name: every notice states check's re-download prediction" [ $bad = 0 ]
done

# ---- every English document in English: no Japanese plan text (names of customers
# aside, which are theirs). Script ranges: CJK punctuation, kana, ideographs, full-width.
jp='[\x{3000}-\x{30ff}\x{3400}-\x{9fff}\x{ff00}-\x{ffef}]'
for plan in sample-plans/*.yaml; do
	name=$(basename "$plan" .yaml)
	bad=0
	files="$tmp/gold/$name/announcement.en.txt $tmp/gold/$name/announcement.en.html"
	for id in $("$BIN" notices "$plan" -q --format json | jq -r '.customers[] | select(.language == "en") | .customer'); do
		files="$files $tmp/gold/$name/$id.txt $tmp/gold/$name/$id.html"
	done
	for f in $files; do
		[ -f "$f" ] || continue
		if grep -v -e '^Dear ' -e '<p>Dear ' "$f" | grep -qP "$jp"; then
			bad=1; grep -v -e '^Dear ' -e '<p>Dear ' "$f" | grep -P "$jp" | head -n 3 | sed "s|^|# $(basename "$f"): |"
		fi
	done
	check "$name: English documents contain no Japanese text" [ $bad = 0 ]
done

# …and no Japanese document holds the plan's English texts (the `en:` entries).
for plan in sample-plans/*.yaml; do
	name=$(basename "$plan" .yaml)
	grep -oP '(?<=[{ ,]en: ).*' "$plan" | sed -e 's/ *}$//' -e 's/^"//' -e 's/"$//' >"$tmp/en-texts"
	bad=0
	for f in "$tmp/gold/$name"/announcement.ja.txt $(for id in $("$BIN" notices "$plan" -q --format json |
	         jq -r '.customers[] | select(.language == "ja") | .customer'); do echo "$tmp/gold/$name/$id.txt"; done); do
		[ -f "$f" ] || continue
		if grep -qF -f "$tmp/en-texts" "$f"; then
			bad=1; grep -F -f "$tmp/en-texts" "$f" | head -n 2 | sed "s|^|# $(basename "$f"): |"
		fi
	done
	check "$name: Japanese documents contain none of the plan's English texts ($(wc -l <"$tmp/en-texts"))" [ $bad = 0 ]
done

plan=sample-plans/infonia-2002.yaml
"$BIN" announce $plan -q --lang ja >"$tmp/a.txt"
check "announce: window in Japanese style with weekdays" \
	grep -q '^停止日時: 2002年10月22日(火)23時30分〜2002年10月23日(水)3時00分$' "$tmp/a.txt"
"$BIN" announce $plan -q --lang en >"$tmp/a.txt"
check "announce: the English window" \
	grep -q '^When: *from Tuesday 22 October 2002, 23:30 to Wednesday 23 October 2002, 03:00 (JST, UTC+09:00)$' "$tmp/a.txt"
sed -e 's/uidl: preserve/uidl: none/' -e "s|csv: |csv: $PWD/sample-plans/|" \
	sample-plans/betomail-2002.yaml >"$tmp/betomail-none.yaml"
"$BIN" announce "$tmp/betomail-none.yaml" -q >"$tmp/b.txt"
check "announce: re-download warning when the plan does not keep UIDLs" \
	grep -q '最初にアクセスした際にはすべてのメールが受信される時があります' "$tmp/b.txt"
check "announce: no re-download warning when it does" \
	bash -c "! grep -q 'すべてのメールが受信される時があります' '$GOLD/infonia-2002/announcement.ja.txt'"

# ---- a plan note that repeats a built-in point is printed once, in the point's place ----
# 117net's note `replaces: old-servers`; BeToMail's `replaces: addresses` (docs/plan.md).
g=$tmp/gold/117net-2008
check "replaces: the 117net note is printed once in the announcement, the built-in sentence not at all" \
	bash -c "[ \$(grep -c '期間中にメールソフトの設定を変更してください' '$g/announcement.ja.txt') = 1 ] &&
	         ! grep -q 'それ以降は新しいサーバーのみとなります' '$g/announcement.ja.txt' &&
	         grep -A1 '^■ 従来のサーバーのご利用期間' '$g/announcement.ja.txt' | grep -q '期間中に'"
check "replaces: the note stands in each notice too, in the customer's language" \
	bash -c "for f in '$g'/v117-*.txt; do c=\$(grep -c -e '期間中にメールソフトの設定を変更してください' -e 'between Wednesday 21 May and Friday 20 June 2008' \"\$f\"); [ \"\$c\" = 1 ] || exit 1;
	         ! grep -q -e 'までご利用いただけます。それまでに' -e 'Please change your settings before then' \"\$f\" || exit 1; done"
g=$tmp/gold/betomail-2002
check "replaces: BeToMail's names-and-addresses note leads the address list, once" \
	bash -c "[ \$(grep -c '名前に変更はございません' '$g/announcement.ja.txt') = 1 ] &&
	         grep -A1 '^■ IPアドレス' '$g/announcement.ja.txt' | grep -q '^SMTP, POPサーバーとも' &&
	         [ \$(grep -c 'keep their names' '$g/announcement.en.txt') = 1 ]"

# ---- SMTP AUTH with its own user name and password (credentials: separate) ----
# BeToMail's plan with smtpa.be.to issuing separate SMTP AUTH logins: the record carries
# it, the summary, the steps (per program), the configuration files and check say it, and
# Eudora, which sends its POP login to SMTP AUTH, is sent to POP before SMTP.
sep=$tmp/sep
mkdir -p "$sep"
sed -e 's|signup_url: "https://www2.nia.ad.jp/betomail/chpasswd.html" }|signup_url: "https://www2.nia.ad.jp/betomail/chpasswd.html", credentials: separate }|' \
    -e "s|csv: |csv: $PWD/sample-plans/|" sample-plans/betomail-2002.yaml >"$sep/plan.yaml"
for f in text autoconfig autodiscover mobileconfig; do "$BIN" notices "$sep/plan.yaml" -q --out "$sep" --format $f; done
"$BIN" notices "$sep/plan.yaml" -q --format json >"$sep/n.json"
check "separate credentials: every SMTP AUTH record says credentials separate and notes it" \
	bash -c "[ \"\$(jq '[.customers[] | select(.outgoing.auth == \"smtp-auth\") | select(.outgoing.credentials == \"separate\" and (.notes | index(\"smtp-auth-separate-credentials\")))] | length' '$sep/n.json')\" = \"\$(jq '[.customers[] | select(.outgoing.auth == \"smtp-auth\")] | length' '$sep/n.json')\" ] &&
	         [ \"\$(jq '[.customers[] | select(.outgoing.auth == \"smtp-auth\")] | length' '$sep/n.json')\" -gt 3 ]"
check "separate credentials: Eudora cannot enter another SMTP user: POP before SMTP, said in its notice" \
	bash -c "[ \"\$(jq -r '.customers[] | select(.customer == \"btm00103\") | .outgoing.auth' '$sep/n.json')\" = pop-before-smtp ] &&
	         grep -q '別のものを設定する欄がありません' '$sep/btm00103.txt' && ! grep -q '受信とは別の SMTP AUTH用のユーザー名とパスワード$' '$sep/btm00103.txt'"
check "separate credentials: Outlook Express summary and steps say to log on with the SMTP AUTH login" \
	bash -c "grep -q '^  送信の認証(SMTP AUTH): 受信とは別の SMTP AUTH用のユーザー名とパスワード' '$sep/btm00101.txt' &&
	         grep -q '次のアカウントとパスワードでログオンする' '$sep/btm00101.txt' && ! grep -q '受信メール サーバーと同じ設定を使用する' '$sep/btm00101.txt'"
check "separate credentials: the English notice says it in English (Outlook Express 5.5)" \
	bash -c "grep -q 'with your SMTP AUTH user name and password (not your mail login)' '$sep/btm00105.txt' && grep -q 'SMTP AUTH login: your SMTP AUTH user name and password' '$sep/btm00105.txt'"
check "separate credentials: autoconfig and Autodiscover carry no SMTP login, the profile no SMTP user" \
	bash -c "! xmllint --xpath '//outgoingServer/username' '$sep/btm00101.autoconfig.xml' 2>/dev/null &&
	         grep -q '<UsePOPAuth>off</UsePOPAuth>' '$sep/btm00101.autodiscover.xml' &&
	         ! grep -q OutgoingMailServerUsername '$sep/btm00104.mobileconfig' && xmllint --noout '$sep/btm00104.mobileconfig'"
"$BIN" check "$sep/plan.yaml" 2>/dev/null >"$sep/check.txt"
check "separate credentials: check lists who must enter the separate SMTP AUTH login" \
	grep -q '^  smtp-auth-separate-credentials *[0-9]' "$sep/check.txt"

# ---- profiles signed with the operator's certificate (notices.sign) ----
# A test CA made here signs the operator's certificate; its key is encrypted with a
# passphrase that only the environment holds. openssl verifies the SignedData against
# the CA and gives back exactly the unsigned profile.
sg=$tmp/sign
mkdir -p "$sg"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$sg/ca.key" -out "$sg/ca.pem" -days 2 \
	-subj "/CN=cutover test CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign" >/dev/null 2>&1
openssl req -newkey rsa:2048 -keyout "$sg/op.key" -passout pass:profile-key-secret -out "$sg/op.csr" \
	-subj "/CN=BeToMail profiles" >/dev/null 2>&1
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=emailProtection\n' >"$sg/ext"
openssl x509 -req -in "$sg/op.csr" -CA "$sg/ca.pem" -CAkey "$sg/ca.key" -CAcreateserial -out "$sg/op.pem" \
	-days 2 -extfile "$sg/ext" >/dev/null 2>&1
chmod 600 "$sg/op.key"
sed -e "s|csv: |csv: $PWD/sample-plans/|" \
    -e "s|^notices:|notices:\n  sign: { cert: op.pem, key: op.key, key_password_env: PROFILE_KEY_PW }|" \
	sample-plans/betomail-2002.yaml >"$sg/plan.yaml"
PROFILE_KEY_PW=profile-key-secret "$BIN" notices "$sg/plan.yaml" -q --customer btm00104 --format mobileconfig \
	>"$sg/signed.mobileconfig" 2>"$sg/err"; rc=$?
check "sign: a signed profile is written (exit 0)" [ $rc = 0 ]
check "sign: openssl verifies the SignedData against the test CA" \
	bash -c "openssl smime -verify -inform DER -in '$sg/signed.mobileconfig' -CAfile '$sg/ca.pem' -out '$sg/content.xml' 2>/dev/null"
check "sign: the signed content is the unsigned profile, byte for byte" \
	cmp -s "$sg/content.xml" "$GOLD/betomail-2002/btm00104.mobileconfig"
PROFILE_KEY_PW=wrong-pass "$BIN" notices "$sg/plan.yaml" -q --customer btm00104 --format mobileconfig \
	>/dev/null 2>"$sg/err"; rc=$?
check "sign: a wrong passphrase is a plan error (exit 65), said without the passphrase" \
	bash -c "[ $rc = 65 ] && grep -q 'notices.sign.key: cannot load' '$sg/err' && ! grep -q -e wrong-pass -e profile-key-secret '$sg/err'"
chmod 644 "$sg/op.key"
"$BIN" check -q "$sg/plan.yaml" >/dev/null 2>"$sg/err"; rc=$?
check "sign: a private key readable by others is refused when the plan loads" \
	bash -c "[ $rc = 65 ] && grep -q 'notices.sign.key: private key .* can be read by others (mode 0644)' '$sg/err'"
chmod 600 "$sg/op.key"
cp "$sg/ca.key" "$sg/other.key"
sed -i 's|key: op.key, key_password_env: PROFILE_KEY_PW|key: other.key|' "$sg/plan.yaml"
"$BIN" notices "$sg/plan.yaml" -q --customer btm00104 --format mobileconfig >/dev/null 2>"$sg/err"; rc=$?
check "sign: a key that is not the certificate's is refused" \
	bash -c "[ $rc = 65 ] && grep -q 'is not the key of the certificate' '$sg/err'"

# ---- template and usage errors ----
cp -r notices/templates "$tmp/tpl"
printf '{{issued}}\n\n{{windw_start}}\n' >"$tmp/tpl/ja/announcement.txt"
"$BIN" announce $plan -q --templates "$tmp/tpl" >/dev/null 2>"$tmp/err"; rc=$?
check "a bad template: exit 65" [ $rc = 65 ]
check "a bad template: the error names template:line" \
	grep -q "ja/announcement.txt:3: unknown variable 'windw_start'" "$tmp/err"
# check renders every template the plan uses, a mail program's steps file included, so a
# typo is found before the night and not when that program's first customer is written.
cp -r notices/templates "$tmp/tpl2"
printf '  9. {{in_hots}}\n' >>"$tmp/tpl2/en/steps/thunderbird.txt"
printf '  9. {{in_hots}}\n' >>"$tmp/tpl2/ja/steps/thunderbird-2.txt"
sed -e "s|^notices:|notices:\n  templates: $tmp/tpl2|" -e "s|csv: |csv: $PWD/sample-plans/|" $plan >"$tmp/tplan.yaml"
"$BIN" check -q "$tmp/tplan.yaml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "check: a typo in a steps file is a plan error (exit 65)" [ $rc = 65 ]
check "check: the typo is named template:line" \
	grep -q "English notice for thunderbird (POP3, .txt): .*en/steps/thunderbird.txt:[0-9]*: unknown variable 'in_hots'" "$tmp/err"
check "check: the steps for one version are rendered too (Thunderbird 2)" \
	grep -q "ja/steps/thunderbird-2.txt:[0-9]*: unknown variable 'in_hots'" "$tmp/err"
"$BIN" notices $plan -q --format eml >/dev/null 2>"$tmp/err"; rc=$?
check "EML for many customers without --out: usage error" [ $rc = 64 ]
"$BIN" notices $plan -q --customer nobody >/dev/null 2>"$tmp/err"; rc=$?
check "an unknown --customer: usage error" [ $rc = 64 ]
"$BIN" notices sample-plans/betomail-2002.yaml -q --customer btm00104 --format mobileconfig >"$tmp/one.mobileconfig"
check "one IMAP customer's profile on standard output" xmllint --noout "$tmp/one.mobileconfig"
"$BIN" notices $plan --customer inf0001 --format mobileconfig >"$tmp/none.mobileconfig" 2>"$tmp/err"
check "no profile for a POP customer: it would be a new account that downloads everything again" \
	bash -c "[ ! -s '$tmp/none.mobileconfig' ] && grep -q 'no profile' '$tmp/err'"

# ---- sending ----
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	echo "# python3-aiosmtpd missing (tests/deps.sh installs it)"; echo "1..$n"; exit 77
fi
mkdir -p "$tmp/send/sink"
cd "$tmp/send"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export NOTICE_PW=notice-secret
/usr/bin/python3 "$CUTOVER_ROOT/tests/integration/notices_smtpd.py" "$port" sink cert.pem key.pem \
	>smtpd.log 2>&1 &
smtpd_pid=$!
for _ in $(seq 50); do grep -q ready smtpd.log && break; sleep 0.1; done
cat >customers.csv <<'EOF'
id,email,name,language,client,notify
s1,taro@infonia.ne.jp,山田 太郎,ja,Outlook Express 6.0,yes
s2,hanako@infonia.ne.jp,"佐藤 花子",ja,Thunderbird,yes
s3,temp@infonia.ne.jp,Tom Temp,en,Becky! 2,yes
s4,reject@infonia.ne.jp,Rita Reject,en,Apple Mail,yes
s5,jiro@infonia.ne.jp,高橋 次郎,ja,PostPet V3,yes
s6,ken@infonia.ne.jp,"Ken <script>x</script>",en,generic,yes
s7,nomail@infonia.ne.jp,Not Notified,ja,generic,no
EOF
sed -e "s|^  send: .*|  send: { host: 127.0.0.1, port: $port, tls: starttls, tls_name: localhost, ca_file: cert.pem, user: notices, password_env: NOTICE_PW, per_hour: 7200 }|" \
    -e 's|csv: .*|csv: customers.csv|' -e 's|first_delay: 10s|first_delay: 1s|' \
    -e 's|journal: .*|journal: send.db|' "$CUTOVER_ROOT/$plan" >plan.yaml
start=$(date +%s.%N)
"$BIN" notices plan.yaml --send >out1 2>err1; rc=$?
end=$(date +%s.%N)
sed 's/^/# /' err1
check "send: exit 1 because one recipient was refused" [ $rc = 1 ]
check "send: the refused customer is named with the server's 550" \
	grep -q '^cutover notices: customer s4: .*550.*User unknown' err1
check "send: five messages delivered (the 451 one after a retry)" [ "$(ls sink/*.eml | wc -l)" = 5 ]
check "send: the customer with notify: no got nothing" bash -c "! grep -l 'nomail@' sink/*.eml"
check "send: temporary failure retried and delivered" grep -q 'temp@infonia.ne.jp' sink/log
check "send: Japanese notices in ISO-2022-JP with an encoded Subject" \
	bash -c "grep -l 'To: .*<taro@infonia.ne.jp>' sink/*.eml | xargs grep -q '^Subject: =?ISO-2022-JP?B?'"
check "send: the <script> of a name is not in the mail as markup" bash -c "! grep -q '<script>' sink/*.eml"
# per_hour 7200 = one transaction every 0.5 s. Transactions (MAIL FROM, retries included)
# start 0.5 s apart on average (single gaps vary with connection set-up, which follows the
# token: the first one pays for connect, STARTTLS and AUTH; without the limit the seven
# transactions take about 1.5 s).
sed 's/^/# MAIL at /' sink/mail_log
check "send: rate limit spaces transactions 0.5 s apart" \
	awk 'NR == 1 { first = $1 } { last = $1 } END { exit NR < 7 || (last - first) / (NR - 1) < 0.45 }' \
	sink/mail_log
"$BIN" notices plan.yaml --send >out2 2>err2; rc=$?
check "re-run: nothing sent twice" [ "$(ls sink/*.eml | wc -l)" = 5 ]
check "re-run: every delivered notice reported as already sent" [ "$(grep -c 'already sent, not sent again' err2)" = 5 ]
check "re-run: the refused one is tried again and fails again" [ $rc = 1 ]
rm -f send.db*
NOTICE_PW=wrong "$BIN" notices plan.yaml --send --customer s1 -q >/dev/null 2>err3; rc=$?
check "a refused password stops the run (exit 77)" [ $rc = 77 ]
check "a refused password: nothing delivered" [ "$(ls sink/*.eml | wc -l)" = 5 ]
sed -i 's|ca_file: cert.pem, ||' plan.yaml
rm -f send.db*
"$BIN" notices plan.yaml --send --customer s1 -q >/dev/null 2>err4; rc=$?
check "an untrusted certificate is refused (exit 69)" [ $rc = 69 ]
check "an untrusted certificate: nothing delivered" [ "$(ls sink/*.eml | wc -l)" = 5 ]
echo "1..$n"
