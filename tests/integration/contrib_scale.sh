#!/usr/bin/env bash
# contrib_scale: the files operators submit as they are: the Kubernetes Indexed Job
# (kubectl apply --dry-run=client where kubectl can reach an API server for its schema,
# else a structure check of what the job relies on, read by libyaml through yaml2json),
# the Slurm array script's guards, and the GNU parallel example's syntax. The Slurm
# script itself runs in slurm_shards.sh. Prints TAP.
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CUTOVER_BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
y2j=$build/tools/yaml2json
job=$root/contrib/kubernetes/cutover-job.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cutover-contrib.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
[ -x "$y2j" ] || { echo "not ok 1 - $y2j missing (make tests-bin)"; exit 1; }

# kubectl's client-side dry run still asks an API server for the schema; without one it
# cannot say anything, and the structure check below is what remains.
if command -v kubectl >/dev/null &&
	timeout 20 kubectl apply --dry-run=client -f "$job" >"$tmp/kubectl.out" 2>&1; then
	t "kubectl apply --dry-run=client accepts the Job" grep -q "cutover-night" "$tmp/kubectl.out"
else
	echo "# kubectl apply --dry-run=client not possible here: $(command -v kubectl >/dev/null && tail -n 1 "$tmp/kubectl.out" | cut -c1-160 || echo 'no kubectl')"
fi
"$y2j" "$job" >"$tmp/job.json" 2>"$tmp/y2j.err"
t "the manifest is one YAML document libyaml reads" [ $? = 0 ]
cat >"$tmp/check.py" <<'PYEOF'
import json, sys
docs = json.load(open(sys.argv[1]))
assert len(docs) == 1, "one document"
j = docs[0]
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
need(j.get("apiVersion") == "batch/v1" and j.get("kind") == "Job", "a batch/v1 Job")
s = j.get("spec", {})
need(s.get("completionMode") == "Indexed", "completionMode: Indexed")
n = s.get("completions")
need(isinstance(n, int) and n >= 1 and s.get("parallelism") == n, "completions = parallelism = N")
pod = s.get("template", {}).get("spec", {})
need(pod.get("restartPolicy") == "Never", "restartPolicy: Never (podFailurePolicy needs it)")
cs = pod.get("containers", [])
need(len(cs) == 1, "one container")
c = cs[0] if cs else {}
env = {e.get("name"): e for e in c.get("env", [])}
need(env.get("CUTOVER_SHARD_COUNT", {}).get("value") == str(n), "CUTOVER_SHARD_COUNT = completions, as a string")
need(c.get("args", [None])[0] == "run", "the container runs `cutover run`")
need(any("secretRef" in e for e in c.get("envFrom", [])), "passwords from a Secret")
vols = {v.get("name"): v for v in pod.get("volumes", [])}
mounts = {m.get("name"): m for m in c.get("volumeMounts", [])}
need(set(mounts) <= set(vols), "every volumeMount names a volume")
need(any("configMap" in v and k in mounts for k, v in vols.items()), "the plan from a ConfigMap, mounted")
need(any(("persistentVolumeClaim" in v or "nfs" in v) and k in mounts and not mounts[k].get("readOnly")
         for k, v in vols.items()), "journals on a writable shared volume")
plan_arg = c.get("args", [None, ""])[1]
need(any(plan_arg.startswith(m.get("mountPath", "//") + "/") for m in mounts.values()),
     "the plan argument lies under a mount")
for r in s.get("podFailurePolicy", {}).get("rules", []):
    codes = r.get("onExitCodes", {}).get("values", [])
    if r.get("action") in ("FailIndex", "FailJob"):
        need(75 not in codes and 0 not in codes, "exit 75 (run again) is retried, never a failure")
        need(r["onExitCodes"].get("containerName") == c.get("name"), "the policy names the container")
if "podFailurePolicy" in s and any(r.get("action") == "FailIndex" for r in s["podFailurePolicy"].get("rules", [])):
    need("backoffLimitPerIndex" in s, "FailIndex needs backoffLimitPerIndex")
print("\n".join("# missing: " + p for p in problems))
sys.exit(1 if problems else 0)
PYEOF
/usr/bin/python3 "$tmp/check.py" "$tmp/job.json" >"$tmp/check.out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/check.out" | grep -v '^# $' | head -20
t "the Job: Indexed, completions = parallelism = CUTOVER_SHARD_COUNT, plan from a ConfigMap, passwords from a Secret, journals on a volume, 75 retried" [ $rc = 0 ]

# The same check refuses a broken manifest (it is not a check that passes anything).
sed 's/parallelism: 4/parallelism: 3/' "$job" >"$tmp/bad.yaml"
"$y2j" "$tmp/bad.yaml" >"$tmp/bad.json" && /usr/bin/python3 "$tmp/check.py" "$tmp/bad.json" >"$tmp/bad.out" 2>&1
t "... and the check refuses a manifest whose parallelism differs" grep -q "completions = parallelism" "$tmp/bad.out"
sed 's/values: \[1, 64, 65, 78\]/values: [1, 64, 65, 75, 78]/' "$job" >"$tmp/bad2.yaml"
"$y2j" "$tmp/bad2.yaml" >"$tmp/bad2.json" && /usr/bin/python3 "$tmp/check.py" "$tmp/bad2.json" >"$tmp/bad2.out" 2>&1
t "... or one that fails an index on exit 75" grep -q "exit 75" "$tmp/bad2.out"

sb=$root/contrib/slurm/cutover-array.sbatch
t "the Slurm array script parses" bash -n "$sb"
t "it asks Slurm for one task per shard" grep -q '^#SBATCH --ntasks=1' "$sb"
env -u CUTOVER_SHARD_COUNT bash "$sb" plan.yaml >"$tmp/sb.out" 2>&1
t "without CUTOVER_SHARD_COUNT it refuses (64): a re-submitted subset would take itself for the whole" [ $? = 64 ]
t "... and says what to set" grep -q "export CUTOVER_SHARD_COUNT=N" "$tmp/sb.out"
CUTOVER=false CUTOVER_SHARD_COUNT=4 bash "$sb" plan.yaml >"$tmp/sb2.out" 2>&1
t "it passes cutover's exit code through to Slurm" [ $? = 1 ]
t "the GNU parallel example parses" bash -n "$root/contrib/parallel/cutover-shards.sh"
t "... and never puts a password on a command line" bash -c "! grep -E -- '--env +[A-Z_]*(PW|PASS)' '$root/contrib/parallel/cutover-shards.sh'"
echo "1..$n"
[ $failed = 0 ]
