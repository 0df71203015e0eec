/* pop3verify: compare a POP3 source mailbox with what the destination serves over POP3. */
#include "migrate/verify/pop3verify.h"

#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "migrate/msg/digest.h"
#include "migrate/driver.h"
#include "migrate/session.h"
#include "migrate/uidl/uidl.h"
#include "migrate/verify/vjournal.h"

/* One side's view: UIDLs in order, sizes, digests. */
struct pv_side {
	struct drv_msg_list list;
	char (*sha)[DIGEST_HEX_LEN + 1];
	uint64_t bytes;
};

struct pv_fetch {
	struct pv_side *side;
	/* what the UIDL strategy added */
	size_t (*strip)(const char *key, enum drv_key_kind kind, const char *data, size_t len);
	size_t base, next;
};

static int pv_on_msg(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                     struct err *e)
{
	struct pv_fetch *f = ctx;
	size_t skip = f->strip(m->key, m->kind, data, len);
	size_t i = f->base + f->next++;
	if (i >= f->side->list.n)
		return err_set(e, ERR_PROTOCOL, "server returned more messages than asked for");
	return digest_sha256_crlf_hex(data + skip, len - skip, f->side->sha[i], e);
}

/* Messages i.. that fit one batch (by count and bytes) into batch; returns how many. */
static size_t pv_batch(const struct pv_side *side, size_t i, const struct drv_msg **batch,
                       uint64_t *bytes)
{
	size_t nb = 0;
	*bytes = 0;
	while (i + nb < side->list.n && nb < CAPS_BATCH_MESSAGES &&
	       (nb == 0 || *bytes + side->list.v[i + nb].size <= CAPS_BATCH_BYTES)) {
		*bytes += side->list.v[i + nb].size;
		batch[nb] = &side->list.v[i + nb];
		nb++;
	}
	return nb;
}

/* The whole mailbox: the UIDL list, then every message's digest, in batches. */
static int pv_read(struct src *s, struct pv_side *side,
                   size_t (*strip)(const char *, enum drv_key_kind, const char *, size_t),
                   struct err *e)
{
	const struct drv_msg *batch[CAPS_BATCH_MESSAGES];
	if (s->ops->select(s, "INBOX", NULL, e) < 0 || s->ops->list(s, &side->list, e) < 0)
		return -1;
	side->sha = calloc(side->list.n + 1, sizeof *side->sha);
	if (!side->sha)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < side->list.n;) {
		uint64_t bytes;
		size_t nb = pv_batch(side, i, batch, &bytes);
		struct pv_fetch f = { side, strip, i, 0 };
		if (s->ops->fetch(s, batch, nb, pv_on_msg, &f, e) < 0)
			return -1;
		if (f.next != nb)
			return err_set(e, ERR_PROTOCOL, "server returned %zu of %zu messages", f.next, nb);
		side->bytes += bytes;
		i += nb;
	}
	return 0;
}

static void pv_side_free(struct pv_side *s)
{
	drv_msg_list_free(&s->list);
	free(s->sha);
	memset(s, 0, sizeof *s);
}

static size_t pv_find_key(const struct pv_side *s, const char *key)
{
	for (size_t i = 0; i < s->list.n; i++)
		if (strcmp(s->list.v[i].key, key) == 0)
			return i;
	return (size_t)-1;
}

/* One side as tally items: identity by the old UIDL or by the digest. */
static struct vtally_item *pv_items(const struct pv_side *side, bool by_uidl,
                                    const struct vjournal *jv, bool dst)
{
	struct vtally_item *v = calloc(side->list.n + 1, sizeof *v);
	for (size_t i = 0; v && i < side->list.n; i++) {
		v[i].sha = side->sha[i];
		v[i].key = side->list.v[i].key;
		v[i].id = by_uidl ? v[i].key : v[i].sha;
		v[i].pos = i;
	}
	if (v)
		vjournal_mark(jv, v, side->list.n, dst);
	return v;
}

/* Content and identity as multisets, the journal sorting what is missing. */
static int pv_content(const struct pv_side *src, const struct pv_side *dst,
                      const struct vjournal *jv, bool prestage, struct pop3verify_result *r,
                      struct err *e)
{
	struct vtally_item *sv = pv_items(src, r->by_uidl, jv, false);
	struct vtally_item *dv = pv_items(dst, r->by_uidl, jv, true);
	const struct vtally_opts o = { r->by_uidl, r->by_uidl, prestage };
	int rc = sv && dv ? vtally_folder(sv, src->list.n, dv, dst->list.n, &o, &r->tally, e)
	                  : err_set(e, ERR_NOMEM, "out of memory");
	free(sv);
	free(dv);
	r->matched = r->tally.n.matched;
	r->missing = r->tally.n.missing;
	return rc;
}

/* UIDLs as the client remembers them, and their order; n×m lookups are fine for
 * mailboxes of thousands. */
static void pv_uidls(const struct pv_side *src, const struct pv_side *dst,
                     const struct vjournal *jv, struct pop3verify_result *r)
{
	size_t last = 0;
	bool first = true;
	r->order_kept = true;
	for (size_t i = 0; i < src->list.n; i++) {
		/* a content key (no UIDL on the source) was never seen by a client */
		if (!uidl_remembered(src->list.v[i].kind))
			continue;
		size_t k = pv_find_key(dst, src->list.v[i].key);
		if (k == (size_t)-1) {
			r->uidl_missing++;
			continue;
		}
		/* other bytes under the same UIDL are a change, unless the journal recorded it
		 * (stored ALTERED: the tally accepts it too) */
		if (strcmp(src->sha[i], dst->sha[k]) != 0 &&
		    vjournal_recorded(jv, src->list.v[i].key) != VTALLY_REC_ALTERED)
			r->uidl_changed++;
		else
			r->uidl_preserved++;
		if (!first && k < last)
			r->order_kept = false;
		last = k;
		first = false;
	}
	for (size_t k = 0; k < dst->list.n; k++)
		if (pv_find_key(src, dst->list.v[k].key) == (size_t)-1)
			r->uidl_extra++;
}

static int pv_compare(const struct plan *p, const struct pv_side *src, const struct pv_side *dst,
                      const struct vjournal *jv, bool prestage, struct pop3verify_result *r,
                      struct err *e)
{
	r->src_n = src->list.n;
	r->dst_n = dst->list.n;
	r->src_bytes = src->bytes;
	r->dst_bytes = dst->bytes;
	/* A source without UIDLs has digest keys: nothing a client remembers to match by. */
	r->by_uidl = uidl_strategy(p)->promised &&
	             (src->list.n == 0 || uidl_remembered(src->list.v[0].kind));
	if (pv_content(src, dst, jv, prestage, r, e) < 0)
		return -1;
	pv_uidls(src, dst, jv, r);
	r->loss = vtally_problems(&r->tally.n) > 0;
	if (uidl_strategy(p)->promised)
		r->loss |= r->uidl_missing > 0 || r->uidl_changed > 0 || !r->order_kept;
	return 0;
}

/* Both views, read over POP3 with the customer's credentials. The session names the side
 * of a failed open; a failure while reading gets the same prefix here. */
static int pv_read_both(const struct plan *p, const struct plan_customer *c, struct pv_side *src,
                        struct pv_side *dst, struct err *e)
{
	struct src *s = NULL, *d = NULL;
	int rc = -1;
	if (session_open_src(&s, p, c, SESSION_SOURCE, NULL, e) < 0)
		goto out;
	if (pv_read(s, src, uidl_strip_nothing, e) < 0) {
		err_prefix(e, "source: ");
		goto out;
	}
	if (session_open_src(&d, p, c, SESSION_DESTINATION_POP3, NULL, e) < 0)
		goto out;
	/* What the UIDL strategy added is not part of the message the customer wrote. */
	if (pv_read(d, dst, uidl_strategy(p)->strip, e) < 0) {
		err_prefix(e, "destination POP3: ");
		goto out;
	}
	rc = 0;
out:
	if (s)
		s->ops->close(s);
	if (d)
		d->ops->close(d);
	return rc;
}

int pop3verify_customer(const struct plan *p, const struct plan_customer *c, struct journal *j,
                        bool prestage, struct pop3verify_result *r, struct err *e)
{
	struct pv_side src, dst;
	struct vjournal jv;
	memset(r, 0, sizeof *r);
	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	int rc = vjournal_load(&jv, j, c->id, "INBOX", "INBOX", e);
	if (rc == 0)
		rc = pv_read_both(p, c, &src, &dst, e);
	if (rc == 0)
		rc = pv_compare(p, &src, &dst, &jv, prestage, r, e);
	vjournal_free(&jv);
	pv_side_free(&src);
	pv_side_free(&dst);
	return rc;
}
