/* engine_customer: one customer — list the source, diff with the journal, then batches of
 * fetch -> transform -> INTENT -> APPEND -> DONE, in source order; messages left in doubt
 * by a crash are looked for on the destination before anything is appended again. A
 * temporary failure reconnects and continues from the journal. */
#include "migrate/engine_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "migrate/digest.h"
#include "migrate/foldermap.h"
#include "migrate/hdr.h"
#include "migrate/msgdate.h"
#include "migrate/retry.h"
#include "migrate/session.h"
#include "migrate/xuidl.h"

#define EC_MID_MAX 1000

/* One message of the batch being copied. */
struct ec_item {
	const struct drv_msg *m;
	const struct journal_msg *prev;   /* its journal row from before, if any */
	struct buf data;                  /* the bytes as they will be stored */
	bool fetched, found;              /* found: in doubt and already on the destination */
	char sha_raw[DIGEST_HEX_LEN + 1], sha_crlf[DIGEST_HEX_LEN + 1];
	char mid[EC_MID_MAX];
	time_t date;
	int tz;
	struct engine_kw kw;              /* keywords the destination folder keeps */
	int rematch;                      /* row of the folder's set found again, -1 = none */
	struct journal_msg jm;
};

/* Everything one pass over a customer holds. */
struct ec {
	struct engine_worker *w;
	const struct plan *p;
	const struct plan_customer *c;
	struct engine_result *r;
	struct src *src;
	struct dst *dst;
	uint32_t dst_uidvalidity;
	uint32_t *claimed;                /* destination UIDs the journal accounts for */
	size_t n_claimed, alloc_claimed;
	bool progressed;
	size_t folder_idx;                /* folders listed in this pass */
	size_t folders_counted;           /* folders already counted in the progress totals */
	uint64_t pending;                 /* listed in this pass, not yet on the destination */
	/* The folder being copied: its journal rows from before, and which of them were found
	 * again under a new source UIDVALIDITY (NULL when it did not change). */
	const struct journal_msg_set *set;
	bool *rematched;
	uint64_t kw_dropped;
};

static void ec_progress(struct ec *x, uint64_t handled, uint64_t copied, uint64_t bytes)
{
	struct engine_shared *sh = x->w->sh;
	pthread_mutex_lock(&sh->mu);
	sh->prog.slot[x->w->slot].done += handled;
	sh->prog.msgs_handled += handled;
	sh->prog.msgs_copied += copied;
	sh->prog.bytes_copied += bytes;
	sh->prog.bytes_handled += bytes;
	pthread_mutex_unlock(&sh->mu);
}

static int ec_claim(struct ec *x, uint32_t uid)
{
	if (uid == 0)
		return 0;
	if (x->n_claimed == x->alloc_claimed) {
		size_t na = x->alloc_claimed ? x->alloc_claimed * 2 : 64;
		uint32_t *nv = realloc(x->claimed, na * sizeof *nv);
		if (!nv)
			return -1;
		x->claimed = nv;
		x->alloc_claimed = na;
	}
	x->claimed[x->n_claimed++] = uid;
	return 0;
}

static bool ec_is_claimed(const struct ec *x, uint32_t uid)
{
	for (size_t i = 0; i < x->n_claimed; i++)
		if (x->claimed[i] == uid)
			return true;
	return false;
}

/* Pass on what the source driver wants the operator to know. */
static void ec_warnings(struct ec *x)
{
	const char *w;
	if (!x->src->ops->warning)
		return;
	while ((w = x->src->ops->warning(x->src)) != NULL)
		engine_log(x->w, x->c->id, "warn", "source: %s", w);
}

/* ---- fetch and transform ---- */

struct ec_fetch_ctx {
	struct ec *x;
	struct ec_item *items;
	size_t n, next;
};

static int ec_on_fetch(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                       struct err *e)
{
	struct ec_fetch_ctx *f = ctx;
	struct ec_item *it = NULL;
	/* Drivers call back in order; match by pointer to stay correct if one is skipped. */
	for (size_t i = f->next; i < f->n; i++)
		if (f->items[i].m == m || strcmp(f->items[i].m->key, m->key) == 0) {
			it = &f->items[i];
			f->next = i + 1;
			break;
		}
	if (!it)
		return err_set(e, ERR_PROTOCOL, "source returned a message that was not asked for (%s)",
		               m->key);
	if (digest_sha256_hex(data, len, it->sha_raw, e) < 0 ||
	    digest_sha256_crlf_hex(data, len, it->sha_crlf, e) < 0)
		return -1;
	if (!hdr_message_id(data, len, it->mid, sizeof it->mid))
		it->mid[0] = '\0';
	if (m->internaldate) {
		it->date = m->internaldate;
		it->tz = 0;
	} else {
		msgdate_for_message(data, len, time(NULL), &it->date, &it->tz);
	}
	buf_init(&it->data, 0);
	/* Only a POP3 source has UIDLs a client remembers; an IMAP key ("uidvalidity/uid") is ours. */
	bool preserve = f->x->p->migration.uidl == PLAN_UIDL_PRESERVE && m->uid == 0;
	if (preserve && xuidl_valid(m->key)) {
		if (xuidl_prepend(&it->data, m->key, data, len, e) < 0)
			return -1;
	} else {
		/* A content key ("sha256:…", no UIDL on the source) was never seen by a client. */
		if (preserve && strncmp(m->key, "sha256:", 7) != 0)
			engine_log(f->x->w, f->x->c->id, "warn", "UIDL '%.80s' is not RFC 1939 (1-70 printable "
			           "characters): copied without X-UIDL, the destination gives it a new UIDL",
			           m->key);
		if (buf_append(&it->data, data, len) < 0)
			return err_set(e, ERR_NOMEM, "message %s (%zu bytes): over the memory cap", m->key, len);
	}
	if (engine_kw_filter(f->x->dst, m->keywords, &it->kw) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	f->x->kw_dropped += it->kw.dropped;
	it->fetched = true;
	return 0;
}

/* ---- in-doubt resolution ---- */

/* Whether destination message `uid` holds the same bytes as item (normalised, without
 * our X-UIDL line). */
static int ec_same(struct ec *x, const char *folder, uint32_t uid, const struct ec_item *it,
                   bool *same, struct err *e)
{
	char *data = NULL, sha[DIGEST_HEX_LEN + 1];
	size_t len = 0, skip = 0;
	*same = false;
	if (x->dst->ops->fetch_uid(x->dst, folder, uid, &data, &len, e) < 0)
		return -1;
	if (x->p->migration.uidl == PLAN_UIDL_PRESERVE)
		skip = xuidl_leading(data, len, NULL, 0);
	int rc = digest_sha256_crlf_hex(data + skip, len - skip, sha, e);
	free(data);
	if (rc < 0)
		return -1;
	*same = strcmp(sha, it->sha_crlf) == 0;
	return 0;
}

/* IMAP SEARCH without CHARSET takes US-ASCII; 8-bit values are not searched for. */
static bool ec_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Search the destination for `name: value` and take the first candidate with the same
 * bytes that the journal has not given to another message. */
static int ec_try_header(struct ec *x, const char *folder, struct ec_item *it, const char *name,
                         const char *value, struct err *e)
{
	uint32_t *uids = NULL;
	size_t n = 0;
	if (x->dst->ops->find_header(x->dst, folder, name, value, &uids, &n, e) < 0)
		return err_prefix(e, "looking for in-doubt message %s: ", it->m->key);
	for (size_t i = 0; i < n && !it->found; i++) {
		bool same;
		if (ec_is_claimed(x, uids[i]))
			continue;
		if (ec_same(x, folder, uids[i], it, &same, e) < 0) {
			free(uids);
			return -1;
		}
		if (same) {
			it->found = true;
			it->jm.dst_uid = uids[i];
			if (ec_claim(x, uids[i]) < 0) {
				free(uids);
				return err_set(e, ERR_NOMEM, "out of memory");
			}
		}
	}
	free(uids);
	return 0;
}

/* Look for an in-doubt message on the destination: by its X-UIDL (preserve), else by
 * Message-ID, Subject, From or Date — each search only proposes candidates; the digest
 * decides, and a UID the journal already gave to another message is never taken
 * (duplicates share Message-IDs and bytes). Identity stays the source's key. */
static int ec_resolve(struct ec *x, const char *folder, struct ec_item *it, struct err *e)
{
	static const char *const names[] = { "Message-ID", "Subject", "From", "Date" };
	const char *data = it->data.data;
	size_t len = it->data.len;
	char v[EC_MID_MAX];
	bool searched = false;
	if (x->p->migration.uidl == PLAN_UIDL_PRESERVE && it->m->uid == 0 && xuidl_valid(it->m->key)) {
		searched = true;
		if (ec_try_header(x, folder, it, "X-UIDL", it->m->key, e) < 0)
			return -1;
	}
	for (size_t k = 0; k < sizeof names / sizeof names[0] && !it->found && !searched; k++) {
		if (!hdr_first(data, len, names[k], v, sizeof v) || !v[0] || !ec_ascii(v))
			continue;
		searched = true;
		if (ec_try_header(x, folder, it, names[k], v, e) < 0)
			return -1;
	}
	if (!searched)
		engine_log(x->w, x->c->id, "warn",
		           "message %s was in doubt and has no header to look for it by: appended "
		           "again (it may now be twice on the destination)", it->m->key);
	else if (it->found)
		engine_log(x->w, x->c->id, "info", "message %s was in doubt: found on the destination "
		           "(UID %u), not appended again", it->m->key, it->jm.dst_uid);
	return 0;
}

/* ---- one batch ---- */

static unsigned ec_flags(const struct ec *x, const struct drv_msg *m)
{
	if (x->src->ops->caps(x->src) & DRV_SRC_FLAGS)
		return m->flags & ~(unsigned)DRV_FLAG_DELETED;
	return x->p->migration.mark_seen ? DRV_FLAG_SEEN : 0;
}

static void ec_jm_fill(struct ec *x, struct ec_item *it, const char *sfolder, const char *dfolder,
                       uint32_t src_uidvalidity, unsigned flags)
{
	struct journal_msg *jm = &it->jm;
	uint32_t found_uid = it->found ? jm->dst_uid : 0;
	memset(jm, 0, sizeof *jm);
	jm->id = it->prev ? it->prev->id : 0;
	jm->customer = x->c->id;
	jm->folder = sfolder;
	jm->src_key = it->m->key;
	jm->src_seq = it->m->seq;
	jm->src_uidvalidity = src_uidvalidity;
	jm->src_uid = it->m->uid;
	jm->size = it->m->size;
	memcpy(jm->sha256, it->sha_raw, sizeof jm->sha256);
	jm->message_id = it->mid[0] ? it->mid : NULL;
	jm->dst_folder = dfolder;
	jm->dst_uidvalidity = x->dst_uidvalidity;
	jm->dst_uid = found_uid;
	jm->flags = flags;
	jm->keywords = it->kw.joined;
	jm->state = JOURNAL_MSG_INTENT;
}

/* After a source UIDVALIDITY change: a message the journal knows under its old UID is the
 * same destination message, not a new one. Its flags may have changed meanwhile. */
static int ec_rematch(struct ec *x, const char *dfolder, uint32_t src_uidv, struct ec_item *it,
                      struct err *e)
{
	int k = engine_rematch_find(x->set, x->rematched, src_uidv, x->dst_uidvalidity, it->m->size,
	                            it->sha_raw, it->mid[0] ? it->mid : NULL);
	if (k < 0)
		return 0;
	const struct journal_msg *old = &x->set->v[k];
	x->rematched[k] = true;
	it->found = true;
	it->rematch = k;
	it->jm.dst_uid = old->dst_uid;
	x->r->rematched++;
	unsigned fl = ec_flags(x, it->m);
	const char *okw = old->keywords ? old->keywords : "", *nkw = it->kw.joined ? it->kw.joined : "";
	if ((fl != old->flags || strcmp(okw, nkw) != 0) && x->dst->ops->store_flags) {
		if (x->dst->ops->store_flags(x->dst, dfolder, &old->dst_uid, 1, fl, it->kw.v, e) < 0)
			return -1;
		x->r->flags_updated++;
	}
	return 0;
}

static int ec_batch(struct ec *x, const char *sfolder, const char *dfolder, uint32_t src_uidv,
                    struct ec_item *items, size_t n, struct err *e)
{
	const struct drv_msg *msgs[CAPS_BATCH_MESSAGES] = { 0 };
	struct drv_append app[CAPS_BATCH_MESSAGES];
	struct journal_msg jms[CAPS_BATCH_MESSAGES];
	size_t idx[CAPS_BATCH_MESSAGES], na = 0, nfound = 0, done = 0;
	struct ec_fetch_ctx f = { x, items, n, 0 };
	uint64_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		msgs[i] = items[i].m;
	int frc = x->src->ops->fetch(x->src, msgs, n, ec_on_fetch, &f, e);
	ec_warnings(x);
	if (frc < 0)
		return err_prefix(e, "fetching from the source: ");
	for (size_t i = 0; i < n; i++)
		if (!items[i].fetched)
			return err_set(e, ERR_PROTOCOL, "source did not return message %s", items[i].m->key);

	/* In-doubt ones first: found ones are confirmed, the rest appended like new ones. */
	for (size_t i = 0; i < n; i++) {
		struct ec_item *it = &items[i];
		if (it->prev && it->prev->state == JOURNAL_MSG_INTENT && ec_resolve(x, dfolder, it, e) < 0)
			return -1;
		it->rematch = -1;
		if (!it->prev && x->rematched && ec_rematch(x, dfolder, src_uidv, it, e) < 0)
			return -1;
		ec_jm_fill(x, it, sfolder, dfolder, src_uidv, ec_flags(x, it->m));
		if (it->found) {
			jms[nfound++] = it->jm;
			continue;
		}
		idx[na] = i;
		memset(&app[na], 0, sizeof app[na]);
		app[na].data = it->data.data;
		app[na].len = it->data.len;
		app[na].flags = it->jm.flags;
		app[na].keywords = it->kw.v;
		app[na].internaldate = it->date;
		app[na].tz_offset = it->tz;
		na++;
	}
	if (nfound) {
		/* Re-matched messages have no row under their new key yet: intent, then done. */
		if (journal_msgs_intent(x->w->j, jms, nfound, e) < 0)
			return -1;
		for (size_t i = 0; i < nfound; i++) {
			jms[i].state = JOURNAL_MSG_DONE;
			for (size_t k = 0; k < n; k++)
				if (items[k].found && strcmp(items[k].m->key, jms[i].src_key) == 0)
					jms[i].dst_uid = items[k].jm.dst_uid;
		}
		if (journal_msgs_done(x->w->j, jms, nfound, e) < 0)
			return -1;
		ec_progress(x, nfound, nfound, 0);
		x->r->copied += nfound;
		x->pending -= nfound;
		x->progressed = true;
	}
	if (na == 0)
		return 0;

	/* Journal before action: INTENT rows are committed before the APPEND is sent. */
	for (size_t i = 0; i < na; i++)
		jms[i] = items[idx[i]].jm;
	if (journal_msgs_intent(x->w->j, jms, na, e) < 0)
		return -1;
	int rc = x->dst->ops->append(x->dst, dfolder, app, na, &done, e);
	if (rc < 0 && done > na)
		done = na;
	if (rc == 0)
		done = na;
	for (size_t i = 0; i < done; i++) {
		jms[i].dst_uid = app[i].uid;
		jms[i].state = JOURNAL_MSG_DONE;
		bytes += app[i].len;
	}
	if (done && journal_msgs_done(x->w->j, jms, done, e) < 0)
		return -1;
	if (done) {
		for (size_t i = 0; i < done; i++)
			if (ec_claim(x, app[i].uid) < 0)
				return err_set(e, ERR_NOMEM, "out of memory");
		ec_progress(x, done, done, bytes);
		x->r->copied += done;
		x->pending -= done;
		x->r->bytes += bytes;
		x->progressed = true;
	}
	if (rc < 0)
		return err_prefix(e, "appending to %s: ", dfolder);
	return 0;
}

static void ec_items_release(struct ec_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_release(&items[i].data);
		engine_kw_release(&items[i].kw);
		memset(&items[i], 0, sizeof items[i]);
	}
}

/* ---- one folder ---- */

/* POP3 numbers shift when mail is deleted between passes: keep the journal's order
 * current for messages it already knows, so exports list them as the source does now. */
static int ec_reorder(struct ec *x, const char *sfolder, const struct drv_msg_list *list,
                      const struct journal_msg_set *set, struct err *e)
{
	struct journal_msg *upd = NULL;
	size_t nu = 0;
	int rc = 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct journal_msg *jm = journal_msg_set_find(set, list->v[i].key);
		if (!jm || jm->src_seq == list->v[i].seq)
			continue;
		if (!upd && !(upd = calloc(list->n, sizeof *upd)))
			return err_set(e, ERR_NOMEM, "out of memory");
		upd[nu] = *jm;
		upd[nu].customer = x->c->id;
		upd[nu].folder = sfolder;
		upd[nu].src_seq = list->v[i].seq;
		nu++;
	}
	if (nu)
		rc = journal_msgs_set_seq(x->w->j, upd, nu, e);
	free(upd);
	return rc;
}

static int ec_folder(struct ec *x, const char *sfolder, const char *dfolder, struct err *e)
{
	struct drv_msg_list list = { NULL, 0 };
	struct journal_msg_set set = { NULL, 0 };
	struct ec_item *items = NULL;
	const struct drv_msg **todo = NULL;
	const struct journal_msg **prev = NULL;
	uint32_t src_uidv = 0;
	size_t ntodo = 0, nstale = 0;
	bool *rematched = NULL;
	struct engine_sync_stats st = { 0, 0, 0 };
	int rc = -1;

	if (x->src->ops->select(x->src, sfolder, &src_uidv, e) < 0 ||
	    x->dst->ops->select(x->dst, dfolder, &x->dst_uidvalidity, e) < 0 ||
	    x->src->ops->list(x->src, &list, e) < 0)
		goto out;
	ec_warnings(x);
	if (journal_msgs_load(x->w->j, x->c->id, sfolder, &set, e) < 0)
		goto out;
	/* IMAP keys carry the UIDVALIDITY: after the source reset it, every message looks new.
	 * Rows copied under the old one are matched by content instead (ec_rematch). */
	for (size_t i = 0; i < set.n; i++)
		if (set.v[i].state == JOURNAL_MSG_DONE && set.v[i].src_uid && src_uidv &&
		    set.v[i].src_uidvalidity != src_uidv)
			nstale++;
	if (nstale) {
		engine_log(x->w, x->c->id, "warn", "folder %s: the source's UIDVALIDITY changed (now %u); "
		           "re-matching %zu message(s) copied before by Message-ID, size and digest",
		           sfolder, src_uidv, nstale);
		if (!(rematched = calloc(set.n, sizeof *rematched))) {
			err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	x->set = &set;
	x->rematched = rematched;
	x->kw_dropped = 0;
	todo = calloc(list.n + 1, sizeof *todo);
	prev = calloc(list.n + 1, sizeof *prev);
	items = calloc(CAPS_BATCH_MESSAGES, sizeof *items);
	if (!todo || !prev || !items) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	x->n_claimed = 0;
	for (size_t i = 0; i < set.n; i++)
		if (set.v[i].state == JOURNAL_MSG_DONE && set.v[i].dst_uidvalidity == x->dst_uidvalidity &&
		    ec_claim(x, set.v[i].dst_uid) < 0) {
			err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
	uint64_t skipped = 0, skipped_bytes = 0, listed_bytes = 0;
	for (size_t i = 0; i < list.n; i++) {
		const struct drv_msg *m = &list.v[i];
		const struct journal_msg *jm = journal_msg_set_find(&set, m->key);
		listed_bytes += m->size;
		if ((jm && (jm->state == JOURNAL_MSG_DONE || jm->state == JOURNAL_MSG_SKIPPED)) ||
		    (!x->p->migration.copy_deleted && (m->flags & DRV_FLAG_DELETED) &&
		     (x->src->ops->caps(x->src) & DRV_SRC_FLAGS))) {
			skipped++;
			skipped_bytes += m->size;
			continue;
		}
		todo[ntodo] = m;
		prev[ntodo++] = jm;
	}
	if (ec_reorder(x, sfolder, &list, &set, e) < 0)
		goto out;
	x->r->listed += list.n;
	x->pending += ntodo;
	/* The display counts each folder once, in the first pass that lists it. */
	if (x->folder_idx++ >= x->folders_counted) {
		struct engine_shared *sh = x->w->sh;
		x->folders_counted = x->folder_idx;
		pthread_mutex_lock(&sh->mu);
		struct engine_slot *s = &sh->prog.slot[x->w->slot];
		sh->prog.msgs_listed += list.n;
		sh->prog.bytes_listed += listed_bytes;
		s->total += list.n;
		s->done += skipped;
		sh->prog.msgs_handled += skipped;
		sh->prog.bytes_handled += skipped_bytes;
		pthread_mutex_unlock(&sh->mu);
	}

	/* Batches in source order, bounded by count and bytes (one big message goes alone). */
	for (size_t i = 0; i < ntodo;) {
		size_t nb = 0;
		uint64_t bb = 0;
		while (i + nb < ntodo && nb < CAPS_BATCH_MESSAGES &&
		       (nb == 0 || bb + todo[i + nb]->size <= CAPS_BATCH_BYTES)) {
			bb += todo[i + nb]->size;
			items[nb].m = todo[i + nb];
			items[nb].prev = prev[i + nb];
			nb++;
		}
		if (x->w->sh->opts->stop && *x->w->sh->opts->stop) {
			err_set(e, ERR_TEMP, "interrupted");
			goto out;
		}
		int brc = ec_batch(x, sfolder, dfolder, src_uidv, items, nb, e);
		ec_items_release(items, nb);
		if (brc < 0)
			goto out;
		i += nb;
	}
	for (size_t i = 0; rematched && i < set.n; i++)
		if (rematched[i] && journal_msg_state(x->w->j, set.v[i].id, JOURNAL_MSG_SKIPPED,
		                                      "source UIDVALIDITY changed: found again under a new UID",
		                                      e) < 0)
			goto out;
	if (x->kw_dropped)
		engine_log(x->w, x->c->id, "warn", "folder %s: %llu keyword(s) not copied: the destination "
		           "folder does not keep them (PERMANENTFLAGS)", dfolder,
		           (unsigned long long)x->kw_dropped);
	if (engine_sync_folder(x->w, x->c->id, x->dst, dfolder, x->dst_uidvalidity,
	                       (x->src->ops->caps(x->src) & DRV_SRC_FLAGS) != 0, &list, &set, rematched,
	                       &st, e) < 0)
		goto out;
	x->r->flags_updated += st.flags_updated;
	x->r->deleted_on_source += st.deleted;
	x->r->removed += st.removed;
	rc = 0;
out:
	x->set = NULL;
	x->rematched = NULL;
	free(rematched);
	if (items)
		ec_items_release(items, CAPS_BATCH_MESSAGES);
	free(items);
	free(todo);
	free(prev);
	journal_msg_set_free(&set);
	drv_msg_list_free(&list);
	return rc;
}

/* ---- record strategy: what UIDL the destination serves ---- */

static int ec_cmp_u32p(const void *a, const void *b)
{
	const struct journal_msg *x = *(const struct journal_msg *const *)a;
	const struct journal_msg *y = *(const struct journal_msg *const *)b;
	return x->dst_uid < y->dst_uid ? -1 : x->dst_uid > y->dst_uid;
}

/* POP3 lists a mailbox in UID order, so the n-th UIDL belongs to the n-th UID; pair them
 * only when the counts agree (otherwise mail arrived meanwhile and the pairing is unsafe). */
static int ec_record_uidls(struct ec *x, const char *sfolder, struct err *e)
{
	struct src *pop = NULL;
	struct drv_msg_list list = { NULL, 0 };
	struct journal_msg_set set = { NULL, 0 };
	const struct journal_msg **done = NULL;
	size_t nd = 0;
	int rc = -1;
	if (session_open_src(&pop, x->p, x->c, SESSION_DESTINATION_POP3, NULL, e) < 0 ||
	    pop->ops->select(pop, "INBOX", NULL, e) < 0 ||
	    pop->ops->list(pop, &list, e) < 0 ||
	    journal_msgs_load(x->w->j, x->c->id, sfolder, &set, e) < 0)
		goto out;
	done = calloc(set.n + 1, sizeof *done);
	if (!done) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < set.n; i++)
		if (set.v[i].state == JOURNAL_MSG_DONE && set.v[i].dst_uid)
			done[nd++] = &set.v[i];
	if (nd != list.n) {
		engine_log(x->w, x->c->id, "warn", "destination POP3 lists %zu messages, the journal %zu: "
		           "destination UIDLs not recorded", list.n, nd);
		rc = 0;
		goto out;
	}
	qsort(done, nd, sizeof *done, ec_cmp_u32p);
	for (size_t i = 0; i < nd; i++)
		if (journal_msg_set_dst_uidl(x->w->j, done[i]->id, list.v[i].key, e) < 0)
			goto out;
	rc = 0;
out:
	free(done);
	journal_msg_set_free(&set);
	drv_msg_list_free(&list);
	if (pop)
		pop->ops->close(pop);
	return rc;
}

/* ---- one pass over a customer ---- */

static const struct drv_folder *ec_find_folder(const struct drv_folder *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Every source folder into its destination folder (foldermap), created and subscribed as
 * on the source when the destination lacks it. */
static int ec_folders(struct ec *x, struct err *e)
{
	struct drv_folder *folders = NULL, *dfs = NULL;
	size_t nf = 0, ndf = 0;
	struct foldermap *fm = NULL;
	int rc = -1;
	if (x->src->ops->folders(x->src, &folders, &nf, e) < 0 ||
	    x->dst->ops->folders(x->dst, &dfs, &ndf, e) < 0 ||
	    foldermap_new(&fm, x->p, dfs, ndf, e) < 0)
		goto out;
	x->r->excluded_folders = 0;
	for (size_t i = 0; i < nf; i++) {
		char *dname = NULL;
		const char *why;
		if (folders[i].noselect)
			continue;
		if (foldermap_map(fm, &folders[i], &dname, &why, e) < 0)
			goto out;
		if (!dname) {
			x->r->excluded_folders++;
			engine_log(x->w, x->c->id, "info", "folder %s: excluded by the plan", folders[i].name);
			continue;
		}
		if (strcmp(dname, folders[i].name) != 0)
			engine_log(x->w, x->c->id, "info", "folder %s -> %s (%s)", folders[i].name, dname, why);
		/* Create what is missing; an existing folder (CREATE answers ALREADYEXISTS) is only
		 * subscribed when the source folder was and it is not yet. */
		const struct drv_folder *have = ec_find_folder(dfs, ndf, dname);
		bool need = !have || (folders[i].subscribed && !have->subscribed);
		if (strcmp(dname, "INBOX") != 0 && need &&
		    x->dst->ops->create(x->dst, dname, folders[i].subscribed, e) < 0) {
			err_prefix(e, "creating folder %s: ", dname);
			free(dname);
			goto out;
		}
		int frc = ec_folder(x, folders[i].name, dname, e);
		if (frc < 0)
			err_prefix(e, "folder %s: ", folders[i].name);
		free(dname);
		if (frc < 0)
			goto out;
	}
	rc = 0;
out:
	foldermap_free(fm);
	if (folders)
		drv_folder_list_free(folders, nf);
	if (dfs)
		drv_folder_list_free(dfs, ndf);
	return rc;
}

static int ec_pass(struct ec *x, struct err *e)
{
	const char *pop3_folder = foldermap_pop3(x->p);
	int rc = -1;

	x->r->listed = 0;
	x->r->deleted_on_source = 0;
	x->pending = 0;
	x->folder_idx = 0;
	if (session_open_src(&x->src, x->p, x->c, SESSION_SOURCE, NULL, e) < 0 ||
	    session_open_dst(&x->dst, x->p, x->c, NULL, e) < 0)
		goto out;
	if (x->src->ops->uidl_style) {
		const char *style = x->src->ops->uidl_style(x->src);
		if (style) {
			snprintf(x->r->uidl_style, sizeof x->r->uidl_style, "%s", style);
			if (journal_customer_set_uidl_style(x->w->j, x->c->id, style, e) < 0)
				goto out;
		}
	}
	if (x->src->ops->caps(x->src) & DRV_SRC_FOLDERS) {
		if (ec_folders(x, e) < 0)
			goto out;
	} else {
		/* A POP3 mailbox is one folder: into migration.pop3_folder (INBOX by default). */
		struct err ce;
		err_clear(&ce);
		if (strcmp(pop3_folder, "INBOX") != 0)
			x->dst->ops->create(x->dst, pop3_folder, true, &ce);
		if (ec_folder(x, "INBOX", pop3_folder, e) < 0)
			goto out;
	}
	if (x->p->migration.uidl == PLAN_UIDL_RECORD &&
	    !(x->src->ops->caps(x->src) & DRV_SRC_FOLDERS) &&
	    ec_record_uidls(x, "INBOX", e) < 0) {
		err_prefix(e, "reading the destination's UIDLs: ");
		goto out;
	}
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

static double ec_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void engine_customer_run(struct engine_worker *w, const struct plan_customer *c,
                         struct engine_result *r)
{
	struct ec x;
	struct err e;
	double t0 = ec_now();
	int failures = 0;

	memset(&x, 0, sizeof x);
	x.w = w;
	x.p = w->sh->plan;
	x.c = c;
	x.r = r;
	r->ran = true;
	err_clear(&e);
	if (journal_customer_upsert(w->j, c->id, c->email, &e) < 0 ||
	    journal_customer_state(w->j, c->id, "running", NULL, NULL, &e) < 0)
		goto failed;
	for (;;) {
		r->attempts++;
		x.progressed = false;
		err_clear(&e);
		if (ec_pass(&x, &e) == 0)
			break;
		/* A pass that moved forward earns a fresh set of attempts: the journal keeps the gain. */
		if (x.progressed)
			failures = 0;
		failures++;
		long d = retry_delay_ms(x.p, &e, failures);
		if (w->sh->opts->stop && *w->sh->opts->stop)
			d = -1;
		if (d < 0)
			goto failed;
		engine_log(w, c->id, "warn", "%s (%s%s%s); retrying in %.1f s", e.msg,
		           err_class_name(e.cls), e.server[0] ? ": " : "", e.server, d / 1000.0);
		if (retry_sleep_ms(d, w->sh->opts->stop))
			goto failed;
	}
	r->ok = true;
	r->cls = ERR_NONE;
	r->failed = 0;
	r->skipped = r->listed > r->copied ? r->listed - r->copied : 0;
	r->seconds = ec_now() - t0;
	if (journal_customer_state(w->j, c->id, "done", NULL, NULL, &e) < 0)
		goto failed;
	engine_log(w, c->id, "info", "done: %llu copied, %llu already there, %.1f s",
	           (unsigned long long)r->copied, (unsigned long long)r->skipped, r->seconds);
	free(x.claimed);
	return;
failed:
	r->ok = false;
	/* Stopped on request: what is left is pending for the next run, not a failure. */
	r->interrupted = w->sh->opts->stop && *w->sh->opts->stop;
	r->failed = r->interrupted ? 0 : x.pending;
	r->skipped = r->listed > r->copied + x.pending ? r->listed - r->copied - x.pending : 0;
	r->cls = e.cls ? e.cls : ERR_INTERNAL;
	r->seconds = ec_now() - t0;
	snprintf(r->error, sizeof r->error, "%s%s%s", e.msg, e.server[0] ? " — server: " : "", e.server);
	{
		struct err je;
		err_clear(&je);
		journal_customer_state(w->j, c->id, r->interrupted ? "pending" : "failed",
		                       err_class_name(r->cls), r->error, &je);
	}
	if (r->interrupted)
		engine_log(w, c->id, "warn", "interrupted mid-copy; run again to continue");
	else
		engine_log(w, c->id, "error", "failed (%s): %s", err_class_name(r->cls), r->error);
	free(x.claimed);
}
