/* dryrun: the dry-run report as data, shared by its three renderers (text, JSON, HTML). */
#ifndef CUTOVER_DRYRUN_H
#define CUTOVER_DRYRUN_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "mapping/journal.h"
#include "migrate/survey/inventory.h"
#include "migrate/survey/preflight.h"
#include "schedule/estimate.h"
#include "schedule/instr.h"
#include "schedule/plan.h"

struct dryrun_report {
	const struct plan *plan;
	time_t generated;
	bool go;
	char **reasons;              /* why NO-GO (empty for GO) */
	size_t n_reasons;
	char **warnings;             /* doubts that do not stop the night */
	size_t n_warnings;
	struct preflight_list preflight;
	struct inventory inv;
	int workers;
	bool estimated;
	struct estimate_rate rate;
	char rate_note[256];
	struct estimate_job *jobs;   /* one per customer whose source was read, in plan order */
	size_t n_jobs;
	struct estimate_result est;
	uint64_t total_msgs, total_bytes;
	/* A pre-stage in the journal: the window only holds the rest (the final phase). */
	struct journal_customer_summary *done;
	size_t n_done;
	bool final_phase;
	uint64_t phase_msgs;         /* messages the projected phase copies */
};

void dryrun_text(FILE *f, const struct dryrun_report *r);
int dryrun_json(FILE *f, const struct dryrun_report *r);
void dryrun_html(FILE *f, const struct dryrun_report *r);

/* Shared formatting: "3 h 30 min", local time in the plan's offset (sizes: cmd_fmt_bytes). */
void dryrun_fmt_duration(char *out, size_t n, double seconds);
/* How many shards (machines) the window needs with the plan's caps, in a sentence
 * (dryrun_shards.c); returns the number (0: no estimate or no window). */
int dryrun_shards_advice(const struct dryrun_report *r, char *out, size_t size);
void dryrun_fmt_local(char *out, size_t n, time_t t, int utc_offset, const char *fmt);

#endif
