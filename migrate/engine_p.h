/* engine_p: what engine.c, engine_customer.c and pool.c share. Private to migrate/. */
#ifndef CUTOVER_ENGINE_P_H
#define CUTOVER_ENGINE_P_H

#include <pthread.h>
#include <time.h>

#include "mapping/journal.h"
#include "migrate/engine.h"

struct engine_shared {
	const struct plan *plan;
	const struct engine_opts *opts;
	pthread_mutex_t mu;         /* guards prog and serialises opts->log */
	struct engine_progress prog;
	struct timespec start;
};

/* One worker: its slot in the display and its own journal connection. */
struct engine_worker {
	struct engine_shared *sh;
	size_t slot;
	struct journal *j;
};

/* Copy one customer (with retries); fills r. Never fails the run. */
void engine_customer_run(struct engine_worker *w, const struct plan_customer *c,
                         struct engine_result *r);

/* Log a line for the operator (and the journal's event table). */
void engine_log(struct engine_worker *w, const char *customer, const char *level,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
