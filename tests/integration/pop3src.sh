#!/usr/bin/env bash
# pop3src: the POP3 source driver against real Dovecot servers (tests/harness): every
# login method, STLS and POP3S with the four certificate cases, error classes, and the
# promises the engine relies on: keys = the source's UIDLs, server order, bytes exactly as
# the server sends them, nothing changed on the source (no \Seen, no DELE).
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
FETCH="$H_TOOLS/pop3_fetch"
[ -x "$FETCH" ] || tap_skip_all "no $FETCH (build the tools first)"
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || tap_skip_all "dovecot is not installed"
harness_certs
dovecot_start src source good || tap_skip_all "dovecot would not start"
W=$H_DIR/pop3src
mkdir -p "$W"
PW='s3cret pw!'
dovecot_add_user src alice "$PW"
export POP3_PASSWORD=$PW

fetch() { "$FETCH" --host 127.0.0.1 --timeout 15 "$@"; }
sha() { sha256sum | cut -d' ' -f1; }
crlf() { sed 's/\r$//; s/$/\r/' "$1"; }   # how Dovecot serves a message: every line ends CRLF
# "error CLASS [CODE]: …" from pop3_fetch's stderr -> "CLASS" or "CLASS [CODE]"
cls() { grep -m1 '^error ' "$1" | sed -E 's/^error ([a-z-]+( \[[A-Z/-]+\])?):.*/\1/'; }
# IMAP flags without \Recent, which belongs to a session, not to the message
flags() { imap_flags src "$1" "$PW" | sed 's/ *\\Recent//; s/ *$//'; }

# --- a mailbox: plain messages, some already read, a dot-stuffed line, bare-LF lines ---
for i in 1 2 3 4 5; do
	printf 'From: sender%s@example.jp\r\nTo: alice@example.jp\r\nSubject: message %s\r\nMessage-ID: <m%s@example.jp>\r\n\r\nbody %s\r\n.starts with a dot\r\n..two dots\r\n' \
		"$i" "$i" "$i" "$i" >"$W/m$i"
done
printf 'From: lf@example.jp\nSubject: bare LF\n\nline one\nline two\n' >"$W/lf"
names=$(maildir_deliver src alice "$W/m1" "$W/m2")
names="$names
$(maildir_deliver src alice -f S "$W/m3")
$(maildir_deliver src alice "$W/lf" "$W/m4")
$(maildir_deliver src alice -f RS "$W/m5")"
files="m1 m2 m3 lf m4 m5"

flags_before=$(flags alice)
uidls_before=$(pop3_uidls src alice "$PW")

# --- USER/PASS: keys, order, bytes ---
fetch --port "$src_POP3" --user alice --save "$W" >"$W/out" 2>"$W/err"
tap_is "$?" 0 "USER/PASS: list and fetch everything"
tap_is "$(sed -n 1p "$W/out")" "style qmail" "UIDL style of a %f (qmail-like) source is qmail"
tap_is "$(sed -n 2p "$W/out")" "caps uidl" "UIDL capability reported"
tap_is "$(tail -n +3 "$W/out" | cut -d' ' -f2)" "$names" "keys are the source UIDLs, in delivery order"
want="" got=""
n=0
for f in $files; do
	n=$((n + 1))
	want="$want $n:$(crlf "$W/$f" | sha)"
	got="$got $n:$(sha <"$W/$n")"
done
tap_is "$got" "$want" "fetched bytes equal the stored messages (CRLF, dot-unstuffed)"
tap_is "$(awk 'NR>2 {print $3}' "$W/out" | tr '\n' ' ')" "$(for n in 1 2 3 4 5 6; do printf '%s ' "$(wc -c <"$W/$n")"; done)" \
	"sizes printed match the bytes"
tap_is "$(crlf "$W/lf" | sha)" "$(sha <"$W/4")" "a bare-LF message arrives as the server serves it (LF -> CRLF, nothing else)"
tap_is "$(grep -c '^warning' "$W/err")" 0 "no warnings on a well-behaved server"

# --- the source is unchanged ---
tap_is "$(flags alice)" "$flags_before" "source flags unchanged after a full fetch (TOP, not RETR)"
tap_is "$(pop3_uidls src alice "$PW")" "$uidls_before" "source messages unchanged (nothing deleted)"
# Control: the same check notices a RETR (Dovecot sets \Seen on RETR), so the test can fail.
H_PW=$PW "$H_PY" - "$src_POP3" <<'EOF'
import os, poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.user("alice"); p.pass_(os.environ["H_PW"]); p.retr(1); p.quit()
EOF
tap_is "$(flags alice | head -n 1)" "1 \\Seen" "control: a RETR by another client does set \\Seen on this server"
tap_ok "no DELE anywhere in the POP3 driver objects" \
	bash -c "ls '$H_BUILD'/migrate/pop3/pop3src.o >/dev/null && ! nm '$H_BUILD'/migrate/pop3/*.o | grep -q mailpop3_dele && ! strings '$H_BUILD'/migrate/pop3/*.o | grep -qw DELE"

# --- header blocks only (dry-run's inventory): TOP n 0, pipelined ---
mkdir -p "$W/hdr"
fetch --port "$src_POP3" --user alice --headers --save "$W/hdr" >"$W/hdr.out" 2>&1
tap_is "$?:$(tail -n +3 "$W/hdr.out" | cut -d' ' -f2)" "0:$names" "headers: every message, in order"
want="" got=""
n=0
for f in $files; do
	n=$((n + 1))
	want="$want $n:$(crlf "$W/$f" | sed '/^\r$/q' | sha)"
	got="$got $n:$(sha <"$W/hdr/$n")"
done
tap_is "$got" "$want" "headers: each block is the header up to and including the blank line"

# --- other login methods ---
fetch --port "$src_POP3" --user alice --auth apop --list-only >"$W/apop" 2>&1
tap_is "$?" 0 "APOP login succeeds (digest computed by us, not libetpan)"
fetch --port "$src_POP3" --user alice --auth plain --list-only >/dev/null 2>&1
tap_is "$?" 0 "SASL PLAIN login"
fetch --port "$src_POP3" --user alice --auth cram-md5 --list-only >/dev/null 2>&1
tap_is "$?" 0 "SASL CRAM-MD5 login"
POP3_PASSWORD=$src_MASTER_PW fetch --port "$src_POP3" --user alice --master "$src_MASTER_USER" --list-only >"$W/mu" 2>&1
tap_is "$?:$(tail -n +3 "$W/mu" | cut -d' ' -f2)" "0:$names" "master user via USER alice*master sees alice's mailbox"
POP3_PASSWORD=$src_MASTER_PW fetch --port "$src_POP3" --user alice --master "$src_MASTER_USER" --auth plain --list-only >"$W/mp" 2>&1
tap_is "$?:$(tail -n +3 "$W/mp" | cut -d' ' -f2)" "0:$names" "master user via SASL PLAIN authzid"

POP3_PASSWORD=wrong fetch --port "$src_POP3" --user alice --master "$src_MASTER_USER" --auth plain --list-only >/dev/null 2>"$W/e0"
tap_is "$?:$(cls "$W/e0")" "77:auth [AUTH]" "wrong master password (SASL PLAIN) -> auth class"
POP3_PASSWORD=$src_MASTER_PW fetch --port "$src_POP3" --user alice --master "$src_MASTER_USER" --auth apop --list-only >/dev/null 2>"$W/e00"
tap_is "$?:$(cls "$W/e00")" "65:data" "APOP cannot carry a master user -> data class, nothing sent"

# --- refusals and their classes ---
POP3_PASSWORD=wrong fetch --port "$src_POP3" --user alice --list-only >/dev/null 2>"$W/e1"
rc=$?
tap_is "$rc:$(cls "$W/e1")" "77:auth [AUTH]" "wrong password -> auth class (exit 77)"
tap_ok "the error keeps the server's words and not the password" \
	bash -c "grep -q 'Authentication failed' '$W/e1' && ! grep -q wrong '$W/e1'"
POP3_PASSWORD=wrong fetch --port "$src_POP3" --user alice --auth apop --list-only >/dev/null 2>"$W/e2"
tap_is "$?:$(cls "$W/e2")" "77:auth [AUTH]" "wrong APOP secret -> auth class"
port=$(harness_free_ports 1)
fetch --port "$port" --user alice --list-only >/dev/null 2>"$W/e3"
tap_is "$?:$(cls "$W/e3")" "69:network" "connection refused -> net class"

# A server that accepts and never greets: timeout class after the configured time.
"$H_PY" - "$W/silent.port" <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 30
while time.time() < end:
    s.settimeout(1)
    try: conns.append(s.accept()[0])
    except OSError: pass
EOF
silent_pid=$!
harness_on_exit "kill $silent_pid 2>/dev/null"
for _ in $(seq 50); do [ -s "$W/silent.port" ] && break; sleep 0.1; done
t0=$(date +%s)
"$FETCH" --host 127.0.0.1 --port "$(cat "$W/silent.port")" --timeout 2 --user alice --list-only >/dev/null 2>"$W/e4"
rc=$? t1=$(date +%s)
tap_is "$rc:$(cls "$W/e4")" "75:timeout" "silent server -> timeout class"
tap_ok "the timeout took about the configured 2 s (took $((t1 - t0)) s)" test $((t1 - t0)) -le 6
kill "$silent_pid" 2>/dev/null

# IN-USE: another session holds the maildrop (pop3_lock_session = yes).
"$H_PY" - "$src_POP3" "$W/held" <<'EOF' &
import os, poplib, sys, time
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
p.user("alice"); p.pass_(os.environ["POP3_PASSWORD"])
open(sys.argv[2], "w").write("held")
time.sleep(20)
p.quit()
EOF
holder=$!
harness_on_exit "kill $holder 2>/dev/null"
for _ in $(seq 100); do [ -s "$W/held" ] && break; sleep 0.1; done
fetch --port "$src_POP3" --user alice --list-only >/dev/null 2>"$W/e5"
tap_is "$?:$(cls "$W/e5")" "75:locked [IN-USE]" "maildrop in use -> locked class with the IN-USE code"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --- TLS ---
fetch --port "$src_POP3" --tls starttls --ca "$H_CA" --user alice --list-only >/dev/null 2>&1
tap_is "$?" 0 "STLS with the private CA verifies and logs in"
fetch --port "$src_POP3S" --tls tls --ca "$H_CA" --user alice --save "$W" >"$W/tls" 2>&1
tap_is "$?:$(tail -n +3 "$W/tls" | cut -d' ' -f2,4 | sha)" "0:$(tail -n +3 "$W/out" | cut -d' ' -f2,4 | sha)" \
	"POP3S fetch gives the same keys and bytes"
fetch --port "$src_POP3S" --tls tls --user alice --list-only >/dev/null 2>"$W/e6"
tap_is "$?:$(cls "$W/e6")" "69:tls" "POP3S: our CA is not in the system store -> tls class"
fetch --port "$src_POP3S" --tls tls --ca "$H_CA_OTHER" --user alice --list-only >/dev/null 2>"$W/e7"
tap_is "$?:$(grep -c 'unknown CA' "$W/e7")" "69:1" "POP3S with an unrelated CA -> unknown CA"
fetch --port "$src_POP3S" --tls tls --ca "$H_CA" --tls-name mail.other.invalid --user alice --list-only >/dev/null 2>"$W/e8"
tap_is "$?:$(grep -c 'does not name this host' "$W/e8")" "69:1" "expected name not in the certificate -> rejected"

for cert in self expired wrongname; do
	dovecot_start "c$cert" source "$cert" || { tap_ok "dovecot with the $cert certificate starts" false; continue; }
	dovecot_add_user "c$cert" alice "$PW"
	case $cert in
	self) reason="unknown CA" ;;
	expired) reason="expired" ;;
	wrongname) reason="does not name this host" ;;
	esac
	p3=$(h_var "c${cert}_POP3") p3s=$(h_var "c${cert}_POP3S") log=$(h_var "c${cert}_LOG")
	fetch --port "$p3s" --tls tls --ca "$H_CA" --user alice --list-only >/dev/null 2>"$W/c1"
	tap_is "$?:$(grep -c "$reason" "$W/c1")" "69:1" "POP3S, $cert certificate -> refused: $reason"
	fetch --port "$p3" --tls starttls --ca "$H_CA" --user alice --list-only >/dev/null 2>"$W/c2"
	tap_is "$?:$(grep -c "$reason" "$W/c2")" "69:1" "STLS, $cert certificate -> refused: $reason"
	tap_ok "$cert: the message names subject and issuer" grep -q 'subject "CN=.*issuer "CN=' "$W/c1"
	sleep 0.3
	tap_ok "$cert: no credential was sent (no login attempt in the server log)" \
		bash -c "! grep -Eq 'Login: user=|auth failed|Aborted login \(auth failed' '$log'"
	if [ "$cert" = self ]; then
		fetch --port "$p3s" --tls tls --no-verify --user alice --list-only >/dev/null 2>&1
		tap_is "$?" 0 "verify: false in the plan accepts a self-signed certificate"
	fi
	dovecot_stop "c$cert"
done

# --- unusual but RFC 1939-legal UIDLs (0x21-0x7E, up to 70 characters) ---
dovecot_add_user src bob "$PW"
md=$(dovecot_maildir src bob)
odd1='1034568001.!"#$%&'"'"'()*+-;<=>?@[\]^_`{|}~.host'
odd2="1034568002.$(printf 'x%.0s' $(seq 1 57)).h"
odd3='1034568003.A=B,C.h'
printf 'Subject: odd\r\n\r\nodd\r\n' >"$W/odd"
i=0
for n in $(maildir_deliver src bob "$W/odd" "$W/odd" "$W/odd"); do
	i=$((i + 1))
	eval "mv \"\$md/new/\$n\" \"\$md/new/\$odd$i\""
done
fetch --port "$src_POP3" --user bob >"$W/odd.out" 2>"$W/odd.err"
tap_is "$?" 0 "fetch a mailbox with unusual UIDL characters"
tap_is "$(tail -n +3 "$W/odd.out" | cut -d' ' -f2)" "$odd1
$odd2
$odd3" "UIDLs with punctuation and of 70 characters are kept exactly"
tap_is "${#odd2}" 70 "(the long UIDL is 70 characters)"

# --- a list from an earlier session: numbers shift when another client deletes mail ---
dovecot_add_user src erin "$PW"
for i in 1 2 3; do printf 'Subject: e%s\r\n\r\nerin %s\r\n' "$i" "$i" >"$W/e$i"; done
enames=$(maildir_deliver src erin "$W/e1" "$W/e2" "$W/e3")
cat >"$W/dele.py" <<'EOF'
import os, poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.user("erin"); p.pass_(os.environ["POP3_PASSWORD"]); p.dele(1); p.quit()
EOF
fetch --port "$src_POP3" --user erin --between "$H_PY $W/dele.py $src_POP3" >"$W/rel.out" 2>"$W/rel.err"
tap_is "$?" 0 "fetch an old list in a new session after the first message was deleted elsewhere"
tap_is "$(tail -n +3 "$W/rel.out" | awk '{print $1 == "missing" ? "missing " $2 : $2 " " $4}')" \
	"missing $(echo "$enames" | sed -n 1p)
$(echo "$enames" | sed -n 2p) $(sha <"$W/e2")
$(echo "$enames" | sed -n 3p) $(sha <"$W/e3")" \
	"the deleted message is reported missing, the others are found by UIDL despite new numbers"

# --- sizes that disagree: a wrong W= size in the file name, a message without final newline ---
dovecot_add_user src fay "$PW"
printf 'Subject: a\r\n\r\naaaa\r\n' >"$W/fa"
printf 'Subject: b\r\n\r\nbbbb\r\n' >"$W/fb"
printf 'Subject: c\nX: y\n\nno final newline' >"$W/fc"
printf 'Subject: d\r\n\r\ndddd\r\n' >"$W/fd"
printf 'Subject: e\r\n\r\neeee\r\n' >"$W/fe"
md=$(dovecot_maildir src fay)
set -- $(maildir_deliver src fay "$W/fa" "$W/fb" "$W/fc" "$W/fd" "$W/fe")
mv "$md/new/$1" "$md/new/$1,W=999"     # Dovecot now LISTs 999 bytes for it
mv "$md/new/$4" "$md/new/$4,W=888"     # the same in the middle of a pipelined batch
mkdir -p "$W/fay"
fetch --port "$src_POP3" --user fay --save "$W/fay" >"$W/fay.out" 2>"$W/fay.err"
tap_is "$?" 0 "fetch a mailbox whose LIST sizes are partly wrong"
tap_is "$(sha <"$W/fay/1") $(sha <"$W/fay/2") $(sha <"$W/fay/4") $(sha <"$W/fay/5")" \
	"$(crlf "$W/fa" | sha) $(crlf "$W/fb" | sha) $(crlf "$W/fd" | sha) $(crlf "$W/fe" | sha)" \
	"a wrong LIST size does not change the bytes (TOP checked against RETR), pipelined or not"
tap_is "$(tail -n +3 "$W/fay.out" | cut -d' ' -f1 | tr '\n' ' ')" "1 2 3 4 5 " "and the order is kept"
tap_is "$(sha <"$W/fay/3")" "$(printf 'Subject: c\r\nX: y\r\n\r\nno final newline' | sha)" \
	"a message without a final newline comes without the CRLF the server adds for the terminator"
tap_is "$(grep '^warning' "$W/fay.err")" "warning: message 1: LIST says 999 bytes, the server sent 20
warning: message 4: LIST says 888 bytes, the server sent 20" \
	"the real size disagreements are reported as warnings"

# --- older servers: a real Dovecot behind a proxy that hides UIDL and/or TOP ---
dovecot_add_user src gus "$PW"
printf 'From: g@example.jp\r\nSubject: same\r\n\r\nfirst body\r\n' >"$W/g1"
printf 'From: g@example.jp\r\nSubject: same\r\n\r\nother body\r\n' >"$W/g2"      # same header, same size
printf 'From: g@example.jp\r\nSubject: third\r\n\r\nthird\r\n' >"$W/g3"
gnames=$(maildir_deliver src gus "$W/g1" "$W/g2" "$W/g3")
gflags=$(flags gus)
hdrkey() {   # what the driver derives without UIDL: SHA-256 of header block + "\n" + size
	"$H_PY" -c 'import hashlib,sys; d=open(sys.argv[1],"rb").read(); h=d[:d.index(b"\r\n\r\n")+4]
print("sha256:"+hashlib.sha256(h+b"\n%d" % len(d)).hexdigest())' "$1"
}
proxy() {   # proxy HIDE: start one, its port in $pport (not $(...): it would wait for the proxy)
	pport=$(harness_free_ports 1)
	rm -f "$W/proxy.ready"
	"$H_PY" "$H_ROOT/tests/integration/pop3_filter_proxy.py" "$pport" "$src_POP3" "$1" "$W/proxy.ready" \
		>/dev/null 2>&1 &
	harness_on_exit "kill $! 2>/dev/null"
	for _ in $(seq 50); do [ -s "$W/proxy.ready" ] && break; sleep 0.1; done
}
proxy UIDL
pu=$pport
mkdir -p "$W/gus"
fetch --port "$pu" --user gus --save "$W/gus" >"$W/gus.out" 2>"$W/gus.err"
tap_is "$?:$(sed -n 1,2p "$W/gus.out" | tr '\n' ' ')" "0:style none caps - " "no UIDL: fetch works, style none, no UIDL capability"
k1=$(hdrkey "$W/g1") k3=$(hdrkey "$W/g3")
tap_is "$(tail -n +3 "$W/gus.out" | cut -d' ' -f2)" "$k1
$k1-2
$k3" "no UIDL: keys are header+size digests, a repeat gets -2"
tap_is "$(sha <"$W/gus/1") $(sha <"$W/gus/2") $(sha <"$W/gus/3")" "$(sha <"$W/g1") $(sha <"$W/g2") $(sha <"$W/g3")" \
	"no UIDL: bytes unchanged"
tap_ok "no UIDL: the operator is warned that clients will download again" grep -q 'has no UIDL' "$W/gus.err"
fetch --port "$pu" --user gus --list-only >"$W/gus2.out" 2>/dev/null
tap_is "$(tail -n +3 "$W/gus2.out" | cut -d' ' -f2)" "$(tail -n +3 "$W/gus.out" | cut -d' ' -f2)" \
	"no UIDL: the same keys in a second session"
proxy TOP
pt=$pport
fetch --port "$pt" --user gus --save "$W/gus" >"$W/gust.out" 2>"$W/gust.err"
tap_is "$?:$(tail -n +3 "$W/gust.out" | cut -d' ' -f2)" "0:$gnames" "no TOP: keys are still the UIDLs"
tap_is "$(sha <"$W/gus/1") $(sha <"$W/gus/3")" "$(sha <"$W/g1") $(sha <"$W/g3")" "no TOP: bytes by RETR unchanged"
tap_ok "no TOP: warned that RETR may mark messages read" grep -q 'refused TOP.*RETR' "$W/gust.err"
proxy UIDL,TOP
pn=$pport
fetch --port "$pn" --user gus >"$W/gusn.out" 2>"$W/gusn.err"
tap_is "$?:$(tail -n +3 "$W/gusn.out" | cut -d' ' -f2 | cut -c1-7 | sort -u)" "0:sha256:" "neither UIDL nor TOP: content keys"
tap_is "$(tail -n +3 "$W/gusn.out" | cut -d' ' -f2 | sort -u | wc -l)" 3 "neither: three distinct keys"
tap_ok "neither: warned that listing reads every message" grep -q 'neither UIDL nor TOP' "$W/gusn.err"
tap_is "$(flags gus)" "$gflags" "flags of this mailbox unchanged by TOP-only runs and RSET-ended RETR runs on Dovecot"

# --- a 20 MB message ---
dovecot_add_user src carol "$PW"
"$H_PY" - "$W/big" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"From: big@example.jp\r\nSubject: big\r\n\r\n")
    line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuv\r\n"
    for i in range(20 * 1024 * 1024 // len(line)):
        f.write(line if i % 1000 else b"." + line)
EOF
maildir_deliver src carol "$W/big" >/dev/null
mkdir -p "$W/bigout"
fetch --port "$src_POP3" --user carol --save "$W/bigout" >"$W/big.out" 2>"$W/big.err"
tap_is "$?" 0 "fetch a 20 MB message"
tap_is "$(sha <"$W/bigout/1")" "$(sha <"$W/big")" "the 20 MB message arrives byte for byte (dot-stuffed lines too)"
tap_is "$(grep -c '^warning' "$W/big.err")" 0 "no TOP/LIST size warning for the big message"

# --- throughput on loopback: 1000 small messages ---
dovecot_add_user src dave "$PW"
# Written straight into new/ (maildir_deliver forks a few processes per message).
md=$(dovecot_maildir src dave)
"$H_PY" - "$md/new" >"$W/many.want" <<'EOF'
import hashlib, sys
for i in range(1, 1001):
    name = "%d.%d.bulk.example.jp" % (1100000000 + i, i)
    data = b"From: x@example.jp\r\nSubject: %d\r\nMessage-ID: <%d@bulk>\r\n\r\n%s\r\n" % (i, i, b".dot" * (i % 7))
    with open("%s/%s" % (sys.argv[1], name), "wb") as f:
        f.write(data)
    print(name, hashlib.sha256(data).hexdigest())
EOF
chown -R --reference="$md" "$md/new"
fetch --port "$src_POP3" --user dave --rate >"$W/many.out" 2>"$W/many.err"
tap_is "$?:$(tail -n +3 "$W/many.out" | wc -l)" "0:1000" "fetch 1000 small messages (pipelined TOP)"
tap_is "$(tail -n +3 "$W/many.out" | cut -d' ' -f2,4 | sha)" "$(sha <"$W/many.want")" \
	"pipelined fetch: every key and every byte in order"
echo "# $(grep '^rate' "$W/many.err") (build $H_BUILD)"

tap_ok "no output of any run above contains a password" \
	bash -c "! grep -rlF -e '$PW' -e '$src_MASTER_PW' '$W' --include='*.err' --include='*.out' --include='e[0-9]*' --include='c[12]'"

tap_done
