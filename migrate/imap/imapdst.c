/* imapdst: the IMAP destination driver. Appends go in batches: one MULTIAPPEND command
 * per batch when the server has MULTIAPPEND and LITERAL+ (about 4x faster on loopback,
 * 9x at 10 ms RTT — research/libraries.md §2), else one APPEND per message. A batch the
 * server refuses is retried one by one, so the exact failing message is known.
 * What the server stores is imap_append_normalize(data) (bare CR/LF become CRLF).
 *
 * append() contract in practice: items[0..*done) are stored (uid from APPENDUID, 0 if
 * unknown); items[*done] is the message the server refused (e says why: ERR_QUOTA,
 * ERR_TOOBIG and ERR_DATA are about that message). After ERR_NET / ERR_TIMEOUT /
 * ERR_PROTOCOL the session is dead and items[*done..] of the batch in flight are in doubt:
 * look them up (find_header) on a new session before appending them again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/uidplus.h>

#include "base/buf.h"
#include "base/caps.h"
#include "migrate/driver.h"
#include "migrate/imap/imap_append.h"
#include "migrate/imap/imap_conn.h"
#include "migrate/imap/imap_fetch.h"
#include "migrate/imap/imap_index.h"
#include "migrate/imap/imap_list.h"
#include "migrate/msg/crlf.h"

struct imapdst {
	struct dst base;      /* first: the engine holds a struct dst * */
	struct imap_conn *c;
	char *selected;       /* server name of the selected mailbox, NULL = none */
	bool multi;           /* MULTIAPPEND + LITERAL+ */
	uint64_t appendlimit; /* from CAPABILITY APPENDLIMIT=n; 0 = not told */
	bool kw_any;          /* the selected folder's PERMANENTFLAGS has \* */
	char *kw_perm;        /* " kw1 kw2 " from PERMANENTFLAGS, NULL = none */
};

static struct imap_conn *imapdst_conn(struct dst *d)
{
	return ((struct imapdst *)d)->c;
}

static int imapdst_open(struct dst **out, const struct drv_endpoint *ep,
                        const struct drv_login *login, struct err *e)
{
	*out = NULL;
	struct imapdst *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(e, ERR_NOMEM, "out of memory");
	d->base.ops = &imapdst_ops;
	if (imap_conn_open(&d->c, ep, login, e) < 0) {
		free(d);
		return -1;
	}
	d->multi = imap_conn_has(d->c, "MULTIAPPEND") && imap_conn_has(d->c, "LITERAL+");
	d->appendlimit = imap_conn_cap_number(d->c, "APPENDLIMIT");
	*out = &d->base;
	return 0;
}

static unsigned imapdst_caps(struct dst *dst)
{
	struct imapdst *d = (struct imapdst *)dst;
	unsigned caps = 0;
	if (imap_conn_has(d->c, "UIDPLUS"))
		caps |= DRV_DST_UIDPLUS;
	if (d->multi)
		caps |= DRV_DST_MULTIAPPEND;
	if (imap_conn_has(d->c, "QUOTA"))
		caps |= DRV_DST_QUOTA;
	if (imap_conn_has(d->c, "SPECIAL-USE"))
		caps |= DRV_DST_SPECIAL_USE;
	return caps;
}

static int imapdst_folders(struct dst *d, struct drv_folder **out, size_t *n, struct err *e)
{
	return imap_list_folders(imapdst_conn(d), out, n, e);
}

/* Whether a failed CREATE (`r`) only says the folder is there already. */
static bool imapdst_already(struct imapdst *d, int r)
{
	struct mailimap_response_info *ri = d->c->s->imap_response_info;
	return r == MAILIMAP_ERROR_CREATE && ri && ri->rsp_atom && strcasecmp(ri->rsp_atom, "ALREADYEXISTS") == 0;
}

/* CREATE and SUBSCRIBE sent back to back: one round trip per new subscribed folder, not
 * two. Both replies are read; a subscription whose CREATE failed (not ALREADYEXISTS) is
 * taken back, so a folder that could not be made leaves nothing behind. */
static int imapdst_create_subscribe(struct imapdst *d, const char *quoted, const char *mbox,
                                    const char *folder, struct err *e)
{
	size_t n = strlen(quoted) + sizeof "SUBSCRIBE ";
	char *create = malloc(n), *sub = malloc(n);
	int tag = 0, r = MAILIMAP_ERROR_MEMORY;
	if (create && sub) {
		snprintf(create, n, "CREATE %s", quoted);
		snprintf(sub, n, "SUBSCRIBE %s", quoted);
		const char *const cmds[] = {create, sub};
		r = imap_conn_send(d->c, cmds, 2, false, &tag);
	}
	free(create);
	free(sub);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_PERM, e, "CREATE '%s'", folder);
	r = imap_conn_reply(d->c, tag, MAILIMAP_ERROR_CREATE);
	bool made = r == MAILIMAP_NO_ERROR || imapdst_already(d, r);
	int rc = made ? 0 : imap_conn_fail(d->c, r, ERR_PERM, e, "CREATE '%s'", folder);
	if (d->c->dead)
		return rc;
	r = imap_conn_reply(d->c, tag + 1, MAILIMAP_ERROR_SUBSCRIBE);
	if (r != MAILIMAP_NO_ERROR) {
		struct err se;
		err_clear(&se);
		imap_conn_fail(d->c, r, ERR_PERM, &se, "SUBSCRIBE '%s'", folder);
		if (rc == 0) {
			*e = se;
			rc = -1;
		}
	} else if (!made) {
		mailimap_unsubscribe(d->c->s, mbox);   /* best effort: the CREATE's error is told */
	}
	return rc;
}

static int imapdst_create_server(struct imapdst *d, const char *mbox, const char *folder,
                                 bool subscribe, struct err *e)
{
	char *q = subscribe ? imap_conn_quoted(mbox) : NULL;
	if (q) {
		int rc = imapdst_create_subscribe(d, q, mbox, folder, e);
		free(q);
		return rc;
	}
	int r = mailimap_create(d->c->s, mbox);
	if (r != MAILIMAP_NO_ERROR && !imapdst_already(d, r))
		return imap_conn_fail(d->c, r, ERR_PERM, e, "CREATE '%s'", folder);
	if (subscribe && (r = mailimap_subscribe(d->c->s, mbox)) != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_PERM, e, "SUBSCRIBE '%s'", folder);
	return 0;
}

static int imapdst_create(struct dst *dst, const char *folder, bool subscribe, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	if (imap_conn_usable(d->c, e) < 0)
		return -1;
	char *mbox = imap_list_server_name(d->c, folder, e);
	if (!mbox)
		return -1;
	int rc = imapdst_create_server(d, mbox, folder, subscribe, e);
	free(mbox);
	return rc;
}

/* Only for folders the tool made itself (dry-run's scratch folder). Dovecot and most
 * servers allow deleting the selected mailbox; we forget the selection either way. */
static int imapdst_remove(struct dst *dst, const char *folder, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	if (imap_conn_usable(d->c, e) < 0)
		return -1;
	char *mbox = imap_list_server_name(d->c, folder, e);
	if (!mbox)
		return -1;
	if (d->selected && strcmp(d->selected, mbox) == 0) {
		free(d->selected);
		d->selected = NULL;
	}
	int r = mailimap_delete(d->c->s, mbox);
	free(mbox);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_PERM, e, "DELETE '%s'", folder);
	return 0;
}

/* Remember which keywords the selected folder keeps (RFC 3501 §7.1: PERMANENTFLAGS). */
static int imapdst_perm(struct imapdst *d, struct err *e)
{
	struct mailimap_selection_info *si = d->c->s->imap_selection_info;
	struct buf b;
	free(d->kw_perm);
	d->kw_perm = NULL;
	d->kw_any = false;
	if (!si || !si->sel_perm_flags)
		return 0;
	buf_init(&b, 0);
	int rc = buf_append(&b, " ", 1);
	for (clistiter *it = clist_begin(si->sel_perm_flags); rc == 0 && it; it = clist_next(it)) {
		struct mailimap_flag_perm *fp = clist_content(it);
		if (fp->fl_type == MAILIMAP_FLAG_PERM_ALL)
			d->kw_any = true;
		else if (fp->fl_flag && fp->fl_flag->fl_type == MAILIMAP_FLAG_KEYWORD)
			rc = buf_printf(&b, "%s ", fp->fl_flag->fl_data.fl_keyword);
	}
	if (rc == 0 && buf_append(&b, "", 1) == 0)
		d->kw_perm = b.data;
	else
		buf_release(&b);
	return d->kw_perm ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}

static bool imapdst_keyword_ok(struct dst *dst, const char *kw)
{
	struct imapdst *d = (struct imapdst *)dst;
	if (d->kw_any)
		return true;
	if (!d->kw_perm)
		return false;
	size_t n = strlen(kw);
	for (const char *p = strstr(d->kw_perm, kw); p; p = strstr(p + 1, kw))
		if (p[-1] == ' ' && p[n] == ' ')
			return true;
	return false;
}

/* SELECT unless `mbox` is selected already. */
static int imapdst_select_server(struct imapdst *d, const char *mbox, const char *folder,
                                 struct err *e)
{
	if (d->selected && strcmp(d->selected, mbox) == 0)
		return 0;
	if (imap_conn_usable(d->c, e) < 0)
		return -1;
	free(d->selected);
	d->selected = NULL;
	int r = mailimap_select(d->c->s, mbox);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_NOTFOUND, e, "SELECT '%s'", folder);
	d->selected = strdup(mbox);
	if (!d->selected)
		return err_set(e, ERR_NOMEM, "out of memory");
	return imapdst_perm(d, e);
}

/* The same by our folder name. */
static int imapdst_select_folder(struct imapdst *d, const char *folder, struct err *e)
{
	char *mbox = imap_list_server_name(d->c, folder, e);
	if (!mbox)
		return -1;
	int rc = imapdst_select_server(d, mbox, folder, e);
	free(mbox);
	return rc;
}

static int imapdst_select(struct dst *dst, const char *folder, uint32_t *uidvalidity,
                          struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	/* Always a fresh SELECT here: the caller wants the current UIDVALIDITY. */
	free(d->selected);
	d->selected = NULL;
	int rc = imapdst_select_folder(d, folder, e);
	if (rc == 0 && uidvalidity)
		*uidvalidity = d->c->s->imap_selection_info ? d->c->s->imap_selection_info->sel_uidvalidity : 0;
	return rc;
}

/* The end of the batch starting at i: bounded by count, bytes and APPENDLIMIT. */
static size_t imapdst_batch_end(const struct imapdst *d, const struct drv_append *items,
                                size_t i, size_t n)
{
	size_t j = i;
	uint64_t bytes = 0;
	while (j < n && j - i < CAPS_BATCH_MESSAGES) {
		uint64_t sz = imap_append_item_size(&items[j]);
		if (d->appendlimit && sz > d->appendlimit)
			break;
		/* NUL bytes: alone, through imap_append_one (BINARY or recorded change). */
		if (imap_append_has_nul(&items[j]))
			return j > i ? j : j + 1;
		if (j > i && bytes + sz > CAPS_BATCH_BYTES)
			break;
		bytes += sz;
		j++;
	}
	return j;
}

static int imapdst_toobig(struct imapdst *d, const struct drv_append *it, const char *folder,
                          struct err *e)
{
	uint64_t sz = imap_append_item_size(it);
	if (!d->appendlimit || sz <= d->appendlimit)
		return 0;
	err_set(e, ERR_TOOBIG, "imap APPEND to '%s': message of %llu bytes is over the server's "
	        "APPENDLIMIT of %llu bytes", folder, (unsigned long long)sz,
	        (unsigned long long)d->appendlimit);
	snprintf(e->resp_code, sizeof e->resp_code, "APPENDLIMIT");
	return -1;
}

/* [TRYCREATE]: the folder vanished or was never made; create it once and retry. */
static bool imapdst_retry_create(struct imapdst *d, const char *mbox, const char *folder,
                                 bool *created, struct err *e)
{
	if (*created || d->c->dead || e->cls != ERR_NOTFOUND || strcmp(e->resp_code, "TRYCREATE") != 0)
		return false;
	*created = true;
	struct err ce;
	err_clear(&ce);
	if (imapdst_create_server(d, mbox, folder, true, &ce) < 0) {
		*e = ce;
		return false;
	}
	err_clear(e);
	return true;
}

/* Every APPEND path stores a bare CR as CR LF (imap_append.h): a change to the message, so
 * it is recorded with any other (it->altered), never silent. A bare LF becomes CR LF too,
 * but that is the line break IMAP requires and what every reader takes it for (Dovecot
 * serves its own LF-stored mail so; verify's digests count LF and CR LF alike). */
static void imapdst_note_bare_cr(struct drv_append *it)
{
	size_t n = crlf_count(it->data, it->len).bare_cr;
	if (!n)
		return;
	size_t l = strlen(it->altered);
	snprintf(it->altered + l, sizeof it->altered - l, "%s%zu bare CR byte(s) stored as CR LF",
	         l ? "; " : "", n);
}

static int imapdst_append(struct dst *dst, const char *folder, struct drv_append *items,
                          size_t n, size_t *done, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	*done = 0;
	char *mbox = imap_list_server_name(d->c, folder, e);
	if (!mbox)
		return -1;
	bool created = false;
	size_t i = 0;
	int rc = 0;
	while (rc == 0 && i < n) {
		size_t j = imapdst_batch_end(d, items, i, n);
		if (j == i) {
			rc = imapdst_toobig(d, &items[i], folder, e);
			break;
		}
		if (d->multi && j - i > 1) {
			if (imap_append_multi(d->c, mbox, items + i, j - i, e) == 0) {
				i = j;
				continue;
			}
			if (imapdst_retry_create(d, mbox, folder, &created, e))
				continue;
			if (d->c->dead || e->cls == ERR_PROTOCOL) {
				rc = -1;
				break;
			}
			/* MULTIAPPEND is all-or-nothing (RFC 3502): nothing of [i, j) is stored;
			 * go one by one to find the message the server refuses. */
			err_clear(e);
		}
		for (; i < j; i++) {
			if (imap_append_one(d->c, mbox, &items[i], e) == 0)
				continue;
			if (imapdst_retry_create(d, mbox, folder, &created, e)) {
				i--;
				continue;
			}
			rc = -1;
			break;
		}
	}
	free(mbox);
	*done = i;
	for (size_t k = 0; k < i; k++)
		imapdst_note_bare_cr(&items[k]);
	if (rc < 0) {
		/* Refusals of this one message (too big, over quota, bad content): the engine
		 * records it FAILED and goes on with the rest. A dead session is not one. */
		if (!d->c->dead && (e->cls == ERR_TOOBIG || e->cls == ERR_DATA || e->cls == ERR_QUOTA))
			e->scope = ERR_SCOPE_MESSAGE;
		err_prefix(e, "message %zu of %zu: ", i + 1, n);
	}
	return rc;
}

struct imapdst_match {
	const char *name, *value;
	uint32_t *uids;
	size_t n;
};

/* HEADER search is a substring match (RFC 3501 §6.4.4); keep only exact values. */
static bool imapdst_header_equals(const char *block, size_t len, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	for (size_t i = 0; i + nl < len; i++) {
		if ((i > 0 && block[i - 1] != '\n') || strncasecmp(block + i, name, nl) != 0 ||
		    block[i + nl] != ':')
			continue;
		size_t p = i + nl + 1;
		while (p < len && (block[p] == ' ' || block[p] == '\t'))
			p++;
		size_t q = p;
		while (q < len && block[q] != '\r' && block[q] != '\n')
			q++;
		while (q > p && (block[q - 1] == ' ' || block[q - 1] == '\t'))
			q--;
		if (q - p == vl && memcmp(block + p, value, vl) == 0)
			return true;
	}
	return false;
}

static int imapdst_match_cb(void *ctx, uint32_t uid, const char *data, size_t len, struct err *e)
{
	(void)e;
	struct imapdst_match *m = ctx;
	if (data && imapdst_header_equals(data, len, m->name, m->value))
		m->uids[m->n++] = uid;
	return 0;
}

/* SEARCH without CHARSET takes US-ASCII only. */
static bool imapdst_searchable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static int imapdst_find_header(struct dst *dst, const char *folder, const char *name,
                               const char *value, uint32_t **uids, size_t *n, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	*uids = NULL;
	*n = 0;
	if (!imapdst_searchable(value))
		return 1;
	if (imapdst_select_folder(d, folder, e) < 0)
		return -1;
	char *hn = strdup(name), *hv = strdup(value);
	struct mailimap_search_key *key = hn && hv ? mailimap_search_key_new_header(hn, hv) : NULL;
	if (!key) {
		free(hn);
		free(hv);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	clist *found = NULL;
	int r = mailimap_uid_search(d->c->s, NULL, key, &found);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_PROTOCOL, e, "UID SEARCH HEADER %s in '%s'", name, folder);
	size_t cnt = (size_t)clist_count(found), k = 0;
	uint32_t *cand = malloc((cnt ? cnt : 1) * sizeof *cand);
	struct imapdst_match m = {name, value, malloc((cnt ? cnt : 1) * sizeof(uint32_t)), 0};
	if (!cand || !m.uids) {
		free(cand);
		free(m.uids);
		mailimap_search_result_free(found);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (clistiter *it = clist_begin(found); it; it = clist_next(it))
		cand[k++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(found);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < k; i += CAPS_BATCH_MESSAGES)
		rc = imap_fetch_uids(d->c, cand + i, k - i < CAPS_BATCH_MESSAGES ? k - i : CAPS_BATCH_MESSAGES,
		                     name, imapdst_match_cb, &m, e);
	free(cand);
	if (rc < 0) {
		free(m.uids);
		return -1;
	}
	*uids = m.uids;
	*n = m.n;
	return 0;
}

static int imapdst_index(struct dst *dst, const char *folder, const char *header,
                         struct drv_index *out, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	memset(out, 0, sizeof *out);
	if (imapdst_select_folder(d, folder, e) < 0 || imap_index_selected(d->c, header, out, e) < 0)
		return err_prefix(e, "folder '%s': ", folder);
	return 0;
}

struct imapdst_body {
	char *data;
	size_t len;
	bool found;
};

static int imapdst_body_cb(void *ctx, uint32_t uid, const char *data, size_t len, struct err *e)
{
	struct imapdst_body *b = ctx;
	if (!data)
		return err_set(e, ERR_NOTFOUND, "imap UID FETCH: no message with UID %u", uid);
	b->data = malloc(len + 1);
	if (!b->data)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(b->data, data, len);
	b->data[len] = '\0';
	b->len = len;
	b->found = true;
	return 0;
}

static int imapdst_fetch_uid(struct dst *dst, const char *folder, uint32_t uid, char **data,
                             size_t *len, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	*data = NULL;
	*len = 0;
	int rc = imapdst_select_folder(d, folder, e);
	struct imapdst_body b = {NULL, 0, false};
	if (rc == 0)
		rc = imap_fetch_uids(d->c, &uid, 1, NULL, imapdst_body_cb, &b, e);
	if (rc < 0) {
		free(b.data);
		return err_prefix(e, "folder '%s': ", folder);
	}
	*data = b.data;
	*len = b.len;
	return 0;
}

static struct mailimap_set *imapdst_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	for (size_t i = 0; set && i < n; i++)
		if (mailimap_set_add_single(set, uids[i]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			return NULL;
		}
	return set;
}

/* UID STORE of flag list `fl` (taken over) on uids[0..n): FLAGS.SILENT; with `expunge`,
 * +FLAGS.SILENT and then UID EXPUNGE of those. The folder is selected first. */
static int imapdst_uid_store(struct imapdst *d, const char *folder, const uint32_t *uids, size_t n,
                             struct mailimap_flag_list *fl, bool expunge, struct err *e)
{
	if (!fl)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (imapdst_select_folder(d, folder, e) < 0) {
		mailimap_flag_list_free(fl);
		return -1;
	}
	struct mailimap_set *set = imapdst_set(uids, n);
	struct mailimap_store_att_flags *sa =
		expunge ? mailimap_store_att_flags_new_add_flags_silent(fl)
		    : mailimap_store_att_flags_new_set_flags_silent(fl);
	if (!sa || !set) {
		if (sa)
			mailimap_store_att_flags_free(sa);
		else
			mailimap_flag_list_free(fl);
		if (set)
			mailimap_set_free(set);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int r = mailimap_uid_store(d->c->s, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r == MAILIMAP_NO_ERROR && expunge)
		r = mailimap_uid_expunge(d->c->s, set);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(d->c, r, ERR_PROTOCOL, e, "%s in '%s'",
		                      expunge ? "UID EXPUNGE" : "UID STORE FLAGS", folder);
	return 0;
}

static int imapdst_store_flags(struct dst *dst, const char *folder, const uint32_t *uids, size_t n,
                               unsigned flags, const char *const *keywords, struct err *e)
{
	struct drv_append it = { .flags = flags, .keywords = keywords };
	if (n == 0)
		return 0;
	return imapdst_uid_store((struct imapdst *)dst, folder, uids, n, imap_append_flag_list(&it),
	                         false, e);
}

static int imapdst_expunge_uids(struct dst *dst, const char *folder, const uint32_t *uids,
                                size_t n, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	struct drv_append it = { .flags = DRV_FLAG_DELETED };
	if (n == 0)
		return 0;
	if (!imap_conn_has(d->c, "UIDPLUS"))
		return err_set(e, ERR_PERM, "the destination has no UIDPLUS: cannot remove single "
		               "messages without expunging others");
	/* +FLAGS \Deleted then UID EXPUNGE of exactly these (RFC 4315). */
	return imapdst_uid_store(d, folder, uids, n, imap_append_flag_list(&it), true, e);
}

static int imapdst_limits(struct dst *dst, uint64_t *max_message, uint64_t *quota_used,
                          uint64_t *quota_limit, struct err *e)
{
	struct imapdst *d = (struct imapdst *)dst;
	*max_message = d->appendlimit;
	*quota_used = *quota_limit = 0;
	if (!imap_conn_has(d->c, "QUOTA"))
		return 0;
	if (imap_conn_usable(d->c, e) < 0)
		return -1;
	struct mailimap_quota_complete_data *q = NULL;
	int r = mailimap_quota_getquotaroot(d->c->s, "INBOX", &q);
	if (r != MAILIMAP_NO_ERROR) {
		imap_conn_fail(d->c, r, ERR_PROTOCOL, e, "GETQUOTAROOT INBOX");
		/* A NO here means "no quota for this user" (Dovecot: "No quota"): unknown, fine. */
		if (d->c->dead)
			return -1;
		err_clear(e);
		return 0;
	}
	/* RFC 9208: STORAGE is in units of 1024 octets. */
	for (clistiter *it = clist_begin(q->quota_list); it; it = clist_next(it)) {
		struct mailimap_quota_quota_data *qd = clist_content(it);
		for (clistiter *jt = clist_begin(qd->quota_list); jt; jt = clist_next(jt)) {
			struct mailimap_quota_quota_resource *res = clist_content(jt);
			if (strcasecmp(res->resource_name, "STORAGE") != 0)
				continue;
			uint64_t lim = (uint64_t)res->limit * 1024;
			if (!*quota_limit || lim < *quota_limit) {
				*quota_limit = lim;
				*quota_used = (uint64_t)res->usage * 1024;
			}
		}
	}
	mailimap_quota_complete_data_free(q);
	return 0;
}

static void imapdst_close(struct dst *dst)
{
	struct imapdst *d = (struct imapdst *)dst;
	if (!d)
		return;
	imap_conn_close(d->c);
	free(d->selected);
	free(d->kw_perm);
	free(d);
}

const struct dst_ops imapdst_ops = {
	.name = "imap",
	.open = imapdst_open,
	.caps = imapdst_caps,
	.folders = imapdst_folders,
	.create = imapdst_create,
	.remove = imapdst_remove,
	.select = imapdst_select,
	.append = imapdst_append,
	.find_header = imapdst_find_header,
	.index = imapdst_index,
	.fetch_uid = imapdst_fetch_uid,
	.store_flags = imapdst_store_flags,
	.expunge_uids = imapdst_expunge_uids,
	.keyword_ok = imapdst_keyword_ok,
	.limits = imapdst_limits,
	.close = imapdst_close,
};
