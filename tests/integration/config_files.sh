#!/usr/bin/env bash
# config_files: a password file that is missing or cannot be read is a configuration error
# of this machine, like an unset password variable (issue 11, item 6): run, dry-run and
# verify list every one of them once with its plan (or CSV) line and exit 78 before
# anything starts — no journal, no lock, no connection (the servers in the plan do not
# exist: a command that went on would fail with another code) — and check warns about
# each and exits 0. A file that exists but is readable by others stays a plan error.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
W=$H_DIR/cf
mkdir -p "$W"
# No server: ports nothing listens on.
src_POP3=$(harness_free_ports 1) dst_IMAP=$(harness_free_ports 1) dst_POP3=$(harness_free_ports 1)
dst_MASTER_PW=master-pw
export PW_f1=pw1 PW_f2=pw2
plan=$W/files.yaml
e_plan "$plan" files src dst preserve 2 f1 f2
printf 'pw-master\n' >"$W/ok.pw"
chmod 600 "$W/ok.pw"
# f1: its old-server password from a file that does not exist; f2: its new-server
# password from a file in a directory that does not exist; the destination master
# password from a file that exists (fine).
sed -i 's|password_env: PW_f1 }|password_file: gone-f1.pw }|' "$plan"
sed -i 's|password_env: PW_f2 }|password_env: PW_f2, dest_password_file: nodir/f2.pw }|' "$plan"
sed -i 's|password_env: DST_MASTER_PW|password_file: ok.pw|' "$plan"
grep -q gone-f1.pw "$plan" && grep -q nodir/f2.pw "$plan" || echo "# sed did not apply"

journal=$W/files.db
for cmd in run dry-run verify; do
	"$CUTOVER" "$cmd" "$plan" >"$W/$cmd.out" 2>"$W/$cmd.err"
	tap_is "$?" 78 "$cmd with two password files missing exits 78 ($(head -c 300 "$W/$cmd.err"))"
	tap_ok "$cmd names f1's file at its plan line" \
		grep -q "files.yaml:[0-9]*:[0-9]*: error: customer 'f1' (old server): cannot read password file gone-f1.pw: No such file or directory" "$W/$cmd.err"
	tap_ok "$cmd names f2's file (new server)" \
		grep -q "error: customer 'f2' (new server): cannot read password file nodir/f2.pw" "$W/$cmd.err"
	tap_is "$(grep -c ': error: ' "$W/$cmd.err")" 2 "$cmd: each once, nothing else"
	tap_ok "$cmd says nothing was started" grep -q "^cutover $cmd: 2 configuration errors; nothing was started" "$W/$cmd.err"
done
tap_ok "no journal was created" test ! -e "$journal"
tap_ok "no lock file either" test ! -e "$journal.lock"

"$CUTOVER" check "$plan" >"$W/check.out" 2>&1
tap_is "$?" 0 "check exits 0 with the files missing"
tap_ok "check warns about f1's file" grep -q "yaml:[0-9]*:[0-9]*: customer 'f1' (old server): cannot read password file gone-f1.pw" "$W/check.out"
tap_ok "check warns about f2's file" grep -q "yaml:[0-9]*:[0-9]*: customer 'f2' (new server): cannot read password file nodir/f2.pw" "$W/check.out"

# The master password file missing: named once, at the destination's auth.
rm "$W/ok.pw"
"$CUTOVER" run "$plan" --customer f1 >/dev/null 2>"$W/master.err"
tap_is "$?" 78 "the master password file missing: exit 78"
tap_ok "named once, at the destination's auth" \
	grep -q "error: migration.destination.auth: cannot read password file ok.pw" "$W/master.err"
tap_is "$(grep -c 'ok.pw' "$W/master.err")" 1 "once, not per customer"
tap_not "--customer f1: f2's file is not asked for" grep -q "nodir/f2.pw" "$W/master.err"

# Readable by others: still refused as a plan error (exit 65), by every command.
printf 'pw-master\n' >"$W/ok.pw"
chmod 644 "$W/ok.pw"
"$CUTOVER" check "$plan" >"$W/mode.out" 2>&1
tap_is "$?" 65 "a password file readable by others stays a plan error (65)"
tap_ok "and says chmod 600" grep -q "can be read by others (mode 0644); chmod 600 it" "$W/mode.out"
tap_done
