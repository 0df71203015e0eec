/* runsum: the closing summary of a run, like imapsync's closing block — when it started
 * and ended (in the plan's offset), how the customers ended, what was copied and what was
 * already there, rates, the largest message, peak memory, and the failures grouped by
 * reason with what to do next — as text, as JSON (`run --json`) and into the log. */
#ifndef CUTOVER_RUNSUM_H
#define CUTOVER_RUNSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "migrate/engine/engine.h"

/* How the customers of a run ended: an interrupt is counted apart from failures, and a
 * customer the interrupt kept from starting is "done earlier" when an earlier run finished it. */
struct runsum_tally {
	size_t failed;        /* ran and failed (not interrupted) */
	size_t stopped;       /* interrupted mid-copy: pending */
	size_t not_started;   /* kept from starting by the interrupt, not done before */
	size_t done_earlier;  /* kept from starting, but an earlier run finished it */
};

/* Everything the summary says, gathered by the command. */
struct runsum {
	const struct engine_result *r;
	const bool *earlier;       /* per result: the journal has it done by an earlier run */
	size_t n;
	struct runsum_tally t;
	int64_t run_id;
	const char *phase;
	int exit_code;
	time_t started, ended;
	double seconds;
	int utc_offset;            /* the plan's (the window's) */
	const char *plan_name, *plan_path, *journal_path, *log_path;   /* log_path may be NULL */
	uint64_t peak_rss;         /* bytes, 0 = unknown */
};

struct runsum_totals {
	size_t done;               /* ok */
	uint64_t msgs_copied, bytes_copied, msgs_there, bytes_there, msgs_failed;
	uint64_t largest;          /* bytes of the largest message copied */
	const char *largest_customer;
	double msgs_per_s, bytes_per_s;
};

void runsum_count(const struct engine_result *r, const bool *earlier, size_t n,
                  struct runsum_tally *t);
bool runsum_interrupted(const struct runsum_tally *t);
void runsum_totals(const struct runsum *s, struct runsum_totals *out);

/* What to do about customers that failed with this class (one sentence). */
const char *runsum_advice(enum err_class cls);

void runsum_text(FILE *f, const struct runsum *s);
/* The closing summary's fields, added to a JSON object (root of `run --json`). */
void runsum_json(json_t *root, const struct runsum *s);
/* The summary into the log, one line per item. */
void runsum_log(const struct runsum *s);

#endif
