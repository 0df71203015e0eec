/* engine_fetch: the source's side of one batch, on a thread of its own while the worker
 * sends the batch before to the destination. At one worker and a real network's round
 * trip the source would otherwise wait while the destination stores, and the other way
 * round.
 *
 * The thread does the raw fetch only: the bytes of each message (a large one into its
 * spool file), a message's own refusal (vanished, too big), the source's warnings. It
 * touches the source session and this batch's items, nothing else: no journal, no
 * counter, no log, no destination. The worker then takes the batch (engine_fetch_take)
 * and does, in source order and on its own thread, what it did before while fetching:
 * refused messages FAILED in the journal, the rest prepared. The journal's order (intent
 * before the APPEND, done after it) is the worker's alone, so a crash or an interrupt at
 * any moment leaves what it left before: a batch fetched ahead and not yet taken has
 * nothing in the journal and is fetched again by the next pass. */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

/* Whether a message goes through a spool file: over the threshold (0 = the default), and
 * the source can write one. */
static bool engine_fetch_spools(const struct engine_fetch *j, const struct drv_msg *m)
{
	uint64_t t = j->f->x->p->migration.spool_threshold;
	return j->src->ops->fetch_spool && m->size > (t ? t : ENGINE_SPOOL_THRESHOLD);
}

/* The source's warnings, kept for the worker to log: the thread logs nothing. */
static void engine_fetch_warnings(struct engine_fetch *j)
{
	const char *w;
	if (!j->src->ops->warning)
		return;
	while ((w = j->src->ops->warning(j->src)) != NULL)
		if (buf_append(&j->warn, w, strlen(w) + 1) < 0)
			j->warn_lost++;
}

/* A message the source refuses on its own: the worker fails it, in order. */
static void engine_fetch_refused(struct engine_item *it, struct err *e)
{
	it->refused = true;
	it->why = *e;
	err_clear(e);
}

static int engine_fetch_spooled(struct engine_fetch *j, struct engine_item *it, struct err *e)
{
	if (spool_open(&it->spool, j->f->x->p->migration.spool_dir, e) < 0)
		return err_prefix(e, "message %s: ", it->m->key);
	it->spooled = true;
	int rc = j->src->ops->fetch_spool(j->src, it->m, &it->spool, e);
	engine_fetch_warnings(j);
	if (rc == 0) {
		it->fetched = true;
		return 0;
	}
	if (e->scope != ERR_SCOPE_MESSAGE)
		return err_prefix(e, "fetching from the source: ");
	engine_fetch_refused(it, e);
	return 0;
}

static int engine_fetch_on_msg(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                               struct err *e)
{
	struct engine_fetch *j = ctx;
	/* Drivers call back in order; match by key to stay correct if one is skipped. */
	for (size_t i = j->next; i < j->n; i++) {
		struct engine_item *it = &j->items[i];
		if (it->m != m && strcmp(it->m->key, m->key) != 0)
			continue;
		j->next = i + 1;
		if (!(it->raw = malloc(len ? len : 1)))
			return err_set(e, ERR_NOMEM, "out of memory");
		memcpy(it->raw, data, len);
		it->raw_len = len;
		it->fetched = true;
		return 0;
	}
	return err_set(e, ERR_PROTOCOL, "source returned a message that was not asked for (%s)", m->key);
}

/* Every item: spooled ones one by one, the rest in one request; one the source refuses
 * on its own is marked and the rest are asked for again. */
static int engine_fetch_all(struct engine_fetch *j, struct err *e)
{
	struct src *s = j->src;
	const struct drv_msg *msgs[CAPS_BATCH_MESSAGES];
	struct engine_item *items = j->items;
	size_t n = j->n;
	for (size_t i = 0; i < n; i++)
		if (engine_fetch_spools(j, items[i].m) && engine_fetch_spooled(j, &items[i], e) < 0)
			return -1;
	j->next = 0;
	while (j->next < n) {
		size_t k = 0;
		for (size_t i = j->next; i < n; i++)
			if (!items[i].spooled)
				msgs[k++] = items[i].m;
		if (k == 0)
			break;
		int rc = s->ops->fetch(s, msgs, k, engine_fetch_on_msg, j, e);
		engine_fetch_warnings(j);
		if (rc == 0)
			break;
		/* the first not spooled after the last passed back is the refused one */
		while (j->next < n && items[j->next].spooled)
			j->next++;
		if (e->scope != ERR_SCOPE_MESSAGE || j->next >= n)
			return err_prefix(e, "fetching from the source: ");
		engine_fetch_refused(&items[j->next], e);
		j->next++;
	}
	return 0;
}

static void *engine_fetch_main(void *arg)
{
	struct engine_fetch *j = arg;
	j->rc = engine_fetch_all(j, &j->e);
	return NULL;
}

void engine_fetch_start(struct engine_fetch *j, struct engine_folder *f, struct engine_item *items,
                        size_t n)
{
	j->f = f;
	j->src = f->x->src;
	j->items = items;
	j->n = n;
	j->next = 0;
	j->rc = 0;
	err_clear(&j->e);
	buf_init(&j->warn, 0);
	j->warn_lost = 0;
	j->running = pthread_create(&j->th, NULL, engine_fetch_main, j) == 0;
	if (!j->running)   /* no thread to be had: fetch now, on the worker */
		engine_fetch_main(j);
}

void engine_fetch_wait(struct engine_fetch *j)
{
	if (j->running)
		pthread_join(j->th, NULL);
	j->running = false;
}

void engine_fetch_drop(struct engine_fetch *j)
{
	engine_fetch_wait(j);
	buf_release(&j->warn);
}

int engine_fetch_take(struct engine_folder *f, struct engine_fetch *j, struct err *e)
{
	struct engine_cust *x = f->x;
	engine_fetch_wait(j);
	for (size_t at = 0; at < j->warn.len; at += strlen(j->warn.data + at) + 1)
		engine_log(x->w, x->c->id, "warn", "source: %s", j->warn.data + at);
	if (j->warn_lost)
		engine_log(x->w, x->c->id, "warn", "source: %zu warning(s) lost (out of memory)",
		           j->warn_lost);
	buf_release(&j->warn);
	for (size_t i = 0; i < j->n; i++) {
		struct engine_item *it = &j->items[i];
		if (it->refused && engine_item_fail(f, it, &it->why, e) < 0)
			return -1;
		if (j->rc == 0 && it->fetched && engine_copy_prepare(f, it, e) < 0)
			return -1;
	}
	if (j->rc < 0) {
		*e = j->e;
		return -1;
	}
	for (size_t i = 0; i < j->n; i++)
		if (j->items[i].state == ENGINE_ITEM_LISTED)
			return err_set(e, ERR_PROTOCOL, "source did not return message %s",
			               j->items[i].m->key);
	return 0;
}
