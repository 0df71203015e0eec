#!/usr/bin/env bash
# fuzz/seeds.sh TARGET DIR: put the starting corpus for one fuzz target into DIR, from
# the test data already in the tree (plans, CSVs, templates, uidlists, the hostile server
# scenarios) plus a few hand-written inputs below. Targets read their input as described
# at the top of fuzz/TARGET.c (several strings are separated by NUL bytes).
set -eu
cd "$(dirname "$0")/.."
t=$1 dir=$2
n=0

# Copy files (globs that match nothing are skipped).
files() {
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$dir/$(printf 's%03d-' "$n")$(basename "$f")" && n=$((n + 1))
	done
	return 0
}
# Each line of stdin becomes one seed, with printf %b escapes (\r, \n, \0 = NUL, \x00 =
# NUL before a digit).
lines() {
	while IFS= read -r l; do
		printf "%b" "$l" >"$dir/$(printf 'l%03d' "$n")"
		n=$((n + 1))
	done
}
# What a scenario of tests/data/hostile/ makes its server send (S: and SN: lines), with
# the client's tag as TAG.
scenario() {
	local tag=$1 f=$2 kind text
	while IFS= read -r l; do
		kind=${l%%: *} text=${l#*: }
		text=${text//\$TAG/$tag}
		case $kind in
		S) printf '%b\r\n' "$text" ;;
		SN) printf '%b' "$text" ;;
		esac
	done <"$f"
}
be16() { printf "\\x$(printf %02x $(($1 >> 8)))\\x$(printf %02x $(($1 & 255)))"; }

case $t in
fuzz_plan)
	files sample-plans/*.yaml tests/bad-plans/*.yaml tests/data/check/*.yaml ;;
fuzz_customers_csv)
	files tests/data/csv/*.csv tests/bad-plans/*.csv tests/data/check/*.csv ;;
fuzz_tmpl)
	files notices/templates/*/*.txt notices/templates/*/*.html notices/templates/*/*/*.txt \
	      notices/templates/xml/*.xml
	lines <<'SEEDS'
{{#each servers}}{{host}}{{#each ports}}:{{port}} {{/each}}{{/each}}
{{#if yes}}a{{else}}b{{/if}}{{#unless no}}{{html}}{{/unless}}{{! note }}
{{> steps/(steps)}}
{{> parts/title.txt}}
SEEDS
	;;
fuzz_hdr)
	lines <<'SEEDS'
Received: from mx by pop (qmail); Tue, 22 Oct 2002 23:31:00 +0900\r\nDate: Tue, 22 Oct 2002 23:30:00 +0900\r\nMessage-ID: <a@b>\r\nSubject: x\r\n\r\nbody\r\n
X-UIDL: 00000001aaaaaaaa\r\nReceived: (qmail 1 invoked by uid 0);\r\n  22 Oct 2002 14:31:00 -0000\r\nDate: 22 Oct 02 23:30 JST\r\n\r\n
message-id:   \r\n <folded@id>  \nDATE: Mon, 1 Jan 2001 00:00:00 GMT\n\nbody
SEEDS
	;;
fuzz_msgdate)
	lines <<'SEEDS'
Tue, 22 Oct 2002 23:30:00 +0900
22 Oct 02 23:30 JST
Mon (Monday), 1 Jan 2001 00:00:00 GMT (comment)
from mx.example.jp by pop.example.jp; Tue, 22 Oct 2002 14:31:00 -0000
Thu, 29 Feb 2024 12:00:60 -1230
1 Jan 1970 00:00 UT
SEEDS
	;;
fuzz_xuidl)
	lines <<'SEEDS'
00000001aaaaaaaa\0Subject: x\r\n\r\nbody
UID2-1035123456\0X-UIDL: old\r\nSubject: x\r\n\r\n
a b\0x-uidl: lower\nSubject: y\n\n
SEEDS
	;;
fuzz_imap_utf7)
	lines <<'SEEDS'
.INBOX.&ZeVnLIqe-
/Archive/日本語
.&-&AKM-
\\Sent Items\\送信済み
/&ZeVnLIqe
SEEDS
	;;
fuzz_foldermap)
	lines <<'SEEDS'
INBOX/*\0inbox/Lists/dev\0*\0.
Old/*\0Old/x/y\0Archive/2002/*\0/
Lists/*/x*\0Lists/a/b/xy/xz\0Mailing lists/*\0.
*b*b*b*c\0abababababc\0*\0/
INBOX.Sent\0INBOX/Sent\0Sent\0.
Trash*\0Trash/old\0x\0/
**x\0abx\0y/*\0.
SEEDS
	;;
fuzz_preflight_reply)
	# byte 0: 0 POP3 multi-line, 4 POP3 greeting, 1 IMAP tagged, 5 IMAP greeting, 2 SMTP
	for f in tests/data/hostile/*.scenario; do
		case $(basename "$f") in pop3-*) b='\x00' ;; imap-*) b='\x05' ;; *) continue ;; esac
		{ printf "$b"; scenario c1 "$f"; } >"$dir/h$n"
		n=$((n + 1))
	done
	lines <<'SEEDS'
\x00+OK Capability list follows\r\nUSER\r\nUIDL\r\nSTLS\r\nSASL PLAIN LOGIN\r\n.\r\n
\x04+OK Dovecot ready.\r\n
\x01* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED\r\nc1 OK done\r\n
\x05* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n
\x02250-mail.example.jp\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 SIZE 10240000\r\n
\x02220 ready\r\n
SEEDS
	;;
fuzz_pop3src | fuzz_imapsrc | fuzz_imapdst)
	# byte 0 picks the login (see the target); then what the server says. The hostile
	# scenarios with libetpan's tags (1, 2, … one per command), and a healthy dialogue.
	case $t in fuzz_pop3src) glob='pop3-*' ;; *) glob='imap-*' ;; esac
	for f in tests/data/hostile/$glob.scenario; do
		[ -f "$f" ] || continue
		k=0
		{ printf '\x00'; while IFS= read -r l; do
			kind=${l%%: *} text=${l#*: }
			case $kind in
			C) k=$((k + 1)) ;;
			S) text=${text//\$TAG/$k}; printf '%b\r\n' "$text" ;;
			SN) printf '%b' "$text" ;;
			esac
		done <"$f"; } >"$dir/h$n"
		n=$((n + 1))
	done
	lines <<'SEEDS'
\x00+OK ready <1.2@x>\r\n+OK\r\nTOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n+OK\r\n+OK\r\n+OK\r\nTOP\r\nUIDL\r\n.\r\n+OK 2 40\r\n+OK\r\n1 20\r\n2 20\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\nSubject: x\r\n\r\n..dot\r\n.\r\n+OK\r\nSubject: y\r\n\r\n.\r\n
\x00+OK ready\r\n-ERR\r\n+OK\r\n+OK\r\n-ERR\r\n+OK 1 10\r\n+OK\r\n1 10\r\n.\r\n-ERR no UIDL\r\n+OK\r\nA: b\r\n\r\n.\r\n
\x02* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LITERAL+ UIDPLUS MULTIAPPEND] ready\r\n+ \r\n1 OK [CAPABILITY IMAP4rev1 UIDPLUS MULTIAPPEND LITERAL+ QUOTA] Logged in\r\n* CAPABILITY IMAP4rev1 UIDPLUS MULTIAPPEND LITERAL+ QUOTA\r\n2 OK done\r\n* LIST (\\HasNoChildren) "/" INBOX\r\n* LIST (\\Sent) "/" {4}\r\nSent\r\n3 OK\r\n* LSUB () "/" INBOX\r\n4 OK\r\n* 2 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n* FLAGS (\\Seen $Label1)\r\n* OK [PERMANENTFLAGS (\\Seen \\*)] x\r\n5 OK [READ-WRITE] done\r\n* 1 FETCH (UID 7 FLAGS (\\Seen $Label1) INTERNALDATE "01-Jan-2020 00:00:00 +0900" RFC822.SIZE 4 BODY[HEADER.FIELDS (MESSAGE-ID)] {2}\r\n\r\n)\r\n6 OK\r\n* 1 FETCH (UID 7 BODY[] {4}\r\nabcd)\r\n7 OK\r\n+ go\r\n8 OK [APPENDUID 5 8:9] done\r\n* SEARCH 8\r\n9 OK\r\n* QUOTAROOT INBOX INBOX\r\n* QUOTA INBOX (STORAGE 10 100)\r\n10 OK\r\n
\x00* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n* CAPABILITY IMAP4rev1\r\n1 OK\r\n* LIST () NIL INBOX\r\n2 OK\r\n3 OK\r\n* 0 EXISTS\r\n4 OK\r\n5 OK\r\n* BYE bye\r\n
SEEDS
	;;
fuzz_uidl_merge)
	for u in tests/data/uidl/*.uidlist; do
		{ cat "$u"; printf '\0'; cat tests/data/uidl/merged-dovecot-uidlist; } >"$dir/m$n"
		n=$((n + 1))
	done
	lines <<'SEEDS'
#folder V1700000000 INBOX\n2 PUID2 O2\n7 Px O1\n\x003 V1700000000 N9 Gx\n2 W2 :1.M2P1.mx,S=2\n7 Pwrong O9 W1 :7.mx\n
#folder V1 INBOX\n1 Pa O1\n\x003 V2 N2\n1 :x\n
SEEDS
	;;
fuzz_tlsverify)
	# A CA (trusted through $FUZZ_TLS_CA, see run.sh) and a server certificate it signed.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj /CN=cutover-fuzz-ca -keyout "$tmp/ca.key" -out "${FUZZ_TLS_CA:-$tmp/ca.pem}" \
		-addext basicConstraints=critical,CA:true 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=mail.test \
		-keyout "$tmp/leaf.key" -out "$tmp/leaf.csr" 2>/dev/null
	printf 'subjectAltName=DNS:mail.test,IP:127.0.0.1\n' >"$tmp/ext"
	openssl x509 -req -in "$tmp/leaf.csr" -CA "${FUZZ_TLS_CA:-$tmp/ca.pem}" -CAkey "$tmp/ca.key" \
		-CAcreateserial -days 3650 -extfile "$tmp/ext" -outform DER -out "$tmp/leaf.der" 2>/dev/null
	openssl x509 -in "${FUZZ_TLS_CA:-$tmp/ca.pem}" -outform DER -out "$tmp/ca.der"
	ll=$(stat -c %s "$tmp/leaf.der") cl=$(stat -c %s "$tmp/ca.der")
	for name in mail.test 127.0.0.1 other.test; do
		{ printf '%s\0' "$name"; be16 "$ll"; cat "$tmp/leaf.der"; } >"$dir/leaf-$name"
		{ printf '%s\0' "$name"; be16 "$ll"; cat "$tmp/leaf.der"; be16 "$cl"; cat "$tmp/ca.der"; } \
			>"$dir/chain-$name"
	done
	;;
*)
	echo "seeds.sh: no seeds for $t; starting from an empty corpus" >&2 ;;
esac
# Inputs committed for this target (regressions, hand-made cases).
if [ -d "fuzz/seeds/$t" ]; then cp fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null || true; fi
exit 0
