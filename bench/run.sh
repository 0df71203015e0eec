#!/usr/bin/env bash
# bench/run.sh (`make bench`): cutover against peers on one corpus, in one run.
# Generates BENCH_USERS × BENCH_COUNT messages (mkcorpus.py, default 40 × 150) into a fresh
# source Dovecot, then copies the same mailboxes into fresh users of a destination Dovecot
# with each tool in turn and prints messages per second:
#   cutover     `cutover run` (POP3 source, IMAP destination, uidl: preserve, BENCH_WORKERS)
#   dsync-imapc `doveadm sync -1 -R` pulling over IMAP (imapc), BENCH_WORKERS users at once
#   dsync-pop3c `doveadm sync -1 -R` pulling over POP3 (pop3c), BENCH_WORKERS users at once
#   mbsync      isync's mbsync, IMAP to IMAP, BENCH_WORKERS users at once (if installed)
# Every tool's result is checked: each destination mailbox must hold as many messages as
# its source. Environment: BENCH_USERS, BENCH_COUNT, BENCH_SIZES (small|mixed, default
# small), BENCH_WORKERS (4), BENCH_SEED.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
users=${BENCH_USERS:-40} count=${BENCH_COUNT:-150} sizes=${BENCH_SIZES:-small}
workers=${BENCH_WORKERS:-4} seed=${BENCH_SEED:-2002}
cutover=${CUTOVER_BIN:-$root/cutover}
[ -x "$cutover" ] || { echo "bench: build first (make)" >&2; exit 1; }

. "$root/tests/harness/lib.sh"
harness_init
dovecot_start src source || exit 1
dovecot_start dst dest || exit 1
export SRC_MASTER_PW=$src_MASTER_PW DST_MASTER_PW=$dst_MASTER_PW

names=()
for ((i = 1; i <= users; i++)); do names+=("$(printf 'u%03d' "$i")"); done
gen=()
for u in "${names[@]}"; do gen+=(--user "$u=$count"); done
echo "bench: generating ${#names[@]} users × $count messages ($sizes)"
"$H_PY" "$root/tests/harness/mkcorpus.py" "$H_DIR/corpus" "${gen[@]}" --seed "$seed" --sizes "$sizes" --plain >/dev/null || exit 1
total_bytes=$(awk -F'\t' '{ s += $3 } END { print s }' "$H_DIR/corpus/manifest.tsv")
total_msgs=$((users * count))

# Fast delivery (one python process) with qmail-style names, as the harness would.
for u in "${names[@]}"; do dovecot_add_user src "$u" "pw-$u" || exit 1; done
"$H_PY" - "$src_DIR/home" "$H_DIR/corpus" "${names[@]}" <<'EOF' || exit 1
import os, shutil, sys
home, corpus, users = sys.argv[1], sys.argv[2], sys.argv[3:]
for u in users:
    t = 1034567890
    d = os.path.join(corpus, u)
    for i, f in enumerate(sorted(os.listdir(d))):
        t += 1
        base = "%d.%d_%d.mx1.example.jp" % (t, 40000 + i, i)
        tmp = os.path.join(home, u, "Maildir", "tmp", base)
        shutil.copyfile(os.path.join(d, f), tmp)
        os.utime(tmp, (t, t))
        os.rename(tmp, os.path.join(home, u, "Maildir", "new", base))
EOF
h_ids
h_chown "$src_DIR/home"
echo "bench: $total_msgs messages, $((total_bytes / 1024 / 1024)) MB on the source"

# Destination users for one tool: <user>_<tool>.
dst_users() {
	local u
	for u in "${names[@]}"; do dovecot_add_user dst "${u}_$1" "dpw" || return 1; done
}

# Messages in every <user>_<tool> mailbox must equal the source count.
check_copy() {
	local tool=$1 u n bad=0
	for u in "${names[@]}"; do
		n=$(find "$dst_DIR/home/${u}_$tool/Maildir/new" "$dst_DIR/home/${u}_$tool/Maildir/cur" -type f 2>/dev/null | wc -l)
		[ "$n" = "$count" ] || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || echo "bench: $tool: $bad mailboxes incomplete" >&2
	[ "$bad" = 0 ]
}

results=()
record() {
	local tool=$1 secs=$2 ok=$3
	local rate
	rate=$(awk -v m="$total_msgs" -v s="$secs" 'BEGIN { printf "%.0f", m / s }')
	results+=("$(printf '%-12s %8.2f s %8s msg/s  %s' "$tool" "$secs" "$rate" "$ok")")
	eval "rate_${tool//-/_}=$rate"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- cutover ---
dst_users cutover || exit 1
{
	cat <<EOF
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
  source: { protocol: pop3, host: 127.0.0.1, port: $src_POP3, auth: { master_user: migrate, password_env: SRC_MASTER_PW } }
  destination: { protocol: imap, host: 127.0.0.1, port: $dst_IMAP, pop3_port: $dst_POP3, auth: { master_user: migrate, password_env: DST_MASTER_PW } }
  uidl: preserve
  workers: $workers
customers:
EOF
	for u in "${names[@]}"; do
		echo "  - { id: $u, email: $u@example.jp, source_login: $u, dest_login: ${u}_cutover }"
	done
} >"$H_DIR/bench.yaml"
echo "bench: cutover run ($workers workers)"
t0=$(now)
"$cutover" run "$H_DIR/bench.yaml" --quiet >"$H_DIR/cutover.out" 2>&1
rc=$?
t1=$(now)
ok=ok
[ "$rc" = 0 ] && check_copy cutover || ok="FAILED (exit $rc)"
record cutover "$(elapsed "$t0" "$t1")" "$ok"

# --- dsync (doveadm sync -1 -R from imapc: / pop3c:) on the destination server ---
dsync_one() {
	local kind=$1 u=$2
	if [ "$kind" = imapc ]; then
		doveadm -c "$H_DIR/doveadm.conf" -o imapc_host=127.0.0.1 -o imapc_port="$src_IMAP" \
			-o imapc_user="$u" -o imapc_master_user=migrate -o imapc_password="$SRC_MASTER_PW" \
			-o imapc_features="rfc822.size fetch-headers" -o mail_prefetch_count=20 \
			-o ssl_client_ca_dir=/etc/ssl/certs \
			sync -1 -R -u "${u}_dsync-imapc" imapc:
	else
		doveadm -c "$H_DIR/doveadm.conf" -o pop3c_host=127.0.0.1 -o pop3c_port="$src_POP3" \
			-o pop3c_user="$u" -o pop3c_master_user=migrate -o pop3c_password="$SRC_MASTER_PW" \
			-o ssl_client_ca_dir=/etc/ssl/certs \
			sync -1 -R -u "${u}_dsync-pop3c" pop3c:
	fi
}
# The peer's own config: the destination's, plus an explicit namespace (dsync wants the
# same hierarchy separator on both sides, and pop3c has none of its own).
cat >"$H_DIR/doveadm.conf" <<EOF
!include $dst_DIR/dovecot.conf
namespace inbox {
  inbox = yes
  separator = /
}
EOF
export -f dsync_one
export H_DIR dst_DIR src_IMAP src_POP3 SRC_MASTER_PW
for kind in imapc pop3c; do
	dst_users "dsync-$kind" || exit 1
	echo "bench: doveadm sync -1 -R $kind: ($workers users at once)"
	t0=$(now)
	printf '%s\n' "${names[@]}" | xargs -P "$workers" -I{} bash -c 'dsync_one "$0" "$1"' "$kind" {} \
		>"$H_DIR/dsync-$kind.out" 2>&1
	rc=$?
	t1=$(now)
	ok=ok
	[ "$rc" = 0 ] && check_copy "dsync-$kind" || ok="FAILED (exit $rc; $(grep -m1 -i error "$H_DIR/dsync-$kind.out" | head -c 300))"
	record "dsync-$kind" "$(elapsed "$t0" "$t1")" "$ok"
done

# --- mbsync (isync), IMAP to IMAP ---
if command -v mbsync >/dev/null 2>&1; then
	dst_users mbsync || exit 1
	mkdir -p "$H_DIR/mbsync"
	for u in "${names[@]}"; do
		cat >"$H_DIR/mbsync/$u.rc" <<EOF
IMAPAccount src
Host 127.0.0.1
Port $src_IMAP
User $u*migrate
Pass $SRC_MASTER_PW
SSLType None
AuthMechs LOGIN

IMAPStore src
Account src

IMAPAccount dst
Host 127.0.0.1
Port $dst_IMAP
User ${u}_mbsync*migrate
Pass $DST_MASTER_PW
SSLType None
AuthMechs LOGIN

IMAPStore dst
Account dst

Channel c
Far :src:
Near :dst:
Patterns INBOX
Sync Pull
Create Near
SyncState $H_DIR/mbsync/$u.state/
EOF
		mkdir -p "$H_DIR/mbsync/$u.state"
		chmod 600 "$H_DIR/mbsync/$u.rc"
	done
	echo "bench: mbsync ($workers users at once)"
	t0=$(now)
	printf '%s\n' "${names[@]}" | xargs -P "$workers" -I{} mbsync -q -c "$H_DIR/mbsync/{}.rc" c \
		>"$H_DIR/mbsync.out" 2>&1
	rc=$?
	t1=$(now)
	ok=ok
	[ "$rc" = 0 ] && check_copy mbsync || ok="FAILED (exit $rc; $(head -n 2 "$H_DIR/mbsync.out" | tr '\n' ' ' | head -c 300))"
	record mbsync "$(elapsed "$t0" "$t1")" "$ok"
fi

echo
echo "bench: $total_msgs messages ($users users × $count, $sizes sizes, $((total_bytes / 1024)) KB), $workers at once, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${results[@]}"
for peer in dsync_imapc dsync_pop3c mbsync; do
	r=$(eval "echo \${rate_$peer:-}")
	[ -n "$r" ] && [ "$r" != 0 ] && awk -v a="$rate_cutover" -v b="$r" -v p="$peer" \
		'BEGIN { printf "cutover / %s = %.2f\n", p, a / b }'
done
