/* inventory: parallel read-only survey of every customer, with timed samples. */
#include "migrate/survey/inventory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/caps.h"
#include "migrate/driver.h"
#include "migrate/session.h"
#include "migrate/msg/hdr.h"
#include "migrate/survey/inv_already.h"

#define INV_SAMPLE_CUSTOMERS 8   /* customers whose first messages are fetched, timed */
#define INV_SAMPLE_MSGS 8
#define INV_SAMPLE_BYTES (2u * 1024 * 1024)

struct inv_shared {
	const struct plan *p;
	struct inventory *inv;
	pthread_mutex_t lock;
	size_t next;
	size_t sampled;
	bool append_claimed;
};

static double inv_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void inv_sample_add(struct inventory_samples *s, double t, double size)
{
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 64;
		double *nt = realloc(s->t, na * sizeof *nt);
		if (!nt)
			return;
		s->t = nt;
		double *ns = realloc(s->size, na * sizeof *ns);
		if (!ns)
			return;
		s->size = ns;
		s->alloc = na;
	}
	s->t[s->n] = t;
	s->size[s->n] = size;
	s->n++;
}

bool inventory_fit(const struct inventory_samples *s, double *per_msg, double *per_byte)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = (double)s->n, den;
	if (s->n < 2)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		sx += s->size[i];
		sy += s->t[i];
		sxx += s->size[i] * s->size[i];
		sxy += s->size[i] * s->t[i];
	}
	den = n * sxx - sx * sx;
	if (den <= 0) { /* all samples the same size: no slope to fit */
		*per_byte = 0;
		*per_msg = sy / n;
		return true;
	}
	*per_byte = (n * sxy - sx * sy) / den;
	*per_msg = (sy - *per_byte * sx) / n;
	/* Noise on a small sample can make one term negative; neither can be. */
	if (*per_byte < 0) {
		*per_byte = 0;
		*per_msg = sy / n;
	}
	if (*per_msg < 0) {
		*per_msg = 0;
		*per_byte = sxx > 0 ? sxy / sxx : 0;
	}
	return true;
}

struct inv_fetch_ctx {
	struct inv_shared *sh;
	double last;
	struct buf *keep;           /* sample bodies kept for the append measurement, or NULL */
	size_t *keep_len;
	size_t n_keep;
};

static int inv_fetch_cb(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                        struct err *e)
{
	struct inv_fetch_ctx *fc = ctx;
	double now = inv_now();
	(void)m;
	(void)e;
	pthread_mutex_lock(&fc->sh->lock);
	inv_sample_add(&fc->sh->inv->fetch, now - fc->last, (double)len);
	pthread_mutex_unlock(&fc->sh->lock);
	if (fc->keep && fc->n_keep < INV_SAMPLE_MSGS) {
		buf_init(&fc->keep[fc->n_keep], 0);
		if (buf_append(&fc->keep[fc->n_keep], data, len) == 0)
			fc->keep_len[fc->n_keep++] = len;
	}
	fc->last = inv_now();
	return 0;
}

/* A failure for the report: our message, then the server's own words when it said any. */
static void inv_detail(char *out, size_t n, const struct err *e)
{
	if (e->server[0])
		snprintf(out, n, "%s (server: %s)", e->msg, e->server);
	else
		snprintf(out, n, "%s", e->msg);
}

struct inv_header_ctx {
	int64_t *no_message_id;
	const struct drv_msg_list *l;
	struct inv_wants *wants;
};

static int inv_header_cb(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                         struct err *e)
{
	struct inv_header_ctx *hc = ctx;
	char id[8];
	if (!hdr_message_id(data, len, id, sizeof id))
		(*hc->no_message_id)++;
	/* m is hc->l->v[i]: the headers pass hands the listing's own entries back */
	if (hc->wants && inv_wants_set(hc->wants, (size_t)(m - hc->l->v), m, data, len) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

/* Messages without a Message-ID: cutover copies them like any other (identity is the
 * source's key), but peers that deduplicate by Message-ID drop them, and the report says
 * how many a customer has. Headers only (TOP n 0), never bodies. */
static int inv_count_no_id(const struct src_ops *ops, struct src *s, const struct drv_msg_list *l,
                           struct inventory_customer *ic, struct inv_wants *wants, struct err *e)
{
	const struct drv_msg **v;
	if (!ops->headers || ic->no_message_id < 0) {
		ic->no_message_id = -1;
		return 0;
	}
	if (!l->n)
		return 0;
	v = malloc(l->n * sizeof *v);
	if (!v)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < l->n; i++)
		v[i] = &l->v[i];
	struct inv_header_ctx hc = { &ic->no_message_id, l, wants };
	int rc = ops->headers(s, v, l->n, inv_header_cb, &hc, e);
	free(v);
	return rc;
}

/* Appends into a scratch folder, timed one by one, then the folder is removed. */
static void inv_measure_appends(struct inv_shared *sh, struct dst *d, struct buf *msgs,
                                const size_t *lens, size_t n)
{
	char folder[64];
	struct err e;
	size_t done;
	err_clear(&e);
	snprintf(folder, sizeof folder, "cutover-dry-run-%ld", (long)getpid());
	if (!d->ops->remove) {
		snprintf(sh->inv->append_note, sizeof sh->inv->append_note,
		         "not measured: the destination driver cannot remove a scratch folder");
		return;
	}
	if (d->ops->create(d, folder, false, &e) < 0 || d->ops->select(d, folder, NULL, &e) < 0) {
		snprintf(sh->inv->append_note, sizeof sh->inv->append_note, "not measured: %s", e.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct drv_append a = { .data = msgs[i].data, .len = lens[i] };
		double t0 = inv_now();
		if (d->ops->append(d, folder, &a, 1, &done, &e) < 0)
			break;
		pthread_mutex_lock(&sh->lock);
		inv_sample_add(&sh->inv->append, inv_now() - t0, (double)lens[i]);
		pthread_mutex_unlock(&sh->lock);
	}
	if (d->ops->remove(d, folder, &e) < 0)
		snprintf(sh->inv->append_note, sizeof sh->inv->append_note,
		         "measured in %s, but removing it failed: %s", folder, e.msg);
	else
		snprintf(sh->inv->append_note, sizeof sh->inv->append_note,
		         "measured with %zu appends into a scratch folder, removed afterwards", n);
	sh->inv->append_measured = true;
}

static void inv_source(struct inv_shared *sh, struct inventory_customer *ic, struct buf *keep,
                       size_t *keep_len, size_t *n_keep)
{
	struct src *s = NULL;
	struct drv_folder *folders = NULL;
	size_t n_folders = 0;
	struct err e;
	bool sample = false;

	err_clear(&e);
	if (session_open_src(&s, sh->p, ic->c, SESSION_SOURCE, NULL, &e) < 0)
		goto fail;
	const struct src_ops *ops = s->ops;
	snprintf(ic->uidl_style, sizeof ic->uidl_style, "%s", ops->uidl_style ? ops->uidl_style(s) : "");
	if (ops->caps(s) & DRV_SRC_FOLDERS) {
		if (ops->folders(s, &folders, &n_folders, &e) < 0)
			goto fail;
	}
	pthread_mutex_lock(&sh->lock);
	if (sh->sampled < INV_SAMPLE_CUSTOMERS) {
		sh->sampled++;
		sample = true;
	}
	pthread_mutex_unlock(&sh->lock);
	ic->folders = calloc(n_folders ? n_folders : 1, sizeof *ic->folders);
	if (!ic->folders) {
		err_set(&e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (size_t f = 0; f < (n_folders ? n_folders : 1); f++) {
		const char *name = n_folders ? folders[f].name : "INBOX";
		struct inventory_folder *inf = &ic->folders[ic->n_folders];
		struct drv_msg_list l = { 0 };
		if (n_folders && folders[f].noselect)
			continue;
		if (ops->select(s, name, NULL, &e) < 0 || ops->list(s, &l, &e) < 0)
			goto fail;
		inf->name = strdup(name);
		inf->wants = inv_wants_new(sh->p, l.n);
		ic->n_folders++;
		for (size_t i = 0; i < l.n; i++) {
			if (inf->wants && inv_wants_set(inf->wants, i, &l.v[i], NULL, 0) < 0) {
				inv_wants_free(inf->wants);
				inf->wants = NULL;
			}
			inf->msgs++;
			inf->bytes += l.v[i].size;
			if (l.v[i].size > ic->largest)
				ic->largest = l.v[i].size;
			if (ic->max_message && l.v[i].size > ic->max_message)
				ic->oversize++;
		}
		ic->msgs += inf->msgs;
		ic->bytes += inf->bytes;
		if (inv_count_no_id(ops, s, &l, ic, inf->wants, &e) < 0) {
			drv_msg_list_free(&l);
			goto fail;
		}
		if (sample && l.n) {
			const struct drv_msg *pick[INV_SAMPLE_MSGS];
			size_t np = 0;
			uint64_t b = 0;
			for (size_t i = 0; i < l.n && np < INV_SAMPLE_MSGS && b < INV_SAMPLE_BYTES; i++) {
				pick[np++] = &l.v[i];
				b += l.v[i].size;
			}
			struct inv_fetch_ctx fc = { sh, inv_now(), keep, keep_len, *n_keep };
			if (ops->fetch(s, pick, np, inv_fetch_cb, &fc, &e) < 0) {
				drv_msg_list_free(&l);
				goto fail;
			}
			*n_keep = fc.n_keep;
			sample = false;
		}
		drv_msg_list_free(&l);
	}
	ic->src_ok = true;
	drv_folder_list_free(folders, n_folders);
	ops->close(s);
	return;
fail:
	/* Open failures already name the side (session.h); what failed later gets it here. */
	if (s)
		err_prefix(&e, "source: ");
	ic->src_cls = e.cls;
	inv_detail(ic->src_detail, sizeof ic->src_detail, &e);
	drv_folder_list_free(folders, n_folders);
	if (s)
		s->ops->close(s);
}

/* What a run would find on the destination already, by one index pass per folder
 * (inv_already.h); a folder it does not have yet holds nothing. */
static int inv_already(struct dst *d, struct inventory_customer *ic, struct err *e)
{
	for (size_t f = 0; d->ops->index && f < ic->n_folders; f++) {
		struct drv_index ix = { NULL, 0 };
		if (d->ops->select(d, ic->folders[f].name, NULL, e) < 0) {
			if (e->cls != ERR_NOTFOUND)
				return -1;
			err_clear(e);
			continue;
		}
		struct inventory_folder *inf = &ic->folders[f];
		if (d->ops->index(d, inf->name, inv_wants_header(inf->wants), &ix, e) < 0)
			return -1;
		ic->already += inv_wants_count(inf->wants, &ix);
	}
	return 0;
}

static void inv_destination(struct inv_shared *sh, struct inventory_customer *ic, struct buf *keep,
                            const size_t *keep_len, size_t n_keep)
{
	const struct plan *p = sh->p;
	struct dst *d = NULL;
	struct err e;
	uint64_t maxmsg = 0, used = 0, limit = 0;
	bool measure = false;

	err_clear(&e);
	if (session_open_dst(&d, p, ic->c, NULL, &e) < 0)
		goto fail;
	const struct dst_ops *ops = d->ops;
	pthread_mutex_lock(&sh->lock);
	if (!sh->inv->dst_caps_known) {
		sh->inv->dst_caps = ops->caps(d);
		sh->inv->dst_caps_known = true;
	}
	pthread_mutex_unlock(&sh->lock);
	if ((ops->limits && ops->limits(d, &maxmsg, &used, &limit, &e) < 0) || inv_already(d, ic, &e) < 0)
		goto fail;
	ic->dst_ok = true;
	ic->quota_used = used;
	ic->quota_limit = limit ? limit : p->migration.destination.quota_bytes;
	if (ic->quota_limit && ic->quota_used + ic->bytes > ic->quota_limit)
		ic->over_quota = true;
	if (maxmsg && (!ic->max_message || maxmsg < ic->max_message)) {
		/* The server's own limit is stricter than the plan's: count again against it. */
		ic->max_message = maxmsg;
		ic->oversize = ic->largest > maxmsg ? 1 : 0;
	}
	if (n_keep && p->migration.allow_writes_in_dry_run) {
		pthread_mutex_lock(&sh->lock);
		if (!sh->append_claimed)
			measure = sh->append_claimed = true;
		pthread_mutex_unlock(&sh->lock);
	}
	if (measure)
		inv_measure_appends(sh, d, keep, keep_len, n_keep);
	ops->close(d);
	return;
fail:
	if (d)
		err_prefix(&e, "destination: ");
	ic->dst_cls = e.cls;
	inv_detail(ic->dst_detail, sizeof ic->dst_detail, &e);
	if (d)
		d->ops->close(d);
}

static void *inv_worker(void *arg)
{
	struct inv_shared *sh = arg;
	for (;;) {
		struct buf keep[INV_SAMPLE_MSGS];
		size_t keep_len[INV_SAMPLE_MSGS], n_keep = 0, i;
		struct inventory_customer *ic;
		pthread_mutex_lock(&sh->lock);
		i = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		if (i >= sh->inv->n)
			return NULL;
		ic = &sh->inv->v[i];
		ic->max_message = sh->p->migration.destination.max_message_bytes;
		inv_source(sh, ic, keep, keep_len, &n_keep);
		inv_destination(sh, ic, keep, keep_len, n_keep);
		for (size_t f = 0; f < ic->n_folders; f++) {   /* held for the destination pass only */
			inv_wants_free(ic->folders[f].wants);
			ic->folders[f].wants = NULL;
		}
		for (size_t k = 0; k < n_keep; k++)
			buf_release(&keep[k]);
	}
}

int inventory_run(const struct plan *p, int workers, struct inventory *out, struct err *e)
{
	struct inv_shared sh = { .p = p, .inv = out };
	pthread_t th[CAPS_WORKERS_MAX];
	int started = 0;

	memset(out, 0, sizeof *out);
	out->v = calloc(p->n_customers ? p->n_customers : 1, sizeof *out->v);
	if (!out->v)
		return err_set(e, ERR_NOMEM, "out of memory");
	out->n = p->n_customers;
	for (size_t i = 0; i < p->n_customers; i++)
		out->v[i].c = &p->customers[i];
	if (!p->migration.allow_writes_in_dry_run)
		snprintf(out->append_note, sizeof out->append_note,
		         "not measured: the plan forbids writes during a dry run");
	if (workers < 1)
		workers = 1;
	if (workers > CAPS_WORKERS_MAX)
		workers = CAPS_WORKERS_MAX;
	pthread_mutex_init(&sh.lock, NULL);
	for (int i = 0; i < workers; i++)
		if (pthread_create(&th[started], NULL, inv_worker, &sh) == 0)
			started++;
	if (!started)
		inv_worker(&sh);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&sh.lock);
	if (!out->append_note[0])
		snprintf(out->append_note, sizeof out->append_note,
		         "not measured: no customer could be logged in to on both sides");
	return 0;
}

void inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n; i++) {
		for (size_t f = 0; f < inv->v[i].n_folders; f++) {
			free(inv->v[i].folders[f].name);
			inv_wants_free(inv->v[i].folders[f].wants);
		}
		free(inv->v[i].folders);
	}
	free(inv->v);
	free(inv->fetch.t);
	free(inv->fetch.size);
	free(inv->append.t);
	free(inv->append.size);
	memset(inv, 0, sizeof *inv);
}
