#!/usr/bin/env bash
# demo-servers.sh: two throwaway Dovecot servers for the demo (and by hand): an "old"
# source server full of sample mail and an empty "new" destination server, left running
# until stopped.
#
#   tests/demo-servers.sh start DIR [--users FILE | --customers N] [--count N] [--large SIZE]
#                                   [--seed S] [--sizes small|mixed|SPEC]
#   tests/demo-servers.sh stop DIR
#   tests/demo-servers.sh status DIR        exit 0 if both servers run
#
# The file interface (everything a driver such as tests/demo.sh needs is in DIR):
#   DIR/servers.env   (mode 0600) shell-sourceable KEY=VALUE lines:
#       DEMO_DIR, HARNESS_DIR (server state, logs: $HARNESS_DIR/src/dovecot.log …),
#       SRC_HOST=127.0.0.1 SRC_POP3 SRC_POP3S SRC_IMAP SRC_IMAPS (ports of the old server;
#         POP3 UIDLs are qmail-style Maildir names; APOP, USER/PASS, STLS, STARTTLS),
#       SRC_MASTER_USER SRC_MASTER_PW (the old server's master user, rarely needed),
#       DST_HOST=127.0.0.1 DST_IMAP DST_IMAPS DST_POP3 DST_POP3S (the new server: IMAP
#         with UIDPLUS/MULTIAPPEND/LITERAL+/QUOTA, POP3 serving X-UIDL as UIDL),
#       DEST_MASTER_USER=migrate DEST_MASTER_PW (log in as any destination user),
#       DEMO_CA (CA certificate both servers' certificates chain to, for 127.0.0.1 and
#         localhost), DEMO_USERS (= DIR/users.tsv), DEMO_CORPUS (= DIR/corpus),
#       SRC_LOG DST_LOG,
#       DST_SUBMISSION NOTICE_USER NOTICE_PW DEMO_SENT (the new outgoing server, when
#         python3-aiosmtpd is installed: SMTP submission with STARTTLS and AUTH required,
#         certificate for the demo plan's names (smtp.example.jp …) from DEMO_CA; every
#         accepted message is kept as DEMO_SENT/NNN.eml, nothing is relayed).
#   DIR/users.tsv     (mode 0600) tab-separated, with a header line:
#       source_user source_password dest_user dest_password quota_bytes messages bytes
#       (messages/bytes = what was delivered to the source; quota 0 = unlimited).
#   DIR/corpus/       the delivered messages (mkcorpus.py output, manifest.tsv inside).
#
# --users FILE: one customer per line, whitespace-separated, '#' comments:
#       SOURCE_USER SOURCE_PASSWORD DEST_USER DEST_PASSWORD [QUOTA_BYTES [MESSAGES]]
#   (no spaces in passwords). Without it, five sample customers of example.jp are made with
#   random passwords (yamada … ito; ito's mailbox is empty), or with --customers N, N of
#   them named cust001 … (all with --count messages: the benchmark's 40 × 150). The first
#   customer gets one large message (--large, default 15M; 0 = none). MESSAGES defaults to
#   --count (default 30).
# The ${NAME}_... variables come from lib.sh through export "NAME=...", unseen by shellcheck.
# shellcheck disable=SC2034,SC2154
set -u
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n '6,9p' "$0" | sed 's/^# *//' >&2
	exit 64
}

# Stop the servers recorded in DIR/servers.env (works from any shell).
stop_servers() {
	local dir=$1
	[ -f "$dir/servers.env" ] || { echo "demo-servers: nothing running in $dir" >&2; return 1; }
	(
		. "$dir/servers.env"
		. "$here/harness/lib.sh"
		H_SERVERS=""
		src_DIR="$HARNESS_DIR/src" dst_DIR="$HARNESS_DIR/dst"
		dovecot_stop src
		dovecot_stop dst
		if [ -f "$HARNESS_DIR/smtpd.pid" ]; then
			kill "$(cat "$HARNESS_DIR/smtpd.pid")" 2>/dev/null
			rm -f "$HARNESS_DIR/smtpd.pid"
		fi
		case "$HARNESS_DIR" in /tmp/cvh.*) rm -rf "$HARNESS_DIR" ;; esac
	)
	rm -f "$dir/servers.env"
	echo "demo-servers: stopped"
}

status_servers() {
	local dir=$1
	[ -f "$dir/servers.env" ] || { echo "demo-servers: not started in $dir"; return 1; }
	(
		. "$dir/servers.env"
		. "$here/harness/lib.sh"
		rc=0
		for p in SRC_POP3 SRC_IMAP DST_IMAP DST_POP3 ${DST_SUBMISSION:+DST_SUBMISSION}; do
			if h_port_open "${!p}"; then echo "$p ${!p} up"; else echo "$p ${!p} down"; rc=1; fi
		done
		exit $rc
	)
}

# default_users [N]: the five sample customers, or N numbered ones.
default_users() {
	local u pw names="yamada tanaka suzuki sato ito"
	[ -n "${1:-}" ] && names=$(seq -f 'cust%03g' 1 "$1")
	for u in $names; do
		pw=$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')
		printf '%s %s %s@example.jp %s 0' "$u" "old-$pw" "$u" "new-$pw"
		[ "$u" = ito ] && printf ' 0'
		printf '\n'
	done
}

# start_submission SENT PORT PASSWORD: the new outgoing server (the notices test's aiosmtpd
# server: STARTTLS and AUTH as user "notices" required), with a certificate for the demo
# plan's public names, which its resolve: section maps to 127.0.0.1.
start_submission() {
	local sent=$1 port=$2 pw=$3 c="$H_DIR/certs"
	(
		cd "$c" || exit 1
		set -e
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out names.key 2>/dev/null
		openssl req -new -key names.key -subj /CN=smtp.example.jp -out names.csr 2>/dev/null
		printf 'subjectAltName=DNS:smtp.example.jp,DNS:pop.example.jp,DNS:imap.example.jp,DNS:mx.example.jp,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:false\n' >names.ext
		openssl x509 -req -in names.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
			-extfile names.ext -out names.pem 2>/dev/null
	) || { echo "demo-servers: openssl failed" >&2; return 1; }
	rm -rf "$sent" && mkdir -p "$sent" || return 1
	NOTICE_PW=$pw setsid "$H_PY" "$here/integration/notices_smtpd.py" "$port" "$sent" \
		"$c/names.pem" "$c/names.key" >"$H_DIR/smtpd.log" 2>&1 </dev/null &
	echo $! >"$H_DIR/smtpd.pid"
	# A start that fails later must not leave it behind (a detached one stays).
	harness_on_exit '[ -f "$H_DIR/detached" ] || kill "$(cat "$H_DIR/smtpd.pid")" 2>/dev/null'
	for _ in $(seq 100); do
		grep -q ready "$H_DIR/smtpd.log" && return 0
		sleep 0.1
	done
	echo "demo-servers: the submission server did not start: $(tail -n 3 "$H_DIR/smtpd.log")" >&2
	return 1
}

start_servers() {
	local dir=$1; shift
	local users_file="" customers="" count=30 large=15M seed=2002 sizes=mixed
	while [ $# -gt 0 ]; do
		case "$1" in
		--users) users_file=$2; shift 2 ;;
		--customers) customers=$2; shift 2 ;;
		--count) count=$2; shift 2 ;;
		--large) large=$2; shift 2 ;;
		--seed) seed=$2; shift 2 ;;
		--sizes) sizes=$2; shift 2 ;;
		*) usage ;;
		esac
	done
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	if [ -f "$dir/servers.env" ]; then
		if status_servers "$dir" >/dev/null; then
			echo "demo-servers: already running in $dir (stop it first)" >&2
			return 1
		fi
		stop_servers "$dir" >/dev/null 2>&1
	fi
	. "$here/harness/lib.sh"
	harness_init
	harness_certs || return 1
	dovecot_start src source || return 1
	dovecot_start dst dest || return 1
	local smtp_port="" smtp_pw=""
	if "$H_PY" -c 'import aiosmtpd' 2>/dev/null; then
		smtp_port=$(harness_free_ports 1)
		smtp_pw=$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')
		start_submission "$dir/sent" "$smtp_port" "$smtp_pw" || return 1
	else
		echo "demo-servers: python3-aiosmtpd missing: no outgoing server (tests/deps.sh installs it)" >&2
	fi

	local list=()
	if [ -n "$users_file" ]; then
		mapfile -t list < <(grep -v '^[[:space:]]*\(#\|$\)' "$users_file")
	else
		mapfile -t list < <(default_users "$customers")
	fi
	[ ${#list[@]} -gt 0 ] || { echo "demo-servers: no users" >&2; return 1; }
	local line su sp du dp q n gen=() first=""
	for line in "${list[@]}"; do
		read -r su sp du dp q n <<<"$line"
		[ -n "${dp:-}" ] || { echo "demo-servers: bad users line: $su ..." >&2; return 1; }
		dovecot_add_user src "$su" "$sp" || return 1
		dovecot_add_user dst "$du" "$dp" "${q:-0}" || return 1
		gen+=(--user "$su=${n:-$count}")
		[ -n "$first" ] || first=$su
	done
	rm -rf "$dir/corpus"
	local big=()
	[ "$large" = 0 ] || big=(--large "$large" --large-user "$first")
	"$H_PY" "$here/harness/mkcorpus.py" "$dir/corpus" "${gen[@]}" --seed "$seed" \
		--sizes "$sizes" "${big[@]}" || return 1

	umask 077
	{
		printf 'source_user\tsource_password\tdest_user\tdest_password\tquota_bytes\tmessages\tbytes\n'
		for line in "${list[@]}"; do
			read -r su sp du dp q n <<<"$line"
			shopt -s nullglob
			local files=("$dir/corpus/$su/"*.eml)
			shopt -u nullglob
			[ ${#files[@]} -eq 0 ] || maildir_deliver src "$su" "${files[@]}" >/dev/null || return 1
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$su" "$sp" "$du" "$dp" "${q:-0}" "${#files[@]}" \
				"$(awk -F'\t' -v u="$su" '$1 == u { s += $3 } END { print s + 0 }' "$dir/corpus/manifest.tsv")"
		done
	} >"$dir/users.tsv"
	cp "$H_CA" "$dir/ca.pem"
	local k n
	{
		echo "# written by tests/demo-servers.sh start; stop with: tests/demo-servers.sh stop $dir"
		echo "DEMO_DIR=$dir"
		echo "HARNESS_DIR=$H_DIR"
		for n in SRC:src DST:dst; do
			echo "${n%%:*}_HOST=127.0.0.1"
			for k in POP3 POP3S IMAP IMAPS LOG; do
				echo "${n%%:*}_$k=$(h_var "${n#*:}_$k")"
			done
		done
		echo "SRC_MASTER_USER=$src_MASTER_USER"
		echo "SRC_MASTER_PW=$src_MASTER_PW"
		echo "DEST_MASTER_USER=$dst_MASTER_USER"
		echo "DEST_MASTER_PW=$dst_MASTER_PW"
		echo "DEMO_CA=$dir/ca.pem"
		echo "DEMO_USERS=$dir/users.tsv"
		echo "DEMO_CORPUS=$dir/corpus"
		if [ -n "$smtp_port" ]; then
			echo "DST_SUBMISSION=$smtp_port"
			echo "NOTICE_USER=notices"
			echo "NOTICE_PW=$smtp_pw"
			echo "DEMO_SENT=$dir/sent"
		fi
	} >"$dir/servers.env"
	harness_detach
	echo "demo-servers: old server POP3 $src_POP3 (POP3S $src_POP3S) IMAP $src_IMAP; new server IMAP $dst_IMAP (IMAPS $dst_IMAPS) POP3 $dst_POP3${smtp_port:+ submission $smtp_port}"
	echo "demo-servers: $(($(wc -l <"$dir/users.tsv") - 1)) customers; settings in $dir/servers.env"
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$2
shift 2
case "$cmd" in
start) start_servers "$dir" "$@" ;;
stop) stop_servers "$dir" ;;
status) status_servers "$dir" ;;
*) usage ;;
esac
