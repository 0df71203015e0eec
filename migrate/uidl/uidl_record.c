/* uidl_record: messages travel unchanged; after a customer is copied, the UIDLs the
 * destination's POP3 service now serves are read and recorded beside the old ones, so
 * `cutover uidl` can export the mapping for clients that can be told. */
#include "migrate/uidl/uidl.h"

#include <stdio.h>
#include <stdlib.h>

/* One copied message whose new UIDL is wanted. */
struct uidl_record_row {
	int64_t id;
	uint32_t dst_uid;
};

struct uidl_record_rows {
	struct uidl_record_row *v;
	size_t n, cap;
};

/* Messages that came from a POP3 mailbox (a UIDL or digest key) are the ones the
 * destination's POP3 view serves; an IMAP UID key never was a POP3 message. */
static int uidl_record_collect(void *ctx, const struct journal_msg *m)
{
	struct uidl_record_rows *r = ctx;
	if (m->src_kind == JOURNAL_KEY_UID || m->dst_uid == 0)
		return 0;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		struct uidl_record_row *nv = realloc(r->v, nc * sizeof *nv);
		if (!nv)
			return 1;
		r->v = nv;
		r->cap = nc;
	}
	r->v[r->n].id = m->id;
	r->v[r->n++].dst_uid = m->dst_uid;
	return 0;
}

static int uidl_record_cmp(const void *a, const void *b)
{
	const struct uidl_record_row *x = a, *y = b;
	return x->dst_uid < y->dst_uid ? -1 : x->dst_uid > y->dst_uid;
}

/* The POP3 view's one mailbox, listed. */
static int uidl_record_list(struct src *v, struct drv_msg_list *list, struct err *e)
{
	struct drv_folder *f = NULL;
	size_t nf = 0;
	int rc = v->ops->folders(v, &f, &nf, e);
	if (rc == 0 && nf == 0)
		rc = err_set(e, ERR_PROTOCOL, "the destination's POP3 service shows no mailbox");
	if (rc == 0)
		rc = v->ops->select(v, f[0].name, NULL, e);
	if (f)
		drv_folder_list_free(f, nf);
	return rc < 0 ? -1 : v->ops->list(v, list, e);
}

/* POP3 lists a mailbox in UID order, so the n-th UIDL belongs to the n-th UID; pair them
 * only when the counts agree (otherwise mail arrived meanwhile and the pairing is unsafe). */
static int uidl_record_pair(const struct uidl_finish *f, struct uidl_record_rows *rows,
                            const struct drv_msg_list *list, struct err *e)
{
	if (rows->n != list->n) {
		char text[200];
		snprintf(text, sizeof text, "destination POP3 lists %zu messages, the journal %zu: "
		         "destination UIDLs not recorded", list->n, rows->n);
		f->warn(f->ctx, text);
		return 0;
	}
	qsort(rows->v, rows->n, sizeof *rows->v, uidl_record_cmp);
	for (size_t i = 0; i < rows->n; i++)
		if (journal_msg_set_dst_uidl(f->j, rows->v[i].id, list->v[i].key, e) < 0)
			return -1;
	return 0;
}

static int uidl_record_finish(const struct uidl_finish *f, struct err *e)
{
	struct uidl_record_rows rows = { NULL, 0, 0 };
	struct drv_msg_list list = { NULL, 0 };
	struct src *v = NULL;
	int rc = journal_each_msg(f->j, f->customer, uidl_record_collect, &rows, e);
	if (rc > 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	/* Nothing came from a POP3 mailbox: there is no POP3 view to read. */
	if (rc == 0 && rows.n > 0) {
		rc = f->open_view(f->ctx, &v, e);
		if (rc == 0)
			rc = uidl_record_list(v, &list, e);
		if (rc == 0)
			rc = uidl_record_pair(f, &rows, &list, e);
	}
	if (rc < 0)
		err_prefix(e, "reading the destination's UIDLs: ");
	if (v)
		v->ops->close(v);
	drv_msg_list_free(&list);
	free(rows.v);
	return rc < 0 ? -1 : 0;
}

const struct uidl_ops uidl_record_ops = {
	.name = "record",
	.promised = false,
	.prepare = uidl_prepare_plain,
	.find = uidl_find_nothing,
	.strip = uidl_strip_nothing,
	.finish = uidl_record_finish,
};
