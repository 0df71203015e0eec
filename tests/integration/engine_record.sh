#!/usr/bin/env bash
# engine_record: uidl: record and uidl: none. Nothing is added to the messages (the
# destination serves its own UIDLs); with record the journal keeps, for every message, the
# old UIDL, the destination UID and the UIDL the destination serves (read over POP3 after
# the copy), so the UIDL map can be exported; verify still finds every message.
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
. "$(dirname "$0")/lib/engine.sh"
[ -x "$CUTOVER" ] || tap_skip_all "no cutover binary"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3"
dovecot_start src source || tap_skip_all "dovecot did not start"
dovecot_start dst dest || tap_skip_all "dovecot did not start"

e_users rec non
e_special "$H_DIR/m"
e_gen "$H_DIR/m" 60 r
e_deliver src rec "$H_DIR"/m/*.eml
e_deliver src non "$H_DIR"/m/*.eml
n=$(ls "$H_DIR"/m/*.eml | wc -l)

e_plan "$H_DIR/rec.yaml" rec src dst record 2 rec
"$CUTOVER" run "$H_DIR/rec.yaml" >"$H_DIR/rec.out" 2>&1
tap_is "$?" 0 "record: run exits 0"
tap_is "$(e_dst_uidls rec | wc -l)" "$n" "record: all $n messages on the destination"
# The destination serves X-UIDL values as UIDLs: none of the old ones means none was added.
tap_is "$(comm -12 <(e_src_uidls rec | sort) <(e_dst_uidls rec | sort) | wc -l)" 0 "record: no X-UIDL header is added"
db="$H_DIR/rec.db"
tap_is "$(sqlite3 "$db" "select count(*) from message where state = 2 and dst_uid > 0 and dst_uidl is not null")" "$n" \
	"record: the journal holds destination UID and served UIDL for every message"
want=$(e_dst_uidls rec)
got=$(sqlite3 "$db" "select dst_uidl from message where customer = 'rec' order by dst_uid")
tap_is "$got" "$want" "record: the recorded UIDLs are the ones the destination serves, in order"
tap_is "$(sqlite3 "$db" "select group_concat(src_key, ' ') from (select src_key from message order by src_seq)")" \
	"$(e_src_uidls rec | tr '\n' ' ' | sed 's/ $//')" "record: old UIDLs kept in source order"
"$CUTOVER" verify "$H_DIR/rec.yaml" >"$H_DIR/rec.verify" 2>&1
tap_is "$?" 0 "record: verify finds every message (by content)"

e_plan "$H_DIR/none.yaml" none src dst none 1 non
"$CUTOVER" run "$H_DIR/none.yaml" >"$H_DIR/none.out" 2>&1
tap_is "$?" 0 "none: run exits 0"
tap_is "$(e_dst_uidls non | wc -l)" "$n" "none: all $n messages on the destination"
"$CUTOVER" run "$H_DIR/none.yaml" --json >"$H_DIR/none2.json" 2>"$H_DIR/none2.err"
tap_is "$(e_json_sum "$H_DIR/none2.json" copied)" 0 "none: a second run copies nothing"
"$CUTOVER" verify "$H_DIR/none.yaml" >"$H_DIR/none.verify" 2>&1
tap_is "$?" 0 "none: verify finds every message (by content)"
tap_done
