/* pop3verify: compare a POP3 source mailbox with what the destination serves over POP3. */
#include "migrate/verify/pop3verify.h"

#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "migrate/msg/digest.h"
#include "migrate/driver.h"
#include "migrate/session.h"
#include "migrate/uidl/uidl.h"

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

static int pv_cmp_sha(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A side's digests, sorted, for a multiset comparison. */
static const char **pv_sorted(const struct pv_side *s)
{
	const char **v = calloc(s->list.n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->list.n; i++)
		v[i] = s->sha[i];
	qsort(v, s->list.n, sizeof *v, pv_cmp_sha);
	return v;
}

/* Content as a multiset: each source digest must meet its own destination copy. */
static int pv_content(const struct pv_side *src, const struct pv_side *dst,
                      struct pop3verify_result *r, struct err *e)
{
	const char **ss = pv_sorted(src), **ds = pv_sorted(dst);
	if (!ss || !ds) {
		free(ss);
		free(ds);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0, k = 0; i < src->list.n;) {
		int c = k < dst->list.n ? strcmp(ss[i], ds[k]) : -1;
		if (c == 0) {
			r->matched++;
			i++;
			k++;
		} else if (c < 0) {
			r->missing++;
			i++;
		} else {
			k++;
		}
	}
	free(ss);
	free(ds);
	return 0;
}

/* UIDLs as the client remembers them, and their order; n×m lookups are fine for
 * mailboxes of thousands. */
static void pv_uidls(const struct pv_side *src, const struct pv_side *dst,
                     struct pop3verify_result *r)
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
		if (strcmp(src->sha[i], dst->sha[k]) != 0)
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
                      struct pop3verify_result *r, struct err *e)
{
	r->src_n = src->list.n;
	r->dst_n = dst->list.n;
	r->src_bytes = src->bytes;
	r->dst_bytes = dst->bytes;
	if (pv_content(src, dst, r, e) < 0)
		return -1;
	pv_uidls(src, dst, r);
	r->loss = r->missing > 0;
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

int pop3verify_customer(const struct plan *p, const struct plan_customer *c,
                        struct pop3verify_result *r, struct err *e)
{
	struct pv_side src, dst;
	memset(r, 0, sizeof *r);
	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	int rc = pv_read_both(p, c, &src, &dst, e);
	if (rc == 0)
		rc = pv_compare(p, &src, &dst, r, e);
	pv_side_free(&src);
	pv_side_free(&dst);
	return rc;
}
