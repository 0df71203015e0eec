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

/* Lines about one customer ("customer c1: …") with the same text after the id, as one
 * group: a manager reads "16 customers: …" once instead of 16 identical lines. Lines not
 * about a customer are groups of their own (n_ids 0). Groups keep the first line's order. */
struct dryrun_group {
	const char *text;        /* points into the line: what follows "customer ID: " */
	char **ids;              /* the customers, in order (owned) */
	size_t n_ids;
};
struct dryrun_group *dryrun_group_lines(char *const *lines, size_t n, size_t *n_groups);
void dryrun_group_free(struct dryrun_group *g, size_t n);

/* One customer's projected copy time (the phase the estimate is for); -1 when unknown. */
double dryrun_customer_seconds(const struct dryrun_report *r, const char *id);
/* Who ran the dry run: $USER, else $LOGNAME, else "unknown". */
const char *dryrun_prepared_by(void);

/* Shared formatting: "3 h 30 min", local time in the plan's offset (sizes: cmd_fmt_bytes). */
void dryrun_fmt_duration(char *out, size_t n, double seconds);
/* The same in the plan's language: "3 h 30 min" / "3時間30分". */
void dryrun_fmt_duration_lang(char *out, size_t n, double seconds, enum plan_lang lang);
/* How many shards (machines) the window needs with the plan's caps, in a sentence
 * (dryrun_shards.c); returns the number (0: no estimate or no window). */
int dryrun_shards_advice(const struct dryrun_report *r, char *out, size_t size);
void dryrun_fmt_local(char *out, size_t n, time_t t, int utc_offset, const char *fmt);

#endif
