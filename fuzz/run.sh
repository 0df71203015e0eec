#!/usr/bin/env bash
# fuzz/run.sh [TARGET…]: run each libFuzzer target in $FUZZ_BUILD/fuzz (default: all) for
# $FUZZ_SECONDS seconds on a fresh corpus seeded by fuzz/seeds.sh, one after the other
# (the machine's cores are shared). A crash, leak, UB report or hang fails the run; the
# input is kept in $FUZZ_BUILD/artifacts/ (reproduce: $FUZZ_BUILD/fuzz/TARGET FILE).
# libFuzzer replays the whole seed corpus before it mutates anything, so every run is
# also a regression test of fuzz/seeds/. FUZZ_SEED=N fixes libFuzzer's random seed (make
# check: the same mutations on every run, so a finding is never one CI run's luck) and
# FUZZ_RUNS=N caps the inputs tried after the seeds (the same inputs on every machine,
# however fast; FUZZ_SECONDS then only stops a run that got slow). Without FUZZ_SEED each
# run explores anew (make fuzz).
set -u
cd "$(dirname "$0")/.."
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
art="$FUZZ_BUILD/artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/cutover-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$art"
export FUZZ_TLS_CA="$work/tls-ca.pem"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# libetpan's own leaks on malformed replies, each named (fuzz/lsan.supp)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0}

targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for b in "$FUZZ_BUILD"/fuzz/fuzz_*; do
		[ -x "$b" ] && targets+=("$(basename "$b")")
	done
fi
[ ${#targets[@]} != 0 ] || { echo "fuzz: no targets in $FUZZ_BUILD/fuzz" >&2; exit 1; }

failed=()
for t in "${targets[@]}"; do
	bin="$FUZZ_BUILD/fuzz/$t"
	corpus="$work/corpus-$t"
	log="$work/$t.log"
	mkdir -p "$corpus"
	if ! fuzz/seeds.sh "$t" "$corpus"; then
		echo "FAIL  $t: seeding failed"; failed+=("$t"); continue
	fi
	dict=()
	[ -f "fuzz/$t.dict" ] && dict=("-dict=fuzz/$t.dict")
	# -timeout: one input taking this long is a hang (a report, not a slow machine's
	# fault: every parser here answers in microseconds). stdin is /dev/null so that a
	# plan naming /dev/stdin as a file cannot stall the run.
	# FUZZ_SECONDS=0 replays the seed corpus once, no mutation.
	limit=(-max_total_time="$FUZZ_SECONDS")
	[ "$FUZZ_SECONDS" = 0 ] && limit=(-runs=0)
	[ -n "${FUZZ_RUNS:-}" ] && limit+=(-runs="$FUZZ_RUNS")
	seed=()
	[ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
	t0=$SECONDS
	"$bin" "${limit[@]}" "${seed[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$art/$t-" "${dict[@]}" "$corpus" \
		</dev/null >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	used=$(sed -n 's/^INFO: Seed: *//p' "$log" | head -n 1)   # to replay a random run: FUZZ_SEED
	if [ "$rc" = 0 ]; then
		echo "ok    $t ($((SECONDS - t0)) s, ${runs:-?} runs, seed ${used:-?}, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l))"
	else
		echo "FAIL  $t (exit $rc, seed ${used:-?})"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|#[0-9]+ 0x' "$log" | head -n 25 | sed 's/^/      /'
		failed+=("$t")
	fi
done
if [ ${#failed[@]} != 0 ]; then
	echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]} (inputs in $art/)"
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, at most ${FUZZ_SECONDS} s each${FUZZ_SEED:+, seed $FUZZ_SEED}, no crash"
