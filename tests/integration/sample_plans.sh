#!/usr/bin/env bash
# sample_plans: every plan in sample-plans/ loads without an error and without a warning
# (all their mail programs are in the catalogue). One TAP line per plan.
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$root/${CUTOVER_BUILD:-build}/tools/plan_diag
cd "$root/sample-plans" || exit 1
n=0
for y in *.yaml; do
	n=$((n + 1))
	out=$("$tool" "$y" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ -z "$out" ]; then
		echo "ok $n - $y loads cleanly"
	else
		echo "not ok $n - $y (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
echo "1..$n"
