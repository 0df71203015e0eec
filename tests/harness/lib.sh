# tests/harness/lib.sh: start and stop real, throwaway Dovecot servers for integration tests.
# Source it from bash (tests/integration/*.sh, tests/demo-servers.sh):
#     . "$(dirname "$0")/../harness/lib.sh"
#
# Every server is an ordinary Dovecot process tree with its own config, base_dir, state_dir,
# log, Maildir tree and passwd-files, listening on random free ports on 127.0.0.1 only.
# All of it lives under one temp dir ($H_DIR) that is removed on exit; every server is
# stopped on exit, also when the test fails or is interrupted.
#
# Functions
#   harness_init                 create $H_DIR, install the EXIT/INT/TERM traps. Call first.
#                                Sets H_DIR, H_ROOT (repo root), H_BUILD (build dir),
#                                H_TOOLS ($H_BUILD/tools, the C helpers), H_PY (python3).
#                                H_KEEP=1 in the environment keeps $H_DIR after exit.
#   harness_detach               keep servers and $H_DIR after exit (they run on until
#                                dovecot_stop from another shell; see demo-servers.sh).
#   harness_on_exit CMD...       run CMD at exit (before servers stop); use instead of
#                                your own `trap ... EXIT`, which would replace the harness's.
#   harness_certs                own CA + server certificates for 127.0.0.1 and localhost,
#                                made once per $H_DIR (about 0.1 s, EC P-256). Exports
#                                H_CA (CA cert, PEM), H_CERT_GOOD/H_KEY_GOOD (signed by H_CA),
#                                H_CERT_SELF/H_KEY_SELF (self-signed),
#                                H_CERT_EXPIRED/H_KEY_EXPIRED (signed by H_CA, expired 2021),
#                                H_CERT_WRONGNAME/H_KEY_WRONGNAME (signed by H_CA, only for
#                                mail.wrong.invalid), H_CA_OTHER (an unrelated CA).
#   dovecot_start NAME ROLE [CERT]
#                                start a server. NAME: a shell identifier (src, dst, …).
#                                ROLE source: the old server. POP3 UIDLs are the Maildir file
#                                  names (pop3_uidl_format=%f, like qmail-pop3d), APOP on,
#                                  plus IMAP.
#                                ROLE dest: the new server. IMAP (UIDPLUS, MULTIAPPEND,
#                                  LITERAL+, QUOTA) + POP3 with pop3_reuse_xuidl=yes, so an
#                                  `X-UIDL:` header's value is served as the UIDL.
#                                CERT: good (default) | self | expired | wrongname.
#                                Both roles: plain ports with STARTTLS/STLS, and implicit TLS.
#                                Sets and exports ${NAME}_IMAP ${NAME}_IMAPS ${NAME}_POP3
#                                ${NAME}_POP3S (ports), ${NAME}_DIR (server dir),
#                                ${NAME}_LOG (log file), ${NAME}_MASTER_USER (= migrate),
#                                ${NAME}_MASTER_PW (random per server), ${NAME}_ROLE.
#                                Returns when all four ports answer. Extra config lines:
#                                put them in $H_EXTRA_CONF (appended to dovecot.conf, so
#                                they override). Call it directly, not in $(…): the master
#                                must be a child of the test's shell, and the variables
#                                would be lost.
#   dovecot_stop NAME            stop it and wait until every process is gone.
#   dovecot_restart NAME         stop and start again on the same ports, users and mail.
#   dovecot_pids NAME            print the pids of the server's processes (for tests).
#   dovecot_add_user NAME USER PASSWORD [QUOTA_BYTES]
#                                add a user (passwd-file, {PLAIN} so APOP/CRAM-MD5 work) and
#                                create ~/Maildir. QUOTA_BYTES (dest) = the storage limit;
#                                the server does not need a restart.
#   dovecot_set_quota NAME USER QUOTA_BYTES   change a user's quota (0 = unlimited).
#   dovecot_maildir NAME USER    print the path of the user's Maildir.
#   maildir_deliver NAME USER [-f FLAGS] [-m FOLDER] [-t EPOCH] FILE...
#                                put messages into the Maildir in the order given. Without -f
#                                they go to new/ with qmail-style unique names
#                                (TIME.NNNN.mx1.example.jp, TIME strictly increasing), so the
#                                source's POP3 UIDLs look like qmail-pop3d's and Dovecot
#                                assigns UIDs in the given order. -f FLAGS (Maildir letters, e.g. S, SF,
#                                RS; "" for none) puts them into cur/ with ":2,FLAGS".
#                                -m FOLDER: an IMAP folder name with "." as the hierarchy
#                                separator (Sent, Work.2002, 仕事.2002); a name with non-ASCII
#                                characters is encoded to mUTF-7, an ASCII one is taken as
#                                mUTF-7 already (&ZeVnLIqe- = 日本語);
#                                the folder is created and subscribed. -t EPOCH sets the
#                                user's delivery clock: the messages get EPOCH+1, EPOCH+2, …
#                                as file mtime (= IMAP INTERNALDATE); by default the clock
#                                goes on from the newest message delivered to that user
#                                (first ever: 1034567891, October 2002).
#                                Prints the created file names (base names), one per line.
#   pop3_uidls NAME USER PASSWORD    print "N UIDL" lines as a client sees them (python3
#                                poplib, plain port, USER/PASS).
#   imap_flags NAME USER PASSWORD [FOLDER]   print "UID FLAGS…" lines (python3 imaplib).
#   pop3_hold NAME USER PASSWORD SECONDS     log in over POP3 and keep the session (so the
#                                maildrop lock: a second login gets -ERR [IN-USE]) for
#                                SECONDS in the background; prints the holder's pid.
#   dovecot_doveadm NAME ARGS... run doveadm against the server (quota get -u USER, fetch …).
#   h_var VAR                    print the value of the variable named VAR ("${NAME}_IMAP").
#   h_alive PID / h_port_open PORT   true while PID runs / while 127.0.0.1:PORT accepts.
#   harness_free_ports N         print N distinct free TCP ports on 127.0.0.1 (20000–32767,
#                                below the kernel's ephemeral range), one per line.
#   h_etpan PASSWORD ARGS...     run tests/tools/etpan_login (ETPAN_PASSWORD=PASSWORD);
#                                see etpan_login.c for ARGS and its output.
#   tap_ok DESC CMD...           run CMD; print "ok N - DESC" or "not ok N - DESC".
#   tap_not DESC CMD...          the same, but CMD must fail.
#   tap_is GOT WANT DESC         compare strings; prints both on failure.
#   tap_done                     print the plan "1..N"; returns 1 if any test failed
#                                (make it the script's last command).
#   tap_skip_all REASON          print "1..0 # SKIP REASON" and exit 77.
#
# Dovecot settings that matter for drivers (see dovecot_conf below): auth_mechanisms
# plain login apop cram-md5; disable_plaintext_auth=no (plaintext allowed without TLS);
# auth_master_user_separator=* (log in as "user*migrate" or SASL PLAIN with authzid=user,
# authcid=migrate); pop3_lock_session=yes (a second POP3 session waits Dovecot's fixed
# 10 s for the lock, then gets -ERR [IN-USE]: client timeouts must be longer than that);
# auth_failure_delay=0 (a wrong password fails at once: set H_EXTRA_CONF to change it);
# mail_max_userip_connections=50; quota backend "count" (APPEND over quota: NO [OVERQUOTA]);
# no auth penalty (anvil's 2-15 s delay after a failed login from an IP is switched off);
# no chroot for login processes. As root, Dovecot's own users run it (dovecot/dovenull) and
# Maildirs belong to the dovecot user; otherwise everything runs as the calling user.
# Logs: ${NAME}_LOG (auth_verbose on: failed logins say why).
#
# Other old servers, through H_EXTRA_CONF (later lines win), e.g.
#     H_EXTRA_CONF='pop3_uidl_format = %08Xu%08Xv' dovecot_start uw source   # UW ipop3d UIDLs
#     H_EXTRA_CONF='auth_mechanisms = plain login' dovecot_start noapop source   # no APOP
# also: auth_failure_delay = 2s (real servers' slow "wrong password"), pop3_no_flag_updates
# = yes (RETR leaves \Seen alone), mail_fsync = never (benchmarks of the tool, not the disk).

H_MASTER_USER=migrate

harness_init() {
	H_ROOT=${CUTOVER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
	H_BUILD=${CUTOVER_BUILD:-build}
	case "$H_BUILD" in /*) ;; *) H_BUILD="$H_ROOT/$H_BUILD" ;; esac
	H_TOOLS="$H_BUILD/tools"
	# Debian's python3 first: a pyenv shim costs ~100 ms per call and may lack modules.
	if [ -x /usr/bin/python3 ]; then H_PY=/usr/bin/python3; else H_PY=python3; fi
	# Short paths: Dovecot's unix sockets live under base_dir (108-byte limit).
	# H_TMP: where (default /tmp; the bench puts its servers' mail on a tmpfs).
	H_DIR=$(mktemp -d "${H_TMP:-/tmp}/cvh.XXXXXX") || return 1
	# Dovecot's unprivileged processes (auth, mail) must traverse it.
	chmod 755 "$H_DIR"
	H_SERVERS=""
	H_EXIT_CMDS=()
	H_TAP_N=0 H_TAP_FAILED=0
	export H_DIR H_ROOT H_BUILD H_TOOLS H_PY
	trap harness_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Leave the servers running and $H_DIR in place when this shell exits (demo-servers.sh).
harness_detach() {
	touch "$H_DIR/detached"
	H_SERVERS=""
	H_KEEP=1 H_DETACHED=1
}

harness_on_exit() {
	H_EXIT_CMDS+=("$*")
}

harness_cleanup() {
	local rc=$? c n
	trap - EXIT
	for c in "${H_EXIT_CMDS[@]}"; do eval "$c" || true; done
	for n in $H_SERVERS; do dovecot_stop "$n" || true; done
	if [ -n "${H_DIR:-}" ] && [ -d "$H_DIR" ]; then
		if [ "${H_KEEP:-}" = 1 ]; then
			[ -n "${H_DETACHED:-}" ] || echo "# harness: kept $H_DIR" >&2
		else
			rm -rf "$H_DIR"
		fi
	fi
	exit "$rc"
}

harness_free_ports() {
	"$H_PY" - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1]); held = []; out = []
rnd = random.SystemRandom()
while len(out) < n:
    p = rnd.randrange(20000, 32768)
    if p in out:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        s.listen(1)
    except OSError:
        s.close()
        continue
    held.append(s); out.append(p)
print("\n".join(map(str, out)))
EOF
}

harness_certs() {
	local d="$H_DIR/certs"
	if [ ! -f "$d/done" ]; then
		mkdir -p "$d" && (
			cd "$d" || exit 1
			set -e
			key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
			key ca.key
			openssl req -x509 -new -key ca.key -subj "/CN=cutover test CA" -days 3650 \
				-addext "basicConstraints=critical,CA:true" \
				-addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem 2>/dev/null
			key other-ca.key
			openssl req -x509 -new -key other-ca.key -subj "/CN=unrelated CA" -days 3650 \
				-addext "basicConstraints=critical,CA:true" -out other-ca.pem 2>/dev/null
			printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:false\n' >good.ext
			printf 'subjectAltName=DNS:mail.wrong.invalid\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:false\n' >wrong.ext
			for c in good expired wrongname self; do key "$c.key"; done
			for c in good expired wrongname; do
				openssl req -new -key "$c.key" -subj "/CN=${c/wrongname/mail.wrong.invalid}" -out "$c.csr" 2>/dev/null
			done
			openssl x509 -req -in good.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 825 -extfile good.ext -out good.pem 2>/dev/null
			openssl x509 -req -in wrongname.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 825 -extfile wrong.ext -out wrongname.pem 2>/dev/null
			# OpenSSL 3.0's x509 cannot back-date; `openssl ca` can.
			mkdir -p ca.db && : >ca.db/index.txt && echo 1000 >ca.db/serial
			cat >ca.cnf <<-EOF
			[ca]
			default_ca = d
			[d]
			dir = ca.db
			database = ca.db/index.txt
			serial = ca.db/serial
			new_certs_dir = ca.db
			default_md = sha256
			policy = p
			copy_extensions = none
			[p]
			commonName = supplied
			[x]
			subjectAltName = IP:127.0.0.1,DNS:localhost
			extendedKeyUsage = serverAuth
			basicConstraints = CA:false
			EOF
			openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -extensions x \
				-startdate 20200101000000Z -enddate 20210101000000Z \
				-in expired.csr -out expired.pem >/dev/null 2>&1
			openssl req -x509 -new -key self.key -subj "/CN=127.0.0.1" -days 825 \
				-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -out self.pem 2>/dev/null
			chmod 644 ./*.pem ./*.key
			touch ./done
		) || { echo "harness_certs: openssl failed" >&2; return 1; }
	fi
	export H_CA="$d/ca.pem" H_CA_OTHER="$d/other-ca.pem"
	export H_CERT_GOOD="$d/good.pem" H_KEY_GOOD="$d/good.key"
	export H_CERT_SELF="$d/self.pem" H_KEY_SELF="$d/self.key"
	export H_CERT_EXPIRED="$d/expired.pem" H_KEY_EXPIRED="$d/expired.key"
	export H_CERT_WRONGNAME="$d/wrongname.pem" H_KEY_WRONGNAME="$d/wrongname.key"
}

# The uid/gid mail processes and Dovecot's internal services run as. As root we use the
# packaged dovecot/dovenull users (Dovecot refuses root for them); otherwise everything
# runs as the current user.
h_ids() {
	if [ "$(id -u)" = 0 ]; then
		H_INTERNAL_USER=dovecot H_LOGIN_USER=dovenull H_INTERNAL_GROUP=dovecot
		H_MAIL_UID=$(id -u dovecot) H_MAIL_GID=$(id -g dovecot)
	else
		H_INTERNAL_USER=$(id -un) H_LOGIN_USER=$(id -un) H_INTERNAL_GROUP=$(id -gn)
		H_MAIL_UID=$(id -u) H_MAIL_GID=$(id -g)
	fi
}

h_check_name() {
	case "$1" in
	"" | [0-9]* | *[!A-Za-z0-9_]*) echo "harness: bad server name '$1'" >&2; return 1 ;;
	esac
}

h_var() { eval "printf '%s' \"\${$1:-}\""; }

# h_listeners SERVICE PROTO PORT TLS_PORT: a login service with a plain and a TLS listener.
# No chroot: a non-root master (CI runners) cannot chroot, and one config for both is simpler.
h_listeners() {
	printf 'service %s {\n  chroot =\n  inet_listener %s {\n    address = 127.0.0.1\n    port = %s\n  }\n' "$1" "$2" "$3"
	printf '  inet_listener %ss {\n    address = 127.0.0.1\n    port = %s\n    ssl = yes\n  }\n}\n' "$2" "$4"
}

dovecot_conf() {
	local name=$1 role=$2 cert=$3 key=$4 d
	d=$(h_var "${name}_DIR")
	local uidl_format='%08Xu%08Xv' reuse=no plugins='' imap_plugins=''
	if [ "$role" = source ]; then
		uidl_format='%f'
	else
		reuse=yes plugins='quota' imap_plugins='imap_quota'
	fi
	cat <<EOF
# Generated by tests/harness/lib.sh for server "$name" (role $role).
instance_name = cvh-$name-${H_DIR##*.}
protocols = imap pop3
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
default_internal_user = $H_INTERNAL_USER
default_login_user = $H_LOGIN_USER
default_internal_group = $H_INTERNAL_GROUP
first_valid_uid = $H_MAIL_UID
last_valid_uid = $H_MAIL_UID
first_valid_gid = $H_MAIL_GID
mail_uid = $H_MAIL_UID
mail_gid = $H_MAIL_GID
mail_location = maildir:~/Maildir
mail_max_userip_connections = 50
disable_plaintext_auth = no
auth_mechanisms = plain login apop cram-md5
auth_master_user_separator = *
auth_failure_delay = 0
auth_verbose = yes
auth_cache_size = 0
ssl = yes
ssl_cert = <$cert
ssl_key = <$key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
pop3_lock_session = yes
pop3_uidl_format = $uidl_format
pop3_reuse_xuidl = $reuse
mail_plugins = \$mail_plugins $plugins
protocol imap {
  mail_plugins = \$mail_plugins $imap_plugins
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=0
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/master-users
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users.d/%u
}
userdb {
  driver = passwd-file
  args = $d/users.d/%u
}
$(h_listeners imap-login imap "$(h_var "${name}_IMAP")" "$(h_var "${name}_IMAPS")")
$(h_listeners pop3-login pop3 "$(h_var "${name}_POP3")" "$(h_var "${name}_POP3S")")
# No auth penalty: anvil would delay every later login from 127.0.0.1 by 2–15 s after one
# failed attempt, and tests try wrong passwords on purpose.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
service doveadm {
  inet_listener {
    port = 0
  }
}
${H_EXTRA_CONF:-}
EOF
}

h_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True while PID runs (a zombie counts as gone: ours are reaped by `wait`, orphans by init).
h_alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Start the master of an already configured server in the foreground mode (-F) in its own
# session, as our child: stopping is then a signal to its process group and a `wait`,
# ~15 ms instead of the ~1–3 s a daemonised master takes to shut down and be reaped.
# Returns 0 when all four ports answer.
h_launch() {
	local name=$1 d p i pid
	d=$(h_var "${name}_DIR")
	# A watchdog in the server's own session stops it within a second when the test's shell
	# dies without running its traps (SIGKILL, a CI timeout), unless harness_detach said so.
	# shellcheck disable=SC2016
	setsid bash -c '
		(while kill -0 "$1" 2>/dev/null && [ ! -e "$2/detached" ]; do sleep 1; done
		 [ -e "$2/detached" ] || kill -TERM 0) &
		exec dovecot -F -c "$3"' _ "$$" "$H_DIR" "$d/dovecot.conf" </dev/null >>"$d/start.err" 2>&1 &
	pid=$!
	echo "$pid" >"$d/master.pid"
	# 20 s: ~0.1 s on an idle machine, seconds when other test runs load it.
	for ((i = 0; i < 1000; i++)); do
		h_alive "$pid" || { wait "$pid" 2>/dev/null; return 1; }
		local all=1
		for p in IMAP IMAPS POP3 POP3S; do
			h_port_open "$(h_var "${name}_$p")" || { all=0; break; }
		done
		[ "$all" = 1 ] && return 0
		sleep 0.02
	done
	echo "harness: $name: ports did not open within 20 s" >&2
	return 1
}

dovecot_start() {
	local name=$1 role=$2 which=${3:-good} d cert key ports
	h_check_name "$name" || return 1
	case "$role" in source | dest) ;; *) echo "harness: role must be source or dest" >&2; return 1 ;; esac
	[ -n "${H_CERT_GOOD:-}" ] || harness_certs || return 1
	case "$which" in
	good) cert=$H_CERT_GOOD key=$H_KEY_GOOD ;;
	self) cert=$H_CERT_SELF key=$H_KEY_SELF ;;
	expired) cert=$H_CERT_EXPIRED key=$H_KEY_EXPIRED ;;
	wrongname) cert=$H_CERT_WRONGNAME key=$H_KEY_WRONGNAME ;;
	*) echo "harness: unknown cert '$which'" >&2; return 1 ;;
	esac
	case " $H_SERVERS " in *" $name "*) echo "harness: $name is already running" >&2; return 1 ;; esac
	h_ids
	d="$H_DIR/$name"
	mkdir -p "$d/run" "$d/state" "$d/home" || return 1
	chmod 755 "$d" "$d/home"
	mkdir -p "$d/users.d"
	chmod 755 "$d/users.d"
	local mpw
	mpw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
	printf '%s:{PLAIN}%s\n' "$H_MASTER_USER" "$mpw" >"$d/master-users"
	chmod 644 "$d/master-users"
	export "${name}_DIR=$d" "${name}_LOG=$d/dovecot.log" "${name}_ROLE=$role" \
		"${name}_MASTER_USER=$H_MASTER_USER" "${name}_MASTER_PW=$mpw" \
		"${name}_CERT=$which"
	# A port can be taken between our bind test and Dovecot's bind (other test runs on
	# this machine): retry with fresh ports.
	for _ in 1 2 3 4 5; do
		mapfile -t ports < <(harness_free_ports 4)
		export "${name}_IMAP=${ports[0]}" "${name}_IMAPS=${ports[1]}" \
			"${name}_POP3=${ports[2]}" "${name}_POP3S=${ports[3]}"
		dovecot_conf "$name" "$role" "$cert" "$key" >"$d/dovecot.conf"
		if h_launch "$name"; then
			H_SERVERS="$H_SERVERS $name"
			return 0
		fi
		h_kill_master "$name"
		grep -q 'Address already in use' "$d/start.err" "$d/dovecot.log" 2>/dev/null || break
		: >"$d/start.err"
		: >"$d/dovecot.log"
	done
	echo "harness: dovecot $name failed to start:" >&2
	tail -n 20 "$d/start.err" "$d/dovecot.log" >&2 2>/dev/null
	return 1
}

dovecot_pids() {
	local d pid
	d=$(h_var "${1}_DIR")
	[ -f "$d/master.pid" ] || return 0
	pid=$(cat "$d/master.pid")
	[ -n "$pid" ] && h_alive "$pid" || return 0
	h_session_pids "$pid"
}

h_session_pids() {
	local p
	for p in $(pgrep -s "$1" 2>/dev/null); do h_alive "$p" && echo "$p"; done
}

# Stop every process of the server's session (master = session leader): TERM, then KILL
# after 3 s. Works from another shell too (demo-servers.sh stop).
h_kill_master() {
	local d pid i
	d=$(h_var "${1}_DIR")
	[ -f "$d/master.pid" ] || return 0
	pid=$(cat "$d/master.pid")
	rm -f "$d/master.pid"
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		[ -z "$(h_session_pids "$pid")" ] && break
		sleep 0.02
	done
	if [ -n "$(h_session_pids "$pid")" ]; then
		echo "harness: $1: still running after 3 s, killing" >&2
		kill -KILL -- "-$pid" 2>/dev/null
		sleep 0.1
	fi
	wait "$pid" 2>/dev/null
	return 0
}

dovecot_stop() {
	local name=$1 n rest=""
	h_kill_master "$name"
	for n in $H_SERVERS; do [ "$n" = "$name" ] || rest="$rest $n"; done
	H_SERVERS=$rest
}

dovecot_restart() {
	local name=$1
	h_kill_master "$name"
	h_launch "$name" || return 1
	case " $H_SERVERS " in *" $name "*) ;; *) H_SERVERS="$H_SERVERS $name" ;; esac
}

dovecot_maildir() {
	printf '%s/home/%s/Maildir\n' "$(h_var "${1}_DIR")" "$2"
}

h_users_line() {
	local user=$1 pw=$2 quota=${3:-0} d
	d=$(h_var "${H_CUR}_DIR")
	local extra=""
	[ "$quota" != 0 ] && extra="userdb_quota_rule=*:bytes=$quota"
	printf '%s:{PLAIN}%s:%s:%s::%s/home/%s::%s\n' "$user" "$pw" "$H_MAIL_UID" "$H_MAIL_GID" \
		"$d" "$user" "$extra"
}

# One passwd-file per user (users.d/USER): Dovecot re-reads a passwd-file at most once a
# second and only when its mtime changed, so a new user gets a file it has never seen.
dovecot_add_user() {
	local name=$1 user=$2 pw=$3 quota=${4:-0} d m
	d=$(h_var "${name}_DIR")
	[ -n "$d" ] || { echo "harness: no server $name" >&2; return 1; }
	case "$user" in "" | */* | .*) echo "harness: bad user name '$user'" >&2; return 1 ;; esac
	case "$user$pw" in *:* | *$'\n'*) echo "harness: ':' or newline in user/password" >&2; return 1 ;; esac
	h_ids
	H_CUR=$name h_users_line "$user" "$pw" "$quota" >"$d/users.d/$user"
	chmod 644 "$d/users.d/$user"
	m="$d/home/$user/Maildir"
	mkdir -p "$m/cur" "$m/new" "$m/tmp"
	h_chown "$d/home/$user"
}

# Rewrites the user's passwd-file with a later mtime, then waits for the next second so
# Dovecot's once-a-second re-read gate cannot serve the old quota (costs ≤ 1 s).
dovecot_set_quota() {
	local name=$1 user=$2 quota=$3 d f line pw old now
	d=$(h_var "${name}_DIR")
	f="$d/users.d/$user"
	[ -f "$f" ] || { echo "harness: no user $user on $name" >&2; return 1; }
	h_ids
	IFS= read -r line <"$f"
	pw=${line#*:\{PLAIN\}}
	pw=${pw%%:*}
	old=$(stat -c %Y "$f")
	H_CUR=$name h_users_line "$user" "$pw" "$quota" >"$f.new"
	chmod 644 "$f.new"
	now=$(date +%s)
	[ "$now" -gt "$old" ] || now=$((old + 1))
	touch -d "@$now" "$f.new"
	mv "$f.new" "$f"
	sleep "$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.6f", int(t) + 1.001 - t }')"
}

h_chown() {
	[ "$(id -u)" = 0 ] || return 0
	chown -R "$H_MAIL_UID:$H_MAIL_GID" "$1"
}

maildir_deliver() {
	local name=$1 user=$2; shift 2
	local flags="-" folder="" t0="" OPTIND=1 o d root
	while getopts "f:m:t:" o; do
		case "$o" in
		f) flags=":2,$OPTARG" ;;
		m) folder=$OPTARG ;;
		t) t0=$OPTARG ;;
		*) return 1 ;;
		esac
	done
	shift $((OPTIND - 1))
	d=$(h_var "${name}_DIR")
	root="$d/home/$user/Maildir"
	[ -d "$root" ] || { echo "harness: no user $user on $name" >&2; return 1; }
	h_ids
	# One process for any number of files: the bench delivers thousands.
	"$H_PY" - "$root" "$d/home/$user/.deliver-clock" "$flags" "$folder" "$t0" "$@" <<'PY' || return 1
import base64, os, shutil, sys
root, clock, flags, folder, t0 = sys.argv[1:6]
files = sys.argv[6:]


def mutf7(name):
    """RFC 3501 modified UTF-7 for names with non-ASCII characters; ASCII-only names are
    taken as already encoded (so '&ZeVnLIqe-' stays as it is)."""
    if name.isascii():
        return name
    out, run = [], ""
    for ch in name + "\0":
        if ch != "\0" and not (" " <= ch <= "~"):
            run += ch
            continue
        if run:
            b = base64.b64encode(run.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b.replace("/", ",") + "-")
            run = ""
        if ch == "&":
            out.append("&-")
        elif ch != "\0":
            out.append(ch)
    return "".join(out)


folder = mutf7(folder)
m = root
if folder:
    m = os.path.join(root, "." + folder)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(m, sub), exist_ok=True)
    open(os.path.join(m, "maildirfolder"), "a").close()
    subs = os.path.join(root, "subscriptions")
    have = open(subs).read().split("\n") if os.path.exists(subs) else []
    if folder not in have:
        with open(subs, "a") as f:
            f.write(folder + "\n")
# One clock per user, so names stay strictly increasing across calls and folders: Dovecot
# orders new mail by the time in the name, and a POP3 client sees that order.
try:
    t, seq = (int(x) for x in open(clock).read().split())
except (OSError, ValueError):
    t, seq = 1034567890, 0
if t0:
    t = int(t0)
out = []
for path in files:
    t += 1
    seq += 1
    base = "%d.%d.mx1.example.jp" % (t, 4000 + seq % 30000)
    tmp = os.path.join(m, "tmp", base)
    shutil.copyfile(path, tmp)
    os.utime(tmp, (t, t))
    final = os.path.join(m, "new", base) if flags == "-" else os.path.join(m, "cur", base + flags)
    os.rename(tmp, final)
    out.append(base)
with open(clock, "w") as f:
    f.write("%d %d\n" % (t, seq))
if out:
    print("\n".join(out))
PY
	h_chown "$d/home/$user"
}

pop3_uidls() {
	local name=$1 user=$2
	H_PW=$3 "$H_PY" - 127.0.0.1 "$(h_var "${name}_POP3")" "$user" <<'EOF'
import os, poplib, sys
p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=10)
p.user(sys.argv[3]); p.pass_(os.environ["H_PW"])
for line in p.uidl()[1]:
    print(line.decode())
p.quit()
EOF
}

# Hold a POP3 session (and with pop3_lock_session, the maildrop lock) for SECONDS in the
# background; returns once logged in and prints the holder's pid (kill it to let go).
pop3_hold() {
	local name=$1 user=$2 secs=$4
	H_PW=$3 "$H_PY" - 127.0.0.1 "$(h_var "${name}_POP3")" "$user" "$secs" <<'EOF'
import os, poplib, sys, time
p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=10)
p.user(sys.argv[3]); p.pass_(os.environ["H_PW"])
pid = os.fork()
if pid:
    print(pid)
    sys.stdout.flush()
    os._exit(0)
os.setsid()
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
time.sleep(float(sys.argv[4]))
try:
    p.quit()
except OSError:
    pass
EOF
}

# dovecot_doveadm NAME ARGS...: doveadm against this server, e.g. `quota get -u USER`,
# `fetch -u USER 'uid flags hdr.x-uidl' mailbox INBOX`, `mailbox status -u USER messages INBOX`.
dovecot_doveadm() {
	local d
	d=$(h_var "${1}_DIR")
	shift
	doveadm -c "$d/dovecot.conf" "$@"
}

imap_flags() {
	local name=$1 user=$2
	H_PW=$3 "$H_PY" - 127.0.0.1 "$(h_var "${name}_IMAP")" "$user" "${4:-INBOX}" <<'EOF'
import os, imaplib, re, sys
m = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]), timeout=10)
m.login(sys.argv[3], os.environ["H_PW"])
typ, _ = m.select('"%s"' % sys.argv[4], readonly=True)
if typ != "OK":
    sys.exit(1)
typ, data = m.uid("FETCH", "1:*", "(FLAGS)")
for d in data:
    if not d:
        continue
    s = d.decode() if isinstance(d, bytes) else d[0].decode()
    uid = re.search(r"UID (\d+)", s); fl = re.search(r"FLAGS \(([^)]*)\)", s)
    if uid:
        print(uid.group(1), fl.group(1) if fl else "")
m.logout()
EOF
}

# h_etpan PASSWORD ARGS...: $H_TOOLS/etpan_login with the password in its environment.
h_etpan() {
	local pw=$1
	shift
	[ -x "$H_TOOLS/etpan_login" ] || { echo "fail build: $H_TOOLS/etpan_login missing (make tests-bin)"; return 2; }
	ETPAN_PASSWORD=$pw "$H_TOOLS/etpan_login" "$@"
}

tap_ok() {
	local desc=$1; shift
	H_TAP_N=$((H_TAP_N + 1))
	if "$@"; then
		echo "ok $H_TAP_N - $desc"
	else
		echo "not ok $H_TAP_N - $desc"
		H_TAP_FAILED=$((H_TAP_FAILED + 1))
	fi
}

tap_is() {
	H_TAP_N=$((H_TAP_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $H_TAP_N - $3"
	else
		echo "not ok $H_TAP_N - $3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -n 40
		H_TAP_FAILED=$((H_TAP_FAILED + 1))
	fi
}

tap_done() {
	echo "1..$H_TAP_N"
	[ "$H_TAP_FAILED" = 0 ]
}

# tap_not DESC CMD...: like tap_ok, but CMD must fail.
tap_not() {
	local desc=$1; shift
	tap_ok "$desc" h_not "$@"
}

h_not() { ! "$@"; }

tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}
