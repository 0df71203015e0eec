#!/usr/bin/env bash
# hostile_server: an old server that answers nonsense costs only its own customer. Each
# scenario in tests/data/hostile/ is played by tests/tools/scriptserver.py as the migration
# source (or destination) of a two-customer plan: "bad" meets the scenario, "good" reads a
# real Dovecot over the other protocol. `cutover dry-run`, `cutover run` and `cutover
# verify` must end within a minute (no hang), by exiting (no signal, no sanitizer report):
# dry-run with NO-GO (1), run with 75 (bad's error is temporary: protocol, or network for
# `# class: network` scenarios) naming bad, verify with a failure; "good" is still
# inventoried, copied and verified. Scenarios marked `# todo:` fail with today's drivers;
# their checks are TAP TODO (tests/run counts them apart). The scenarios are played side by
# side (HS_JOBS at a time, default 6), each against its own server, plan and mailboxes, and
# checked one after the other afterwards. Last, tests/data/hostile/signal/
# plays a server that hangs after login while `cutover run` gets SIGTERM, SIGINT, or two
# SIGTERMs: the run ends within 5 s (75 after one signal, 130 at once after two).
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
SS="$H_ROOT/tests/tools/scriptserver.py"
DATA="$H_ROOT/tests/data/hostile"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users good
export PW_bad=hostile-pw DST_MASTER_PW=$dst_MASTER_PW
e_gen "$H_DIR/m" 3 m
e_deliver src good "$H_DIR"/m/*.eml

# hs_plan FILE PROTO PORT SIDE: the scenario's server speaks PROTO on PORT as the source
# (good reads the real source over the other protocol) or as the destination. A silent
# server costs 10 s per attempt, not the default minute.
hs_plan() {
	local file=$1 proto=$2 port=$3 side=$4 other
	if [ "$proto" = pop3 ]; then other=imap; else other=pop3; fi
	if [ "$side" = source ]; then
		E_SRC_PROTO=$proto E_SRC_PORT=$port E_ATTEMPTS=2 e_plan "$file" hostile src dst preserve 2 bad good
		sed -i -e "s/^  source: { \(.*\) }\$/  source: { \1, ${other}_port: $(h_var "src_${other^^}"), timeout: 10s }/" \
		       -e "s/^\(  - { id: good, .*\) }\$/\1, source_protocol: $other }/" "$file"
	else
		E_DST_PORT=$port E_ATTEMPTS=2 e_plan "$file" hostile src dst preserve 2 bad good
		sed -i "s/^    tls: none\$/&\n    timeout: 10s/" "$file"
	fi
}

# hs_fields DIR...: the customers' fields the checks read from run --json and dry-run
# --format json, for every scenario in one python start (not four per scenario), into
# DIR/fields as lines "FILE CUSTOMER FIELD=value" ("" when absent or unreadable).
hs_fields() {
	"$H_PY" - "$@" <<'PYEOF'
import json, sys
WANT = (("dry.json", "bad", "source_error"), ("dry.json", "good", "messages"),
        ("run.json", "bad", "error_class"), ("run.json", "good", "copied"))
for d in sys.argv[1:]:
    out = []
    for f, who, field in WANT:
        v = ""
        try:
            for c in json.load(open(d + "/" + f))["customers"]:
                if c.get("customer", c.get("id")) == who:
                    v = c.get(field, "")
                    v = str(v).lower() if isinstance(v, bool) else str(v)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        out.append("%s %s %s=%s" % (f, who, field, v.replace("\n", " ")))
    with open(d + "/fields", "w") as o:
        o.write("\n".join(out) + "\n")
PYEOF
}
# hs_field FILE CUSTOMER FIELD: one of them.
hs_field() {
	local l key="${1##*/} $2 $3="
	while IFS= read -r l; do
		[[ $l == "$key"* ]] && { printf '%s\n' "${l#"$key"}"; return; }
	done <"${1%/*}/fields"
}

# A check of a scenario marked `# todo:` prints TODO whatever its result and does not
# count as a failure; the others are ordinary checks.
hs_todo=""
hs_ok() {
	local desc=$1; shift
	if [ -z "$hs_todo" ]; then
		tap_ok "$desc" "$@"
		return
	fi
	H_TAP_N=$((H_TAP_N + 1))
	if "$@"; then echo "ok $H_TAP_N - $desc # TODO $hs_todo"
	else echo "not ok $H_TAP_N - $desc # TODO $hs_todo"; fi
}

hs_exited() { [ "$1" != 124 ] && [ "$1" != 137 ]; }
hs_no_crash() { [ "$1" -lt 128 ] && ! grep -qE 'Sanitizer|runtime error:|Segmentation fault' "$2"; }
hs_exit_1_69() { [ "$1" = 1 ] || [ "$1" = 69 ]; }
hs_exit_verify() { [ "$1" -ne 0 ] && [ "$1" -lt 128 ]; }
hs_is() { [ "$1" = "$2" ]; }
hs_nonempty() { [ -n "$1" ]; }

# hs_scen_vars SCENARIO: name, proto, side, hs_todo, class, run_exit and d of a scenario
# (bash only: under a loaded machine, a process per header line cost seconds).
hs_scen_vars() {
	local l v
	name=${1##*/}
	name=${name%.scenario}
	proto=${name%%-*}
	side="" hs_todo="" class="" run_exit=""
	while IFS= read -r l; do
		[[ $l == "# "*:* ]] || continue
		v=${l#*:}
		v=${v#"${v%%[! ]*}"}
		case $l in
		"# side:"*) side=$v ;;
		"# todo:"*) hs_todo=$v ;;
		"# class:"*) class=$v ;;
		"# run-exit:"*) run_exit=$v ;;
		esac
	done <"$1"
	class=${class:-protocol}
	run_exit=${run_exit:-75}
	d="$H_DIR/$name"
}

# hs_play DIR: dry-run, run and verify of one scenario's plan, one after the other (each
# needs the one before), each exit code kept in DIR/*.rc for the checks.
hs_play() {
	local d=$1
	timeout -k 5 60 "$CUTOVER" dry-run "$d/plan.yaml" --skip-preflight --format json \
		>"$d/dry.json" 2>"$d/dry.err"
	echo $? >"$d/dry.rc"
	timeout -k 5 60 "$CUTOVER" run "$d/plan.yaml" --json >"$d/run.json" 2>"$d/run.err"
	echo $? >"$d/run.rc"
	timeout -k 5 60 "$CUTOVER" verify "$d/plan.yaml" >"$d/verify.out" 2>"$d/verify.err"
	echo $? >"$d/verify.rc"
}

# Each scenario has its own scripted server, plan, journal and destination mailboxes
# (bad-N, good-N), so the scenarios are played side by side, HS_JOBS at a time (most of
# their time is waiting: for a server that stopped, for Dovecot, between attempts); the
# checks then read what each left behind, one scenario after the other.
HS_JOBS=${HS_JOBS:-6}
scens=()
# HS_ONLY=GLOB (e.g. 'pop3-*') plays only the matching scenarios, while working on one.
for scen in "$DATA"/${HS_ONLY:-*}.scenario; do
	[ -f "$scen" ] || continue
	scens+=("$scen")
	hs_scen_vars "$scen"
	mkdir -p "$d"
	"$H_PY" "$SS" "$scen" --port-file "$d/port" --log "$d/server.log" --read-timeout 30 --hang-max 90 &
	harness_on_exit "kill $! 2>/dev/null"
done
t_setup=$SECONDS
n=0
for scen in "${scens[@]}"; do
	hs_scen_vars "$scen"
	n=$((n + 1))
	for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.1; done
	export E_DST_SUFFIX="-$n"
	e_dst_users bad good || exit 1
	hs_plan "$d/plan.yaml" "$proto" "$(cat "$d/port")" "$side"
done
# (the scripted servers are background jobs too: count and wait for the players only)
hs_playing() {
	local p k=0
	for p in "${plays[@]}"; do kill -0 "$p" 2>/dev/null && k=$((k + 1)); done
	echo "$k"
}
t_play=$SECONDS
plays=()
for scen in "${scens[@]}"; do
	hs_scen_vars "$scen"
	while [ "$(hs_playing)" -ge "$HS_JOBS" ]; do sleep 0.2; done
	hs_play "$d" &
	plays+=($!)
done
[ ${#plays[@]} = 0 ] || wait "${plays[@]}"
echo "# ${#scens[@]} scenarios: set up in $((t_play - t_setup)) s, played in $((SECONDS - t_play)) s, $HS_JOBS at a time"
t_check=$SECONDS
hs_dirs=()
for scen in "${scens[@]}"; do hs_scen_vars "$scen"; hs_dirs+=("$d"); done
[ ${#hs_dirs[@]} = 0 ] || hs_fields "${hs_dirs[@]}"

for scen in "${scens[@]}"; do
	hs_scen_vars "$scen"
	rc=$(cat "$d/dry.rc")
	echo "# $name: dry-run exit $rc; $(grep -vE '^\s*$' "$d/dry.err" | tail -n 1)"
	hs_ok "$name: dry-run ends within 60 s" hs_exited "$rc"
	hs_ok "$name: dry-run exits, no crash" hs_no_crash "$rc" "$d/dry.err"
	hs_ok "$name: dry-run says NO-GO (exit 1)" hs_is "$rc" 1
	if [ "$side" = source ]; then
		hs_ok "$name: dry-run reports bad's source error" \
			hs_nonempty "$(hs_field "$d/dry.json" bad source_error)"
		hs_ok "$name: dry-run still counts good's 3 messages" \
			hs_is "$(hs_field "$d/dry.json" good messages)" 3
	fi

	rc=$(cat "$d/run.rc")
	echo "# $name: run exit $rc; $(grep -vE '^\s*$' "$d/run.err" | tail -n 1)"
	hs_ok "$name: run ends within 60 s" hs_exited "$rc"
	hs_ok "$name: run exits, no crash" hs_no_crash "$rc" "$d/run.err"
	if [ "$side" = source ]; then
		# Protocol and network errors are worth a retry (err_retry_class): exit 75.
		hs_ok "$name: run exits $run_exit" hs_is "$rc" "$run_exit"
		hs_ok "$name: run fails bad with a $class error" \
			hs_is "$(hs_field "$d/run.json" bad error_class)" "$class"
		hs_ok "$name: run names bad in its message" grep -q ' bad error: ' "$d/run.err"
		hs_ok "$name: run still copies good's 3 messages" \
			hs_is "$(hs_field "$d/run.json" good copied)" 3
	else
		hs_ok "$name: run exits 1 or 69" hs_exit_1_69 "$rc"
		hs_ok "$name: run names the destination's failure" grep -qiE 'destination|protocol' "$d/run.err"
	fi

	rc=$(cat "$d/verify.rc")
	echo "# $name: verify exit $rc; $(grep -vE '^\s*$' "$d/verify.err" | tail -n 1)"
	hs_ok "$name: verify ends within 60 s" hs_exited "$rc"
	hs_ok "$name: verify exits, no crash" hs_no_crash "$rc" "$d/verify.err"
	hs_ok "$name: verify fails (exit $rc)" hs_exit_verify "$rc"
	if [ "$side" = source ]; then
		hs_ok "$name: verify names bad's failure" grep -qE '^bad +NOT VERIFIED: .+' "$d/verify.out"
		hs_ok "$name: verify checks good" grep -qE '^good +3 +3 ' "$d/verify.out"
	fi
	# The scenario was played, and still matches what cutover says (else update it).
	tap_ok "$name: cutover connected to the scenario's server" grep -q ' accept$' "$d/server.log"
	tap_not "$name: the server's script matched the client's commands" grep -q MISMATCH "$d/server.log"
	# A broken IMAP session is closed without a word: libetpan's own LOGOUT (numeric tag,
	# sent by mailimap_free) would parse whatever the broken server answers.
	[ "$proto" = imap ] && tap_not "$name: no LOGOUT on a broken session" \
		grep -aqE '^[0-9]+ C: [0-9]+ LOGOUT' "$d/server.log"
done
echo "# checked in $((SECONDS - t_check)) s"
# hs_signal NAME SIGNALS EXPECT: `cutover run` against a server that hangs after login
# (plan timeout 60 s), sent SIGNALS (e.g. "TERM" or "TERM TERM") once the server hangs. It
# must exit within 5 s with EXPECT (a number, or "nonsignal": any exit that is not a signal
# death), no crash, and leave a journal that `cutover status` reads.
hs_signal() {
	local name=$1 sigs=$2 expect=$3 d="$H_DIR/signal-$1" pid t0 t1 rc sig
	mkdir -p "$d"
	"$H_PY" "$SS" "$DATA/signal/pop3-hang.scenario" --port-file "$d/port" --log "$d/server.log" \
		--read-timeout 30 --hang-max 90 &
	ss_pid=$!
	harness_on_exit "kill $ss_pid 2>/dev/null"
	for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.1; done
	n=$((n + 1))
	export E_DST_SUFFIX="-$n"
	e_dst_users bad good || exit 1
	hs_plan "$d/plan.yaml" pop3 "$(cat "$d/port")" source
	sed -i 's/timeout: 10s/timeout: 60s/' "$d/plan.yaml"
	"$CUTOVER" run "$d/plan.yaml" >"$d/run.out" 2>"$d/run.err" &
	pid=$!
	for _ in $(seq 100); do grep -q 'C: STAT' "$d/server.log" 2>/dev/null && break; sleep 0.1; done
	sleep 0.5
	t0=$(date +%s%N)
	# (a pause between two signals: the same signal sent twice while the first is still
	# pending is delivered once)
	for sig in $sigs; do kill -"$sig" "$pid"; sleep 0.05; done
	for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	wait "$pid"
	rc=$? t1=$(date +%s%N)
	echo "# signal $name: exit $rc after $(((t1 - t0) / 1000000)) ms; $(tail -n 1 "$d/run.err")"
	tap_ok "signal $name: the server was hanging when the signal came" grep -q 'C: STAT' "$d/server.log"
	tap_ok "signal $name: run exits within 5 s" test $(((t1 - t0) / 1000000)) -le 5000
	tap_not "signal $name: no sanitizer report" grep -qE 'Sanitizer|runtime error:' "$d/run.err"
	if [ "$expect" = nonsignal ]; then
		tap_ok "signal $name: an exit code, not a signal death ($rc)" test "$rc" -lt 128
	else
		tap_is "$rc" "$expect" "signal $name: exit $expect"
	fi
	"$CUTOVER" status "$d/plan.yaml" >"$d/status.out" 2>&1
	tap_is "$?" 0 "signal $name: the journal is readable afterwards (cutover status)"
	kill "$ss_pid" 2>/dev/null
	wait "$ss_pid" 2>/dev/null
}
hs_signal term TERM 75
hs_signal int INT 75
hs_signal twice "TERM TERM" 130
tap_done
