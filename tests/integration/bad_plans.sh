#!/usr/bin/env bash
# bad_plans: every tests/bad-plans/NAME.yaml, loaded with plan_diag (what `cutover check`
# prints first), must print exactly NAME.expected and exit 65 when it holds an error
# (0 when only warnings). One TAP line per case.
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$root/${CUTOVER_BUILD:-build}/tools/plan_diag
if [ ! -x "$tool" ]; then
	echo "not ok 1 - plan_diag not built ($tool)"
	exit 1
fi
cd "$root/tests/bad-plans" || exit 1
# Git keeps no permission bits but x: give the password files the modes the cases need.
chmod 600 ./*.pw
chmod 644 password-file-readable.pw
n=0
for y in *.yaml; do
	name=${y%.yaml}
	n=$((n + 1))
	out=$("$tool" "$y" 2>&1)
	rc=$?
	want=$(cat "$name.expected" 2>/dev/null)
	want_rc=0
	grep -q ': error: ' "$name.expected" 2>/dev/null && want_rc=65
	if [ "$out" == "$want" ] && [ "$rc" = "$want_rc" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc, expected $want_rc)"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$out") | sed 's/^/# /'
	fi
done
echo "1..$n"
