/* engine: copy every customer's mail from the source to the destination, N customers at a
 * time, through the driver interface only (no protocol knowledge here), with the journal
 * as the single record of what is done. Safe to interrupt at any point and run again:
 * every message ends up on the destination exactly once. */
#ifndef CUTOVER_ENGINE_H
#define CUTOVER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "migrate/session.h"
#include "schedule/plan.h"

/* What the live display shows; a consistent snapshot is passed to the tick callback. */
struct engine_slot {
	bool busy;
	char customer[128];
	uint64_t done, total;      /* messages of this customer handled / listed */
};

struct engine_progress {
	size_t workers;
	struct engine_slot slot[CAPS_WORKERS_MAX];
	size_t customers, customers_started, customers_done, customers_failed;
	uint64_t msgs_listed;      /* listed by the customers started so far */
	uint64_t msgs_handled;     /* copied + already there + failed */
	uint64_t msgs_copied, bytes_copied;
	uint64_t bytes_listed, bytes_handled;
	uint64_t est_msgs_total;   /* from earlier runs in the journal; 0 = unknown */
	double elapsed;            /* seconds since the start */
};

struct engine_result {
	const char *customer;      /* points into the plan */
	bool ok;
	bool ran;                  /* false: never started (interrupted before) */
	bool interrupted;          /* stopped mid-copy by the stop switch: pending, not failed */
	enum err_class cls;
	char error[ERR_MSG_MAX + ERR_SERVER_MAX + 16];
	uint64_t listed, copied, skipped, bytes;
	uint64_t listed_bytes;     /* bytes of the messages listed (the last pass) */
	uint64_t skipped_bytes;    /* bytes of the messages the journal had as copied (the last pass) */
	uint64_t largest;          /* bytes of the largest message this run copied */
	uint64_t failed;           /* messages not copied: refused one by one, or left when the
	                            * customer failed */
	uint64_t flags_updated;    /* earlier copies whose flags followed the source's changes */
	uint64_t deleted_on_source;/* earlier copies no longer on the source */
	uint64_t removed;          /* of those, removed from the destination (mirror_deletes) */
	uint64_t rematched;        /* found again after a source UIDVALIDITY change */
	uint64_t found;            /* not in the journal but already on the destination: recorded */
	uint64_t missing;          /* in the journal but gone from the destination: copied again */
	bool went_through;         /* not ok only because messages were refused one by one
	                            * (FAILED in the journal): "done, N failed" */
	uint64_t altered;          /* stored with a change the destination forced (journal: altered) */
	uint64_t excluded_folders;
	int attempts;
	double seconds;
	char uidl_style[16];
};

/* Sessions from somewhere else than the plan's protocols (tests: an in-memory driver).
 * open fills *src for SESSION_SOURCE and SESSION_DESTINATION_POP3, *dst for
 * SESSION_DESTINATION; called from the worker threads. */
struct engine_drivers {
	int (*open)(void *ctx, const struct plan_customer *c, enum session_role role,
	            struct src **src, struct dst **dst, struct err *e);
	void *ctx;
};

struct engine_opts {
	const char *journal_path;
	int64_t run_id;
	int workers;                        /* <= 0: the plan's */
	const char *phase;                  /* "prestage" or "final" (NULL = prestage) */
	bool mirror_deletes;                /* remove on the destination what the source deleted */
	const char *const *only;            /* customer ids to copy; NULL = all */
	size_t n_only;
	/* Called from any thread, serialised by the engine; never given a secret. */
	void (*log)(void *ctx, const char *customer, const char *level, const char *text);
	/* Called from the calling thread every tick_ms while the workers run, and once at the end. */
	void (*tick)(void *ctx, const struct engine_progress *p);
	void *ctx;
	int tick_ms;
	volatile int *stop;                 /* non-zero: finish the current batch and stop */
	const struct engine_drivers *drivers;   /* NULL: the drivers of the plan's protocols */
	/* The run's open connections (net/connreg.h), owned by the caller, which shuts them
	 * down from its stop path (connreg_stop) so no worker waits on a silent server.
	 * NULL = untracked. */
	struct connreg *conns;
	/* How long after its INTENT an in-doubt message not found may still land (0 = the
	 * plan's migration.in_doubt_wait, < 0 = never look again; tests). */
	long doubt_grace_ms;
};

/* Run. Per-customer failures are in the results (and the journal), not in e; e is set only
 * when the run as a whole cannot go on (journal unusable, bad options). *out is an array of
 * one result per selected customer, in plan order; free with engine_results_free. */
int engine_run(const struct plan *p, const struct engine_opts *o, struct engine_result **out,
               size_t *n, struct err *e);
void engine_results_free(struct engine_result *r, size_t n);


#endif
