#!/usr/bin/env bash
# status_uidl.sh: `cutover status` and `cutover uidl` end to end on the Infonia sample
# plan: no journal yet, a journal left by an unfinished run, status while a writer holds
# the journal's write lock, the CSV and Dovecot exports, and the Dovecot records merged
# into a real Maildir that Dovecot's own pop3 process then serves with the old UIDLs in
# the old order. Prints TAP.
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CUTOVER_BIN:-$root/cutover}
build=${CUTOVER_BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
fill=$build/tools/journal_fill
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cutover-status.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
has() { grep -qF -- "$2" "$1" || { echo "# '$2' not in $1:"; sed 's/^/#   /' "$1" | head -40; return 1; }; }

[ -x "$bin" ] || { echo "not ok 1 - cutover binary missing at $bin"; exit 1; }
[ -x "$fill" ] || { echo "not ok 1 - $fill missing"; exit 1; }

cp "$root"/sample-plans/infonia-2002.yaml "$root"/sample-plans/infonia-2002-customers.csv "$tmp/"
plan=$tmp/infonia-2002.yaml
db=$tmp/infonia-2002-10.db

# --- no journal yet ---
"$bin" status "$plan" -q >"$tmp/out" 2>"$tmp/err"
t "no journal: exit 0" [ $? = 0 ]
t "no journal: says no runs yet" has "$tmp/out" "no runs yet"
t "no journal: every plan customer pending" has "$tmp/out" "10 customers: 0 done, 0 failed, 0 running, 10 pending"
t "no journal: status created no file" [ ! -e "$db" ]
"$bin" status "$plan" -q --json >"$tmp/json"
t "no journal: --json says so" python3 -c "
import json,sys; d=json.load(open('$tmp/json'))
assert d['journal_exists'] is False and d['last_run'] is None and d['totals']['pending'] == 10"
"$bin" uidl "$plan" export -q >"$tmp/out" 2>"$tmp/err"
t "no journal: uidl export exits 66" [ $? = 66 ]
t "no journal: uidl export says why" has "$tmp/err" "no journal yet"

# --- a prestage run and an unfinished final run ---
"$fill" "$db" 1700000000 || nok "journal_fill"
t "journal is private (0600)" [ "$(stat -c %a "$db")" = 600 ]
"$bin" status "$plan" -q >"$tmp/out" 2>"$tmp/err"
t "status: exit 0" [ $? = 0 ]
t "status: unfinished run" has "$tmp/out" "last run: #2 run final"
t "status: failed customer with class and text" bash -c "grep -E '^inf0002 +failed +1 +1 +1 +1000 B +courier +2 +auth: login refused' '$tmp/out' >/dev/null"
t "status: done customer" bash -c "grep -E '^inf0001 +done +3 +0 +0 +600 B +dovecot +1 +-' '$tmp/out' >/dev/null"
t "status: customer no longer in the plan" has "$tmp/out" "gone01"
t "status: totals" has "$tmp/out" "11 customers: 2 done, 1 failed, 1 running, 7 pending; 7 messages copied (1.6 KB), 1 in doubt, 1 failed"
"$bin" status "$plan" -q --json --customer inf0002 >"$tmp/json"
t "status --json --customer" python3 -c "
import json; d=json.load(open('$tmp/json'))
c=d['customers']; assert len(c) == 1 and c[0]['customer'] == 'inf0002', c
assert c[0]['messages'] == {'done': 1, 'in_doubt': 1, 'failed': 1, 'skipped': 0}, c
assert c[0]['last_error'] == {'class': 'auth', 'text': 'login refused'}
assert d['last_run']['phase'] == 'final' and d['last_run']['ended'] is None"
"$bin" status "$plan" -q --customer nobody >/dev/null 2>"$tmp/err"
t "status: unknown customer exits 64" [ $? = 64 ]

# A run holding the write lock does not stop status (WAL readers never wait).
if command -v sqlite3 >/dev/null; then
	(echo "BEGIN IMMEDIATE; INSERT INTO event (level, text, at) VALUES ('info', 'held', 0);"; sleep 3; echo "COMMIT;") |
		sqlite3 "$db" &
	holder=$!
	sleep 0.5
	start=$SECONDS
	"$bin" status "$plan" -q >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t "status while a writer holds the lock: exit 0, at once" [ "$rc" = 0 -a $((SECONDS - start)) -lt 2 ]
	wait "$holder"
else
	ok "status while a writer holds the lock # SKIP no sqlite3 CLI"
fi

# --- uidl export ---
"$bin" uidl "$plan" export -q --out "$tmp/map.csv"
t "csv: exit 0" [ $? = 0 ]
t "csv: private file" [ "$(stat -c %a "$tmp/map.csv")" = 600 ]
t "csv: header" has "$tmp/map.csv" "customer,email,folder,src_seq,old_uidl,dst_folder,dst_uidvalidity,dst_uid,dst_uidl,size,sha256,message_id"
t "csv: a row" has "$tmp/map.csv" "inf0001,taro.yamada@infonia.ne.jp,INBOX,1,old-uidl-a,INBOX,1700000000,2,,100,"
t "csv: 7 rows + header" [ "$(wc -l <"$tmp/map.csv")" = 8 ]
"$bin" uidl "$plan" export -q --format dovecot >/dev/null 2>"$tmp/err"
t "dovecot to stdout without --customer: exit 64" [ $? = 64 ]
"$bin" uidl "$plan" export -q --format dovecot --out "$tmp/records"
t "dovecot --out DIR: one file per customer with UIDLs" [ -f "$tmp/records/inf0001.uidlist" -a -f "$tmp/records/inf0002.uidlist" -a ! -e "$tmp/records/inf0004.uidlist" ]
t "dovecot: records in UID order with POP3 order" bash -c "grep -v '^#' '$tmp/records/inf0001.uidlist' | tr '\n' '|' | grep -qx '1 Pold-uidl-c O3|2 Pold-uidl-a O1|3 Pold-uidl-b O2|'"

# --- merge into a real Maildir and let Dovecot serve it ---
pop3=/usr/lib/dovecot/pop3
if [ ! -x "$pop3" ]; then
	ok "dovecot serves the merged UIDLs # SKIP no $pop3"
	echo "1..$n"
	exit $((failed > 0))
fi
dv=$tmp/dv
mkdir -p "$dv/Maildir/cur" "$dv/Maildir/new" "$dv/Maildir/tmp" "$dv/run"
for i in 1 2 3; do
	printf 'From: a@example.jp\r\nSubject: m%s\r\nMessage-ID: <m%s@example.jp>\r\n\r\nbody %s\r\n' $i $i $i \
		>"$dv/Maildir/cur/170000010$i.M${i}P1.mx:2,"
done
# Dovecot refuses to serve mail as root: run it as nobody then.
uid=$(id -u) gid=$(id -g) as=()
if [ "$uid" = 0 ]; then
	uid=65534 gid=65534 as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chown -R 65534:65534 "$dv"
	chmod 755 "$tmp"
fi
cat >"$dv/dovecot.conf" <<EOF
base_dir = $dv/run
state_dir = $dv/run
log_path = $dv/log
mail_location = maildir:$dv/Maildir
ssl = no
first_valid_uid = 1
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dv
}
passdb {
  driver = static
  args = nopassword=y
}
EOF
pop() { printf 'UIDL\r\nQUIT\r\n' | "${as[@]}" env USER=inf0001 HOME="$dv" timeout 10 "$pop3" -c "$dv/dovecot.conf" 2>>"$dv/stderr" | tr -d '\r'; }
pop >"$tmp/before"
t "dovecot wrote its dovecot-uidlist" [ -f "$dv/Maildir/dovecot-uidlist" ]
uv=$(sed -n '1s/.* V\([0-9]*\).*/\1/p' "$dv/Maildir/dovecot-uidlist")
# The journal of a run into this very folder: same UIDVALIDITY.
rm -f "$db"*
"$fill" "$db" "$uv"
"$bin" uidl "$plan" export -q --format dovecot --customer inf0001 >"$tmp/inf0001.records"
"$bin" uidl merge "$tmp/inf0001.records" "$dv/Maildir" >"$tmp/out" 2>"$tmp/err"
t "merge: exit 0" [ $? = 0 ] || sed 's/^/#   /' "$tmp/err"
t "merge: all records merged" has "$tmp/out" "3 of 3 records merged"
t "merge: the file stays Dovecot's" [ "$(stat -c %u "$dv/Maildir/dovecot-uidlist")" = "$uid" ]
pop >"$tmp/after"
t "dovecot serves the old UIDLs in the old POP3 order" bash -c "grep -E '^[0-9]+ ' '$tmp/after' | tr '\n' '|' | grep -qx '1 old-uidl-a|2 old-uidl-b|3 old-uidl-c|'" ||
	{ sed 's/^/#   /' "$tmp/after"; sed 's/^/#   /' "$dv/Maildir/dovecot-uidlist"; }
# A second export against a recreated folder must be refused.
sed -i "1s/ V$uv / V$((uv + 1)) /" "$dv/Maildir/dovecot-uidlist"
"$bin" uidl merge "$tmp/inf0001.records" "$dv/Maildir" >/dev/null 2>"$tmp/err"
t "merge into a folder with another UIDVALIDITY: exit 65" [ $? = 65 ]
echo "1..$n"
exit $((failed > 0))
