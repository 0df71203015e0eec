#!/usr/bin/env bash
# demo.sh (`make demo`): a whole cutover on this machine in under two minutes — two
# throwaway Dovecot servers on 127.0.0.1 (the old one serving qmail-style POP3 UIDLs, the
# new one serving X-UIDL headers as UIDLs) and the new outgoing server (SMTP submission),
# sample mailboxes (Japanese ISO-2022-JP and UTF-8 mail, attachments, one 15 MB message),
# then `cutover check`, `dry-run`, `run`, `verify` and `status` on sample-plans/demo.yaml
# with the real ports. The plan, journal and reports stay in DEMO_DIR (default ./demo-out).
# The servers stop at the end; with KEEP=1 (`make demo KEEP=1`) they stay up for the
# README's tour and the man page's examples: DEMO_DIR/env.sh (mode 0600) exports the
# passwords and puts this cutover first on PATH; `make demo-stop` stops them.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEMO_DIR:-$root/demo-out}
cutover=${CUTOVER_BIN:-$root/cutover}
start=$SECONDS

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '\n== %s\n' "$*"; }

[ -x "$cutover" ] || { echo "demo: build first (make)" >&2; exit 1; }
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
rm -rf "$dir/corpus" "$dir/reports" "$dir"/demo.db* "$dir/plan.yaml" "$dir/env.sh"
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
# KEEP=1 leaves them running, but only after a demo that worked.
trap 'rc=$?; [ "${KEEP:-0}" = 1 ] && [ $rc = 0 ] || "$root/tests/demo-servers.sh" stop "$dir" >/dev/null 2>&1' EXIT
. "$dir/servers.env"
[ -n "${DST_SUBMISSION:-}" ] || { echo "demo: no outgoing server (python3-aiosmtpd missing?)" >&2; exit 1; }
export SRC_MASTER_PW DEST_MASTER_PW NOTICE_PW

# The sample plan with the ports the servers really got: the migration's, and the new
# servers customers are told to use (pre-flight checks those; the plan's resolve: section
# maps their names to 127.0.0.1, and the certificates are DEMO_CA's), plus the outgoing
# server for `notices --send` (a local sink: no need to pace at the default 500 an hour).
sed -e "s/^\(    port: \)11110$/\1$SRC_POP3/" -e "s/^\(    port: \)12143$/\1$DST_IMAP/" \
	-e "s/^\(    pop3_port: \)12110$/\1$DST_POP3/" \
	-e "s/^\(      - { host: pop.example.jp, protocol: pop3, port: \)110 }$/\1$DST_POP3 }/" \
	-e "s/^\(      - { host: imap.example.jp, protocol: imap, port: \)143 }$/\1$DST_IMAP }/" \
	-e "s/^\(      - { host: smtp.example.jp, port: \)587,/\1$DST_SUBMISSION,/" \
	-e "s|^\(    pop3_port: .*\)$|\1\n    ca_file: $DEMO_CA|" \
	"$root/sample-plans/demo.yaml" >"$dir/plan.yaml"
printf '  send: { host: 127.0.0.1, tls_name: smtp.example.jp, port: %s, tls: starttls, ca_file: %s, user: %s, password_env: NOTICE_PW, per_hour: 36000 }\n' \
	"$DST_SUBMISSION" "$DEMO_CA" "$NOTICE_USER" >>"$dir/plan.yaml"
for p in "port: $SRC_POP3" "port: $DST_IMAP" "port: $DST_POP3 }" "port: $DST_SUBMISSION," "ca_file: $DEMO_CA"; do
	grep -qF "$p" "$dir/plan.yaml" || { echo "demo: could not set '$p' in the plan" >&2; exit 1; }
done
echo "plan: $dir/plan.yaml (old server POP3 $SRC_POP3; new server IMAP $DST_IMAP, POP3 $DST_POP3, submission $DST_SUBMISSION)"
awk -F'\t' 'NR > 1 { printf "  %-8s %4d messages  %9d bytes\n", $1, $6, $7 }' "$dir/users.tsv"

say "cutover check — what changes for the customers"
"$cutover" check "$dir/plan.yaml" || { echo "demo: check failed" >&2; exit 1; }

say "cutover dry-run — read-only inventory and an estimate against the window"
"$cutover" dry-run "$dir/plan.yaml" 2>&1 | tee "$dir/reports/dry-run.txt"
drc=${PIPESTATUS[0]}
"$cutover" dry-run "$dir/plan.yaml" --format html --out "$dir/reports/dry-run.html" >/dev/null 2>&1
[ "$drc" = 0 ] || { echo "demo: dry-run said NO-GO (exit $drc)" >&2; exit 1; }

say "cutover run — copy, keeping each message's POP3 UIDL"
"$cutover" run "$dir/plan.yaml" 2>&1 | tee "$dir/reports/run.txt"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "demo: run exited $rc" >&2; exit 1; }

say "cutover run again — a second run copies nothing"
"$cutover" run "$dir/plan.yaml" --json 2>/dev/null | grep -E '"(customer|copied)"' | paste - - | sed 's/[",]//g; s/  */ /g'


say "cutover verify — what a POP3 client sees on the new server"
"$cutover" verify "$dir/plan.yaml" | tee "$dir/reports/verify.txt"
vrc=${PIPESTATUS[0]}

say "cutover status"
"$cutover" status "$dir/plan.yaml" | tee "$dir/reports/status.txt"

say "Where things are"
echo "  plan:     $dir/plan.yaml"
echo "  journal:  $dir/demo.db   (sqlite3 $dir/demo.db .tables)"
echo "  reports:  $dir/reports/  (dry-run.txt/.html, run.txt, verify.txt, status.txt)"
if [ "${KEEP:-0}" = 1 ]; then
	# One file to source for the tour: the passwords, and this cutover first on PATH.
	umask 077
	{
		echo "# written by make demo KEEP=1: cd $dir && . ./env.sh, then README's tour"
		echo "# stop the servers: make demo-stop (or: $root/tests/demo-servers.sh stop $dir)"
		printf 'export SRC_MASTER_PW=%q DEST_MASTER_PW=%q NOTICE_PW=%q\n' \
			"$SRC_MASTER_PW" "$DEST_MASTER_PW" "$NOTICE_PW"
		printf 'export PATH=%q:"$PATH"\n' "$(cd "$(dirname "$cutover")" && pwd)"
	} >"$dir/env.sh"
	umask 022
	echo "  servers:  still running (KEEP=1): old POP3 $SRC_POP3; new IMAP $DST_IMAP, POP3 $DST_POP3, submission $DST_SUBMISSION"
	echo "  tour:     cd $dir && . ./env.sh   then the README's quick tour (man ./docs/cutover.1, EXAMPLES)"
	echo "  stop:     make demo-stop   (or: tests/demo-servers.sh stop $dir)"
else
	echo "  servers:  stopped now; 'make demo KEEP=1' leaves them running for the README's tour"
fi
echo "  time:     $((SECONDS - start)) s"
[ "$vrc" = 0 ] || { echo "demo: verify found a loss" >&2; exit 1; }
grep -q "(100.0%)" "$dir/reports/verify.txt" && echo "  result:   100% of POP3 UIDLs preserved"
