#!/usr/bin/env bash
# json_schema: every command's JSON (check, notices --format json, dry-run, run, verify,
# status) validated against the schema blocks of docs/json.md by tests/tools/jsonschema.py,
# with the documents made by real runs against real Dovecot servers: a POP3 source and an
# IMAP source, a customer whose mailbox cannot be read (verify: not verified), status before
# and after a run. A key the binary writes and the doc does not list fails, as does a real
# printed with binary noise (0.29999999999999999).
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
DOC=$H_ROOT/docs/json.md
VALIDATE=$H_ROOT/tests/tools/jsonschema.py
OUT=${JSON_SCHEMA_KEEP:-$H_DIR/json}
mkdir -p "$OUT"

# valid COMMAND FILE DESC: the document in FILE matches docs/json.md's schema for COMMAND.
valid() {
	tap_ok "$3" "$H_PY" "$VALIDATE" "$DOC" "$1" "$2"
}

# run --json is cmd/cmd_run.c's, which the closing summary (issue 15 item 3) is reworking:
# until it writes schema, command, plan and rounded seconds its check is a known gap.
valid_run() {
	if "$H_PY" "$VALIDATE" "$DOC" run "$2"; then
		tap_ok "$3" true
	else
		H_TAP_N=$((H_TAP_N + 1))
		echo "not ok $H_TAP_N - $3 # TODO the closing summary brings run --json to the vocabulary"
	fi
}

# The validator itself: a document off the schema in each way it must catch fails.
"$CUTOVER" status "$H_ROOT/sample-plans/demo.yaml" --json >"$H_DIR/s.json" 2>/dev/null
valid status "$H_DIR/s.json" "validator: a real status document passes"
bad() { # bad DESC PYTHON-EDIT
	"$H_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); $2; open(sys.argv[2],'w').write(json.dumps(d))" \
		"$H_DIR/s.json" "$H_DIR/bad.json"
	tap_not "validator: $1 fails" "$H_PY" "$VALIDATE" "$DOC" status "$H_DIR/bad.json"
}
bad "an undocumented key" "d['customers'][0]['extra_key'] = 1"
bad "the old key id for a customer" "d['customers'][0]['id'] = d['customers'][0].pop('customer')"
bad "a missing schema" "del d['schema']"
bad "another command's name" "d['command'] = 'verify'"
bad "a string where an integer belongs" "d['totals']['bytes'] = '12 KB'"

# --- without servers: check and notices on every sample plan ---
for plan in "$H_ROOT"/sample-plans/*.yaml; do
	name=$(basename "$plan" .yaml)
	"$CUTOVER" check "$plan" --json >"$OUT/check.$name.json" 2>/dev/null
	valid check "$OUT/check.$name.json" "check --json ($name) matches docs/json.md"
	"$CUTOVER" notices "$plan" -q --format json >"$OUT/notices.$name.json" 2>/dev/null
	valid notices "$OUT/notices.$name.json" "notices --format json ($name) matches docs/json.md"
done

dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"
e_users c1 c2 c3
e_gen "$H_DIR/m1" 30 a
e_gen "$H_DIR/m2" 12 b
maildir_deliver src c1 "$H_DIR"/m1/*.eml >/dev/null
maildir_deliver src c2 -m Work "$H_DIR"/m2/*.eml >/dev/null
maildir_deliver src c2 "$H_DIR"/m2/*.eml >/dev/null
e_plan "$H_DIR/pop.yaml" json-pop src dst preserve 2 c1 c2 c3

"$CUTOVER" status "$H_DIR/pop.yaml" --json >"$OUT/status.none.json" 2>"$H_DIR/err"
valid status "$OUT/status.none.json" "status --json without a journal matches docs/json.md"

"$CUTOVER" dry-run "$H_DIR/pop.yaml" --format json >"$OUT/dry-run.json" 2>"$H_DIR/err"
valid dry-run "$OUT/dry-run.json" "dry-run --format json (pre-flight, estimate) matches docs/json.md"
# A real printed with binary noise is caught (the estimate's rate must be rounded to 0.1).
"$H_PY" -c "import re,sys; t=open(sys.argv[1]).read(); open(sys.argv[2],'w').write(re.sub(r'\"msgs_per_second\": [0-9.]+', '\"msgs_per_second\": 0.29999999999999999', t))" \
	"$OUT/dry-run.json" "$H_DIR/noise.json"
tap_ok "validator: the dry-run has a rate to round" grep -q '"msgs_per_second": 0.29999999999999999' "$H_DIR/noise.json"
tap_not "validator: a real with binary noise fails" "$H_PY" "$VALIDATE" "$DOC" dry-run "$H_DIR/noise.json"

"$CUTOVER" shards "$H_DIR/pop.yaml" --count 2 --json >"$OUT/shards.hash.json" 2>"$H_DIR/err"
valid shards "$OUT/shards.hash.json" "shards --json (by hash) matches docs/json.md"
"$CUTOVER" shards "$H_DIR/pop.yaml" --count 2 --inventory "$OUT/dry-run.json" --json >"$OUT/shards.json" 2>"$H_DIR/err"
valid shards "$OUT/shards.json" "shards --json (sized by the dry-run's inventory) matches docs/json.md"
tap_not "shards reads every customer of the dry-run report" grep -q "not in the inventory" "$H_DIR/err"
"$CUTOVER" run "$H_DIR/pop.yaml" --json >"$OUT/run.json" 2>"$H_DIR/err"
tap_is "$?" 0 "run (POP3 source) exits 0"
valid_run run "$OUT/run.json" "run --json matches docs/json.md"
"$CUTOVER" status "$H_DIR/pop.yaml" --json >"$OUT/status.json" 2>"$H_DIR/err"
valid status "$OUT/status.json" "status --json after a run matches docs/json.md"
"$CUTOVER" verify "$H_DIR/pop.yaml" --json >"$OUT/verify.pop.json" 2>"$H_DIR/err"
tap_is "$?" 0 "verify (POP3 source) exits 0"
valid verify "$OUT/verify.pop.json" "verify --json (POP3 source) matches docs/json.md"
# A mailbox verify cannot read: the customer is reported, not verified.
good=$PW_c3 PW_c3=wrong-password
"$CUTOVER" verify "$H_DIR/pop.yaml" --json >"$OUT/verify.error.json" 2>"$H_DIR/err"
PW_c3=$good
valid verify "$OUT/verify.error.json" "verify --json with a customer not verified matches docs/json.md"

E_SRC_PROTO=imap E_DST_SUFFIX=_i e_dst_users c1 c2 c3
E_SRC_PROTO=imap E_DST_SUFFIX=_i e_plan "$H_DIR/imap.yaml" json-imap src dst preserve 2 c1 c2 c3
"$CUTOVER" run "$H_DIR/imap.yaml" --json >"$OUT/run.imap.json" 2>"$H_DIR/err"
valid_run run "$OUT/run.imap.json" "run --json (IMAP source) matches docs/json.md"
"$CUTOVER" verify "$H_DIR/imap.yaml" --json >"$OUT/verify.imap.json" 2>"$H_DIR/err"
tap_is "$?" 0 "verify (IMAP source) exits 0"
valid verify "$OUT/verify.imap.json" "verify --json (IMAP source) matches docs/json.md"

tap_done
