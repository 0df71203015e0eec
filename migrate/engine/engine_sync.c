/* engine_sync: what a later pass does besides copying new mail — carry the source's flag
 * changes to messages copied earlier, notice messages deleted on the source since (and
 * remove them on the destination only when asked), and keep only the keywords the
 * destination folder can store. */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int engine_kw_filter(struct dst *d, char *const *in, struct engine_kw *out)
{
	struct buf b;
	memset(out, 0, sizeof *out);
	buf_init(&b, 0);
	for (char *const *k = in; k && *k; k++) {
		if (d->ops->keyword_ok && !d->ops->keyword_ok(d, *k)) {
			out->dropped++;
			continue;
		}
		if (out->n == ENGINE_KW_MAX) {
			out->dropped++;
			continue;
		}
		out->v[out->n++] = *k;
		if ((b.len && buf_append(&b, " ", 1) < 0) || buf_append(&b, *k, strlen(*k)) < 0) {
			buf_release(&b);
			return -1;
		}
	}
	if (b.len) {
		if (buf_append(&b, "", 1) < 0) {
			buf_release(&b);
			return -1;
		}
		out->joined = b.data;
	} else {
		buf_release(&b);
	}
	return 0;
}

void engine_kw_release(struct engine_kw *k)
{
	free(k->joined);
	memset(k, 0, sizeof *k);
}

static bool engine_str_eq(const char *a, const char *b)
{
	return (a ? a : "")[0] == (b ? b : "")[0] && strcmp(a ? a : "", b ? b : "") == 0;
}

static int engine_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Flags of one message as they go to the destination; \Deleted never travels. */
static unsigned engine_sync_flags(const struct drv_msg *m)
{
	return m->flags & ~(unsigned)DRV_FLAG_DELETED;
}

static int engine_sync_flags_of(struct engine_worker *w, struct dst *d, const char *dfolder,
                                const struct drv_msg *m, const struct journal_msg *jm,
                                struct engine_sync_stats *st, struct err *e)
{
	struct engine_kw kw;
	if (engine_kw_filter(d, m->keywords, &kw) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	unsigned fl = engine_sync_flags(m);
	int rc = 0;
	if (fl != jm->flags || !engine_str_eq(kw.joined, jm->keywords)) {
		rc = d->ops->store_flags(d, dfolder, &jm->dst_uid, 1, fl, kw.v, e);
		if (rc == 0)
			rc = journal_msg_set_flags(w->j, jm->id, fl, kw.joined, e);
		if (rc == 0)
			st->flags_updated++;
	}
	engine_kw_release(&kw);
	return rc;
}

int engine_sync_folder(struct engine_worker *w, const char *customer, struct dst *d,
                       const char *dfolder, uint32_t dst_uidvalidity, bool src_flags,
                       const struct drv_msg_list *list, const struct journal_msg_set *set,
                       const bool *superseded, struct engine_sync_stats *st, struct err *e)
{
	const bool mirror = w->sh->opts->mirror_deletes;
	const char **keys = calloc(list->n + 1, sizeof *keys);
	uint32_t *gone = calloc(set->n + 1, sizeof *gone);
	int64_t *gone_id = calloc(set->n + 1, sizeof *gone_id);
	size_t ngone = 0;
	int rc = -1;
	if (!keys || !gone || !gone_id) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Flag changes: only rows whose destination UID still means the same message. */
	if (src_flags && d->ops->store_flags) {
		for (size_t i = 0; i < list->n; i++) {
			const struct journal_msg *jm = journal_msg_set_find(set, list->v[i].key);
			if (!jm || jm->state != JOURNAL_MSG_DONE || !jm->dst_uid ||
			    jm->dst_uidvalidity != dst_uidvalidity)
				continue;
			if (engine_sync_flags_of(w, d, dfolder, &list->v[i], jm, st, e) < 0)
				goto out;
		}
	}
	/* Deletions: copied before, no longer listed, and not re-matched under a new UIDVALIDITY. */
	for (size_t i = 0; i < list->n; i++)
		keys[i] = list->v[i].key;
	qsort(keys, list->n, sizeof *keys, engine_cmp_str);
	for (size_t i = 0; i < set->n; i++) {
		const struct journal_msg *jm = &set->v[i];
		if (jm->state != JOURNAL_MSG_DONE || (superseded && superseded[i]) ||
		    bsearch(&jm->src_key, keys, list->n, sizeof *keys, engine_cmp_str))
			continue;
		st->deleted++;
		if (jm->dst_uid && jm->dst_uidvalidity == dst_uidvalidity) {
			gone[ngone] = jm->dst_uid;
			gone_id[ngone++] = jm->id;
		}
	}
	if (st->deleted && !mirror)
		engine_log(w, customer, "info", "%s: %llu message(s) copied earlier are no longer on the "
		           "source (kept on the destination; --mirror-deletes removes them)", dfolder,
		           (unsigned long long)st->deleted);
	if (mirror && ngone) {
		if (!d->ops->expunge_uids) {
			err_set(e, ERR_PERM, "this destination cannot remove messages");
			goto out;
		}
		if (d->ops->expunge_uids(d, dfolder, gone, ngone, e) < 0)
			goto out;
		for (size_t i = 0; i < ngone; i++)
			if (journal_msg_state(w->j, gone_id[i], JOURNAL_MSG_SKIPPED,
			                      "deleted on the source; removed from the destination", e) < 0)
				goto out;
		st->removed += ngone;
		engine_log(w, customer, "info", "%s: removed %zu message(s) deleted on the source",
		           dfolder, ngone);
	}
	rc = 0;
out:
	free(keys);
	free(gone);
	free(gone_id);
	return rc;
}
