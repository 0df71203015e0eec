/* engine_doubt: a message whose INTENT was written but whose APPEND was never confirmed
 * (a crash, a dropped connection) may or may not be on the destination. It is looked for
 * before anything is appended again: by the header the UIDL strategy gives it, else by
 * Message-ID, Subject, From or Date. Each search only proposes candidates; the digest
 * decides, and a UID the journal already gave to another message is never taken. */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/engine/retry.h"
#include "migrate/msg/hdr.h"

int engine_doubt_init(struct engine_doubt *d, const struct journal_msg_set *set,
                      uint32_t dst_uidvalidity)
{
	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].state == JOURNAL_MSG_DONE && set->v[i].dst_uidvalidity == dst_uidvalidity &&
		    engine_doubt_claim(d, set->v[i].dst_uid) < 0)
			return -1;
	return 0;
}

int engine_doubt_claim(struct engine_doubt *d, uint32_t uid)
{
	if (uid == 0)
		return 0;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 64;
		uint32_t *nv = realloc(d->claimed, nc * sizeof *nv);
		if (!nv)
			return -1;
		d->claimed = nv;
		d->cap = nc;
	}
	d->claimed[d->n++] = uid;
	return 0;
}

static bool engine_doubt_claimed(const struct engine_doubt *d, uint32_t uid)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->claimed[i] == uid)
			return true;
	return false;
}

void engine_doubt_free(struct engine_doubt *d)
{
	free(d->claimed);
	memset(d, 0, sizeof *d);
}

/* Whether destination message `uid` holds the item's bytes (normalised, without what the
 * UIDL strategy added). */
int engine_doubt_same(struct engine_folder *f, uint32_t uid, const struct engine_item *it,
                      bool *same, struct err *e)
{
	struct dst *d = f->x->dst;
	char *data = NULL, sha[DIGEST_HEX_LEN + 1];
	size_t len = 0;
	*same = false;
	if (d->ops->fetch_uid(d, f->dfolder, uid, &data, &len, e) < 0)
		return -1;
	size_t skip = f->x->uidl->strip(it->m->key, it->m->kind, data, len);
	int rc = digest_sha256_crlf_hex(data + skip, len - skip, sha, e);
	free(data);
	if (rc < 0)
		return -1;
	*same = strcmp(sha, it->sha_crlf) == 0;
	return 0;
}

/* Search for `name: value`; take the first unclaimed candidate with the same bytes.
 * *searched false when the destination cannot search for this value. */
static int engine_doubt_try(struct engine_folder *f, struct engine_item *it, const char *name,
                            const char *value, bool *searched, struct err *e)
{
	struct dst *d = f->x->dst;
	uint32_t *uids = NULL;
	size_t n = 0;
	int rc = d->ops->find_header(d, f->dfolder, name, value, &uids, &n, e);
	if (rc < 0)
		return err_prefix(e, "looking for in-doubt message %s: ", it->m->key);
	*searched = rc == 0;
	for (size_t i = 0; i < n && it->state != ENGINE_ITEM_FOUND; i++) {
		bool same;
		if (engine_doubt_claimed(&f->doubt, uids[i]))
			continue;
		rc = engine_doubt_same(f, uids[i], it, &same, e);
		if (rc == 0 && same && engine_doubt_claim(&f->doubt, uids[i]) < 0)
			rc = err_set(e, ERR_NOMEM, "out of memory");
		if (rc < 0)
			break;
		if (same) {
			it->state = ENGINE_ITEM_FOUND;
			it->jm.dst_uid = uids[i];
			engine_recon_take_uid(&f->recon, uids[i]);
		}
	}
	free(uids);
	return rc < 0 ? -1 : 0;
}

/* One look: by the strategy's header, else the first of the others the server can search. */
static int engine_doubt_look(struct engine_folder *f, struct engine_item *it, bool *searched,
                             struct err *e)
{
	static const char *const names[] = { "Message-ID", "Subject", "From", "Date" };
	const char *name, *value;
	char v[ENGINE_MID_MAX];
	*searched = false;
	if (f->x->uidl->find(it->m->key, it->m->kind, &name, &value) &&
	    engine_doubt_try(f, it, name, value, searched, e) < 0)
		return -1;
	for (size_t k = 0; k < sizeof names / sizeof names[0] && !*searched; k++) {
		if (!hdr_first(it->data.data, it->data.len, names[k], v, sizeof v) || !v[0])
			continue;
		if (engine_doubt_try(f, it, names[k], v, searched, e) < 0)
			return -1;
	}
	return 0;
}

/* Not found at the first look: an APPEND sent before a kill -9 or a dropped connection
 * may still be on its way (data in flight on the network, or a server still storing a
 * batch whose client is gone: it read the whole command before it saw the client go). So
 * a message whose APPEND was sent less than the plan's in_doubt_wait ago is looked for
 * again once that time has passed since its INTENT, the folder selected afresh, before
 * it is appended a second time. An INTENT older than that needs no second look: the first
 * one was late enough. */
static int engine_doubt_again(struct engine_folder *f, struct engine_item *it, bool *searched,
                              struct err *e)
{
	const struct engine_opts *o = f->x->w->sh->opts;
	struct dst *d = f->x->dst;
	long long wait_ms = o->doubt_grace_ms ? o->doubt_grace_ms
	                                      : f->x->p->migration.in_doubt_wait_seconds * 1000LL;
	uint32_t uidvalidity = 0;
	if (wait_ms <= 0)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long now_ms = now.tv_sec * 1000LL + now.tv_nsec / 1000000;
	/* When the INTENT was written: the journal row it was in doubt by (it->prev; it->jm is
	 * this pass's new row). Whole seconds: the INTENT may be up to 1 s later than it says. */
	int64_t intent = it->prev ? it->prev->updated : 0;
	long long sent_ms = intent ? intent * 1000LL + 1000 : now_ms;
	long long left = sent_ms + wait_ms - now_ms;
	if (left <= 0)
		return 0;
	engine_log(f->x->w, f->x->c->id, "info", "message %s was in doubt and is not on the destination "
	           "yet: its APPEND was sent %lld s ago and may still land; looking again in %.1f s "
	           "(in_doubt_wait)", it->m->key, intent ? (long long)(now_ms / 1000 - intent) : 0LL,
	           left / 1000.0);
	if (retry_sleep_ms((long)left, o->stop))
		return err_set(e, ERR_TEMP, "interrupted");
	if (d->ops->select(d, f->dfolder, &uidvalidity, e) < 0)
		return err_prefix(e, "selecting %s again: ", f->dfolder);
	if (uidvalidity != f->dst_uidvalidity)
		return err_set(e, ERR_TEMP, "%s: the destination's UIDVALIDITY changed (%u, was %u)",
		               f->dfolder, uidvalidity, f->dst_uidvalidity);
	return engine_doubt_look(f, it, searched, e);
}

int engine_doubt_resolve(struct engine_folder *f, struct engine_item *it, struct err *e)
{
	bool searched = false;
	if (engine_doubt_look(f, it, &searched, e) < 0 ||
	    (searched && it->state != ENGINE_ITEM_FOUND && engine_doubt_again(f, it, &searched, e) < 0))
		return -1;
	if (!searched)
		engine_log(f->x->w, f->x->c->id, "warn",
		           "message %s was in doubt and has no header to look for it by: appended "
		           "again (it may now be twice on the destination)", it->m->key);
	else if (it->state == ENGINE_ITEM_FOUND)
		engine_log(f->x->w, f->x->c->id, "info", "message %s was in doubt: found on the destination "
		           "(UID %u), not appended again", it->m->key, it->jm.dst_uid);
	return 0;
}

/* Take index entry `i` for the item: claimed in both the index and the doubt set. */
static int engine_recon_found(struct engine_folder *f, struct engine_item *it, size_t i,
                              struct err *e)
{
	uint32_t uid = f->recon.ix.v[i].uid;
	engine_recon_take(&f->recon, i);
	if (engine_doubt_claim(&f->doubt, uid) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	it->state = ENGINE_ITEM_FOUND;
	it->indexed = true;
	it->jm.dst_uid = uid;
	f->x->r->found++;
	return 0;
}

int engine_recon_settle(struct engine_folder *f, struct engine_item *it, struct err *e)
{
	const char *name = NULL, *value = NULL;
	size_t cand[16];
	bool need_digest;
	struct engine_recon_want w = { NULL, it->mid[0] ? it->mid : NULL,
	                               engine_item_stored(it) };
	if (f->x->uidl->find(it->m->key, it->m->kind, &name, &value))
		w.found_by = value;
	size_t k = engine_recon_candidates(&f->recon, &w, cand, sizeof cand / sizeof cand[0],
	                                   &need_digest);
	if (k > 0 && !need_digest)
		return engine_recon_found(f, it, cand[0], e);
	for (size_t i = 0; i < k; i++) {
		bool same = false;
		if (engine_doubt_same(f, f->recon.ix.v[cand[i]].uid, it, &same, e) < 0)
			return err_prefix(e, "looking for message %s on the destination: ", it->m->key);
		if (same)
			return engine_recon_found(f, it, cand[i], e);
	}
	return 0;
}
