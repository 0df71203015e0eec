#!/usr/bin/env bash
# config_first: configuration errors are found once, before anything starts or is
# recorded. With password variables unset, run, dry-run and verify list every one of them
# with its plan line and exit 78, and no journal (nor its lock) exists afterwards; check
# warns about each and exits 0. run refuses a clear-text login over tls: none to a host
# that is not loopback (exit 78, before any connection: the host is a name nothing could
# reach), while the same name resolved to 127.0.0.1 by the plan copies normally.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users f1 f2 f3
e_gen "$H_DIR/m" 20 f
for c in f1 f2 f3; do e_deliver src "$c" "$H_DIR"/m/*.eml; done

# ---- unset variables ----
plan="$H_DIR/plan-unset.yaml"
e_plan "$plan" unset src dst preserve 2 f1 f2 f3
journal="$H_DIR/unset.db"
for cmd in run dry-run verify; do
	env -u PW_f1 -u PW_f3 "$CUTOVER" "$cmd" "$plan" >"$H_DIR/$cmd.out" 2>"$H_DIR/$cmd.err"
	tap_is "$?" 78 "$cmd with two password variables unset exits 78"
	tap_ok "$cmd lists both, each at its plan line" \
		grep -q "plan-unset.yaml:[0-9]*:[0-9]*: error: customer 'f1' (old server): environment variable PW_f1 (a password) is not set" "$H_DIR/$cmd.err"
	tap_ok "$cmd: PW_f3 too" grep -q "error: customer 'f3' (old server): environment variable PW_f3" "$H_DIR/$cmd.err"
	tap_is "$(grep -c ': error: ' "$H_DIR/$cmd.err")" 2 "$cmd: each once, nothing else"
	tap_ok "$cmd says nothing was started" grep -q "^cutover $cmd: 2 configuration errors; nothing was started" "$H_DIR/$cmd.err"
done
tap_ok "no journal was created" test ! -e "$journal"
tap_ok "no lock file either" test ! -e "$journal.lock"
env -u DST_MASTER_PW -u PW_f2 "$CUTOVER" run "$plan" --customer f1 >/dev/null 2>"$H_DIR/master.err"
tap_is "$?" 78 "an unset master password: exit 78"
tap_ok "it is named once, at the destination's auth" \
	grep -q "error: migration.destination.auth: environment variable DST_MASTER_PW (a password) is not set" "$H_DIR/master.err"
tap_not "--customer f1: f2's variable is not asked for" grep -q PW_f2 "$H_DIR/master.err"
env -u PW_f1 -u PW_f3 "$CUTOVER" check "$plan" >"$H_DIR/check.out" 2>&1
tap_is "$?" 0 "check exits 0 with variables unset"
tap_ok "check warns about PW_f1" grep -q "customer 'f1' (old server): environment variable PW_f1 (a password) is not set" "$H_DIR/check.out"
tap_ok "check warns about PW_f3" grep -q "environment variable PW_f3 (a password) is not set" "$H_DIR/check.out"
tap_not "check says nothing about PW_f2 (set)" grep -q "PW_f2" "$H_DIR/check.out"

# ---- clear text to a remote host ----
sp=$(h_var src_POP3)
plan="$H_DIR/plan-remote.yaml"
e_plan "$plan" remote src dst preserve 2 f1 f2 f3
sed -i "s/host: 127.0.0.1, port: $sp/host: mail.example.net, port: $sp/" "$plan"
grep -q "host: mail.example.net" "$plan" || echo "# sed did not apply"
"$CUTOVER" run "$plan" >"$H_DIR/remote.out" 2>"$H_DIR/remote.err"
tap_is "$?" 78 "run refuses user auth over tls: none to a remote host: exit 78"
tap_ok "and says why, at the endpoint" \
	grep -q "error: migration.source: auth: user over tls: none would send passwords in clear to mail.example.net" "$H_DIR/remote.err"
tap_ok "refused before anything started: no journal" test ! -e "$H_DIR/remote.db"
# A name whose resolve: addresses are not all loopback is remote too. Sessions use the first
# (127.0.0.1), and every service name is resolved to loopback, so no packet leaves the host.
export E_PLAN_EXTRA="resolve: { mail.example.net: [127.0.0.1, 192.0.2.1], mx.example.jp: 127.0.0.1, pop.example.jp: 127.0.0.1, smtp.example.jp: 127.0.0.1 }"
plan="$H_DIR/plan-mixed.yaml"
e_plan "$plan" mixed src dst preserve 2 f1 f2 f3
sed -i "s/host: 127.0.0.1, port: $sp/host: mail.example.net, port: $sp/" "$plan"
"$CUTOVER" run "$plan" >/dev/null 2>"$H_DIR/mixed.err"
tap_is "$?" 78 "resolved to a non-loopback address as well: run refuses (78)"
"$CUTOVER" dry-run "$plan" >"$H_DIR/mixed-dry.out" 2>"$H_DIR/mixed-dry.err"
tap_is "$?" 1 "dry-run: NO-GO"
tap_ok "its pre-flight reports the clear-text login run would refuse" \
	grep -Eq "mail.example.net:$sp pop3 \(migration source\).*login.*run refuses it" "$H_DIR/mixed-dry.out"
# The same name, resolved to loopback by the plan: allowed, and the copy happens.
export E_PLAN_EXTRA="resolve: { mail.example.net: 127.0.0.1 }"
plan="$H_DIR/plan-resolved.yaml"
e_plan "$plan" resolved src dst preserve 2 f1 f2 f3
sed -i "s/host: 127.0.0.1, port: $sp/host: mail.example.net, port: $sp/" "$plan"
"$CUTOVER" run "$plan" >"$H_DIR/resolved.out" 2>"$H_DIR/resolved.err"
tap_is "$?" 0 "a name the plan resolves to 127.0.0.1 is loopback: run copies"
tap_ok "every message once" e_same_uidls f1
tap_done
