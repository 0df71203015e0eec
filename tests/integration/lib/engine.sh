# tests/integration/lib/engine.sh: what the engine tests share — a plan for two harness
# servers, message generators, and checks of "every message exactly once". Sourced after
# tests/harness/lib.sh.

CUTOVER=${CUTOVER_BIN:-$H_ROOT/cutover}

# e_plan FILE NAME SRC DST UIDL WORKERS CUSTOMER...   (CUSTOMER = id; login = id on both,
# plus $E_DST_SUFFIX on the destination so a test can copy again into fresh mailboxes)
# Source logins use each customer's own password (env PW_<id>); the destination uses its
# master user (env DST_MASTER_PW). Extra migration lines: $E_PLAN_EXTRA. The source
# protocol is $E_SRC_PROTO (default pop3; imap reads the source server's IMAP port).
e_plan() {
	local file=$1 name=$2 src=$3 dst=$4 uidl=$5 workers=$6; shift 6
	local sp dp dpop c
	local sproto=${E_SRC_PROTO:-pop3}
	sp=$(h_var "${src}_POP3")
	[ "$sproto" = imap ] && sp=$(h_var "${src}_IMAP")
	dp=$(h_var "${dst}_IMAP") dpop=$(h_var "${dst}_POP3")
	export DST_MASTER_PW
	DST_MASTER_PW=$(h_var "${dst}_MASTER_PW")
	{
		cat <<-EOT
		version: 1
		name: $name
		operator: { company: Test ISP, support_email: support@example.jp }
		timezone: Asia/Tokyo
		window:
		  start: 2030-10-22T23:30:00+09:00
		  end: 2030-10-23T03:00:00+09:00
		services:
		  incoming:
		    before: { host: mx.example.jp, protocol: pop3, port: 110 }
		    after:
		      - { host: pop.example.jp, protocol: pop3, port: 110 }
		  outgoing:
		    before: { host: mx.example.jp, port: 25 }
		    after:
		      - { host: smtp.example.jp, port: 587, auth: smtp-auth, tls: starttls }
		migration:
		  source: { protocol: $sproto, host: 127.0.0.1, port: ${E_SRC_PORT:-$sp}, tls: none }
		  destination:
		    protocol: imap
		    host: 127.0.0.1
		    port: ${E_DST_PORT:-$dp}
		    tls: none
		    pop3_port: $dpop
		    auth: { master_user: migrate, password_env: DST_MASTER_PW }
		  uidl: $uidl
		  workers: $workers
		  retry: { attempts: ${E_ATTEMPTS:-3}, first_delay: ${E_FIRST_DELAY:-0s}, max_delay: 1s }
		  in_doubt_wait: ${E_IN_DOUBT_WAIT:-2s}
		${E_PLAN_EXTRA:-}
		customers:
		EOT
		for c in "$@"; do
			printf '  - { id: %s, email: %s@example.jp, source_login: %s, dest_login: %s%s, password_env: PW_%s }\n' \
				"$c" "$c" "$c" "$c" "${E_DST_SUFFIX:-}" "$c"
		done
	} >"$file"
}

# e_users CUSTOMER...: the customer on both servers (src, dst), password exported as PW_<id>.
e_users() {
	local c pw
	for c in "$@"; do
		pw="pw-$c-$RANDOM"
		export "PW_$c=$pw"
		dovecot_add_user src "$c" "$pw" || return 1
		dovecot_add_user dst "$c${E_DST_SUFFIX:-}" "dpw-$c" || return 1
	done
}

# e_gen DIR N [PREFIX]: N small plain messages, each with its own Message-ID.
e_gen() {
	local dir=$1 n=$2 pre=${3:-m} i f
	mkdir -p "$dir"
	for ((i = 1; i <= n; i++)); do
		printf -v f '%s/%s.%05d.eml' "$dir" "$pre" "$i"
		printf 'Received: from mx0.example.jp by mx1.example.jp; Wed, 9 Oct 2002 23:%02d:00 +0900\r\nFrom: sender%d@example.com\r\nTo: user@example.jp\r\nSubject: %s message %d\r\nMessage-ID: <%s.%d@example.com>\r\nDate: Wed, 9 Oct 2002 23:00:00 +0900\r\n\r\nbody of %s %d\r\n' \
			$((i % 60)) "$i" "$pre" "$i" "$pre" "$i" "$pre" "$i" >"$f"
	done
}

# The POP3 view: "UIDL" per line, in order (harness pop3_uidls prints "N UIDL").
e_uidls() { pop3_uidls "$1" "$2" "$3" | cut -d' ' -f2; }
e_src_uidls() { e_uidls src "$1" "$(h_var "PW_$1")"; }
e_dst_uidls() { e_uidls dst "$1${E_DST_SUFFIX:-}" "dpw-$1"; }

# Exactly once, in order: the destination serves the source's UIDLs, same order, no extra.
e_same_uidls() {
	local c=$1 a b
	a=$(e_src_uidls "$c") b=$(e_dst_uidls "$c")
	if [ "$a" != "$b" ]; then
		echo "# $c: source $(echo "$a" | grep -c .) UIDLs, destination $(echo "$b" | grep -c .)"
		diff <(echo "$a") <(echo "$b") | head -n 10 | sed 's/^/#   /'
		return 1
	fi
}

# Field of the run's JSON summary for one customer: e_json FILE CUSTOMER FIELD
e_json() {
	"$H_PY" - "$@" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["customers"]:
    if c["customer"] == sys.argv[2]:
        print(c.get(sys.argv[3], ""))
PYEOF
}

# Sum of a field over all customers.
e_json_sum() {
	"$H_PY" - "$@" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(int(c.get(sys.argv[2], 0)) for c in d["customers"]))
PYEOF
}

# e_dst_users CUSTOMER...: only the destination mailboxes (with $E_DST_SUFFIX).
e_dst_users() {
	local c
	for c in "$@"; do dovecot_add_user dst "$c${E_DST_SUFFIX:-}" "dpw-$c" || return 1; done
}

# e_special DIR: the messages copiers get wrong, one file each.
e_special() {
	local d=$1
	mkdir -p "$d"
	# ISO-2022-JP body and MIME-encoded subject.
	printf 'Received: from a by b; Tue, 22 Oct 2002 23:40:00 +0900\r\nFrom: =?ISO-2022-JP?B?GyRCO0NFRBsoQg==?= <sato@example.jp>\r\nSubject: =?ISO-2022-JP?B?GyRCJWEhPCVrJTUhPCVQITwbKEI=?=\r\nMessage-ID: <jis@example.jp>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\033$B$3$s$K$A$O\033(B\r\n' >"$d/01-jis.eml"
	# Raw 8-bit UTF-8 in the header (not RFC 2047 encoded) and body.
	printf 'From: 山田太郎 <yamada@example.jp>\r\nSubject: 増強工事のお知らせ\r\nMessage-ID: <utf8@example.jp>\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nメールサーバーの増強\r\n' >"$d/02-utf8.eml"
	# Bare LF line endings throughout.
	printf 'From: lf@example.com\nSubject: bare LF\nMessage-ID: <lf@example.com>\n\nline one\nline two\n' >"$d/03-lf.eml"
	# Two different messages sharing a Message-ID.
	printf 'From: a@example.com\r\nSubject: shared id one\r\nMessage-ID: <shared@example.com>\r\n\r\nfirst\r\n' >"$d/04-shared1.eml"
	printf 'From: a@example.com\r\nSubject: shared id two\r\nMessage-ID: <shared@example.com>\r\n\r\nsecond\r\n' >"$d/05-shared2.eml"
	# Byte-identical duplicates.
	printf 'From: d@example.com\r\nSubject: duplicate\r\nMessage-ID: <dup@example.com>\r\n\r\nsame bytes\r\n' >"$d/06-dup.eml"
	cp "$d/06-dup.eml" "$d/07-dup.eml"
	# Neither Message-ID nor Received nor Date.
	printf 'From: bare@example.com\r\nSubject: no id, no received\r\n\r\nnothing to identify me\r\n' >"$d/08-bare.eml"
	cp "$d/08-bare.eml" "$d/09-bare.eml"
	# A leading "From " line's cousin: a body line starting with a dot (POP3 dot-stuffing).
	printf 'From: dot@example.com\r\nSubject: dots\r\nMessage-ID: <dot@example.com>\r\n\r\n.\r\n..two\r\n.three\r\n' >"$d/10-dots.eml"
}

# e_deliver SERVER USER FILE...: like the harness's maildir_deliver (qmail-style names in
# new/, increasing times, so UIDL order = file order) in one python process: thousands of
# messages in a second. Only for users that get no maildir_deliver mail.
e_deliver() {
	local name=$1 user=$2 root; shift 2
	root=$(dovecot_maildir "$name" "$user")
	"$H_PY" - "$root" "$@" <<'PYEOF' || return 1
import os, shutil, sys
root, files = sys.argv[1], sys.argv[2:]
t = 1034567890
for i, f in enumerate(files):
    t += 1
    base = "%d.%d_%d.mx1.example.jp" % (t, 40000 + i, i)
    tmp = os.path.join(root, "tmp", base)
    shutil.copyfile(f, tmp)
    os.utime(tmp, (t, t))
    os.rename(tmp, os.path.join(root, "new", base))
PYEOF
	h_ids
	h_chown "$(dirname "$root")"
}
