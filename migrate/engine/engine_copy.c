/* engine_copy: one batch of a folder through the stages, in source order:
 *   fetch    the source sends the bytes (engine_fetch.c: on a second thread, ahead)
 *   prepare  digests, date, keywords, and what the UIDL strategy adds
 *   settle   an in-doubt message is looked for on the destination, a message seen under an
 *            older UIDVALIDITY is re-matched: either is FOUND and not appended again
 *   intent   the journal says an APPEND is about to happen (before it is sent)
 *   append   the destination stores it
 *   done     the journal says where it went
 * A failure that reaches one message only (err.scope ERR_SCOPE_MESSAGE: vanished, too
 * big) fails that message, FAILED in the journal, and the batch goes on. */
#include "migrate/engine/engine_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/msg/hdr.h"
#include "migrate/msg/msgdate.h"

void engine_items_release(struct engine_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_release(&items[i].data);
		free(items[i].raw);
		if (items[i].spooled)
			spool_close(&items[i].spool);
		engine_kw_release(&items[i].kw);
		memset(&items[i], 0, sizeof items[i]);
	}
}

uint64_t engine_item_stored(const struct engine_item *it)
{
	return engine_recon_stored_size(it->data.data, it->data.len) +
	       (it->spooled ? spool_stored(&it->spool) : 0);
}

/* ---- prepare ---- */

/* What prepare takes from the header block and the key: Message-ID, date, the bytes the
 * UIDL strategy adds, keywords. `body` is the whole message in memory, or "" for a spooled
 * one: every strategy's prepare is "what it adds, then the message" (uidl.h), so for a
 * spooled message it yields just what it adds, and the spool follows it. */
static int engine_copy_finish(struct engine_folder *f, struct engine_item *it, const char *head,
                              size_t hlen, const char *body, size_t blen, struct err *e)
{
	const struct drv_msg *m = it->m;
	bool lost = false;
	if (!hdr_message_id(head, hlen, it->mid, sizeof it->mid))
		it->mid[0] = '\0';
	if (m->internaldate) {
		it->date = m->internaldate;
		it->tz = 0;
	} else {
		msgdate_for_message(head, hlen, time(NULL), &it->date, &it->tz);
	}
	buf_init(&it->data, 0);
	if (f->x->uidl->prepare(m->key, m->kind, body, blen, &it->data, &lost, e) < 0)
		return -1;
	if (lost)
		engine_log(f->x->w, f->x->c->id, "warn", "UIDL '%.80s' is not RFC 1939 (1-70 printable "
		           "characters): it cannot be kept, the destination gives it a new UIDL", m->key);
	if (engine_kw_filter(f->x->dst, m->keywords, &it->kw) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	f->kw_dropped += it->kw.dropped;
	it->state = ENGINE_ITEM_PREPARED;
	return 0;
}

static int engine_copy_prepare_raw(struct engine_folder *f, struct engine_item *it, const char *data,
                                   size_t len, struct err *e)
{
	if (digest_sha256_pair(data, len, it->sha_raw, it->sha_crlf, e) < 0)
		return -1;
	return engine_copy_finish(f, it, data, len, data, len, e);
}

/* Header fields are looked for in this much of a spooled message. */
#define ENGINE_SPOOL_HEAD (256u * 1024)

static int engine_copy_digest_piece(void *ctx, const char *p, size_t n, struct err *e)
{
	digest_stream_add(ctx, p, n);
	return 0;
}

static int engine_copy_prepare_spooled(struct engine_folder *f, struct engine_item *it,
                                       struct err *e)
{
	struct digest_stream d;
	if (digest_stream_init(&d, e) < 0)
		return -1;
	int rc = spool_each(&it->spool, engine_copy_digest_piece, &d, e);
	/* Always ended (it frees); a digest it could not keep must not reach the journal as "". */
	if (digest_stream_end(&d, it->sha_raw, it->sha_crlf) < 0 && rc == 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (rc < 0)
		return -1;
	char *head = malloc(ENGINE_SPOOL_HEAD);
	if (!head)
		return err_set(e, ERR_NOMEM, "out of memory");
	size_t hlen = spool_head(&it->spool, head, ENGINE_SPOOL_HEAD);
	rc = engine_copy_finish(f, it, head, hlen, "", 0, e);
	free(head);
	return rc;
}

int engine_copy_prepare(struct engine_folder *f, struct engine_item *it, struct err *e)
{
	if (it->spooled)
		return engine_copy_prepare_spooled(f, it, e);
	int rc = engine_copy_prepare_raw(f, it, it->raw, it->raw_len, e);
	free(it->raw);   /* the prepared copy is what goes on: one copy per message in memory */
	it->raw = NULL;
	it->raw_len = 0;
	return rc;
}

/* ---- settle ---- */

static unsigned engine_copy_flags(const struct engine_folder *f, const struct drv_msg *m)
{
	if (f->src_caps & DRV_SRC_FLAGS)
		return m->flags & ~(unsigned)DRV_FLAG_DELETED;
	return f->x->p->migration.mark_seen ? DRV_FLAG_SEEN : 0;
}

static void engine_copy_row(struct engine_folder *f, struct engine_item *it)
{
	struct journal_msg *jm = &it->jm;
	memset(jm, 0, sizeof *jm);
	jm->id = it->prev ? it->prev->id : 0;
	jm->customer = f->x->c->id;
	jm->folder = f->sfolder;
	jm->src_key = it->m->key;
	jm->src_kind = (enum journal_key_kind)it->m->kind;
	jm->src_seq = it->m->seq;
	jm->src_uidvalidity = f->src_uidvalidity;
	jm->src_uid = it->m->uid;
	jm->size = it->m->size;
	memcpy(jm->sha256, it->sha_raw, sizeof jm->sha256);
	jm->message_id = it->mid[0] ? it->mid : NULL;
	jm->dst_folder = f->dfolder;
	jm->dst_uidvalidity = f->dst_uidvalidity;
	jm->flags = engine_copy_flags(f, it->m);
	jm->keywords = it->kw.joined;
	jm->state = JOURNAL_MSG_INTENT;
}

/* A re-matched message is the old destination message; its flags may have changed. */
static int engine_copy_rematch(struct engine_folder *f, struct engine_item *it, struct err *e)
{
	const struct journal_msg *old = engine_rematch_take(&f->rematch, it->m->size, it->sha_raw,
	                                                    it->mid[0] ? it->mid : NULL);
	struct dst *d = f->x->dst;
	if (!old)
		return 0;
	it->state = ENGINE_ITEM_FOUND;
	it->jm.dst_uid = old->dst_uid;
	f->x->r->rematched++;
	const char *okw = old->keywords ? old->keywords : "", *nkw = it->kw.joined ? it->kw.joined : "";
	if ((it->jm.flags != old->flags || strcmp(okw, nkw) != 0) && d->ops->store_flags) {
		if (d->ops->store_flags(d, f->dfolder, &old->dst_uid, 1, it->jm.flags, it->kw.v, e) < 0)
			return -1;
		f->x->r->flags_updated++;
	}
	return 0;
}

static int engine_copy_settle(struct engine_folder *f, struct engine_item *items, size_t n,
                              struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct engine_item *it = &items[i];
		if (it->state != ENGINE_ITEM_PREPARED)
			continue;
		engine_copy_row(f, it);
		if (it->prev && engine_doubt_resolve(f, it, e) < 0)
			return -1;
		if (!it->prev && engine_copy_rematch(f, it, e) < 0)
			return -1;
		if (!it->prev && it->state == ENGINE_ITEM_PREPARED && engine_recon_settle(f, it, e) < 0)
			return -1;
	}
	return 0;
}

/* FOUND items: a re-matched one has no row under its new key yet, so intent, then done. */
static int engine_copy_found(struct engine_folder *f, struct engine_item *items, size_t n,
                             struct err *e)
{
	struct journal_msg jms[CAPS_BATCH_MESSAGES];
	size_t idx[CAPS_BATCH_MESSAGES], k = 0;
	for (size_t i = 0; i < n; i++)
		if (items[i].state == ENGINE_ITEM_FOUND) {
			idx[k] = i;
			jms[k++] = items[i].jm;
		}
	if (k == 0)
		return 0;
	if (journal_msgs_intent(f->x->w->j, jms, k, e) < 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		jms[i].dst_uid = items[idx[i]].jm.dst_uid;
		jms[i].state = JOURNAL_MSG_DONE;
	}
	if (journal_msgs_done(f->x->w->j, jms, k, e) < 0)
		return -1;
	size_t indexed = 0;
	for (size_t i = 0; i < k; i++) {
		items[idx[i]].state = ENGINE_ITEM_DONE;
		indexed += items[idx[i]].indexed;
	}
	engine_count(f->x, ENGINE_COUNT_COPIED, k - indexed, 0);
	engine_count(f->x, ENGINE_COUNT_FOUND, indexed, 0);
	return 0;
}

/* ---- intent, append, done ---- */

static int engine_copy_intent(struct engine_folder *f, struct engine_item *items, size_t n,
                              struct err *e)
{
	struct journal_msg jms[CAPS_BATCH_MESSAGES];
	size_t idx[CAPS_BATCH_MESSAGES], k = 0;
	for (size_t i = 0; i < n; i++)
		if (items[i].state == ENGINE_ITEM_PREPARED) {
			idx[k] = i;
			jms[k++] = items[i].jm;
		}
	/* Journal before action: INTENT rows are committed before the APPEND is sent. */
	if (k && journal_msgs_intent(f->x->w->j, jms, k, e) < 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		items[idx[i]].jm.id = jms[i].id;
		items[idx[i]].state = ENGINE_ITEM_INTENT;
	}
	return 0;
}

/* Mark app[0..k) (items idx[0..k)) stored: DONE in the journal, claimed, counted. */
static int engine_copy_done(struct engine_folder *f, struct engine_item *items, const size_t *idx,
                            const struct drv_append *app, size_t k, struct err *e)
{
	struct journal_msg jms[CAPS_BATCH_MESSAGES];
	uint64_t bytes = 0;
	if (k == 0)
		return 0;
	for (size_t i = 0; i < k; i++) {
		jms[i] = items[idx[i]].jm;
		jms[i].dst_uid = app[i].uid;
		jms[i].state = JOURNAL_MSG_DONE;
		jms[i].altered = app[i].altered[0] ? app[i].altered : NULL;
		size_t stored = app[i].len + (app[i].spool ? app[i].spool->len : 0);
		bytes += stored;
		if (stored > f->x->r->largest)
			f->x->r->largest = stored;
		if (jms[i].altered) {
			f->x->r->altered++;
			engine_log(f->x->w, f->x->c->id, "warn", "message %s stored ALTERED on the "
			           "destination: %s", items[idx[i]].m->key, app[i].altered);
		}
	}
	if (journal_msgs_done(f->x->w->j, jms, k, e) < 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		items[idx[i]].state = ENGINE_ITEM_DONE;
		if (engine_doubt_claim(&f->doubt, app[i].uid) < 0)
			return err_set(e, ERR_NOMEM, "out of memory");
	}
	engine_count(f->x, ENGINE_COUNT_COPIED, k, bytes);
	return 0;
}

/* The INTENT items from `from` on, as the destination wants them. */
static size_t engine_copy_appends(struct engine_item *items, size_t n, size_t *idx,
                                  struct drv_append *app)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct engine_item *it = &items[i];
		if (it->state != ENGINE_ITEM_INTENT)
			continue;
		idx[k] = i;
		memset(&app[k], 0, sizeof app[k]);
		app[k].data = it->data.data;
		app[k].len = it->data.len;
		app[k].spool = it->spooled ? &it->spool : NULL;
		app[k].flags = it->jm.flags;
		app[k].keywords = it->kw.v;
		app[k].internaldate = it->date;
		app[k].tz_offset = it->tz;
		k++;
	}
	return k;
}

/* Append every INTENT item; one the destination refuses on its own is failed and the rest
 * are appended again. */
static int engine_copy_append(struct engine_folder *f, struct engine_item *items, size_t n,
                              struct err *e)
{
	struct drv_append app[CAPS_BATCH_MESSAGES];
	size_t idx[CAPS_BATCH_MESSAGES], k;
	struct dst *d = f->x->dst;
	while ((k = engine_copy_appends(items, n, idx, app)) > 0) {
		size_t done = 0;
		int rc = d->ops->append(d, f->dfolder, app, k, &done, e);
		if (rc == 0 || done > k)
			done = k;
		if (engine_copy_done(f, items, idx, app, done, e) < 0)
			return -1;
		if (rc == 0)
			return 0;
		if (e->scope != ERR_SCOPE_MESSAGE || done >= k)
			return err_prefix(e, "appending to %s: ", f->dfolder);
		if (engine_item_fail(f, &items[idx[done]], e, e) < 0)
			return -1;
	}
	return 0;
}

int engine_item_fail(struct engine_folder *f, struct engine_item *it, const struct err *why,
                     struct err *e)
{
	struct engine_cust *x = f->x;
	char text[ERR_MSG_MAX + ERR_SERVER_MAX + 16];
	snprintf(text, sizeof text, "%s%s%s", why->msg, why->server[0] ? " — server: " : "",
	         why->server);
	if (!x->msg_failed)
		x->msg_err = *why;
	engine_log(x->w, x->c->id, "error", "message %s not copied: %s", it->m->key, text);
	if (it->state == ENGINE_ITEM_LISTED)
		engine_copy_row(f, it);
	it->state = ENGINE_ITEM_FAILED;
	engine_count(x, ENGINE_COUNT_FAILED, 1, 0);
	err_clear(e);
	if (journal_msg_fail(x->w->j, &it->jm, text, e) < 0)
		return -1;
	return 0;
}

int engine_copy_batch(struct engine_folder *f, struct engine_item *items, size_t n,
                      struct err *e)
{
	if (engine_copy_settle(f, items, n, e) < 0 ||
	    engine_copy_found(f, items, n, e) < 0 || engine_copy_intent(f, items, n, e) < 0 ||
	    engine_copy_append(f, items, n, e) < 0)
		return -1;
	return 0;
}
