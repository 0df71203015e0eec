/* imapsrc: the IMAP source driver. Strictly read-only: mailboxes are opened with EXAMINE,
 * bodies are read with BODY.PEEK[], and the calls that could change the source are
 * poisoned below so that using one is a compile error, not a review finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/caps.h"
#include "migrate/driver.h"
#include "migrate/imap/imap_conn.h"
#include "migrate/imap/imap_fetch.h"
#include "migrate/imap/imap_list.h"

#pragma GCC poison mailimap_select mailimap_store mailimap_uid_store mailimap_append \
	mailimap_uidplus_append mailimap_expunge mailimap_uidplus_uid_expunge mailimap_close \
	mailimap_copy mailimap_uid_copy mailimap_move mailimap_uid_move mailimap_delete \
	mailimap_rename mailimap_create mailimap_custom_command \
	mailimap_fetch_att_new_body_section mailimap_fetch_att_new_rfc822 \
	mailimap_fetch_att_new_rfc822_text mailimap_fetch_att_new_rfc822_header

struct imapsrc {
	struct src base;          /* first: the engine holds a struct src * */
	struct imap_conn *c;
	uint32_t uidvalidity;     /* of the examined mailbox */
	uint32_t exists;
	bool examined;
	/* The UID FETCH 1:* listing, sent with the EXAMINE (pipelined) and kept for list. */
	clist *listing;
};

static int imapsrc_open(struct src **out, const struct drv_endpoint *ep,
                        const struct drv_login *login, struct err *e)
{
	*out = NULL;
	struct imapsrc *s = calloc(1, sizeof *s);
	if (!s)
		return err_set(e, ERR_NOMEM, "out of memory");
	s->base.ops = &imapsrc_ops;
	if (imap_conn_open(&s->c, ep, login, e) < 0) {
		free(s);
		return -1;
	}
	*out = &s->base;
	return 0;
}

static unsigned imapsrc_caps(struct src *s)
{
	(void)s;
	return DRV_SRC_FOLDERS | DRV_SRC_FLAGS;
}

/* An IMAP source has no POP3 UIDLs of its own; keys are "<uidvalidity>/<uid>". */
static const char *imapsrc_uidl_style(struct src *s)
{
	(void)s;
	return "unknown";
}

static int imapsrc_folders(struct src *s, struct drv_folder **out, size_t *n, struct err *e)
{
	return imap_list_folders(((struct imapsrc *)s)->c, out, n, e);
}

static void imapsrc_drop_listing(struct imapsrc *s)
{
	if (s->listing)
		mailimap_fetch_list_free(s->listing);
	s->listing = NULL;
}

/* EXAMINE and the listing's UID FETCH 1:* sent back to back: one round trip per folder
 * where two were waited for, since every select is followed by a list (engine, verify,
 * inventory). libetpan's mailimap_examine is mirrored: a fresh selection info before the
 * reply is parsed, the state after it. The FETCH's reply is read whatever EXAMINE's was,
 * to keep the stream in step; after a failed EXAMINE (no mailbox selected) it is a NO or
 * BAD and is dropped. -1 with e set, or 0 (then *pipelined says whether it was sent: a
 * name that cannot go in a quoted string takes the plain path). */
static int imapsrc_examine_listing(struct imapsrc *s, const char *mbox, const char *folder,
                                   bool *pipelined, struct err *e)
{
	static const char fetch[] = "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)";
	char *q = imap_conn_quoted(mbox);
	*pipelined = q != NULL;
	if (!q)
		return 0;
	size_t n = strlen(q) + sizeof "EXAMINE ";
	char *line = malloc(n);
	if (!line) {
		free(q);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	snprintf(line, n, "EXAMINE %s", q);
	free(q);
	const char *const cmds[] = {line, fetch};
	mailimap *m = s->c->s;
	int tag;
	int r = imap_conn_send(s->c, cmds, 2, false, &tag);
	free(line);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(s->c, r, ERR_NOTFOUND, e, "EXAMINE '%s'", folder);
	if (m->imap_selection_info)
		mailimap_selection_info_free(m->imap_selection_info);
	m->imap_selection_info = mailimap_selection_info_new();
	r = imap_conn_reply(s->c, tag, MAILIMAP_ERROR_EXAMINE);
	m->imap_state = r == MAILIMAP_NO_ERROR ? MAILIMAP_STATE_SELECTED : MAILIMAP_STATE_AUTHENTICATED;
	int rc = 0;
	if (r != MAILIMAP_NO_ERROR) {
		if (m->imap_selection_info)
			mailimap_selection_info_free(m->imap_selection_info);
		m->imap_selection_info = NULL;
		rc = imap_conn_fail(s->c, r, ERR_NOTFOUND, e, "EXAMINE '%s'", folder);
	}
	if (s->c->dead)
		return rc;
	struct mailimap_selection_info *si = m->imap_selection_info;
	uint32_t exists = si ? si->sel_exists : 0;
	r = imap_conn_reply(s->c, tag + 1, MAILIMAP_ERROR_UID_FETCH);
	if (m->imap_response_info) {
		s->listing = m->imap_response_info->rsp_fetch_list;
		m->imap_response_info->rsp_fetch_list = NULL;
	}
	/* libetpan's own UID FETCH takes any FETCH data as success; so does this. */
	if (r == MAILIMAP_ERROR_UID_FETCH && s->listing && !clist_isempty(s->listing))
		r = MAILIMAP_NO_ERROR;
	if (r != MAILIMAP_NO_ERROR) {
		struct err fe;
		err_clear(&fe);
		imap_conn_fail(s->c, r, ERR_PROTOCOL, &fe, "%s", fetch);   /* a broken stream: c dead */
		if (rc == 0 && (exists > 0 || s->c->dead)) {
			*e = fe;
			rc = -1;
		}
	}
	if (rc < 0)
		imapsrc_drop_listing(s);
	return rc;
}

static int imapsrc_select(struct src *src, const char *folder, uint32_t *uidvalidity, struct err *e)
{
	struct imapsrc *s = (struct imapsrc *)src;
	s->examined = false;
	imapsrc_drop_listing(s);
	if (imap_conn_usable(s->c, e) < 0)
		return -1;
	char *mbox = imap_list_server_name(s->c, folder, e);
	if (!mbox)
		return -1;
	bool pipelined;
	int rc = imapsrc_examine_listing(s, mbox, folder, &pipelined, e);
	int r = pipelined ? MAILIMAP_NO_ERROR : mailimap_examine(s->c->s, mbox);
	free(mbox);
	if (rc < 0)
		return -1;
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(s->c, r, ERR_NOTFOUND, e, "EXAMINE '%s'", folder);
	struct mailimap_selection_info *si = s->c->s->imap_selection_info;
	s->uidvalidity = si ? si->sel_uidvalidity : 0;
	s->exists = si ? si->sel_exists : 0;
	s->examined = true;
	if (uidvalidity)
		*uidvalidity = s->uidvalidity;
	return 0;
}

static time_t imapsrc_time(const struct mailimap_date_time *dt)
{
	struct tm tm = {0};
	tm.tm_mday = dt->dt_day;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	/* libetpan keeps the zone as the HHMM number it read (+0900 -> 900). */
	int z = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	long off = (long)(z / 100) * 3600 + (long)(z % 100) * 60;
	return timegm(&tm) - (dt->dt_zone < 0 ? -off : off);
}

/* Flags of one FETCH response into m; keywords become a NULL-terminated array. */
static int imapsrc_flags(struct mailimap_msg_att_dynamic *dyn, struct drv_msg *m)
{
	size_t nk = 0, cap = 0;
	char **kw = NULL;
	for (clistiter *it = dyn && dyn->att_list ? clist_begin(dyn->att_list) : NULL; it; it = clist_next(it)) {
		struct mailimap_flag_fetch *ff = clist_content(it);
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || !ff->fl_flag)
			continue;
		switch (ff->fl_flag->fl_type) {
		case MAILIMAP_FLAG_SEEN: m->flags |= DRV_FLAG_SEEN; break;
		case MAILIMAP_FLAG_ANSWERED: m->flags |= DRV_FLAG_ANSWERED; break;
		case MAILIMAP_FLAG_FLAGGED: m->flags |= DRV_FLAG_FLAGGED; break;
		case MAILIMAP_FLAG_DRAFT: m->flags |= DRV_FLAG_DRAFT; break;
		case MAILIMAP_FLAG_DELETED: m->flags |= DRV_FLAG_DELETED; break;
		case MAILIMAP_FLAG_KEYWORD:
			if (nk + 2 > cap) {
				size_t nc = cap ? cap * 2 : 4;
				char **nv = realloc(kw, nc * sizeof *nv);
				if (!nv)
					goto nomem;
				kw = nv;
				cap = nc;
			}
			if (!(kw[nk] = strdup(ff->fl_flag->fl_data.fl_keyword)))
				goto nomem;
			kw[++nk] = NULL;
			break;
		default:
			/* \Recent and unknown \Extension flags cannot be set by APPEND. */
			break;
		}
	}
	m->keywords = kw;
	return 0;
nomem:
	for (size_t i = 0; i < nk; i++)
		free(kw[i]);
	free(kw);
	return -1;
}

static int imapsrc_parse(struct imapsrc *s, struct mailimap_msg_att *ma, struct drv_msg *m)
{
	memset(m, 0, sizeof *m);
	m->seq = ma->att_number;
	for (clistiter *it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			if (imapsrc_flags(item->att_data.att_dyn, m) < 0)
				return -1;
			continue;
		}
		struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			m->uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			m->size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_INTERNALDATE && st->att_data.att_internal_date)
			m->internaldate = imapsrc_time(st->att_data.att_internal_date);
	}
	char key[32];
	snprintf(key, sizeof key, "%u/%u", s->uidvalidity, m->uid);
	m->kind = DRV_KEY_UID;
	return (m->key = strdup(key)) ? 0 : -1;
}

static struct mailimap_fetch_type *imapsrc_list_type(void)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_fetch_att *(*const make[])(void) = {
		mailimap_fetch_att_new_uid, mailimap_fetch_att_new_flags,
		mailimap_fetch_att_new_internaldate, mailimap_fetch_att_new_rfc822_size,
	};
	for (size_t i = 0; ft && i < sizeof make / sizeof make[0]; i++) {
		struct mailimap_fetch_att *a = make[i]();
		if (!a || mailimap_fetch_type_new_fetch_att_list_add(ft, a) != MAILIMAP_NO_ERROR) {
			if (a)
				mailimap_fetch_att_free(a);
			mailimap_fetch_type_free(ft);
			ft = NULL;
		}
	}
	return ft;
}

static int imapsrc_cmp_uid(const void *a, const void *b)
{
	uint32_t x = ((const struct drv_msg *)a)->uid, y = ((const struct drv_msg *)b)->uid;
	return x < y ? -1 : x > y;
}

static int imapsrc_list(struct src *src, struct drv_msg_list *out, struct err *e)
{
	struct imapsrc *s = (struct imapsrc *)src;
	out->v = NULL;
	out->n = 0;
	if (!s->examined)
		return err_set(e, ERR_INTERNAL, "imap source: list before select");
	clist *result = s->listing;
	s->listing = NULL;
	if (!result) {
		if (imap_conn_usable(s->c, e) < 0)
			return -1;
		if (s->exists == 0)
			return 0;
		int r;
		if (imap_conn_uid_fetch(s->c, mailimap_set_new_interval(1, 0), imapsrc_list_type(), &result,
		                        &r, e) < 0)
			return -1;
		if (r != MAILIMAP_NO_ERROR)
			return imap_conn_fail(s->c, r, ERR_PROTOCOL, e, "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)");
	}
	size_t cnt = (size_t)clist_count(result);
	out->v = calloc(cnt ? cnt : 1, sizeof *out->v);
	int rc = out->v ? 0 : -1;
	for (clistiter *it = clist_begin(result); rc == 0 && it; it = clist_next(it)) {
		rc = imapsrc_parse(s, clist_content(it), &out->v[out->n]);
		out->n++; /* counted even when half-filled, so the free below releases it */
	}
	mailimap_fetch_list_free(result);
	if (rc < 0) {
		drv_msg_list_free(out);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	qsort(out->v, out->n, sizeof *out->v, imapsrc_cmp_uid);
	return 0;
}

struct imapsrc_batch {
	const struct drv_msg *const *msgs;
	size_t i;
	drv_fetch_cb cb;
	void *ctx;
};

static int imapsrc_fetch_cb(void *ctx, uint32_t uid, const char *data, size_t len, struct err *e)
{
	struct imapsrc_batch *b = ctx;
	const struct drv_msg *m = b->msgs[b->i++];
	if (!data) {
		err_set(e, ERR_NOTFOUND, "imap source: message %s (UID %u) vanished before it was read",
		        m->key, uid);
		e->scope = ERR_SCOPE_MESSAGE;
		return -1;
	}
	return b->cb(b->ctx, m, data, len, e);
}

static int imapsrc_fetch(struct src *src, const struct drv_msg *const *msgs, size_t n,
                         drv_fetch_cb cb, void *ctx, struct err *e)
{
	struct imapsrc *s = (struct imapsrc *)src;
	if (!s->examined)
		return err_set(e, ERR_INTERNAL, "imap source: fetch before select");
	uint32_t uids[CAPS_BATCH_MESSAGES];
	size_t i = 0;
	while (i < n) {
		if (msgs[i]->size > CAPS_MESSAGE_MAX) {
			err_set(e, ERR_TOOBIG, "imap source: message %s is %llu bytes, over the %llu-byte "
			        "limit for one message", msgs[i]->key, (unsigned long long)msgs[i]->size,
			        (unsigned long long)CAPS_MESSAGE_MAX);
			e->scope = ERR_SCOPE_MESSAGE;
			return -1;
		}
		/* Batches bounded by count and by the sizes the server announced: libetpan holds a
		 * whole FETCH answer in memory (libraries.md pitfall 12). */
		size_t k = 0;
		uint64_t bytes = 0;
		while (i + k < n && k < CAPS_BATCH_MESSAGES && msgs[i + k]->size <= CAPS_MESSAGE_MAX &&
		       (k == 0 || bytes + msgs[i + k]->size <= CAPS_BATCH_BYTES)) {
			bytes += msgs[i + k]->size;
			uids[k] = msgs[i + k]->uid;
			k++;
		}
		struct imapsrc_batch b = {msgs + i, 0, cb, ctx};
		if (imap_fetch_uids(s->c, uids, k, NULL, imapsrc_fetch_cb, &b, e) < 0)
			return -1;
		i += k;
	}
	return 0;
}

static int imapsrc_fetch_spool(struct src *src, const struct drv_msg *m, struct spool *sp,
                               struct err *e)
{
	struct imapsrc *s = (struct imapsrc *)src;
	if (!s->examined)
		return err_set(e, ERR_INTERNAL, "imap source: fetch before select");
	if (imap_fetch_spool(s->c, m->uid, sp, e) < 0)
		return err_prefix(e, "imap source: message %s: ", m->key);
	return 0;
}

static void imapsrc_close(struct src *src)
{
	struct imapsrc *s = (struct imapsrc *)src;
	if (!s)
		return;
	imapsrc_drop_listing(s);
	imap_conn_close(s->c);
	free(s);
}

const struct src_ops imapsrc_ops = {
	.name = "imap",
	.open = imapsrc_open,
	.caps = imapsrc_caps,
	.uidl_style = imapsrc_uidl_style,
	.folders = imapsrc_folders,
	.select = imapsrc_select,
	.list = imapsrc_list,
	.fetch = imapsrc_fetch,
	.fetch_spool = imapsrc_fetch_spool,
	.close = imapsrc_close,
};
