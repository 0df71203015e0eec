#!/bin/bash
# cutover-shards.sh: N cutover shards over a few machines with GNU parallel and ssh, for
# sites without a batch system (docs/scale.md).
#
#   cutover-shards.sh PLAN N HOSTS_FILE          # HOSTS_FILE: "1/host" a line (one shard at a time each)
#   cutover-shards.sh PLAN N HOSTS_FILE --resume # only the shards that did not end 0 last time
#   CUTOVER_JOURNALS=/shared/journals            # where the journals are, for the final status
#
# The plan, its CSV and password files and migration.journal's directory must be on a
# path every host sees under the same name (NFS is fine: each shard writes its own SQLite
# file). Passwords come from password files or from variables the remote shells already
# have; never put one on a command line (ps shows it) — so no `--env` of a password here.
# GNU parallel's joblog records each shard's exit code: 0 done, 75 run again (retried up
# to 3 times here), 1 customers failed for good (see `cutover status`).
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 PLAN N HOSTS_FILE [--resume]" >&2
	exit 64
fi
plan=$1 n=$2 hosts=$3 resume=${4:-}
log=${CUTOVER_JOBLOG:-$(dirname "$plan")/cutover-shards.joblog}
retry=()
[ "$resume" = --resume ] && retry=(--resume-failed)
# {} is the shard number; the remote `cutover` sees --shard K/N and writes
# <journal>.shard-K-of-N.db, taking 1/N of the plan's connection caps.
seq 0 $((n - 1)) |
	parallel --sshloginfile "$hosts" --joblog "$log" "${retry[@]}" --retries 3 \
		--halt never --line-buffer --tagstring 'shard {}' \
		"cutover run $(printf %q "$plan") --shard {}/$n -q"
rc=$?
# The night in one view: every shard's journal (the directory of migration.journal).
cutover status "$plan" --journal "${CUTOVER_JOURNALS:-$(dirname "$plan")}" -q

exit $rc
