#!/usr/bin/env bash
# imapdst: the IMAP destination driver against a real Dovecot (tests/harness):
# login variants, TLS and certificate checks, one-by-one and MULTIAPPEND appends with
# flags/keywords/dates kept, APPENDUID, quota, find_header, Japanese folder names.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
harness_certs
command -v dovecot >/dev/null 2>&1 || tap_skip_all "dovecot not installed"
[ -x "$H_TOOLS/imap_append" ] || tap_skip_all "build the tools first (make tests-bin)"
dovecot_start dst dest good || tap_skip_all "cannot start dovecot"
dovecot_add_user dst alice 'alice-Pw1' 0
dovecot_add_user dst bob 'bob-Pw1' 10500

APP=$H_TOOLS/imap_append DUMP=$H_TOOLS/imap_dump
PY="$H_PY $(dirname "$0")/imapdst_corpus.py"
C=$H_DIR/corpus
$PY corpus "$C" 120
STLS=(-p "$dst_IMAP" -t starttls -c "$H_CA")
TLS=(-p "$dst_IMAPS" -t tls -c "$H_CA")
export IMAP_PASSWORD='alice-Pw1'

# --- login and TLS -----------------------------------------------------------------------
out=$("$APP" "${STLS[@]}" -u alice caps 2>&1)
tap_is "$out" "uidplus multiappend quota " "STARTTLS + LOGIN with ca_file; capabilities re-read after TLS"
out=$("$APP" "${TLS[@]}" -u alice folders 2>&1)
tap_is "$out" "INBOX	.	-" "implicit TLS (IMAPS) + LOGIN, LIST with delimiter"
out=$(IMAP_PASSWORD=$dst_MASTER_PW "$APP" "${STLS[@]}" -u alice -m migrate caps 2>&1)
tap_is "$out" "uidplus multiappend quota " "master user: AUTHENTICATE PLAIN authzid=alice authcid=migrate"
out=$(IMAP_PASSWORD=wrong "$APP" -p "$dst_IMAP" -u alice caps 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "77  auth" "wrong password -> ERR_AUTH (exit 77)"
tap_ok "the password never appears in errors" bash -c "! grep -q 'alice-Pw1\|$dst_MASTER_PW' <<<'$out'"

for cert in self expired wrongname; do
	dovecot_start "c$cert" dest "$cert" || tap_skip_all "cannot start dovecot ($cert)"
	dovecot_add_user "c$cert" alice 'alice-Pw1' 0
	for mode in starttls tls; do
		if [ $mode = tls ]; then port=$(h_var "c${cert}_IMAPS"); else port=$(h_var "c${cert}_IMAP"); fi
		out=$("$APP" -p "$port" -t $mode -c "$H_CA" -u alice caps 2>&1); rc=$?
		tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "69  tls" "$cert certificate over $mode -> ERR_TLS"
	done
	# No LOGIN or AUTHENTICATE may have reached the server.
	tap_ok "$cert certificate: no credentials were sent" bash -c "! grep -qiE 'auth failed|Login: user|Aborted login.*user=<alice>' '$(h_var "c${cert}_LOG")'"
	dovecot_stop "c$cert"
done
case "$(echo "$out" | head -n 1)" in *"does not name"*|*name*) r=0 ;; *) r=1 ;; esac
tap_is "$r" 0 "wrong-name error says why"
out=$("$APP" -p "$dst_IMAP" -t starttls -c "$H_CA" -n mail.other.invalid -u alice caps 2>&1); rc=$?
tap_is "$rc" 69 "good certificate but a different expected name (tls_name) -> ERR_TLS"

# --- appends -----------------------------------------------------------------------------
"$APP" "${STLS[@]}" -u alice create One >/dev/null 2>&1
"$APP" "${STLS[@]}" -u alice create Batch >/dev/null 2>&1
"$APP" "${STLS[@]}" -u alice append One 1 "$C" >"$H_DIR/one.out" 2>"$H_DIR/one.err"
tap_is "$? $(tail -n 1 "$H_DIR/one.out")" "0 done=120" "one-by-one append of 120 messages"
IMAP_PASSWORD=$dst_MASTER_PW "$APP" "${STLS[@]}" -u alice -m migrate append Batch 50 "$C" >"$H_DIR/batch.out" 2>"$H_DIR/batch.err"
tap_is "$? $(tail -n 1 "$H_DIR/batch.out")" "0 done=120" "MULTIAPPEND append (batches of 50) as the master user"
grep -q "APPEND \"Batch\" (\\\\Seen) \"" "$dst_LOG" 2>/dev/null # (logged only with rawlog; informative)
"$DUMP" "${STLS[@]}" -u alice dump One >"$H_DIR/one.dump" 2>&1
"$DUMP" "${STLS[@]}" -u alice dump Batch >"$H_DIR/batch.dump" 2>&1
out=$($PY check "$C" <"$H_DIR/one.dump"); tap_is "$?" 0 "one-by-one: flags, keywords, dates, stored bytes as expected"
[ -z "$out" ] || echo "$out" | head -n 5 | sed 's/^/# /'
out=$($PY check "$C" <"$H_DIR/batch.dump"); tap_is "$?" 0 "MULTIAPPEND: flags, keywords, dates, stored bytes as expected"
[ -z "$out" ] || echo "$out" | head -n 5 | sed 's/^/# /'
tap_is "$(cut -d' ' -f1 "$H_DIR/batch.dump" | tr '\n' ' ')" "$(grep -v '^done=' "$H_DIR/batch.out" | cut -f1 | tr '\n' ' ')" "APPENDUID uids of MULTIAPPEND match the mailbox"
tap_is "$(cut -d' ' -f1 "$H_DIR/one.dump" | tr '\n' ' ')" "$(grep -v '^done=' "$H_DIR/one.out" | cut -f1 | tr '\n' ' ')" "APPENDUID uids of single APPENDs match the mailbox"
tap_is "$(sed -n 2p "$H_DIR/one.dump" | cut -d' ' -f4)" "$(sed -n 2p "$H_DIR/batch.dump" | cut -d' ' -f4)" "bare-LF message stored identically (CRLF) on both paths"

# --- TRYCREATE: appending into a folder that does not exist creates it ---------------------
out=$("$APP" "${STLS[@]}" -u alice append Auto/Made 50 "$C" 2>&1 | tail -n 1)
tap_is "$out" "done=120" "[TRYCREATE] -> folder created, batch retried"

# --- quota -------------------------------------------------------------------------------
Q=$H_DIR/quota
$PY corpus "$Q" 20 1000
size=$(stat -c %s "$Q/003.eml")
fit=$((10500 / size))
out=$(IMAP_PASSWORD='bob-Pw1' "$APP" "${STLS[@]}" -u bob append INBOX 50 "$Q" 2>"$H_DIR/q.err"); rc=$?
tap_is "$rc $(grep '^error:' "$H_DIR/q.err" | cut -d: -f2)" "73  quota" "over quota -> ERR_QUOTA (exit 73)"
tap_is "$(echo "$out" | grep '^done=')" "done=$fit" "the messages that fit are stored ($fit)"
tap_is "$(echo "$out" | grep '^failed=')" "failed=$(printf '%03d' $((fit + 1))).eml" "the failing message is identified"
tap_ok "error names OVERQUOTA and the message" grep -q "message $((fit + 1)) of 20: imap APPEND to 'INBOX': \[OVERQUOTA\]" "$H_DIR/q.err"
out=$(IMAP_PASSWORD='bob-Pw1' "$APP" "${STLS[@]}" -u bob limits 2>&1)
tap_ok "limits reports the quota ($out)" bash -c "[[ '$out' == *'limit=10240'* || '$out' == *'limit=11264'* || '$out' == *'limit=10752'* ]]"

# --- a message over the server's size limit (Dovecot: NO [LIMIT]) -> ERR_TOOBIG ------------
H_EXTRA_CONF='plugin {
  quota_max_mail_size = 3k
}' dovecot_start big dest good || tap_skip_all "cannot start dovecot (size limit)"
dovecot_add_user big alice 'alice-Pw1' 0
B=$H_DIR/big
$PY corpus "$B" 6 1000
$PY corpus "$H_DIR/big1" 1 5000
cp "$H_DIR/big1/001.eml" "$B/004.eml"
out=$("$APP" -p "$big_IMAP" -u alice append INBOX 50 "$B" 2>"$H_DIR/big.err"); rc=$?
tap_is "$rc $(grep '^error:' "$H_DIR/big.err" | cut -d: -f2) $(echo "$out" | grep -e '^done=' -e '^failed=' | tr '\n' ' ')" \
	"65  too-big done=3 failed=004.eml " "oversized message in a batch -> ERR_TOOBIG, the 3 before it stored, it is named"
dovecot_stop big

# --- find_header ---------------------------------------------------------------------------
out=$("$APP" "${STLS[@]}" -u alice find One X-UIDL uidl-00007 2>&1)
tap_is "$out" "$(sed -n 7p "$H_DIR/one.out" | cut -f1)" "find_header finds X-UIDL uidl-00007 (and not uidl-000070…)"
out=$("$APP" "${STLS[@]}" -u alice find One X-UIDL uidl-0000 2>&1)
tap_is "$out" "" "find_header needs the whole value, not a substring"
uid=$(sed -n 3p "$H_DIR/one.out" | cut -f1)
"$APP" "${STLS[@]}" -u alice fetch One "$uid" >"$H_DIR/fetched"
tap_is "$(sha256sum <"$H_DIR/fetched" | cut -d' ' -f1)" "$(sed -n 3p "$H_DIR/one.dump" | cut -d' ' -f5)" "fetch_uid returns the stored message"

# --- Japanese folder names --------------------------------------------------------------------
"$APP" "${STLS[@]}" -u alice create '日本語/受信トレイ' >/dev/null 2>&1
"$APP" "${STLS[@]}" -u alice append '日本語/受信トレイ' 50 "$C" >/dev/null 2>&1
out=$("$APP" "${STLS[@]}" -u alice folders | grep '^日本語' | cut -f1 | sort | tr '\n' ' ')
tap_is "$out" "日本語 日本語/受信トレイ " "Japanese folder names round-trip (mUTF-7 on the wire)"
tap_ok "server stores the mUTF-7 name" test -d "$(dovecot_maildir dst alice)/.&ZeVnLIqe-.&U9dP4TDIMOwwpA-"
out=$("$DUMP" "${STLS[@]}" -u alice dump '日本語/受信トレイ' | $PY check "$C"); tap_is "$?" 0 "messages appended into the Japanese folder"

# --- special-use folders from LIST --------------------------------------------------------
H_EXTRA_CONF='namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox "Deleted Items" {
    special_use = \Trash
    auto = create
  }
}' dovecot_start su dest good || tap_skip_all "cannot start dovecot (special-use)"
dovecot_add_user su alice 'alice-Pw1' 0
out=$("$APP" -p "$su_IMAP" -u alice folders 2>&1 | LC_ALL=C sort | tr '\t\n' '| ')
tap_is "$out" "Deleted Items|.|trash INBOX|.|- Sent|.|sent subscribed " "special-use flags (\\Sent, \\Trash) and subscriptions from LIST/LSUB"
dovecot_stop su

# --- a server that hangs up after login -> ERR_NET, not a SIGPIPE death ----------------------
H_EXTRA_CONF='namespace broken {
  prefix = x.
}' dovecot_start hup dest good || tap_skip_all "cannot start dovecot (hang-up)"
dovecot_add_user hup alice 'alice-Pw1' 0
out=$("$APP" -p "$hup_IMAP" -u alice folders 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "69  network" "server closing the session -> ERR_NET"
dovecot_stop hup

# --- a silent server -> ERR_TIMEOUT --------------------------------------------------------
port=$(harness_free_ports 1)
"$H_PY" -c "import socket,time,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(1); c,_=s.accept(); time.sleep(8)" &
sil=$!
harness_on_exit kill "$sil"
sleep 0.3
start=$SECONDS
out=$("$APP" -p "$port" -T 2 -u alice caps 2>&1); rc=$?
tap_is "$rc $(echo "$out" | head -n 1 | cut -d: -f2)" "75  timeout" "silent server -> ERR_TIMEOUT after the configured timeout"
# libetpan waits the timeout twice while reading the greeting (2 s -> about 4 s).
tap_ok "timeout honoured (took $((SECONDS - start)) s)" test $((SECONDS - start)) -le 6

tap_done
