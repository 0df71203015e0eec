/* inventory: the read-only part of dry-run. Logs in to every customer's source (EXAMINE,
 * LIST/UIDL only) and destination, counts messages and bytes per folder, finds what will
 * not fit (message size limit, quota), and times a small sample of real fetches (and, when
 * the plan allows, appends into a scratch folder that is removed afterwards) so the
 * estimate rests on measured rates. Failures are recorded per customer, never fatal. */
#ifndef CUTOVER_INVENTORY_H
#define CUTOVER_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "schedule/plan.h"

struct inv_wants;

struct inventory_folder {
	char *name;
	uint64_t msgs, bytes;
	struct inv_wants *wants;    /* how a run would find each message (inv_already.h);
	                             * only until the destination has been looked at */
};

struct inventory_customer {
	const struct plan_customer *c;
	bool src_ok, dst_ok;
	enum err_class src_cls, dst_cls;
	char src_detail[ERR_MSG_MAX], dst_detail[ERR_MSG_MAX];
	struct inventory_folder *folders;
	size_t n_folders;
	uint64_t msgs, bytes, largest;
	uint64_t oversize;          /* messages over the destination's limit */
	int64_t no_message_id;      /* messages without a Message-ID; -1 = not counted */
	uint64_t max_message;       /* the limit used (0 = unknown) */
	uint64_t already;           /* source messages a run would find on the destination
	                             * already, in the folder of the same name, and not copy
	                             * (inv_already.h: the run's own matching) */
	uint64_t quota_limit, quota_used;
	bool over_quota;
	char uidl_style[24];
};

/* Timings of single operations, for a least-squares fit t = a + b * size. */
struct inventory_samples {
	double *t, *size;
	size_t n, alloc;
};

struct inventory {
	struct inventory_customer *v;
	size_t n;
	struct inventory_samples fetch, append;
	bool append_measured;
	unsigned dst_caps;          /* DRV_DST_* after login (servers hide them before) */
	bool dst_caps_known;
	char append_note[256];      /* why appends were not measured, or where */
};

/* Run over every customer of the plan with `workers` threads. Returns 0; e only for
 * failures of the whole run (memory, threads). */
int inventory_run(const struct plan *p, int workers, struct inventory *out, struct err *e);
void inventory_free(struct inventory *inv);

/* Least-squares fit of seconds = per_msg + per_byte * size over samples; false if too few. */
bool inventory_fit(const struct inventory_samples *s, double *per_msg, double *per_byte);

#endif
