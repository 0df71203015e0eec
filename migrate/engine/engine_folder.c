/* engine_folder: one folder of a customer — select both sides, list the source, diff
 * with the journal (engine_diff), copy the work in batches (engine_copy), then carry flag
 * changes and deletions of earlier copies (engine_sync). */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

/* Count what the diff found; the display takes a folder once, in the first pass. */
static void engine_folder_count(struct engine_cust *x, const struct drv_msg_list *list,
                                const struct engine_work *w)
{
	x->display_new = x->folder_idx++ >= x->folders_counted;
	if (x->display_new)
		x->folders_counted = x->folder_idx;
	engine_count(x, ENGINE_COUNT_LISTED, list->n, w->listed_bytes);
	engine_count(x, ENGINE_COUNT_SKIPPED, w->skipped, w->skipped_bytes);
	engine_count(x, ENGINE_COUNT_TODO, w->n, 0);
}

/* The next batch from work item i on, bounded by count and bytes (one big message goes
 * alone); its size. */
static size_t engine_folder_fill(const struct engine_work *w, size_t i, struct engine_item *items)
{
	size_t nb = 0;
	uint64_t bb = 0;
	while (i + nb < w->n && nb < CAPS_BATCH_MESSAGES &&
	       (nb == 0 || bb + w->todo[i + nb]->size <= CAPS_BATCH_BYTES)) {
		bb += w->todo[i + nb]->size;
		items[nb].m = w->todo[i + nb];
		items[nb].prev = w->prev[i + nb];
		items[nb].state = ENGINE_ITEM_LISTED;
		nb++;
	}
	return nb;
}

/* Two batches in flight at most: while the worker takes batch k to the destination
 * (journal, APPEND, journal), batch k+1 is fetched from the source on a second thread
 * (engine_fetch.c). The journal sees batch k+1 only once batch k is done, exactly as when
 * one followed the other; a stop request is obeyed between batches, and a batch fetched
 * ahead that is not taken is dropped with nothing of it journaled. */
struct engine_batch {
	struct engine_item items[CAPS_BATCH_MESSAGES];
	size_t n;
	struct engine_fetch fetch;
};

static int engine_folder_batches(struct engine_folder *f, const struct engine_work *w,
                                 struct err *e)
{
	const volatile int *stop = f->x->w->sh->opts->stop;
	struct engine_batch *b = calloc(2, sizeof *b);
	size_t i = 0, cur = 0;
	int rc = 0;
	if (!b)
		return err_set(e, ERR_NOMEM, "out of memory");
	b[cur].n = engine_folder_fill(w, i, b[cur].items);
	i += b[cur].n;
	if (b[cur].n && !(stop && *stop))
		engine_fetch_start(&b[cur].fetch, f, b[cur].items, b[cur].n);
	while (b[cur].n && rc == 0) {
		struct engine_batch *now = &b[cur], *next = &b[1 - cur];
		bool stopping = stop && *stop;
		if (!stopping) {
			/* the source session is free once this batch's fetch ends: the next one starts */
			engine_fetch_wait(&now->fetch);
			next->n = engine_folder_fill(w, i, next->items);
			i += next->n;
			if (next->n)
				engine_fetch_start(&next->fetch, f, next->items, next->n);
		}
		if (stopping || pace_wait(&f->x->w->sh->pace, now->n, f->x->w->sh->opts->stop))
			rc = err_set(e, ERR_TEMP, "interrupted");
		else if (engine_fetch_take(f, &now->fetch, e) < 0 || engine_copy_batch(f, now->items, now->n, e) < 0)
			rc = -1;
		engine_fetch_drop(&now->fetch);
		engine_items_release(now->items, now->n);
		now->n = 0;
		cur = 1 - cur;
	}
	/* stopped or failed with the next batch fetched ahead: wait for it, then drop it */
	engine_fetch_drop(&b[cur].fetch);
	engine_items_release(b[cur].items, b[cur].n);
	free(b);
	return rc;
}

/* After the copies: superseded rows, dropped keywords, flag changes and deletions. */
static int engine_folder_after(struct engine_folder *f, const struct drv_msg_list *list,
                               const struct journal_msg_set *set, struct err *e)
{
	struct engine_cust *x = f->x;
	struct engine_sync_stats st = { 0, 0, 0 };
	if (engine_rematch_finish(&f->rematch, x->w->j, e) < 0)
		return -1;
	if (f->kw_dropped)
		engine_log(x->w, x->c->id, "warn", "folder %s: %llu keyword(s) not copied: the destination "
		           "folder does not keep them (PERMANENTFLAGS)", f->dfolder,
		           (unsigned long long)f->kw_dropped);
	if (engine_sync_folder(x->w, x->c->id, x->dst, f->dfolder, f->dst_uidvalidity,
	                       (x->src->ops->caps(x->src) & DRV_SRC_FLAGS) != 0, list, set,
	                       f->rematch.used, &st, e) < 0)
		return -1;
	x->r->flags_updated += st.flags_updated;
	x->r->deleted_on_source += st.deleted;
	x->r->removed += st.removed;
	return 0;
}

/* Check the journal against the destination (one index pass): rows gone from it are
 * copied again, and what is there unrecorded is found instead of appended. */
static int engine_folder_reconcile(struct engine_folder *f, struct journal_msg_set *set,
                                   struct err *e)
{
	struct engine_cust *x = f->x;
	struct dst *d = x->dst;
	struct drv_index ix = { NULL, 0 };
	const char *name = NULL, *value = NULL;
	if (!d->ops->index)
		return 0;
	/* The strategy's header name; a UIDL key makes preserve name it. */
	if (!x->uidl->find("1", DRV_KEY_UIDL, &name, &value))
		name = NULL;
	if (d->ops->index(d, f->dfolder, name, &ix, e) < 0)
		return err_prefix(e, "indexing the destination: ");
	if (engine_recon_init(&f->recon, &ix) < 0) {
		drv_index_free(&ix);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	size_t missing = engine_recon_check(&f->recon, set, f->dst_uidvalidity);
	if (missing)
		engine_log(x->w, x->c->id, "warn", "folder %s: %zu message(s) the journal has as copied "
		           "are not on the destination (now UIDVALIDITY %u): copying them again",
		           f->dfolder, missing, f->dst_uidvalidity);
	x->r->missing += missing;
	return 0;
}

/* The diff of one listing with the journal, and the state its stages start from. */
static int engine_folder_plan(struct engine_folder *f, const struct drv_msg_list *list,
                              struct journal_msg_set *set, struct engine_work *w,
                              struct err *e)
{
	struct engine_cust *x = f->x;
	if (engine_folder_reconcile(f, set, e) < 0)
		return -1;
	bool skip_deleted = !x->p->migration.copy_deleted &&
	                    (x->src->ops->caps(x->src) & DRV_SRC_FLAGS);
	if (engine_diff(list, set, skip_deleted, f->src_uidvalidity, w) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (w->n_reseq && journal_msgs_set_seq(x->w->j, w->reseq, w->n_reseq, e) < 0)
		return -1;
	if (w->stale)
		engine_log(x->w, x->c->id, "warn", "folder %s: the source's UIDVALIDITY changed (now %u); "
		           "re-matching %zu message(s) copied before by Message-ID, size and digest",
		           f->sfolder, f->src_uidvalidity, w->stale);
	if (engine_rematch_init(&f->rematch, set, w->stale, f->src_uidvalidity, f->dst_uidvalidity) < 0 ||
	    engine_doubt_init(&f->doubt, set, f->dst_uidvalidity) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	engine_folder_count(x, list, w);
	return 0;
}

int engine_folder_run(struct engine_cust *x, const char *sfolder, const char *dfolder,
                      struct err *e)
{
	struct drv_msg_list list = { NULL, 0 };
	struct journal_msg_set set = { NULL, 0 };
	struct engine_work w;
	struct engine_folder f;
	int rc = -1;

	memset(&w, 0, sizeof w);
	memset(&f, 0, sizeof f);
	f.x = x;
	f.sfolder = sfolder;
	f.dfolder = dfolder;
	if (x->src->ops->select(x->src, sfolder, &f.src_uidvalidity, e) < 0 ||
	    x->dst->ops->select(x->dst, dfolder, &f.dst_uidvalidity, e) < 0 ||
	    x->src->ops->list(x->src, &list, e) < 0)
		goto out;
	f.src_caps = x->src->ops->caps(x->src);
	engine_warnings(x);
	if (journal_msgs_load(x->w->j, x->c->id, sfolder, &set, e) < 0 ||
	    engine_folder_plan(&f, &list, &set, &w, e) < 0 ||
	    engine_folder_batches(&f, &w, e) < 0 || engine_folder_after(&f, &list, &set, e) < 0)
		goto out;
	rc = 0;
out:
	engine_doubt_free(&f.doubt);
	engine_rematch_free(&f.rematch);
	engine_recon_free(&f.recon);
	engine_work_free(&w);
	journal_msg_set_free(&set);
	drv_msg_list_free(&list);
	return rc;
}
