/* imap_fetch: batched UID FETCH BODY.PEEK[...] and delivery in the caller's order. */
#include "migrate/imap/imap_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "migrate/msg/spool.h"

/* partial: 0 = the whole section, else BODY.PEEK[]<offset.partial>. */
static struct mailimap_fetch_type *imap_fetch_type(const char *header, uint32_t offset,
                                                   uint32_t partial)
{
	struct mailimap_section *sec = NULL;
	if (header) {
		clist *names = clist_new();
		char *dup = strdup(header);
		if (!names || !dup || clist_append(names, dup) < 0) {
			free(dup);
			if (names)
				clist_free(names);
			return NULL;
		}
		struct mailimap_header_list *hl = mailimap_header_list_new(names);
		if (!hl) {
			free(dup);
			clist_free(names);
			return NULL;
		}
		sec = mailimap_section_new_header_fields(hl);
		if (!sec)
			mailimap_header_list_free(hl);
	} else {
		sec = mailimap_section_new(NULL);
	}
	if (!sec)
		return NULL;
	struct mailimap_fetch_att *body =
		partial ? mailimap_fetch_att_new_body_peek_section_partial(sec, offset, partial)
		        : mailimap_fetch_att_new_body_peek_section(sec);
	if (!body) {
		mailimap_section_free(sec);
		return NULL;
	}
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_fetch_att *uid = mailimap_fetch_att_new_uid();
	if (!ft || !uid || mailimap_fetch_type_new_fetch_att_list_add(ft, uid) != MAILIMAP_NO_ERROR) {
		if (uid)
			mailimap_fetch_att_free(uid);
		mailimap_fetch_att_free(body);
		if (ft)
			mailimap_fetch_type_free(ft);
		return NULL;
	}
	if (mailimap_fetch_type_new_fetch_att_list_add(ft, body) != MAILIMAP_NO_ERROR) {
		mailimap_fetch_att_free(body);
		mailimap_fetch_type_free(ft);
		return NULL;
	}
	return ft;
}

/* The UID and the body section of one FETCH response. */
static uint32_t imap_fetch_parse(struct mailimap_msg_att *ma, const char **data, size_t *len)
{
	uint32_t uid = 0;
	*data = NULL;
	*len = 0;
	for (clistiter *it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION && st->att_data.att_body_section) {
			*data = st->att_data.att_body_section->sec_body_part;
			*len = st->att_data.att_body_section->sec_length;
			if (!*data) { /* NIL body: treat as empty, not missing */
				*data = "";
				*len = 0;
			}
		}
	}
	return uid;
}

int imap_fetch_uids(struct imap_conn *c, const uint32_t *uids, size_t n, const char *header,
                    imap_fetch_cb cb, void *ctx, struct err *e)
{
	if (n == 0)
		return 0;
	if (imap_conn_usable(c, e) < 0)
		return -1;
	struct mailimap_set *set = mailimap_set_new_empty();
	for (size_t i = 0; set && i < n; i++)
		if (mailimap_set_add_single(set, uids[i]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			set = NULL;
		}
	struct mailimap_fetch_type *ft = set ? imap_fetch_type(header, 0, 0) : NULL;
	clist *result;
	int r;
	if (imap_conn_uid_fetch(c, set, ft, &result, &r, e) < 0)
		return -1;
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_PROTOCOL, e, "UID FETCH of %zu messages", n);

	/* Responses come in sequence order, the caller wants its own order; batches are
	 * small (CAPS_BATCH_MESSAGES), so a scan per UID is cheap. */
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *data = NULL;
		size_t len = 0;
		for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
			const char *d;
			size_t l;
			if (imap_fetch_parse(clist_content(it), &d, &l) == uids[i] && d) {
				data = d;
				len = l;
				break;
			}
		}
		rc = cb(ctx, uids[i], data, len, e);
	}
	mailimap_fetch_list_free(result);
	return rc;
}

/* One BODY.PEEK[]<offset.IMAP_FETCH_CHUNK> into the spool; *got = the bytes the server sent. */
static int imap_fetch_piece(struct imap_conn *c, uint32_t uid, uint32_t offset, struct spool *sp,
                            size_t *got, struct err *e)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_fetch_type *ft = set ? imap_fetch_type(NULL, offset, IMAP_FETCH_CHUNK) : NULL;
	clist *result;
	int r;
	if (imap_conn_uid_fetch(c, set, ft, &result, &r, e) < 0)
		return -1;
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_PROTOCOL, e, "UID FETCH %u (BODY.PEEK[]<%u.%u>)", uid,
		                      offset, IMAP_FETCH_CHUNK);
	const char *data = NULL;
	size_t len = 0;
	for (clistiter *it = clist_begin(result); it && !data; it = clist_next(it))
		if (imap_fetch_parse(clist_content(it), &data, &len) != uid)
			data = NULL;
	int rc = 0;
	if (!data) {
		err_set(e, ERR_NOTFOUND, "UID %u vanished while it was being read", uid);
		e->scope = ERR_SCOPE_MESSAGE;
		rc = -1;
	} else {
		*got = len;
		rc = spool_write(sp, data, len, e);
	}
	mailimap_fetch_list_free(result);
	return rc;
}

int imap_fetch_spool(struct imap_conn *c, uint32_t uid, struct spool *sp, struct err *e)
{
	if (imap_conn_usable(c, e) < 0)
		return -1;
	for (uint32_t off = 0;;) {
		size_t got = 0;
		if (imap_fetch_piece(c, uid, off, sp, &got, e) < 0)
			return -1;
		if (got < IMAP_FETCH_CHUNK)
			return 0;
		if (off > SPOOL_MESSAGE_MAX - IMAP_FETCH_CHUNK) {
			err_set(e, ERR_TOOBIG, "UID %u is over the %llu-byte limit for one message", uid,
			        (unsigned long long)SPOOL_MESSAGE_MAX);
			e->scope = ERR_SCOPE_MESSAGE;
			return -1;
		}
		off += IMAP_FETCH_CHUNK;
	}
}
