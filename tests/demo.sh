#!/usr/bin/env bash
# demo.sh (`make demo`): a whole cutover on this machine in under two minutes — two
# throwaway Dovecot servers on 127.0.0.1 (the old one serving qmail-style POP3 UIDLs, the
# new one serving X-UIDL headers as UIDLs), sample mailboxes (Japanese ISO-2022-JP and
# UTF-8 mail, attachments, one 15 MB message), then `cutover check`, `run`, `verify` and
# `status` on sample-plans/demo.yaml with the real ports. The servers stop at the end;
# the plan, journal and reports stay in DEMO_DIR (default ./demo-out).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEMO_DIR:-$root/demo-out}
cutover=${CUTOVER_BIN:-$root/cutover}
start=$SECONDS

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '\n== %s\n' "$*"; }

[ -x "$cutover" ] || { echo "demo: build first (make)" >&2; exit 1; }
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
rm -rf "$dir/corpus" "$dir/reports" "$dir"/demo.db* "$dir/demo.yaml"
mkdir -p "$dir/reports"
"$root/tests/demo-servers.sh" stop "$dir" >/dev/null 2>&1

say "Starting two throwaway Dovecot servers and filling the old one with sample mail"
# The plan's three customers: login = local part on the old server, the address on the new.
umask 077
{
	for u in alice taro hanako; do
		pw=$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')
		case $u in alice) n=40 ;; taro) n=60 ;; hanako) n=25 ;; esac
		echo "$u old-$pw $u@example.jp new-$pw 0 $n"
	done
} >"$dir/users.in"
umask 022
"$root/tests/demo-servers.sh" start "$dir" --users "$dir/users.in" --large 15M || {
	echo "demo: the servers did not start" >&2; exit 1; }
trap '"$root/tests/demo-servers.sh" stop "$dir" >/dev/null 2>&1' EXIT
. "$dir/servers.env"
export SRC_MASTER_PW DEST_MASTER_PW

# The sample plan with the ports the servers really got.
sed -e "s/^\(    port: \)11110$/\1$SRC_POP3/" -e "s/^\(    port: \)12143$/\1$DST_IMAP/" \
	-e "s/^\(    pop3_port: \)12110$/\1$DST_POP3/" "$root/sample-plans/demo.yaml" >"$dir/demo.yaml"
grep -q "port: $SRC_POP3" "$dir/demo.yaml" && grep -q "port: $DST_IMAP" "$dir/demo.yaml" || {
	echo "demo: could not set the ports in the plan" >&2; exit 1; }
echo "plan: $dir/demo.yaml (old server POP3 $SRC_POP3, new server IMAP $DST_IMAP, POP3 $DST_POP3)"
awk -F'\t' 'NR > 1 { printf "  %-8s %4d messages  %9d bytes\n", $1, $6, $7 }' "$dir/users.tsv"

say "cutover check — what changes for the customers"
"$cutover" check "$dir/demo.yaml" || { echo "demo: check failed" >&2; exit 1; }

say "cutover run — copy, keeping each message's POP3 UIDL"
"$cutover" run "$dir/demo.yaml" 2>&1 | tee "$dir/reports/run.txt"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "demo: run exited $rc" >&2; exit 1; }

say "cutover run again — a second run copies nothing"
"$cutover" run "$dir/demo.yaml" --json 2>/dev/null | grep -E '"(customer|copied)"' | paste - - | sed 's/[",]//g; s/  */ /g'


say "cutover verify — what a POP3 client sees on the new server"
"$cutover" verify "$dir/demo.yaml" | tee "$dir/reports/verify.txt"
vrc=${PIPESTATUS[0]}

say "cutover status"
"$cutover" status "$dir/demo.yaml" | tee "$dir/reports/status.txt"

say "Where things are"
echo "  plan:     $dir/demo.yaml"
echo "  journal:  $dir/demo.db   (sqlite3 $dir/demo.db .tables)"
echo "  reports:  $dir/reports/  (run.txt, verify.txt, status.txt)"
echo "  servers:  stopped now; 'tests/demo-servers.sh start DIR' starts them by hand"
echo "  time:     $((SECONDS - start)) s"
[ "$vrc" = 0 ] || { echo "demo: verify found a loss" >&2; exit 1; }
grep -q "(100.0%)" "$dir/reports/verify.txt" && echo "  result:   100% of POP3 UIDLs preserved"
