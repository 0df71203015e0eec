/* engine_reconcile: the journal is checked against what the destination holds now, from
 * one index pass per folder (dst_ops.index), before it is trusted:
 *   - a DONE row whose destination UIDVALIDITY changed, or whose UID is gone, is copied
 *     again (the destination was wiped, or messages were removed behind our back);
 *   - a message the journal does not know may already be there (a lost or new journal, a
 *     renamed plan): it is found by the UIDL strategy's header (X-UIDL), else by
 *     Message-ID and stored size; only a tie among candidates needs a digest.
 * Each destination message is claimed at most once, so duplicates on the source are
 * copied as often as they exist there. The matching is pure (no I/O): unit-tested. */
#include "migrate/engine/engine_p.h"
#include "migrate/msg/crlf.h"

#include <stdlib.h>
#include <string.h>

int engine_recon_init(struct engine_recon *r, struct drv_index *ix)
{
	memset(r, 0, sizeof *r);
	r->ix = *ix;
	memset(ix, 0, sizeof *ix);
	r->active = true;
	if (!(r->taken = calloc(r->ix.n + 1, sizeof *r->taken)))
		return -1;
	return 0;
}

void engine_recon_free(struct engine_recon *r)
{
	drv_index_free(&r->ix);
	free(r->taken);
	memset(r, 0, sizeof *r);
}

/* Index position of `uid`, or -1 (the index is in ascending UID order). */
static long engine_recon_find(const struct engine_recon *r, uint32_t uid)
{
	size_t lo = 0, hi = r->ix.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->ix.v[mid].uid == uid)
			return (long)mid;
		if (r->ix.v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void engine_recon_take_uid(struct engine_recon *r, uint32_t uid)
{
	long i = r->active ? engine_recon_find(r, uid) : -1;
	if (i >= 0 && !r->taken[i]) {
		r->taken[i] = true;
		r->n_taken++;
	}
}

size_t engine_recon_check(struct engine_recon *r, struct journal_msg_set *set,
                          uint32_t dst_uidvalidity)
{
	size_t missing = 0;
	if (!r->active)
		return 0;
	for (size_t i = 0; i < set->n; i++) {
		struct journal_msg *jm = &set->v[i];
		if (jm->state != JOURNAL_MSG_DONE)
			continue;
		bool moved = jm->dst_uidvalidity && dst_uidvalidity && jm->dst_uidvalidity != dst_uidvalidity;
		/* Without a UID (no UIDPLUS) the row cannot be checked by UID: trusted. */
		bool gone = !moved && jm->dst_uid && engine_recon_find(r, jm->dst_uid) < 0;
		if (moved || gone) {
			/* In memory only: the diff now sees it as not copied; the journal row is
			 * rewritten by the copy (INTENT, then DONE with the new UID). */
			jm->state = JOURNAL_MSG_FAILED;
			missing++;
		} else if (jm->dst_uid) {
			engine_recon_take_uid(r, jm->dst_uid);
		}
	}
	return missing;
}

static bool engine_recon_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Untaken entries that fit, at most max, in UID order. how: 0 the header value, 1 the
 * header value and size, 2 Message-ID and size (no Message-ID: none and size). */
static size_t engine_recon_pick(const struct engine_recon *r, const struct engine_recon_want *w,
                                int how, size_t *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < r->ix.n && k < max; i++) {
		const struct drv_index_entry *en = &r->ix.v[i];
		bool ok;
		/* Carrying another message's header (X-UIDL), it is that message. */
		if (r->taken[i] || (how >= 2 && en->found_by))
			continue;
		if (how == 0)
			ok = engine_recon_eq(en->found_by, w->found_by);
		else if (how == 1)
			ok = engine_recon_eq(en->found_by, w->found_by) && en->size == w->size;
		else if (w->message_id)
			ok = engine_recon_eq(en->message_id, w->message_id) && en->size == w->size;
		else
			ok = !en->message_id && en->size == w->size;
		if (ok)
			out[k++] = i;
	}
	return k;
}

size_t engine_recon_candidates(const struct engine_recon *r, const struct engine_recon_want *w,
                               size_t *out, size_t max, bool *need_digest)
{
	size_t k = 0;
	*need_digest = false;
	if (!r->active || r->n_taken >= r->ix.n || max == 0)
		return 0;
	if (w->found_by && (k = engine_recon_pick(r, w, 0, out, max)) > 0) {
		/* The strategy's header names the message; among several (a UIDL repeated on
		 * the source), the same size first, and the digest decides a tie. */
		size_t same = k > 1 ? engine_recon_pick(r, w, 1, out, max) : k;
		if (same == 0)
			k = engine_recon_pick(r, w, 0, out, max);
		else
			k = same;
		*need_digest = k > 1;
		return k;
	}
	k = engine_recon_pick(r, w, 2, out, max);
	/* Without a Message-ID, size alone proposes; the digest always decides. */
	*need_digest = k > 1 || (k == 1 && !w->message_id);
	return k;
}

void engine_recon_take(struct engine_recon *r, size_t i)
{
	if (i < r->ix.n && !r->taken[i]) {
		r->taken[i] = true;
		r->n_taken++;
	}
}

uint64_t engine_recon_stored_size(const char *d, size_t len)
{
	return crlf_stored_size(d, len);
}
