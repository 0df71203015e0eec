#!/usr/bin/env bash
# bench/run.sh (`make bench`): cutover beside its peers on one corpus, in one run.
#
# A deterministic corpus (tests/harness/mkcorpus.py: Japanese mail, attachments, 1 % of
# 0.5-2 MB messages, duplicates, messages without Message-ID; some messages flagged) goes
# into a source Dovecot; each tool copies the same mailboxes into FRESH users of one
# destination Dovecot (<user>_<tool><run>: the destination is reset by never reusing a
# user), BENCH_WORKERS mailboxes at a time:
#   cutover-pop3  `cutover run`, POP3 source -> IMAP destination, uidl: preserve
#   cutover-imap  `cutover run`, IMAP source -> IMAP destination
#   dsync-imapc   `doveadm sync -1 -R` over imapc (Dovecot's own IMAP migration)
#   dsync-pop3mig `doveadm sync -1 -R` over imapc with the pop3_migration plugin and a pop3c
#                 namespace (Dovecot's documented recipe to keep POP3 UIDLs)
#   mbsync        isync's mbsync, IMAP -> IMAP, Sync Pull (if installed)
# doveadm runs on the destination host and writes its Maildir itself: its "client" CPU
# includes the destination's storage work, and its destination-server CPU is ~0.
# (`doveadm backup -R` from imapc: fails at once with "INBOX can't be deleted" on this pair;
# `sync -1 -R` is the one-way form Dovecot's migration page also gives.)
#
# Each result is checked by bench/check.py as clients see both servers: message counts,
# bytes (SHA-256 of each message, minus an added X-UIDL header), flags (IMAP sources) and
# the POP3 UIDL list (UIDL-keeping tools). Figures per tool: wall time, msg/s, MB/s, client
# CPU s (user+sys of the tool's processes), SOURCE and DESTINATION server CPU s (every
# process of that Dovecot, children included, before/after), server CPU ms per message,
# peak RSS of the largest client process, and cutover's ratios to the peers.
#
# Phases (BENCH_PHASES, default "main curve rtt large"; also "profile"):
#   main   all tools, loopback, BENCH_WORKERS, BENCH_REPEAT runs each (median msg/s kept)
#   curve  cutover msg/s against parallelism 1 2 4 8 (first BENCH_SUB_USERS users)
#   rtt    the same tools through bench/delay_proxy.py with BENCH_RTT_MS of round trip,
#          at -P 1 and -P 4, and cutover's curve there (first BENCH_SUB_USERS users)
#   large  one mailbox with a 40 MB and a 200 MB message (BENCH_LARGE) among small ones,
#          cutover at 4 workers: peak RSS, and the bytes checked
#   profile every command each tool sends to each server, per message (bench/cmdcount_proxy.py;
#          first BENCH_SUB_USERS users)
# Environment: BENCH_SMALL=1 (quick: 8 users x 40, large 8M+24M, curve 1 4),
# BENCH_USERS (40), BENCH_COUNT (150), BENCH_SIZES (mixed), BENCH_WORKERS (4),
# BENCH_REPEAT (1), BENCH_SEED, BENCH_RTT_MS (10), BENCH_SUB_USERS (8), BENCH_LARGE
# ("40M 200M"), BENCH_TOOLS (all), BENCH_OUT (also write the table there), BENCH_PERF=1
# (perf samples the machine during each tool: the CPU split between the tool, the source's
# and the destination's sessions and the logins, with each one's hottest functions;
# bench/perfsplit.sh).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${BENCH_SMALL:-}" = 1 ]; then
	: "${BENCH_USERS:=8}" "${BENCH_COUNT:=40}" "${BENCH_LARGE:=8M 24M}" "${BENCH_CURVE:=1 4}"
	: "${BENCH_SUB_USERS:=4}"
fi
users=${BENCH_USERS:-40} count=${BENCH_COUNT:-150} sizes=${BENCH_SIZES:-mixed}
workers=${BENCH_WORKERS:-4} seed=${BENCH_SEED:-2002} repeat=${BENCH_REPEAT:-1}
rtt_ms=${BENCH_RTT_MS:-10} sub=${BENCH_SUB_USERS:-8} large=${BENCH_LARGE:-40M 200M}
curve=${BENCH_CURVE:-1 2 4 8} phases=${BENCH_PHASES:-main curve rtt large}
tools=${BENCH_TOOLS:-cutover-pop3 cutover-imap dsync-imapc dsync-pop3mig mbsync}
cutover=${CUTOVER_BIN:-$root/cutover}
[ -x "$cutover" ] || { echo "bench: build first (make)" >&2; exit 1; }
command -v mbsync >/dev/null 2>&1 || tools=${tools/mbsync/}

. "$root/tests/harness/lib.sh"
# The servers' mail on a tmpfs when there is one with room (BENCH_TMP=/tmp to keep the
# disk): on ext4 a file's creation costs what its inode allocator makes it cost, and after
# many files created and removed (test runs, earlier bench runs) that grew here from 0.3 to
# 1.3 ms per message for the destination between runs of the same binary minutes apart
# (perf: recently_deleted, find_inode_bit), drowning what the tools do. Every tool creates
# the same files, so a tmpfs takes nothing from any of them.
bench_tmp=${BENCH_TMP:-}
if [ -z "$bench_tmp" ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
   [ "$(df -k --output=avail /dev/shm | tail -n 1)" -gt $((8 * 1024 * 1024)) ]; then
	bench_tmp=/dev/shm
fi
H_TMP=${bench_tmp:-/tmp} harness_init
# mail_fsync = never on both: the bench measures the tools and the servers' CPU, not the disk.
srv_extra_src= srv_extra_dst=
if [ "${BENCH_PERF:-}" = 1 ]; then
	. "$root/bench/perfsplit.sh"
	srv_extra_src=$(perfsplit_conf src) srv_extra_dst=$(perfsplit_conf dst)
fi
H_EXTRA_CONF=$'mail_fsync = never\n'"$srv_extra_src" dovecot_start src source || exit 1
H_EXTRA_CONF=$'mail_fsync = never\n'"$srv_extra_dst" dovecot_start dst dest || exit 1
export SRC_MASTER_PW=$src_MASTER_PW DST_MASTER_PW=$dst_MASTER_PW
sp=$H_DIR/spool && mkdir -m 700 "$sp"
out=()
say() { echo "$*"; out+=("$*"); }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- corpus ----
# deliver USER DIR: the corpus files of DIR into USER's Maildir, qmail-style names, some
# flagged (cur/:2,S / :2,FS / :2,RS) so that flags have something to prove.
deliver() {
	"$H_PY" - "$src_DIR/home/$1/Maildir" "$2" <<'PY' || return 1
import os, shutil, sys
md, src = sys.argv[1], sys.argv[2]
t = 1034567890
for i, f in enumerate(sorted(x for x in os.listdir(src) if x.endswith(".eml"))):
    t += 1
    base = "%d.%d_%d.mx1.example.jp" % (t, 40000 + i, i)
    flags = "S" if i % 3 == 1 else "FS" if i % 7 == 2 else "RS" if i % 11 == 3 else None
    tmp = os.path.join(md, "tmp", base)
    shutil.copyfile(os.path.join(src, f), tmp)
    os.utime(tmp, (t, t))
    os.rename(tmp, os.path.join(md, "cur", base + ":2," + flags) if flags else os.path.join(md, "new", base))
PY
}
names=()
for ((i = 1; i <= users; i++)); do names+=("$(printf 'u%03d' "$i")"); done
sub_names=("${names[@]:0:$sub}")
gen=()
for u in "${names[@]}"; do gen+=(--user "$u=$count"); done
echo "bench: generating ${#names[@]} users x $count messages ($sizes)"
"$H_PY" "$root/tests/harness/mkcorpus.py" "$H_DIR/corpus" "${gen[@]}" --seed "$seed" --sizes "$sizes" >/dev/null || exit 1
for u in "${names[@]}"; do
	dovecot_add_user src "$u" "pw-$u" && deliver "$u" "$H_DIR/corpus/$u" || exit 1
done
h_ids
h_chown "$src_DIR/home"
msgs_of() { awk -F'\t' -v s=" $* " 'index(s, " " $1 " ") { n++ } END { print n + 0 }' "$H_DIR/corpus/manifest.tsv"; }
bytes_of() { awk -F'\t' -v s=" $* " 'index(s, " " $1 " ") { b += $3 } END { print b + 0 }' "$H_DIR/corpus/manifest.tsv"; }
all_msgs=$(msgs_of "${names[@]}") all_bytes=$(bytes_of "${names[@]}")
# A live server has its indexes built by customers' daily sessions; build them here once,
# so that the first tool does not pay for the others.
"$H_PY" "$root/bench/check.py" --warm "$src_IMAP" "$src_POP3" "${names[@]}" || exit 1
echo "bench: $all_msgs messages, $((all_bytes / 1024 / 1024)) MB on the source"

# ---- measuring ----
# CPU seconds*100 of every process of server $1 so far: a process's own user+sys plus its
# reaped children's (the master reaps every imap/pop3 process when it ends).
srv_cpu() {
	local p
	for p in $(dovecot_pids "$1"); do cat "/proc/$p/stat" 2>/dev/null; echo; done |
		sed -n 's/.*) //p' | awk '{ t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}
tick=$(getconf CLK_TCK)

# measure LABEL P MSGS BYTES CHECK_CMD -- CMD...: run CMD under /usr/bin/time, check, record.
declare -A rate
measure() {
	local label=$1 p=$2 m=$3 b=$4 chk=$5 s0 d0 s1 d1 t0 t1 rc res
	shift 6
	s0=$(srv_cpu src) d0=$(srv_cpu dst)
	[ "${BENCH_PERF:-}" = 1 ] && perfsplit_start "$label"
	/usr/bin/time -f '%e %U %S %M' -o "$H_DIR/time.out" "$@" >"$H_DIR/$label.out" 2>&1
	rc=$?
	s1=$(srv_cpu src) d1=$(srv_cpu dst)
	[ "${BENCH_PERF:-}" = 1 ] && perfsplit_stop
	# (GNU time puts "Command exited with non-zero status N" first)
	read -r wall cu cs rss < <(tail -n 1 "$H_DIR/time.out") || { wall=0 cu=0 cs=0 rss=0; }
	if [ "$rc" != 0 ]; then
		res="FAILED (exit $rc: $(grep -m1 -iE 'error|fail|fatal' "$H_DIR/$label.out" | head -c 200))"
	else
		res=$(eval "$chk" 2>&1 | tail -n 1)
	fi
	awk -v l="$label" -v p="$p" -v m="$m" -v b="$b" -v w="$wall" -v cu="$cu" -v cs="$cs" \
	    -v sc="$(( s1 - s0 ))" -v dc="$(( d1 - d0 ))" -v hz="$tick" -v rss="$rss" -v res="$res" 'BEGIN {
		if (w <= 0) w = 0.01
		printf "%-15s %2d %6d %7.2f %7.0f %6.2f %6.2f %6.2f %6.2f %6.3f %6.3f %6.3f %6.0f  %s\n",
		    l, p, m, w, m / w, b / w / 1048576, cu + cs, sc / hz, dc / hz,
		    sc / hz * 1000 / m, dc / hz * 1000 / m, (cu + cs + (sc + dc) / hz) * 1000 / m,
		    rss / 1024, res }' >"$H_DIR/row"
	cat "$H_DIR/row"
	out+=("$(cat "$H_DIR/row")")
	rate[$label]=$(awk '{ print $5 }' "$H_DIR/row")
	[ "${BENCH_PERF:-}" = 1 ] && perfsplit_print "$label" 'cutover|doveadm|mbsync'
	return 0
}
header() {
	say ""
	say "## $* (load $(load))"
	say "$(printf '%-15s %2s %6s %7s %7s %6s %6s %6s %6s %6s %6s %6s %6s  %s' tool P msgs wall msg/s MB/s \
		'cli s' 'src s' 'dst s' 'src ms' 'dst ms' 'all ms' 'RSS MB' check)"
}

# ---- the tools ----
# plan FILE PROTO P SUFFIX SPORT DPORT USERS...
plan() {
	local f=$1 proto=$2 p=$3 sfx=$4 sport=$5 dport=$6 u
	shift 6
	{
		cat <<PLAN
version: 1
name: bench
operator: { company: Bench ISP, support_email: support@example.jp }
timezone: Asia/Tokyo
window: { start: 2030-10-22T23:30:00+09:00, end: 2030-10-23T03:00:00+09:00 }
services:
  incoming:
    before: { host: mx.example.jp, protocol: pop3, port: 110 }
    after: [ { host: pop.example.jp, protocol: pop3, port: 110 } ]
  outgoing:
    before: { host: mx.example.jp, port: 25 }
    after: [ { host: smtp.example.jp, port: 587, auth: smtp-auth, tls: starttls } ]
migration:
  source: { protocol: $proto, host: 127.0.0.1, port: $sport, auth: { master_user: migrate, password_env: SRC_MASTER_PW } }
  destination: { protocol: imap, host: 127.0.0.1, port: $dport, pop3_port: $dst_POP3, auth: { master_user: migrate, password_env: DST_MASTER_PW } }
  uidl: preserve
  workers: $p
${BENCH_PLAN_EXTRA:-}
customers:
PLAN
		for u in "$@"; do
			echo "  - { id: $u, email: $u@example.jp, source_login: $u, dest_login: ${u}_$sfx }"
		done
	} >"$f"
}

cat >"$H_DIR/doveadm.conf" <<CONF
!include $dst_DIR/dovecot.conf
namespace inbox {
  inbox = yes
  separator = /
}
CONF
# Dovecot's documented pop3_migration recipe: a hidden pop3c namespace, the plugin, imapc.
cat >"$H_DIR/doveadm-pop3mig.conf" <<CONF
!include $H_DIR/doveadm.conf
namespace pop3c {
  prefix = POP3-MIGRATION-NS/
  separator = /
  location = pop3c:
  inbox = no
  list = no
  hidden = yes
}
mail_plugins = \$mail_plugins pop3_migration
plugin {
  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX
}
CONF
dsync_one() { # KIND SPORT_IMAP SPORT_POP3 SUFFIX USER
	local kind=$1 si=$2 sp3=$3 sfx=$4 u=$5 conf=$H_DIR/doveadm.conf
	[ "$kind" = pop3mig ] && conf=$H_DIR/doveadm-pop3mig.conf
	doveadm -c "$conf" -o imapc_host=127.0.0.1 -o imapc_port="$si" \
		-o imapc_user="$u" -o imapc_master_user=migrate -o imapc_password="$SRC_MASTER_PW" \
		-o imapc_features="rfc822.size fetch-headers" -o mail_prefetch_count=20 \
		-o pop3c_host=127.0.0.1 -o pop3c_port="$sp3" -o pop3c_user="$u" \
		-o pop3c_master_user=migrate -o pop3c_password="$SRC_MASTER_PW" \
		-o ssl_client_ca_dir=/etc/ssl/certs -o mail_fsync=never \
		sync -1 -R -u "${u}_$sfx" imapc:
}
export -f dsync_one
export H_DIR
mbsync_rc() { # USER SUFFIX SPORT DPORT
	mkdir -p "$H_DIR/mbsync/$1_$2.state"
	cat >"$H_DIR/mbsync/$1_$2.rc" <<RC
IMAPAccount src
Host 127.0.0.1
Port $3
User $1*migrate
Pass $SRC_MASTER_PW
SSLType None
AuthMechs LOGIN
PipelineDepth 50

IMAPStore src
Account src

IMAPAccount dst
Host 127.0.0.1
Port $4
User $1_$2*migrate
Pass $DST_MASTER_PW
SSLType None
AuthMechs LOGIN
PipelineDepth 50

IMAPStore dst
Account dst

Channel c
Far :src:
Near :dst:
Patterns INBOX
Sync Pull
Create Near
SyncState $H_DIR/mbsync/$1_$2.state/
RC
	chmod 600 "$H_DIR/mbsync/$1_$2.rc"
}

run_n=0
# run_tool TOOL P SIMAP SPOP3 DIMAP LABEL USERS...: one copy with fresh destination users.
run_tool() {
	local tool=$1 p=$2 si=$3 sp3=$4 di=$5 label=$6 u sfx uidl=0 flags=1
	shift 6
	run_n=$((run_n + 1))
	sfx="${tool//-/}r$run_n"
	for u in "$@"; do dovecot_add_user dst "${u}_$sfx" dpw || return 1; done
	local m b
	m=$(msgs_of "$@") b=$(bytes_of "$@")
	case $tool in cutover-pop3) uidl=1 flags=0 ;; dsync-pop3mig) uidl=1 ;; esac
	local chk="\"\$H_PY\" \"$root/bench/check.py\" $src_IMAP $src_POP3 $dst_IMAP $dst_POP3 $sfx $uidl $flags $*"
	case $tool in
	cutover-*)
		local proto=${tool#cutover-} port=$si
		[ "$proto" = pop3 ] && port=$sp3
		plan "$H_DIR/$sfx.yaml" "$proto" "$p" "$sfx" "$port" "$di" "$@"
		measure "$label" "$p" "$m" "$b" "$chk" -- env TMPDIR="$sp" "$cutover" run "$H_DIR/$sfx.yaml" --quiet ;;
	dsync-*)
		measure "$label" "$p" "$m" "$b" "$chk" -- bash -c 'printf "%s\n" "$@" | xargs -P '"$p"' -I{} bash -c '"'"'dsync_one "$@"'"'"' _ '"${tool#dsync-} $si $sp3 $sfx"' {}' _ "$@" ;;
	mbsync)
		for u in "$@"; do mbsync_rc "$u" "$sfx" "$si" "$di"; done
		measure "$label" "$p" "$m" "$b" "$chk" -- bash -c 'printf "%s\n" "$@" | xargs -P '"$p"' -I{} mbsync -q -c "'"$H_DIR/mbsync"'/{}_'"$sfx"'.rc" c' _ "$@" ;;
	esac
}

# best-of-median: run TOOL `repeat` times, keep the median msg/s row.
run_median() {
	local label=$3 rows=() i
	if [ "$repeat" = 1 ]; then run_tool "$@"; return; fi
	for ((i = 0; i < repeat; i++)); do
		run_tool "$@" >/dev/null
		rows+=("${out[-1]}")
		unset 'out[-1]'
	done
	local med
	med=$(printf '%s\n' "${rows[@]}" | sort -k5,5n | sed -n "$(((repeat + 1) / 2))p")
	echo "$med"
	out+=("$med (median of $repeat)")
	rate[$1]=$(echo "$med" | awk '{ print $5 }')
}

ratios() {
	local peer
	for peer in dsync-pop3mig:cutover-pop3 dsync-imapc:cutover-imap mbsync:cutover-imap mbsync:cutover-pop3; do
		local a=${rate[${peer#*:}$1]:-} b=${rate[${peer%%:*}$1]:-}
		[ -n "$a" ] && [ -n "$b" ] && [ "$b" != 0 ] &&
			say "$(awk -v a="$a" -v b="$b" -v n="${peer#*:}$1 / ${peer%%:*}$1" 'BEGIN { printf "ratio %-40s %.2f\n", n, a / b }')"
	done
}

# ---- phases ----
say "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(dovecot --version | cut -d' ' -f1) pair (mail in ${bench_tmp:-/tmp}, $(stat -f -c %T "${bench_tmp:-/tmp}")), corpus $users x $count ($sizes, seed $seed), $all_msgs msgs, $((all_bytes / 1024 / 1024)) MB"
say "columns: P parallel mailboxes; cli/src/dst s = CPU seconds of the tool / source Dovecot / destination Dovecot; src/dst ms = server CPU ms per message; all ms = CPU ms per message of the tool and both servers together (what the wall clock follows once the machine's CPUs are saturated); RSS = peak RSS of the largest client process"

for phase in $phases; do
	case $phase in
	main)
		header "loopback, P=$workers, all users"
		for t in $tools; do
			run_median "$t" "$workers" "$src_IMAP" "$src_POP3" "$dst_IMAP" "$t" "${names[@]}"
		done
		ratios ""
		;;
	curve)
		header "loopback, cutover msg/s against parallelism, ${#sub_names[@]} users"
		for p in $curve; do
			for t in cutover-pop3 cutover-imap; do
				run_tool "$t" "$p" "$src_IMAP" "$src_POP3" "$dst_IMAP" "$t@P$p" "${sub_names[@]}"
			done
		done
		;;
	rtt)
		ports=($(harness_free_ports 4))
		d=$(awk -v r="$rtt_ms" 'BEGIN { print r / 2000 }')
		i=0
		for up in "$src_IMAP" "$src_POP3" "$dst_IMAP" "$dst_POP3"; do
			"$H_PY" "$root/bench/delay_proxy.py" "${ports[$i]}" "$up" "$d" &
			harness_on_exit "kill $! 2>/dev/null"
			i=$((i + 1))
		done
		sleep 0.5
		for p in 1 4; do
			header "${rtt_ms} ms RTT (bench/delay_proxy.py), P=$p, ${#sub_names[@]} users"
			for t in $tools; do
				run_tool "$t" "$p" "${ports[0]}" "${ports[1]}" "${ports[2]}" "$t@rtt$p" "${sub_names[@]}"
			done
			ratios "@rtt$p"
		done
		header "${rtt_ms} ms RTT, cutover msg/s against parallelism, ${#sub_names[@]} users"
		for p in $curve; do
			for t in cutover-pop3 cutover-imap; do
				run_tool "$t" "$p" "${ports[0]}" "${ports[1]}" "${ports[2]}" "$t@rtt@P$p" "${sub_names[@]}"
			done
		done
		;;
	profile)
		# Every command each tool sends, through bench/cmdcount_proxy.py, per message.
		for t in $tools; do
			ports=($(harness_free_ports 3))
			i=0
			for up in "$src_IMAP" "$src_POP3" "$dst_IMAP"; do
				"$H_PY" "$root/bench/cmdcount_proxy.py" "${ports[$i]}" "$up" "$H_DIR/cmds.$t.$i" &
				pids[$i]=$!
				i=$((i + 1))
			done
			# and every system call of each server (strace -f -c on its master follows each
			# imap/pop3 process it starts): what the servers do per message
			st=()
			if command -v strace >/dev/null 2>&1; then
				for n in src dst; do
					strace -f -c -o "$H_DIR/strace.$t.$n" -p "$(cat "$(h_var "${n}_DIR")/master.pid")" 2>/dev/null &
					st+=($!)
				done
			fi
			sleep 0.5
			header "commands of $t, ${#sub_names[@]} users, P=$workers (servers under strace: slower)"
			run_tool "$t" "$workers" "${ports[0]}" "${ports[1]}" "${ports[2]}" "$t@count" "${sub_names[@]}"
			kill "${pids[@]}" 2>/dev/null
			wait "${pids[@]}" 2>/dev/null
			[ ${#st[@]} -gt 0 ] && kill -INT "${st[@]}" 2>/dev/null && wait "${st[@]}" 2>/dev/null
			m=$(msgs_of "${sub_names[@]}")
			for n in src dst; do
				f="$H_DIR/strace.$t.$n"
				[ -s "$f" ] || continue
				say "  $n syscalls/msg: $(awk -v m="$m" '$1 ~ /^[0-9.]+$/ { printf "%.2f %s\n", $4 / m, $NF }' "$f" |
					sort -rn | head -n 10 | awk '{ printf "%s%s %s", s, $2, $1; s = ", " }')"
			done
			for i in 0 1 2; do
				what=("source IMAP" "source POP3" "destination IMAP")
				[ -s "$H_DIR/cmds.$t.$i" ] || continue
				say "  ${what[$i]}: $(awk -v m="$m" '{ n = $1; $1 = ""; printf "%s%s %.3g/msg", s, $0, n / m; s = "," }' "$H_DIR/cmds.$t.$i")"
			done
		done
		;;
	large)
		lu=()
		for sz in $large; do
			u="big$(echo "$sz" | tr A-Z a-z)"
			lu+=("$u")
			"$H_PY" "$root/tests/harness/mkcorpus.py" "$H_DIR/corpus-$u" --user "$u=6" --seed "$seed" \
				--sizes small --large "$sz" --plain >/dev/null || exit 1
			tail -n +1 "$H_DIR/corpus-$u/manifest.tsv" | grep -v '^user' >>"$H_DIR/corpus/manifest.tsv"
			dovecot_add_user src "$u" "pw-$u" && deliver "$u" "$H_DIR/corpus-$u/$u" || exit 1
		done
		h_chown "$src_DIR/home"
		"$H_PY" "$root/bench/check.py" --warm "$src_IMAP" "$src_POP3" "${lu[@]}" || exit 1
		header "large messages ($large) among small ones, plus 2 ordinary mailboxes, P=4"
		for t in cutover-imap cutover-pop3; do
			run_tool "$t" 4 "$src_IMAP" "$src_POP3" "$dst_IMAP" "$t@large" "${lu[@]}" "${names[@]:0:2}"
		done
		;;
	esac
done

if [ -n "${BENCH_OUT:-}" ]; then printf '%s\n' "${out[@]}" >"$BENCH_OUT"; fi
