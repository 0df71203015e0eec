/* engine: pick the customers, order them largest first, give each worker its own journal
 * connection, run the pool, and keep the progress snapshot the display reads. */
#include "migrate/engine_p.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/pool.h"

struct engine_run_ctx {
	struct engine_shared sh;
	struct engine_worker w[CAPS_WORKERS_MAX];
	const struct plan_customer **cust;   /* job order */
	struct engine_result **res;          /* job -> result slot (plan order array) */
	uint64_t *weight;                    /* bytes known from earlier runs */
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
 * since they may be the largest of all. Stable: plan order breaks ties. */
static struct engine_run_ctx *engine_sort_ctx;
static int engine_cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t wi = engine_sort_ctx->weight[i], wj = engine_sort_ctx->weight[j];
	if (wi != wj)
		return wi == 0 ? -1 : wj == 0 ? 1 : wi > wj ? -1 : 1;
	return i < j ? -1 : i > j;
}

static pthread_mutex_t engine_sort_mu = PTHREAD_MUTEX_INITIALIZER;

int engine_run(const struct plan *p, const struct engine_opts *o, struct engine_result **out,
               size_t *n_out, struct err *e)
{
	struct engine_run_ctx *rc = NULL;
	struct engine_result *res = NULL;
	const struct plan_customer **sel = NULL;
	size_t *order = NULL, n = 0, workers;
	struct journal_customer_summary *sum = NULL;
	size_t nsum = 0;
	int ret = -1;

	*out = NULL;
	*n_out = 0;
	sel = calloc(p->n_customers + 1, sizeof *sel);
	if (!sel)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (o->only && o->n_only) {
		for (size_t i = 0; i < o->n_only; i++) {
			const struct plan_customer *c = plan_customer_find(p, o->only[i]);
			if (!c) {
				err_set(e, ERR_USAGE, "--customer %s: no such customer in the plan", o->only[i]);
				goto out;
			}
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup |= sel[k] == c;
			if (!dup)
				sel[n++] = c;
		}
	} else {
		for (size_t i = 0; i < p->n_customers; i++)
			sel[n++] = &p->customers[i];
	}
	rc = calloc(1, sizeof *rc);
	res = calloc(n + 1, sizeof *res);
	order = calloc(n + 1, sizeof *order);
	if (!rc || !res || !order) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc->cust = calloc(n + 1, sizeof *rc->cust);
	rc->res = calloc(n + 1, sizeof *rc->res);
	rc->weight = calloc(n + 1, sizeof *rc->weight);
	if (!rc->cust || !rc->res || !rc->weight) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	workers = (size_t)(o->workers > 0 ? o->workers : p->migration.workers > 0 ? p->migration.workers : 4);
	if (workers > CAPS_WORKERS_MAX)
		workers = CAPS_WORKERS_MAX;
	if (workers > n)
		workers = n ? n : 1;

	rc->sh.plan = p;
	rc->sh.opts = o;
	pthread_mutex_init(&rc->sh.mu, NULL);
	clock_gettime(CLOCK_MONOTONIC, &rc->sh.start);
	rc->sh.prog.workers = workers;
	rc->sh.prog.customers = n;
	for (size_t i = 0; i < workers; i++) {
		rc->w[i].sh = &rc->sh;
		rc->w[i].slot = i;
		if (journal_open(&rc->w[i].j, o->journal_path, e) < 0) {
			err_prefix(e, "journal %s: ", o->journal_path);
			goto out_mutex;
		}
		journal_set_run(rc->w[i].j, o->run_id);
	}
	if (journal_summary(rc->w[0].j, &sum, &nsum, e) < 0)
		goto out_mutex;
	for (size_t i = 0; i < n; i++) {
		res[i].customer = sel[i]->id;
		order[i] = i;
		for (size_t k = 0; k < nsum; k++)
			if (strcmp(sum[k].id, sel[i]->id) == 0) {
				rc->weight[i] = sum[k].bytes_done;
				rc->sh.prog.est_msgs_total += sum[k].msgs_done;
			}
	}
	pthread_mutex_lock(&engine_sort_mu);
	engine_sort_ctx = rc;
	qsort(order, n, sizeof *order, engine_cmp);
	engine_sort_ctx = NULL;
	pthread_mutex_unlock(&engine_sort_mu);
	for (size_t k = 0; k < n; k++) {
		rc->cust[k] = sel[order[k]];
		rc->res[k] = &res[order[k]];
	}
	if (pool_run(workers, n, engine_job, engine_tick, rc, o->tick_ms, e) < 0)
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
out:
	if (sum)
		journal_summary_free(sum, nsum);
	if (rc) {
		free(rc->cust);
		free(rc->res);
		free(rc->weight);
	}
	free(rc);
	free(res);
	free(order);
	free(sel);
	return ret;
}

void engine_results_free(struct engine_result *r, size_t n)
{
	(void)n;
	free(r);
}
