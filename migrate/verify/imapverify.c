/* imapverify: compare an IMAP source mailbox with its copy, folder by folder. */
#include "migrate/verify/imapverify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "migrate/session.h"
#include "migrate/msg/digest.h"
#include "migrate/driver.h"
#include "migrate/engine/foldermap.h"
#include "migrate/verify/vjournal.h"

struct iv_msg {
	char sha[DIGEST_HEX_LEN + 1];
	unsigned flags;
	char *kw;                   /* sorted, space-separated; "" = none */
	time_t date;
	const char *key;            /* into the side's list */
};

struct iv_side {
	struct drv_msg_list list;
	struct iv_msg *v;
	size_t n;
	size_t *at;                 /* list index -> v index, (size_t)-1 = not compared */
	uint64_t bytes;
};

static int iv_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keywords in a canonical order, so "b a" and "a b" compare equal. */
static char *iv_keywords(char **kw)
{
	size_t n = 0;
	while (kw && kw[n])
		n++;
	const char **v = calloc(n + 1, sizeof *v);
	struct buf b;
	buf_init(&b, 0);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = kw[i];
	qsort(v, n, sizeof *v, iv_cmp_str);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	if (rc == 0)
		rc = buf_append(&b, "", 1);
	free(v);
	if (rc < 0) {
		buf_release(&b);
		return NULL;
	}
	return b.data;
}

static int iv_on_msg(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                     struct err *e)
{
	struct iv_side *s = ctx;
	size_t li = (size_t)(m - s->list.v);
	if (li >= s->list.n || s->at[li] == (size_t)-1)
		return err_set(e, ERR_PROTOCOL, "server returned a message that was not asked for");
	return digest_sha256_crlf_hex(data, len, s->v[s->at[li]].sha, e);
}

/* Every message of `folder` with digest, flags, keywords and date. */
static int iv_read(struct src *s, const char *folder, bool skip_deleted, struct iv_side *out,
                   struct err *e)
{
	const struct drv_msg *batch[CAPS_BATCH_MESSAGES];
	if (s->ops->select(s, folder, NULL, e) < 0 || s->ops->list(s, &out->list, e) < 0)
		return -1;
	out->v = calloc(out->list.n + 1, sizeof *out->v);
	out->at = calloc(out->list.n + 1, sizeof *out->at);
	if (!out->v || !out->at)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < out->list.n; i++) {
		const struct drv_msg *m = &out->list.v[i];
		out->at[i] = (size_t)-1;
		if (skip_deleted && (m->flags & DRV_FLAG_DELETED))
			continue;
		struct iv_msg *x = &out->v[out->n];
		x->flags = m->flags & ~(unsigned)DRV_FLAG_DELETED;
		x->date = m->internaldate;
		x->key = m->key;
		if (!(x->kw = iv_keywords(m->keywords)))
			return err_set(e, ERR_NOMEM, "out of memory");
		out->bytes += m->size;
		out->at[i] = out->n++;
	}
	for (size_t i = 0; i < out->list.n;) {
		size_t nb = 0;
		uint64_t bb = 0;
		for (; i < out->list.n && nb < CAPS_BATCH_MESSAGES &&
		       (nb == 0 || bb + out->list.v[i].size <= CAPS_BATCH_BYTES); i++) {
			if (out->at[i] == (size_t)-1)
				continue;
			bb += out->list.v[i].size;
			batch[nb++] = &out->list.v[i];
		}
		if (nb && s->ops->fetch(s, batch, nb, iv_on_msg, out, e) < 0)
			return -1;
	}
	return 0;
}

static void iv_side_free(struct iv_side *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		free(s->v[i].kw);
	free(s->v);
	free(s->at);
	drv_msg_list_free(&s->list);
	memset(s, 0, sizeof *s);
}

static int iv_cmp_msg(const void *a, const void *b)
{
	const struct iv_msg *x = a, *y = b;
	int c = strcmp(x->sha, y->sha);
	if (c)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->flags != y->flags)
		return x->flags < y->flags ? -1 : 1;
	return strcmp(x->kw, y->kw);
}

static void iv_note(struct imapverify_result *r, const char *folder, const char *what, size_t n)
{
	if (!r->first_problem[0] && n)
		snprintf(r->first_problem, sizeof r->first_problem, "folder %s: %zu %s", folder, n, what);
}

/* Flags, keywords and INTERNALDATE of the messages that have an identical copy. */
static void iv_attrs(struct iv_side *s, struct iv_side *d, const char *sfolder,
                     struct imapverify_result *r)
{
	size_t fl = 0, dt = 0;
	qsort(s->v, s->n, sizeof *s->v, iv_cmp_msg);
	qsort(d->v, d->n, sizeof *d->v, iv_cmp_msg);
	for (size_t i = 0, k = 0; i < s->n && k < d->n;) {
		int cmp = strcmp(s->v[i].sha, d->v[k].sha);
		if (cmp < 0) {
			i++;
		} else if (cmp > 0) {
			k++;
		} else {
			fl += s->v[i].flags != d->v[k].flags || strcmp(s->v[i].kw, d->v[k].kw) != 0;
			dt += s->v[i].date != d->v[k].date;
			i++;
			k++;
		}
	}
	r->flags_differ += fl;
	r->dates_differ += dt;
	iv_note(r, sfolder, "message(s) with other flags or keywords on the destination", fl);
	iv_note(r, sfolder, "message(s) with another INTERNALDATE on the destination", dt);
}

/* One side as tally items: identity by digest, named by "uidvalidity/uid". */
static struct vtally_item *iv_items(const struct iv_side *side, const struct vjournal *jv,
                                    bool dst)
{
	struct vtally_item *v = calloc(side->n + 1, sizeof *v);
	for (size_t i = 0; v && i < side->n; i++) {
		v[i].id = v[i].sha = side->v[i].sha;
		v[i].key = side->v[i].key;
		v[i].pos = i;
	}
	if (v)
		vjournal_mark(jv, v, side->n, dst);
	return v;
}

static int iv_tally(const struct vjournal *jv, bool prestage, const struct iv_side *s,
                    const struct iv_side *d, struct imapverify_folder *f, struct err *e)
{
	struct vtally_item *sv = iv_items(s, jv, false), *dv = iv_items(d, jv, true);
	const struct vtally_opts o = { false, false, prestage };
	int rc = sv && dv ? vtally_folder(sv, s->n, dv, d->n, &o, &f->tally, e)
	                  : err_set(e, ERR_NOMEM, "out of memory");
	free(sv);
	free(dv);
	return rc;
}

/* A new entry in r->folder for sfolder → dfolder. */
static struct imapverify_folder *iv_folder_add(struct imapverify_result *r, const char *sfolder,
                                               const char *dfolder, struct err *e)
{
	struct imapverify_folder *v = realloc(r->folder, (r->folders + 1) * sizeof *v);
	if (!v) {
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	r->folder = v;
	struct imapverify_folder *f = &v[r->folders];
	memset(f, 0, sizeof *f);
	f->name = strdup(sfolder);
	f->dst_name = strdup(dfolder);
	r->folders++;
	if (!f->name || !f->dst_name) {
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	return f;
}

/* What every folder of one customer is compared with. */
struct iv_ctx {
	const struct plan *p;
	const struct plan_customer *c;
	struct journal *j;
	bool prestage;
	struct src *s, *d;
};

/* Both sides of one folder, then the tally and the attributes of what matched. */
static int iv_folder(const struct iv_ctx *x, const char *sfolder, const char *dfolder,
                     struct imapverify_result *r, struct err *e)
{
	struct iv_side ss, ds;
	struct vjournal jv;
	struct imapverify_folder *f;
	int rc = -1;
	memset(&ss, 0, sizeof ss);
	memset(&ds, 0, sizeof ds);
	memset(&jv, 0, sizeof jv);
	if (iv_read(x->s, sfolder, !x->p->migration.copy_deleted, &ss, e) < 0) {
		err_prefix(e, "source folder %s: ", sfolder);
		goto out;
	}
	if (!(f = iv_folder_add(r, sfolder, dfolder, e)))
		goto out;
	f->src_n = ss.n;
	r->src_n += ss.n;
	r->src_bytes += ss.bytes;
	if (iv_read(x->d, dfolder, false, &ds, e) < 0) {
		if (e->cls != ERR_NOTFOUND) {
			err_prefix(e, "destination folder %s: ", dfolder);
			goto out;
		}
		err_clear(e);
		iv_side_free(&ds);
		f->dst_missing = true;
		r->folders_missing++;
		iv_note(r, sfolder, "folder missing on the destination", 1);
	}
	f->dst_n = ds.n;
	r->dst_n += ds.n;
	r->dst_bytes += ds.bytes;
	if (vjournal_load(&jv, x->j, x->c->id, sfolder, dfolder, e) < 0 ||
	    iv_tally(&jv, x->prestage, &ss, &ds, f, e) < 0)
		goto out;
	vtally_add(&r->total, &f->tally.n);
	iv_attrs(&ss, &ds, sfolder, r);
	rc = 0;
out:
	vjournal_free(&jv);
	iv_side_free(&ss);
	iv_side_free(&ds);
	return rc;
}

/* Every selectable source folder that `run` would copy, with its destination name. */
static int iv_folders(const struct iv_ctx *x, struct drv_folder *sf, size_t nsf,
                      struct foldermap *fm, struct imapverify_result *r, struct err *e)
{
	for (size_t i = 0; i < nsf; i++) {
		char *dname = NULL;
		const char *why;
		if (sf[i].noselect)
			continue;
		if (foldermap_map(fm, &sf[i], &dname, &why, e) < 0)
			return -1;
		if (!dname)
			continue;
		int frc = iv_folder(x, sf[i].name, dname, r, e);
		free(dname);
		if (frc < 0)
			return -1;
	}
	return 0;
}

int imapverify_customer(const struct plan *p, const struct plan_customer *c, struct journal *j,
                        bool prestage, struct imapverify_result *r, struct err *e)
{
	struct iv_ctx x = { p, c, j, prestage, NULL, NULL };
	struct drv_folder *sf = NULL, *df = NULL;
	size_t nsf = 0, ndf = 0;
	struct foldermap *fm = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	/* The destination is read with the read-only IMAP source driver: EXAMINE, PEEK. */
	if (session_open_src(&x.s, p, c, SESSION_SOURCE, &imapsrc_ops, e) < 0 ||
	    session_open_src(&x.d, p, c, SESSION_DESTINATION, &imapsrc_ops, e) < 0)
		goto out;
	if (x.s->ops->folders(x.s, &sf, &nsf, e) < 0 || x.d->ops->folders(x.d, &df, &ndf, e) < 0 ||
	    foldermap_new(&fm, p, df, ndf, e) < 0 || iv_folders(&x, sf, nsf, fm, r, e) < 0)
		goto out;
	r->matched = r->total.matched;
	r->missing = r->total.missing;
	r->pending = r->total.pending;
	rc = 0;
out:
	foldermap_free(fm);
	if (sf)
		drv_folder_list_free(sf, nsf);
	if (df)
		drv_folder_list_free(df, ndf);
	if (x.s)
		x.s->ops->close(x.s);
	if (x.d)
		x.d->ops->close(x.d);
	return rc;
}

void imapverify_free(struct imapverify_result *r)
{
	for (size_t i = 0; r->folder && i < r->folders; i++) {
		free(r->folder[i].name);
		free(r->folder[i].dst_name);
	}
	free(r->folder);
	r->folder = NULL;
}
