/* engine_customer: one customer — open the sessions, copy every folder (engine_folders),
 * let the UIDL strategy finish, and run the pass again after a temporary failure: the
 * journal keeps what was done, so a new pass continues where the last one stopped. */
#include "migrate/engine/engine_p.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/engine/retry.h"
#include "migrate/session.h"

void engine_warnings(struct engine_cust *x)
{
	const char *w;
	if (!x->src->ops->warning)
		return;
	while ((w = x->src->ops->warning(x->src)) != NULL)
		engine_log(x->w, x->c->id, "warn", "source: %s", w);
}

/* Every session the engine opens goes through here: the test drivers when the options
 * give some, else session.c (credentials, endpoint, the side's prefix on errors). */
static int engine_session_open(struct engine_cust *x, enum session_role role, struct src **src,
                               struct dst **dst, struct err *e)
{
	const struct engine_drivers *dv = x->w->sh->opts->drivers;
	if (dv)
		return dv->open(dv->ctx, x->c, role, src, dst, e);
	struct connreg *conns = x->w->sh->opts->conns;
	if (role == SESSION_DESTINATION)
		return session_open_dst_in(dst, x->p, x->c, NULL, conns, e);
	return session_open_src_in(src, x->p, x->c, role, NULL, conns, e);
}

/* The destination's session, opened on a thread of its own while the worker opens the
 * source: at a real network's round-trip time the two log-ins (greeting, STARTTLS or TLS,
 * authentication, capabilities) cost the time of the slower one instead of the sum. The
 * thread only opens: it touches no journal and logs nothing (session.c, the drivers'
 * open and the connection registry are already called from several workers at once). */
struct engine_open_dst {
	struct engine_cust *x;
	struct dst *dst;
	int rc;
	struct err e;
};

static void *engine_customer_open_dst(void *arg)
{
	struct engine_open_dst *o = arg;
	o->rc = engine_session_open(o->x, SESSION_DESTINATION, NULL, &o->dst, &o->e);
	return NULL;
}

/* Both sessions, or -1 with e set and whichever did open left in x for the pass to close.
 * The source's failure goes in e (it was the first opened before, and its class decides
 * the retry); the destination's, when both fail, is logged beside it, not lost. */
static int engine_customer_open(struct engine_cust *x, struct err *e)
{
	struct engine_open_dst o = { x, NULL, 0, { 0 } };
	pthread_t th;
	err_clear(&o.e);
	bool threaded = pthread_create(&th, NULL, engine_customer_open_dst, &o) == 0;
	if (!threaded)   /* no thread to be had: one after the other, as before */
		engine_customer_open_dst(&o);
	int rc = engine_session_open(x, SESSION_SOURCE, &x->src, NULL, e);
	if (threaded)
		pthread_join(th, NULL);
	x->dst = o.dst;
	if (o.rc == 0)
		return rc;
	if (rc == 0) {
		*e = o.e;
		return -1;
	}
	engine_log(x->w, x->c->id, "warn", "%s (%s)", o.e.msg, err_class_name(o.e.cls));
	return -1;
}

static int engine_customer_view(void *ctx, struct src **out, struct err *e)
{
	return engine_session_open(ctx, SESSION_DESTINATION_POP3, out, NULL, e);
}

static void engine_customer_warn(void *ctx, const char *text)
{
	struct engine_cust *x = ctx;
	engine_log(x->w, x->c->id, "warn", "%s", text);
}

/* The source's UIDL style, for status and the notices. */
static int engine_customer_style(struct engine_cust *x, struct err *e)
{
	const char *style = x->src->ops->uidl_style ? x->src->ops->uidl_style(x->src) : NULL;
	if (!style)
		return 0;
	snprintf(x->r->uidl_style, sizeof x->r->uidl_style, "%s", style);
	return journal_customer_set_uidl_style(x->w->j, x->c->id, style, e);
}

static int engine_customer_pass(struct engine_cust *x, struct err *e)
{
	struct uidl_finish fin = { x->w->j, x->c->id, engine_customer_view, engine_customer_warn, x };
	int rc = -1;
	x->r->listed = 0;
	x->r->listed_bytes = x->r->skipped_bytes = 0;
	x->r->deleted_on_source = 0;
	x->pending = 0;
	x->msg_failed = 0;
	x->folder_idx = 0;
	if (engine_customer_open(x, e) < 0 || engine_customer_style(x, e) < 0 || engine_folders(x, e) < 0)
		goto out;
	if (x->uidl->finish && x->uidl->finish(&fin, e) < 0)
		goto out;
	rc = 0;
out:
	if (x->src)
		x->src->ops->close(x->src);
	if (x->dst)
		x->dst->ops->close(x->dst);
	x->src = NULL;
	x->dst = NULL;
	return rc;
}

static double engine_customer_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Passes until one goes through or the retry policy gives up; 0 = went through. */
static int engine_customer_passes(struct engine_cust *x, struct err *e)
{
	volatile int *stop = x->w->sh->opts->stop;
	int failures = 0;
	for (;;) {
		x->r->attempts++;
		x->progressed = false;
		err_clear(e);
		if (engine_customer_pass(x, e) == 0)
			return 0;
		/* A pass that moved forward earns a fresh set of attempts: the journal keeps the gain. */
		if (x->progressed)
			failures = 0;
		failures++;
		long d = retry_delay_ms(x->p, e, failures);
		if ((stop && *stop) || d < 0)
			return -1;
		engine_log(x->w, x->c->id, "warn", "%s (%s%s%s); retrying in %.1f s", e->msg,
		           err_class_name(e->cls), e->server[0] ? ": " : "", e->server, d / 1000.0);
		if (retry_sleep_ms(d, stop))
			return -1;
	}
}

static void engine_customer_failed(struct engine_cust *x, const struct err *e)
{
	struct engine_result *r = x->r;
	struct err je;
	r->ok = false;
	r->cls = e->cls ? e->cls : ERR_INTERNAL;
	snprintf(r->error, sizeof r->error, "%s%s%s", e->msg, e->server[0] ? " — server: " : "",
	         e->server);
	err_clear(&je);
	/* Stopped on request: what is left is pending for the next run, not a failure. */
	journal_customer_state(x->w->j, x->c->id, r->interrupted ? "pending" : "failed",
	                       err_class_name(r->cls), r->error, &je);
	if (r->interrupted)
		engine_log(x->w, x->c->id, "warn", "interrupted mid-copy; run again to continue");
	else
		engine_log(x->w, x->c->id, "error", "failed (%s): %s", err_class_name(r->cls), r->error);
}

void engine_customer_run(struct engine_worker *w, const struct plan_customer *c,
                         struct engine_result *r)
{
	struct engine_cust x;
	struct err e;
	double t0 = engine_customer_now();

	memset(&x, 0, sizeof x);
	x.w = w;
	x.p = w->sh->plan;
	x.c = c;
	x.r = r;
	x.uidl = uidl_strategy(x.p);
	r->ran = true;
	err_clear(&e);
	int rc = journal_customer_upsert(w->j, c->id, c->email, &e) < 0 ||
	         journal_customer_state(w->j, c->id, "running", NULL, NULL, &e) < 0
	             ? -1 : engine_customer_passes(&x, &e);
	r->ok = rc == 0;
	r->cls = ERR_NONE;
	r->interrupted = rc < 0 && w->sh->opts->stop && *w->sh->opts->stop;
	engine_count_finish(&x, rc < 0 && !r->interrupted);
	r->seconds = engine_customer_now() - t0;
	if (rc < 0) {
		engine_customer_failed(&x, &e);
	} else if (!r->ok) {
		err_clear(&e);
		err_set(&e, r->cls, "%s", r->error);
		engine_customer_failed(&x, &e);
	} else if (journal_customer_state(w->j, c->id, "done", NULL, NULL, &e) < 0) {
		engine_customer_failed(&x, &e);
	} else {
		engine_log(w, c->id, "info", "done: %llu copied, %llu already there, %.1f s",
		           (unsigned long long)r->copied, (unsigned long long)r->skipped, r->seconds);
	}
}
