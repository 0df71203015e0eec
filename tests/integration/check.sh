#!/usr/bin/env bash
# check.sh: `cutover check` end to end: sample plans and the 117net fixture are valid and
# summarised (window, before → after, customers, warnings), --json parses and has its
# keys, help works, a bad plan exits 65 with file:line:col errors; every command gets the
# same plan, --customer and option errors from main. Prints TAP.
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CUTOVER_BIN:-$root/cutover}
data=$root/tests/data/check
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cutover-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
has() { grep -qF -- "$2" "$1" || { echo "# '$2' not in $1:"; sed 's/^/#   /' "$1" | head -40; return 1; }; }

[ -x "$bin" ] || { echo "not ok 1 - cutover binary missing at $bin"; exit 1; }

# Passwords named by the plan are set but never printed.
export N004_PW=sekret-four N001_PW=sekret-one N002_PW=sekret-two N003_PW=sekret-three DEST_MASTER_PW=sekret-master

# --- every sample plan is valid and summarised ---
for plan in "$root"/sample-plans/*.yaml; do
	[ -f "$plan" ] || continue
	name=$(basename "$plan")
	"$bin" check "$plan" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t "sample $name: exit 0" [ "$rc" = 0 ]
	t "sample $name: summary sections" bash -c "grep -q '^Window' '$tmp/out' && grep -q '^What customers change' '$tmp/out' && grep -q '^Customers: ' '$tmp/out' && grep -q '^Migration' '$tmp/out' && grep -q '^Warnings (' '$tmp/out'"
	"$bin" check "$plan" --json >"$tmp/json" 2>/dev/null
	t "sample $name: --json parses" python3 -m json.tool "$tmp/json" /dev/null
done
if [ -f "$root/sample-plans/infonia-2002.yaml" ]; then
	"$bin" check "$root/sample-plans/infonia-2002.yaml" >"$tmp/inf" 2>&1
	t "infonia: window line as the 2002 notice" has "$tmp/inf" "2002-10-22 (Tue) 23:30 → 2002-10-23 (Wed) 03:00 JST, 3 h 30 min; unstable until 04:30"
	t "infonia: mx renamed to pop" has "$tmp/inf" "→ pop.infonia.ne.jp"
fi

# --- the 117net fixture: exact facts ---
plan=$data/net117-2008.yaml
"$bin" check "$plan" >"$tmp/out" 2>"$tmp/err"
t "117net: exit 0 despite warnings" [ $? = 0 ]
t "117net: window in JST with weekdays, duration, unstable date" has "$tmp/out" "2008-05-20 (Tue) 01:00 → 2008-05-20 (Tue) 06:00 JST, 5 h; unstable until 2008-05-21 (Wed) 09:00"
t "117net: outgoing after on 587 with SMTP AUTH" bash -c "grep -E '→ vsmtp.117.ne.jp +smtp +port 587 +tls starttls +SMTP AUTH' '$tmp/out' >/dev/null"
t "117net: login name change" has "$tmp/out" "login        local part → full e-mail address"
t "117net: must change list" has "$tmp/out" "must change: incoming server name, incoming authentication, outgoing server name, outgoing port, outgoing encryption, outgoing authentication, login name"
t "117net: customers by language" has "$tmp/out" "Customers: 4 (ja 3, en 1); 4 get a notice"
t "117net: PostPet flagged" bash -c "grep -E '^  postpet +1  \(no SMTP AUTH\)' '$tmp/out' >/dev/null"
t "117net: migration line" has "$tmp/out" "destination  imap 127.0.0.1:12143  tls starttls  master user migrate"
t "117net: uidl none warning at the plan" has "$tmp/out" "net117-2008.yaml:26:11: migration.uidl: none"
t "117net: Eudora 5.1J + APOP warning at its CSV row" has "$tmp/out" "net117-customers.csv:2: 1 customer (n001) uses a mail program that cannot use SMTP AUTH while receiving with APOP"
t "117net: PostPet cannot send warning at its CSV row" has "$tmp/out" "net117-customers.csv:4: 1 customer (n003) uses a mail program that cannot do SMTP AUTH"
t "117net: the loader's warning is in the summary" has "$tmp/out" "net117-customers.csv:5: customer 'n004': unknown mail program 'Pegasus Mail 4'"
t "117net: nothing on stderr when valid" [ ! -s "$tmp/err" ]
t "117net: no password printed" bash -c "! grep -q sekret '$tmp/out' '$tmp/err'"

"$bin" check "$plan" --json >"$tmp/json" 2>"$tmp/err"
t "117net --json: exit 0" [ $? = 0 ]
t "117net --json: parses with json.tool" python3 -m json.tool "$tmp/json" /dev/null
t "117net --json: keys and values" python3 - "$tmp/json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("schema", "command", "plan", "plan_file", "valid", "window", "changes", "totals", "customers", "migration", "warnings"):
    assert k in j, k
w = j["window"]
assert w["duration_minutes"] == 300, w
assert w["start"]["rfc3339"] == "2008-05-20T01:00:00+09:00", w["start"]
assert w["start"]["local"] == "2008-05-20 (Tue) 01:00" and w["start"]["zone"] == "JST"
assert w["old_servers_until"] == "2008-06-20"
c = j["changes"]
assert c["outgoing"]["after"][0] == {"host": "vsmtp.117.ne.jp", "protocol": "smtp", "port": 587, "tls": "starttls", "auth": "smtp-auth"}, c["outgoing"]
assert c["login"] == {"before": "local-part", "after": "email-address"}
assert "login_name" in c["must_change"] and "outgoing_port" in c["must_change"]
cu = j["totals"]
assert cu["customers"] == 4 and len(j["customers"]) == 4 and cu["by_language"] == {"ja": 3, "en": 1}
assert cu["by_client"] == {"thunderbird": 1, "eudora-5.1j": 1, "postpet": 1, "generic": 1}, cu["by_client"]
m = j["migration"]
assert m["uidl"] == "none" and m["workers"] == 2
assert m["destination"]["master_user"] == "migrate" and "password" not in json.dumps(m)
# 5 doubts about the plan (Eudora 5.1J has no outgoing port field and SMTP AUTH is only
# on 587), and the window of 2008 lies in the past.
assert len(j["warnings"]) == 6 and any("window.end is in the past" in x["message"] for x in j["warnings"])
assert any("cannot change the outgoing port" in x["message"] for x in j["warnings"])
assert all({"file", "line", "col", "message"} <= set(x) for x in j["warnings"])
assert j["valid"] is True
PY

"$bin" check -q "$plan" >"$tmp/out" 2>"$tmp/err"
t "check -q: exit 0, silent" bash -c "[ $? = 0 ] && [ ! -s '$tmp/out' ] && [ ! -s '$tmp/err' ]"

# --- help ---
"$bin" check --help >"$tmp/help" 2>&1
t "check --help: exit 0" [ $? = 0 ]
t "check --help: usage and --json" bash -c "grep -q 'usage: cutover check PLAN' '$tmp/help' && grep -q -- '--json' '$tmp/help'"
"$bin" help check >"$tmp/help2" 2>&1
t "help check: exit 0 and same text" bash -c "[ $? = 0 ] && cmp -s '$tmp/help' '$tmp/help2'"
t "help check: lists mail program ids" has "$tmp/help2" "eudora-5.1j"
"$bin" check >/dev/null 2>"$tmp/err"
t "check without PLAN: exit 64" [ $? = 64 ]

# --- bad plans ---
"$bin" check "$data/bad-plan.yaml" >"$tmp/out" 2>"$tmp/err"
t "bad plan: exit 65" [ $? = 65 ]
t "bad plan: nothing on stdout" [ ! -s "$tmp/out" ]
t "bad plan: unknown key at file:line:col with a suggestion" has "$tmp/err" "bad-plan.yaml:8:1: error: unknown key 'servcies' (did you mean 'services'?)"
t "bad plan: CSV row error" has "$tmp/err" "bad-customers.csv:3: error: column 'language': 'fr' is not one of ja|en"
"$bin" check "$data/bad-plan.yaml" --json >"$tmp/out" 2>/dev/null
t "bad plan --json: exit 65, nothing on stdout" bash -c "[ $? = 65 ] && [ ! -s '$tmp/out' ]"

"$bin" check "$tmp/no-such-plan.yaml" >/dev/null 2>"$tmp/err"
t "missing plan: exit 66 (EX_NOINPUT)" [ $? = 66 ]
t "missing plan: one text from main" has "$tmp/err" "cutover check: $tmp/no-such-plan.yaml: cannot read the plan"

# --- what main sets up for every command: the same texts and exit codes for each ---
cp "$root"/sample-plans/infonia-2002.yaml "$root"/sample-plans/infonia-2002-customers.csv "$tmp/"
sample=$tmp/infonia-2002.yaml
for c in run verify status notices dry-run; do
	"$bin" $c "$tmp/no-such-plan.yaml" >/dev/null 2>"$tmp/err"
	t "$c: missing plan exits 66 with main's text" bash -c "[ $? = 66 ] && grep -qF 'cutover $c: $tmp/no-such-plan.yaml: cannot read the plan' '$tmp/err'"
	"$bin" $c "$data/bad-plan.yaml" >/dev/null 2>"$tmp/err"
	t "$c: bad plan exits 65" bash -c "[ $? = 65 ] && grep -qE 'cutover $c: .*: [0-9]+ errors? in the plan$' '$tmp/err'"
done
for c in run verify notices uidl; do
	extra=; [ $c = uidl ] && extra=export
	"$bin" $c "$sample" $extra -q --customer inf0001 --customer nobody >"$tmp/out" 2>"$tmp/err"
	t "$c: unknown --customer exits 64 before any work" bash -c "[ $? = 64 ] && [ ! -s '$tmp/out' ] && grep -qxF 'cutover $c: --customer nobody: no such customer in the plan' '$tmp/err'"
done
t "an unknown --customer leaves no journal behind" bash -c "! ls '$tmp'/*.db >/dev/null 2>&1"
for w in 0 65 many; do
	"$bin" run "$sample" --workers $w >/dev/null 2>"$tmp/err"
	t "run --workers $w: usage error (64)" bash -c "[ $? = 64 ] && grep -q -- '--workers' '$tmp/err'"
done
"$bin" check "$sample" --customer inf0001 >/dev/null 2>&1
t "check takes no --customer (64)" [ $? = 64 ]

# --- the manual page renders without warnings ---
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$root/docs/cutover.1" >"$tmp/groff" 2>&1
	t "cutover.1: groff without warnings" bash -c "[ $? = 0 ] && [ ! -s '$tmp/groff' ]"
	groff -man -Tascii -P-cbou "$root/docs/cutover.1" 2>/dev/null >"$tmp/man"
	for c in check dry-run run verify status uidl announce notices; do
		t "cutover.1 documents $c" grep -qE "cutover +$c " "$tmp/man"
	done
fi

echo "1..$n"
[ "$failed" = 0 ]
