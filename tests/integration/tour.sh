#!/usr/bin/env bash
# tour: the documentation's examples run as written against the demo (TAP).
# `make demo KEEP=1` (tests/demo.sh with KEEP=1) leaves the demo's servers up; then every
# command of README.md's quick tour (the fenced block after the "<!-- tour" comment) and
# every "$ " line of docs/cutover.1's EXAMPLES runs, each set in one shell as an operator
# would type them (README from the directory holding demo-out/, the man page's after its
# own "cd demo-out && . ./env.sh"), and must exit 0, or N when its comment says "(exit N)".
# A password an example reads from the terminal is typed from the demo's servers.env.
# Finally `make demo-stop` must stop every server.
# shellcheck disable=SC2154 # H_* come from lib.sh
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
BIN=${CUTOVER_BIN:-$H_ROOT/cutover}
T="$H_DIR/tour"
D="$T/demo-out"
mkdir -p "$T"
harness_on_exit "'$H_ROOT/tests/demo-servers.sh' stop '$D' >/dev/null 2>&1"
quiet() { "$@" >/dev/null 2>&1; }

command -v dovecot >/dev/null || tap_skip_all "dovecot missing (tests/deps.sh installs it)"
"$H_PY" -c 'import aiosmtpd' 2>/dev/null || tap_skip_all "python3-aiosmtpd missing (tests/deps.sh installs it)"

DEMO_DIR=$D KEEP=1 CUTOVER_BIN=$BIN "$H_ROOT/tests/demo.sh" >"$T/demo.log" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -n 20 "$T/demo.log" | sed 's/^/# /'
tap_is "$rc" 0 "make demo KEEP=1 succeeds (dry-run GO without --skip-preflight)"
tap_ok "the servers are left running" quiet "$H_ROOT/tests/demo-servers.sh" status "$D"
tap_is "$(stat -c %a "$D/env.sh" 2>/dev/null)" 600 "env.sh, which holds the passwords, is private"
tap_ok "the demo says how to stop the servers" grep -q "make demo-stop" "$T/demo.log"
pw=$(. "$D/servers.env" && printf '%s' "$DEST_MASTER_PW")

# The examples, one command a line.
awk '/^<!-- tour/ { want = 1; next } want && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' "$H_ROOT/README.md" >"$T/readme.cmds"
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$H_ROOT/docs/cutover.1" | sed -n 's/^\$ //p' |
	sed 's/\\-/-/g' >"$T/man.cmds"
tap_ok "README's tour has its examples marked ($(wc -l <"$T/readme.cmds") lines)" \
	test "$(grep -c '^cutover ' "$T/readme.cmds")" -ge 10
tap_ok "the man page has examples ($(wc -l <"$T/man.cmds") lines)" \
	test "$(grep -c '^cutover ' "$T/man.cmds")" -ge 10

# run_examples NAME FILE [PRELUDE]: FILE's lines in one bash, from $T; TAP line per line.
run_examples() {
	local name=$1 cmds=$2 prelude=${3:-} i=0 line want got took
	{
		echo 'set -o pipefail'
		# __rc: the example's exit code and the seconds it took, one line each
		cat <<-EOF
		__t=\${EPOCHREALTIME/./}
		__rc() {
			local now=\${EPOCHREALTIME/./}
			printf '%s %d.%d\\n' "\$1" \$(((now - __t) / 1000000)) \$(((now - __t) / 100000 % 10)) >>'$T/$name.rc'
			__t=\${EPOCHREALTIME/./}
		}
		EOF
		[ -z "$prelude" ] || echo "$prelude"
		while IFS= read -r line; do
			printf '%s\n__rc $?\n' "$line"
		done <"$cmds"
	} >"$T/$name.sh"
	: >"$T/$name.rc"
	(cd "$T" && env -u SRC_MASTER_PW -u DEST_MASTER_PW -u NOTICE_PW bash "$T/$name.sh" \
		>"$T/$name.out" 2>&1 <<<"$pw")
	while IFS= read -r line; do
		i=$((i + 1))
		want=$(printf '%s' "$line" | sed -n 's/.*#.*(exit \([0-9][0-9]*\)).*/\1/p')
		read -r got took <<<"$(sed -n "${i}p" "$T/$name.rc")"
		[ "$got" = "${want:-0}" ] || grep -v '^20..-..-..T' "$T/$name.out" | tail -n 15 | sed 's/^/# /'
		tap_is "${got:-}" "${want:-0}" "$name: $line (${took:-?} s)"
	done <"$cmds"
}
run_examples README "$T/readme.cmds"
run_examples man "$T/man.cmds" 'cd demo-out && . ./env.sh'

# What the examples made is there.
tap_ok "dry-run's HTML report says GO" grep -q 'GO' "$D/dry-run.html"
tap_is "$(ls "$D/notices"/*.eml 2>/dev/null | wc -l)" 3 "notices --format eml --out: one message per customer"
tap_is "$(ls "$D/sent"/*.eml 2>/dev/null | wc -l)" 3 "notices --send: the demo's server got each notice once"
tap_is "$(ls "$D/uidlists" 2>/dev/null | wc -l)" 3 "uidl export --format dovecot --out: one file per customer"

make -s -C "$H_ROOT" demo-stop DEMO_DIR="$D" >"$T/stop.log" 2>&1
tap_is "$?" 0 "make demo-stop"
tap_not "the servers are stopped" quiet "$H_ROOT/tests/demo-servers.sh" status "$D"
tap_not "no demo process is left" pgrep -f "$D/sent"
tap_done
