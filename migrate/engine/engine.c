/* engine: pick the customers, order them largest first, give each worker its own journal
 * connection, run the pool, and keep the progress snapshot the display reads. */
#include "migrate/engine/engine_p.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/engine/pool.h"

struct engine_run_ctx {
	struct engine_shared sh;
	struct engine_worker w[CAPS_WORKERS_MAX];
	const struct plan_customer **cust;   /* job order */
	struct engine_result **res;          /* job -> result slot (plan order array) */
};

void engine_log(struct engine_worker *w, const char *customer, const char *level,
                const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	struct err e;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	err_clear(&e);
	/* The journal keeps the event even when nobody watches the output. */
	if (w->j)
		journal_event(w->j, w->sh->opts->run_id, customer, level, text, &e);
	if (w->sh->opts->log) {
		pthread_mutex_lock(&w->sh->mu);
		w->sh->opts->log(w->sh->opts->ctx, customer, level, text);
		pthread_mutex_unlock(&w->sh->mu);
	}
}

static double engine_elapsed(const struct engine_shared *sh)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - sh->start.tv_sec) + (now.tv_nsec - sh->start.tv_nsec) / 1e9;
}

static void engine_job(void *ctx, size_t worker, size_t job)
{
	struct engine_run_ctx *rc = ctx;
	struct engine_worker *w = &rc->w[worker];
	const struct plan_customer *c = rc->cust[job];
	struct engine_result *r = rc->res[job];
	struct engine_slot *s = &rc->sh.prog.slot[worker];

	if (rc->sh.opts->stop && *rc->sh.opts->stop)
		return;
	pthread_mutex_lock(&rc->sh.mu);
	s->busy = true;
	snprintf(s->customer, sizeof s->customer, "%s", c->id);
	s->done = s->total = 0;
	rc->sh.prog.customers_started++;
	pthread_mutex_unlock(&rc->sh.mu);

	engine_customer_run(w, c, r);

	pthread_mutex_lock(&rc->sh.mu);
	s->busy = false;
	if (r->ok)
		rc->sh.prog.customers_done++;
	else if (!r->interrupted)
		rc->sh.prog.customers_failed++;
	pthread_mutex_unlock(&rc->sh.mu);
}

static void engine_tick(void *ctx)
{
	struct engine_run_ctx *rc = ctx;
	struct engine_progress snap;
	pthread_mutex_lock(&rc->sh.mu);
	rc->sh.prog.elapsed = engine_elapsed(&rc->sh);
	snap = rc->sh.prog;
	pthread_mutex_unlock(&rc->sh.mu);
	if (rc->sh.opts->tick)
		rc->sh.opts->tick(rc->sh.opts->ctx, &snap);
}

/* Largest first (bytes known from earlier runs); customers never seen before come first,
 * since they may be the largest of all. Plan order breaks ties (qsort is not stable). */
struct engine_order {
	size_t i;
	uint64_t weight;
};

static int engine_cmp(const void *a, const void *b)
{
	const struct engine_order *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight == 0 ? -1 : y->weight == 0 ? 1 : x->weight > y->weight ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The customers to copy, in plan order (o->only: those, each once). */
static int engine_select(const struct plan *p, const struct engine_opts *o,
                         const struct plan_customer ***out, size_t *n, struct err *e)
{
	const struct plan_customer **sel = calloc(p->n_customers + 1, sizeof *sel);
	*out = sel;
	*n = 0;
	if (!sel)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (!o->only || !o->n_only) {
		for (size_t i = 0; i < p->n_customers; i++)
			sel[(*n)++] = &p->customers[i];
		return 0;
	}
	for (size_t i = 0; i < o->n_only; i++) {
		const struct plan_customer *c = plan_customer_find(p, o->only[i]);
		if (!c)
			return err_set(e, ERR_USAGE, "--customer %s: no such customer in the plan", o->only[i]);
		bool dup = false;
		for (size_t k = 0; k < *n; k++)
			dup |= sel[k] == c;
		if (!dup)
			sel[(*n)++] = c;
	}
	return 0;
}

/* Job order from what earlier runs copied; the estimate of the total for the display. */
static int engine_order_jobs(struct engine_run_ctx *rc, const struct plan_customer **sel,
                             struct engine_result *res, size_t n, struct err *e)
{
	struct journal_customer_summary *sum = NULL;
	size_t nsum = 0;
	struct engine_order *order = calloc(n + 1, sizeof *order);
	if (!order)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (journal_summary(rc->w[0].j, &sum, &nsum, e) < 0) {
		free(order);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		res[i].customer = sel[i]->id;
		order[i].i = i;
		for (size_t k = 0; k < nsum; k++)
			if (strcmp(sum[k].id, sel[i]->id) == 0) {
				order[i].weight = sum[k].bytes_done;
				rc->sh.prog.est_msgs_total += sum[k].msgs_done;
			}
	}
	qsort(order, n, sizeof *order, engine_cmp);
	for (size_t k = 0; k < n; k++) {
		rc->cust[k] = sel[order[k].i];
		rc->res[k] = &res[order[k].i];
	}
	journal_summary_free(sum, nsum);
	free(order);
	return 0;
}

/* One journal connection per worker, all in this run. */
static int engine_workers_open(struct engine_run_ctx *rc, size_t workers, struct err *e)
{
	const struct engine_opts *o = rc->sh.opts;
	for (size_t i = 0; i < workers; i++) {
		rc->w[i].sh = &rc->sh;
		rc->w[i].slot = i;
		if (journal_open(&rc->w[i].j, o->journal_path, e) < 0)
			return err_prefix(e, "journal %s: ", o->journal_path);
		journal_set_run(rc->w[i].j, o->run_id);
	}
	return 0;
}

static size_t engine_workers(const struct plan *p, const struct engine_opts *o, size_t n)
{
	size_t workers = (size_t)(o->workers > 0 ? o->workers
	                          : p->migration.workers > 0 ? p->migration.workers : 4);
	if (workers > CAPS_WORKERS_MAX)
		workers = CAPS_WORKERS_MAX;
	/* a worker holds one connection to each server: the plan's max_connections (divided
	 * across shards) bounds the workers whatever --workers asks */
	int cap = p->migration.source.max_connections;
	if (p->migration.destination.max_connections > 0 &&
	    (cap <= 0 || p->migration.destination.max_connections < cap))
		cap = p->migration.destination.max_connections;
	if (cap > 0 && workers > (size_t)cap)
		workers = (size_t)cap;
	if (workers > n)
		workers = n ? n : 1;
	return workers;
}

int engine_run(const struct plan *p, const struct engine_opts *o, struct engine_result **out,
               size_t *n_out, struct err *e)
{
	const struct plan_customer **sel = NULL;
	struct engine_run_ctx *rc = calloc(1, sizeof *rc);
	struct engine_result *res = NULL;
	size_t n = 0, workers = 0;
	int ret = -1;

	*out = NULL;
	*n_out = 0;
	if (!rc || engine_select(p, o, &sel, &n, e) < 0)
		goto out;
	res = calloc(n + 1, sizeof *res);
	rc->cust = calloc(n + 1, sizeof *rc->cust);
	rc->res = calloc(n + 1, sizeof *rc->res);
	if (!res || !rc->cust || !rc->res) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	workers = engine_workers(p, o, n);
	if (o->log && o->workers > 0 && (size_t)o->workers > workers && workers < n) {
		char why[160];
		snprintf(why, sizeof why, "workers lowered from %d to %zu: the plan's max_connections "
		         "(default: its workers; for a shard, its share) bounds the connections to "
		         "each server", o->workers, workers);
		o->log(o->ctx, NULL, "warn", why);
	}
	rc->sh.plan = p;
	rc->sh.opts = o;
	pthread_mutex_init(&rc->sh.mu, NULL);
	pace_init(&rc->sh.pace, p->migration.destination.max_messages_per_hour);
	clock_gettime(CLOCK_MONOTONIC, &rc->sh.start);
	rc->sh.prog.workers = workers;
	rc->sh.prog.customers = n;
	if (engine_workers_open(rc, workers, e) < 0 || engine_order_jobs(rc, sel, res, n, e) < 0 ||
	    pool_run(workers, n, engine_job, engine_tick, rc, o->tick_ms, e) < 0)
		goto out_mutex;
	*out = res;
	*n_out = n;
	res = NULL;
	ret = 0;
out_mutex:
	for (size_t i = 0; i < workers; i++)
		if (rc->w[i].j)
			journal_close(rc->w[i].j);
	pthread_mutex_destroy(&rc->sh.mu);
	pace_destroy(&rc->sh.pace);
out:
	if (rc) {
		free(rc->cust);
		free(rc->res);
	}
	free(rc);
	free(res);
	free(sel);
	return ret;
}

void engine_results_free(struct engine_result *r, size_t n)
{
	(void)n;
	free(r);
}
