/* engine_diff: the pure part of a folder — the source's listing against the journal's
 * rows gives the work: what to copy (with the row of a message left in doubt), what is
 * already there, which known rows moved in the source's order, and how many were copied
 * under an older source UIDVALIDITY. No I/O: unit tests call it directly. */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

void engine_work_free(struct engine_work *w)
{
	free(w->todo);
	free(w->prev);
	free(w->reseq);
	memset(w, 0, sizeof *w);
}

/* Done before, or flagged deleted and not to be copied. */
static bool engine_diff_skip(const struct drv_msg *m, const struct journal_msg *jm,
                             bool skip_deleted)
{
	if (jm && (jm->state == JOURNAL_MSG_DONE || jm->state == JOURNAL_MSG_SKIPPED))
		return true;
	return skip_deleted && (m->flags & DRV_FLAG_DELETED);
}

/* A key carrying the UIDVALIDITY changes with it: every message then looks new, and the
 * rows copied under the old one are matched by content instead (engine_rematch). */
static size_t engine_diff_stale(const struct journal_msg_set *set, uint32_t src_uidvalidity)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].state == JOURNAL_MSG_DONE && set->v[i].src_kind == JOURNAL_KEY_UID &&
		    src_uidvalidity && set->v[i].src_uidvalidity != src_uidvalidity)
			n++;
	return n;
}

int engine_diff(const struct drv_msg_list *list, const struct journal_msg_set *set,
                bool skip_deleted, uint32_t src_uidvalidity, struct engine_work *out)
{
	memset(out, 0, sizeof *out);
	out->todo = calloc(list->n + 1, sizeof *out->todo);
	out->prev = calloc(list->n + 1, sizeof *out->prev);
	out->reseq = calloc(list->n + 1, sizeof *out->reseq);
	if (!out->todo || !out->prev || !out->reseq) {
		engine_work_free(out);
		return -1;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct drv_msg *m = &list->v[i];
		const struct journal_msg *jm = journal_msg_set_find(set, m->key);
		out->listed_bytes += m->size;
		/* Message numbers shift when mail is deleted between passes: keep the journal's
		 * order current, so exports list messages as the source does now. */
		if (jm && jm->src_seq != m->seq) {
			out->reseq[out->n_reseq] = *jm;
			out->reseq[out->n_reseq++].src_seq = m->seq;
		}
		if (engine_diff_skip(m, jm, skip_deleted)) {
			out->skipped++;
			out->skipped_bytes += m->size;
			continue;
		}
		out->todo[out->n] = m;
		out->prev[out->n++] = jm && jm->state == JOURNAL_MSG_INTENT ? jm : NULL;
	}
	out->stale = engine_diff_stale(set, src_uidvalidity);
	return 0;
}
