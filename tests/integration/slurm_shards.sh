#!/usr/bin/env bash
# slurm_shards: a 4-shard cutover on a real one-node Slurm (private munge and slurmctld/
# slurmd on ports of their own, under the test's directory), the array job being
# contrib/slurm/cutover-array.sbatch itself. Then the merge: every message on the
# destination exactly once with its UIDL, `status` over the 4 journals all done, `uidl
# export` and `verify` over the set; re-submitting copies nothing. Variant: one task dies
# mid-copy (the journal crash switch: _exit at its N-th journal write, what kill -9 leaves)
# and only that shard is re-submitted. A customer in two journals is refused.
# Without Slurm (not installed, or its daemons cannot start here) the same array runs as 4
# processes with Slurm's variables, and the test says why; under CI that counts as failed.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
sbatch_script=$H_ROOT/contrib/slurm/cutover-array.sbatch
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# Four customers of different sizes, and the shards balanced by size through a map written
# once by `cutover shards` from an inventory: one customer per shard, whatever the hash says.
customers="s1 s2 s3 s4"
e_gen "$H_DIR/gen" 120 g
i=0
for c in $customers; do
	i=$((i + 1))
	export "PW_$c=pw-$c"
	dovecot_add_user src "$c" "pw-$c"
	dovecot_add_user dst "$c" "dpw-$c"
	e_deliver src "$c" $(ls "$H_DIR"/gen/*.eml | head -n $((i * 30)))
done
total=$((30 * (1 + 2 + 3 + 4)))

# --- a private one-node Slurm (../shared/research/slurm.md) ---
S=$H_DIR/slurm
slurm_why=""
slurm_start() {
	command -v slurmctld >/dev/null && command -v munged >/dev/null ||
		{ slurm_why="slurm-wlm or munge not installed (tests/deps.sh installs them)"; return 1; }
	mkdir -p "$S/state" "$S/spool" "$S/log" "$S/munge"
	chmod 700 "$S/munge"
	mungekey -c -k "$S/munge/key" >/dev/null 2>&1 || { slurm_why="mungekey failed"; return 1; }
	chmod 400 "$S/munge/key"
	munged --force --socket="$S/munge/sock" --key-file="$S/munge/key" \
		--pid-file="$S/munge/pid" --log-file="$S/munge/log" --seed-file="$S/munge/seed" \
		>"$S/log/munged.out" 2>&1 || { slurm_why="munged did not start: $(tail -n 1 "$S/log/munged.out")"; return 1; }
	harness_on_exit 'kill $(cat "$S/munge/pid" 2>/dev/null) 2>/dev/null'
	local ports h
	ports=$(harness_free_ports 2) h=$(hostname -s)
	set -- $ports
	cat >"$S/slurm.conf" <<-EOT
	ClusterName=cvtest
	SlurmctldHost=$h
	SlurmUser=root
	SlurmctldPort=$1
	SlurmdPort=$2
	AuthType=auth/munge
	AuthInfo=socket=$S/munge/sock
	CredType=cred/munge
	StateSaveLocation=$S/state
	SlurmdSpoolDir=$S/spool
	SlurmctldPidFile=$S/slurmctld.pid
	SlurmdPidFile=$S/slurmd.pid
	SlurmctldLogFile=$S/log/ctld.log
	SlurmdLogFile=$S/log/d.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	SwitchType=switch/none
	MpiDefault=none
	SelectType=select/cons_tres
	SelectTypeParameters=CR_Core
	JobCompType=jobcomp/none
	AccountingStorageType=accounting_storage/none
	ReturnToService=2
	MinJobAge=600
	SlurmdParameters=config_overrides
	NodeName=$h CPUs=8 State=UNKNOWN
	PartitionName=cvtest Nodes=$h Default=YES MaxTime=INFINITE State=UP
	EOT
	export SLURM_CONF=$S/slurm.conf
	slurmctld -f "$SLURM_CONF" >"$S/log/ctld.out" 2>&1 || { slurm_why="slurmctld did not start: $(tail -n 2 "$S/log/ctld.log" 2>/dev/null | tr '\n' ' ')"; return 1; }
	harness_on_exit 'kill $(cat "$S/slurmctld.pid" 2>/dev/null) 2>/dev/null'
	slurmd -f "$SLURM_CONF" >"$S/log/d.out" 2>&1 || { slurm_why="slurmd did not start: $(tail -n 2 "$S/log/d.log" 2>/dev/null | tr '\n' ' ')"; return 1; }
	harness_on_exit 'kill $(cat "$S/slurmd.pid" 2>/dev/null) 2>/dev/null'
	local t
	for t in $(seq 1 40); do
		sinfo -h -o %t 2>/dev/null | grep -qE '^idle' && return 0
		sleep 0.25
	done
	slurm_why="the node never came up idle: $(sinfo -h 2>&1 | head -n 1); $(tail -n 2 "$S/log/d.log" | tr '\n' ' ')"
	return 1
}

echo "# ${SECONDS} s: servers and mailboxes ready"
use_slurm=1
# CUTOVER_TEST_NO_SLURM=1: exercise the fallback on a machine where Slurm does run.
if [ -n "${CUTOVER_TEST_NO_SLURM:-}" ] && slurm_why="CUTOVER_TEST_NO_SLURM is set" || ! slurm_start; then
	use_slurm=0
	echo "# Slurm cannot run here: $slurm_why; running the array as 4 processes instead"
	[ "${CI:-}" = true ] && tap_ok "Slurm runs here ($slurm_why)" false
fi

echo "# ${SECONDS} s: the batch system is ready"
# A wrapper for the array's `cutover`: the crash switch for one shard only (the variant).
cat >"$H_DIR/cutover-task" <<EOT
#!/bin/bash
if [ -n "\${CRASH_SHARD:-}" ] && [ "\${SLURM_ARRAY_TASK_ID:-}" = "\$CRASH_SHARD" ]; then
	export CUTOVER_CRASH_AFTER_WRITES=\$CRASH_AFTER
fi
exec "$CUTOVER" "\$@"
EOT
chmod +x "$H_DIR/cutover-task"
export CUTOVER="$H_DIR/cutover-task" CUTOVER_SHARD_COUNT=4

# submit ARRAY OUTDIR PLAN: the array job, waited for; its exit status is Slurm's (the
# highest of the tasks'). Each task's output in OUTDIR/task-K.out.
submit() {
	local array=$1 out=$2 plan=$3 k r pids=() rc=0
	mkdir -p "$out"
	if [ "$use_slurm" = 1 ]; then
		# Not `sbatch --wait`: it polls at growing intervals (tens of seconds); squeue every
		# 0.2 s, then each task's exit code from scontrol (kept MinJobAge seconds).
		local job
		job=$(sbatch --parsable --array="$array" -o "$out/task-%a.out" -D "$H_DIR" \
			"$sbatch_script" "$plan" --json -q 2>"$out/sbatch.err") || { cat "$out/sbatch.err"; return 70; }
		for k in $(seq 1 600); do
			[ -z "$(squeue -h -j "$job" -o %i 2>/dev/null)" ] && break
			sleep 0.2
		done
		scontrol show job "$job" 2>/dev/null | grep -o 'ExitCode=[0-9]*' | cut -d= -f2 >"$out/exit"
		rc=$(sort -n "$out/exit" | tail -n 1)
		return "${rc:-70}"
	fi
	for k in $(for part in ${array//,/ }; do
		case $part in *-*) seq "${part%-*}" "${part#*-}" ;; *) echo "$part" ;; esac
	done); do
		SLURM_ARRAY_TASK_ID=$k bash "$sbatch_script" "$plan" --json -q >"$out/task-$k.out" 2>&1 &
		pids+=($!)
	done
	for k in "${pids[@]}"; do
		wait "$k"
		r=$?
		[ "$r" -gt "$rc" ] && rc=$r
	done
	return $rc
}

# Sum of "copied" over the JSON summaries in the tasks' outputs.
# How many customers each task's run --json lists, one line per task.
per_task() {
	"$H_PY" - "$@" <<'PYEOF'
import json, sys
for f in sys.argv[1:]:
    text = open(f).read()
    d, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
    print(len(d["customers"]))
PYEOF
}

copied() {
	"$H_PY" - "$@" <<'PYEOF'
import json, sys
total = 0
for f in sys.argv[1:]:
    text = open(f).read()
    start = text.index("{")
    d, _ = json.JSONDecoder().raw_decode(text[start:])
    total += sum(c["copied"] for c in d["customers"])
print(total)
PYEOF
}

# Every customer: the destination's POP3 UIDL list is the source's, in order (one python
# for all of them: a process per listing costs seconds on a loaded machine).
all_exact() {
	"$H_PY" - "$(h_var src_POP3)" "$(h_var dst_POP3)" "${E_DST_SUFFIX:-}" $customers <<'PYEOF'
import os, poplib, sys
sp, dp, suffix, customers = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def uidls(port, user, pw):
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    p.user(user); p.pass_(pw)
    out = [l.decode().split(" ", 1)[1] for l in p.uidl()[1]]
    p.quit()
    return out
bad = 0
for c in customers:
    a = uidls(sp, c, os.environ["PW_" + c])
    b = uidls(dp, c + suffix, "dpw-" + c)
    if a != b:
        bad += 1
        print("# %s: source %d UIDLs, destination %d (same order: %s)" % (c, len(a), len(b), a == b[:len(a)]))
sys.exit(1 if bad else 0)
PYEOF
}
status_all_done() {
	"$CUTOVER" status "$1" -q --journal "$2" --json >"$H_DIR/status.json" 2>"$H_DIR/status.err" || return 1
	"$H_PY" - "$H_DIR/status.json" $customers <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {c.get("customer", c.get("id")): c for c in d["customers"]}
want = sys.argv[2:]
bad = [(k, rows.get(k, {}).get("state")) for k in want if rows.get(k, {}).get("state") != "done"]
if bad or len(rows) != len(want):
    print("# not done:", bad, "rows:", len(rows)); sys.exit(1)
PYEOF
}

# --- the night: 4 shards ---
mkdir -p "$H_DIR/j1"
E_PLAN_EXTRA="  journal: $H_DIR/j1/night.db" e_plan "$H_DIR/plan1.yaml" night src dst preserve 2 $customers
"$H_PY" - "$H_DIR/inventory.json" <<'PYEOF'
import json, sys
cs = [{"id": "s%d" % i, "messages": 30 * i, "bytes": 30 * i * 400} for i in range(1, 5)]
json.dump({"schema": 1, "customers": cs,
           "estimate": {"msgs_per_second": 100.0, "bytes_per_second": 1e7}}, open(sys.argv[1], "w"))
PYEOF
"$CUTOVER" shards "$H_DIR/plan1.yaml" -q --count 4 --inventory "$H_DIR/inventory.json" \
	--write-map "$H_DIR/night.map" --json >"$H_DIR/shards.json"
tap_is "$?" 0 "cutover shards writes the size-balanced map"
export CUTOVER_SHARD_MAP=$H_DIR/night.map
start=$SECONDS
submit 0-3 "$H_DIR/out1" "$H_DIR/plan1.yaml"
rc=$?
took=$((SECONDS - start))
echo "# 4-shard array: exit $rc in ${took} s ($( [ $use_slurm = 1 ] && echo Slurm || echo processes))"
tap_is "$rc" 0 "the 4-task array ends 0"
tap_is "$(ls "$H_DIR/j1" | grep -c '^night\.shard-[0-3]-of-4\.db$')" 4 "one journal per shard, named from the plan and the shard"
tap_is "$(copied "$H_DIR"/out1/task-*.out)" "$total" "the shards copied every message once between them"
tap_is "$(per_task "$H_DIR"/out1/task-*.out | sort | tr '\n' ' ')" "1 1 1 1 " "balanced by the map: one customer per shard"
tap_ok "every customer's mail on the destination exactly once, same UIDLs, same order" all_exact
echo "# ${SECONDS} s: checked the destination"
tap_ok "status over the 4 journals (a directory): every customer done" status_all_done "$H_DIR/plan1.yaml" "$H_DIR/j1"
"$CUTOVER" uidl "$H_DIR/plan1.yaml" export -q --journal "$H_DIR/j1" --format csv >"$H_DIR/uidl.csv" 2>"$H_DIR/uidl.err"
tap_is "$(grep -vc '^customer' "$H_DIR/uidl.csv")" "$total" "uidl export over the set: one row per message"
"$CUTOVER" verify "$H_DIR/plan1.yaml" -q --journal "$H_DIR/j1" >"$H_DIR/verify.out" 2>&1
tap_is "$?" 0 "verify over the 4 journals: every customer as a POP3 client sees it"
"$CUTOVER" status "$H_DIR/plan1.yaml" -q --shard 2/4 >"$H_DIR/status2.out" 2>&1
tap_ok "status --shard 2/4 reads that shard's journal" grep -q "night.shard-2-of-4.db" "$H_DIR/status2.out"

echo "# ${SECONDS} s: merged reports checked"
# Again: nothing left to copy.
submit 0-3 "$H_DIR/out2" "$H_DIR/plan1.yaml"
tap_is "$?" 0 "re-submitting the array ends 0"
tap_is "$(copied "$H_DIR"/out2/task-*.out)" 0 "re-submitting copies nothing"
tap_ok "still exactly once" all_exact

echo "# ${SECONDS} s: re-submitted"
# Two shards claiming one customer: the merge refuses and names both journals.
cp "$H_DIR/j1/night.shard-1-of-4.db" "$H_DIR/j1/stray.db"
"$CUTOVER" status "$H_DIR/plan1.yaml" -q --journal "$H_DIR/j1" >/dev/null 2>"$H_DIR/dup.err"
tap_is "$?" 65 "a customer in two journals: status exits 65"
tap_ok "... naming the customer and both journals" grep -qE "customer s[1-8] is in two shards' journals: .*(night.shard-1-of-4|stray).db and .*(stray|night.shard-1-of-4).db" "$H_DIR/dup.err"
sed 's/^/# /' "$H_DIR/dup.err"
rm -f "$H_DIR/j1/stray.db"

# --- variant: shard 2 dies mid-copy; only shard 2 is submitted again ---
export E_DST_SUFFIX=_v2
e_dst_users $customers
mkdir -p "$H_DIR/j2"
E_PLAN_EXTRA="  journal: $H_DIR/j2/night.db" e_plan "$H_DIR/plan2.yaml" night src dst preserve 2 $customers
CRASH_SHARD=2 CRASH_AFTER=5 submit 0-3 "$H_DIR/out3" "$H_DIR/plan2.yaml"
rc=$?
tap_ok "the array with shard 2 killed mid-copy does not end 0 (exit $rc)" [ "$rc" != 0 ]
tap_ok "shard 2's task died (the others ended 0)" grep -q "task 2 ended with exit 99" "$H_DIR/out3/task-2.out"
"$CUTOVER" status "$H_DIR/plan2.yaml" -q --journal "$H_DIR/j2" >"$H_DIR/status3.out" 2>&1
tap_ok "status over the set shows shard 2's customers not done" grep -qE "(running|pending)" "$H_DIR/status3.out"
echo "# ${SECONDS} s: variant: array with a crash done"
CRASH_SHARD= submit 2 "$H_DIR/out4" "$H_DIR/plan2.yaml"
tap_is "$?" 0 "re-submitting shard 2 alone (--array=2, CUTOVER_SHARD_COUNT=4) ends 0"
tap_ok "only shard 2 ran" [ "$(ls "$H_DIR/out4" | grep -c '^task-')" = 1 ]
tap_ok "after the resume: exactly once, same UIDLs, same order" all_exact
tap_ok "status over the 4 journals: every customer done" status_all_done "$H_DIR/plan2.yaml" "$H_DIR/j2"
echo "# ${SECONDS} s: done"
tap_done
