#!/usr/bin/env bash
# engine_resume: crash `cutover run` right after its N-th journal write, for every N until a
# run goes through (CUTOVER_CRASH_AFTER_WRITES; N = 1, 4, 7 … with preserve, 2, 5, 8 … with
# none, to stay within a minute or two on a loaded machine), then run again: every message is on the
# destination exactly once, in order — with uidl: preserve (in-doubt messages found by
# X-UIDL) and uidl: none (found by Message-ID/Subject and digest; duplicates and messages
# without Message-ID included). Then kill -9 at arbitrary moments of a bigger copy.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

# Source mailboxes only; each attempt gets fresh destination mailboxes (E_DST_SUFFIX).
for c in r1 r2 k1 k2; do
	export "PW_$c=pw-$c"
	dovecot_add_user src "$c" "pw-$c"
done
e_special "$H_DIR/special"
e_gen "$H_DIR/g1" 45 g
e_gen "$H_DIR/g2" 55 h
e_gen "$H_DIR/g3" 250 k
e_deliver src r1 "$H_DIR"/special/*.eml "$H_DIR"/g1/*.eml
e_deliver src r2 "$H_DIR"/g2/*.eml
e_deliver src k1 "$H_DIR"/g3/*.eml
e_deliver src k2 "$H_DIR"/g3/*.eml "$H_DIR"/special/*.eml

# Same count, and (preserve) the same UIDLs in the same order; content by `verify`.
exactly_once() {
	local strategy=$1 plan=$2 c; shift 2
	for c in "$@"; do
		if [ "$strategy" = preserve ]; then
			e_same_uidls "$c" || return 1
		else
			[ "$(e_src_uidls "$c" | wc -l)" = "$(e_dst_uidls "$c" | wc -l)" ] ||
				{ echo "# $c: counts differ"; return 1; }
		fi
	done
	"$CUTOVER" verify "$plan" >"$plan.verify" 2>&1 || { sed 's/^/# /' "$plan.verify"; return 1; }
}

first=1
for strategy in preserve none; do
	n=$first crashes=0 bad=0
	first=2
	while [ "$n" -le 200 ]; do
		export E_DST_SUFFIX="_${strategy}_$n"
		e_dst_users r1 r2
		plan="$H_DIR/plan-$strategy-$n.yaml"
		e_plan "$plan" "crash-$strategy-$n" src dst "$strategy" 2 r1 r2
		CUTOVER_CRASH_AFTER_WRITES=$n "$CUTOVER" run "$plan" >"$plan.out1" 2>&1
		rc=$?
		[ "$rc" = 0 ] && break
		crashes=$((crashes + 1))
		if [ "$rc" != 99 ]; then
			echo "# $strategy N=$n: crashed run exited $rc"; tail -n 5 "$plan.out1" | sed 's/^/#   /'
			bad=$((bad + 1)); n=$((n + 3)); continue
		fi
		"$CUTOVER" run "$plan" >"$plan.out2" 2>&1
		rc=$?
		if [ "$rc" != 0 ]; then
			echo "# $strategy N=$n: resumed run exited $rc"; tail -n 5 "$plan.out2" | sed 's/^/#   /'
			bad=$((bad + 1))
		elif ! exactly_once "$strategy" "$plan" r1 r2; then
			echo "# $strategy N=$n: not exactly once"
			bad=$((bad + 1))
		fi
		n=$((n + 3))
	done
	echo "# $strategy: crashed at $crashes journal writes"
	tap_ok "$strategy: the crash switch fired at more than 4 points" [ "$crashes" -gt 4 ]
	tap_is "$bad" 0 "$strategy: after a crash at any journal write, the next run leaves every message exactly once"
	tap_ok "$strategy: in-doubt messages were found on the destination, not appended again" \
		grep -lq "was in doubt: found on the destination" "$H_DIR"/plan-"$strategy"-*.out2
done

# kill -9 at arbitrary moments (several workers, 260 + 250 messages), then run to the end.
unset E_DST_SUFFIX
export E_DST_SUFFIX=_kill
e_dst_users k1 k2
plan="$H_DIR/plan-kill.yaml"
e_plan "$plan" kill src dst preserve 2 k1 k2
for delay in 0.3 0.6 0.9; do
	"$CUTOVER" run "$plan" >>"$H_DIR/kill.out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
"$CUTOVER" run "$plan" --json >"$H_DIR/kill.json" 2>>"$H_DIR/kill.out"
tap_is "$?" 0 "after three kill -9, the next run finishes"
tap_ok "after kill -9, every message exactly once, in order" exactly_once preserve "$plan" k1 k2
"$CUTOVER" run "$plan" --json >"$H_DIR/kill2.json" 2>>"$H_DIR/kill.out"
tap_is "$(e_json_sum "$H_DIR/kill2.json" copied)" 0 "and one more run copies nothing"
tap_done
