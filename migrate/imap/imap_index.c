/* imap_index: one UID FETCH over a whole mailbox, parsed into drv_index entries. */
#include "migrate/imap/imap_index.h"

#include <stdlib.h>
#include <string.h>

#include "migrate/msg/hdr.h"

/* Longer Message-IDs / X-UIDLs are cut; the engine compares at most as much. */
#define IMAP_INDEX_VALUE_MAX 1000

static void imap_index_names_free(clist *names)
{
	for (clistiter *it = clist_begin(names); it; it = clist_next(it))
		free(clist_content(it));
	clist_free(names);
}

/* A header-name list for HEADER.FIELDS: the names are owned by the list. */
static clist *imap_index_names(const char *header)
{
	clist *names = clist_new();
	const char *want[2] = { "MESSAGE-ID", header };
	for (size_t i = 0; names && i < 2; i++) {
		char *dup = want[i] ? strdup(want[i]) : NULL;
		if (want[i] && (!dup || clist_append(names, dup) < 0)) {
			free(dup);
			imap_index_names_free(names);
			names = NULL;
		}
	}
	return names;
}

/* BODY.PEEK[HEADER.FIELDS (MESSAGE-ID header)]: never sets \Seen. */
static struct mailimap_fetch_att *imap_index_hdr_att(const char *header)
{
	clist *names = imap_index_names(header);
	struct mailimap_header_list *hl = names ? mailimap_header_list_new(names) : NULL;
	if (names && !hl)
		imap_index_names_free(names);
	struct mailimap_section *sec = hl ? mailimap_section_new_header_fields(hl) : NULL;
	if (hl && !sec)
		mailimap_header_list_free(hl);
	struct mailimap_fetch_att *att = sec ? mailimap_fetch_att_new_body_peek_section(sec) : NULL;
	if (sec && !att)
		mailimap_section_free(sec);
	return att;
}

static struct mailimap_fetch_type *imap_index_type(const char *header)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_fetch_att *atts[3] = { mailimap_fetch_att_new_uid(),
	                                       mailimap_fetch_att_new_rfc822_size(),
	                                       imap_index_hdr_att(header) };
	bool ok = ft != NULL;
	for (size_t i = 0; i < 3; i++) {
		if (ok && atts[i] && mailimap_fetch_type_new_fetch_att_list_add(ft, atts[i]) == MAILIMAP_NO_ERROR)
			continue;
		ok = false;
		if (atts[i])
			mailimap_fetch_att_free(atts[i]);
	}
	if (!ok && ft) {
		mailimap_fetch_type_free(ft);
		ft = NULL;
	}
	return ft;
}

static char *imap_index_value(const char *data, size_t len, const char *name, bool mid)
{
	char v[IMAP_INDEX_VALUE_MAX];
	bool found = mid ? hdr_message_id(data, len, v, sizeof v) : hdr_first(data, len, name, v, sizeof v);
	return found && v[0] ? strdup(v) : NULL;
}

/* One FETCH response into *en; false when it carries no UID. */
static bool imap_index_entry(struct mailimap_msg_att *ma, const char *header,
                             struct drv_index_entry *en)
{
	const char *data = NULL;
	size_t len = 0;
	memset(en, 0, sizeof *en);
	for (clistiter *it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			en->uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			en->size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION && st->att_data.att_body_section) {
			data = st->att_data.att_body_section->sec_body_part;
			len = st->att_data.att_body_section->sec_length;
		}
	}
	if (data && header)
		en->found_by = imap_index_value(data, len, header, false);
	if (data)
		en->message_id = imap_index_value(data, len, NULL, true);
	return en->uid != 0;
}

static int imap_index_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct drv_index_entry *)a)->uid, y = ((const struct drv_index_entry *)b)->uid;
	return x < y ? -1 : x > y;
}

int imap_index_selected(struct imap_conn *c, const char *header, struct drv_index *out,
                        struct err *e)
{
	memset(out, 0, sizeof *out);
	if (imap_conn_usable(c, e) < 0)
		return -1;
	/* The server said EXISTS 0 (SELECT, or a later untagged EXISTS, which libetpan keeps
	 * up to date): nothing to index, and no round trip for it — a first copy into fresh
	 * mailboxes asks nothing of the destination here. */
	const struct mailimap_selection_info *si = c->s->imap_selection_info;
	if (si && si->sel_has_exists && si->sel_exists == 0) {
		out->v = calloc(1, sizeof *out->v);
		return out->v ? 0 : err_set(e, ERR_NOMEM, "out of memory");
	}
	struct mailimap_set *set = mailimap_set_new_interval(1, 0);   /* 1:* */
	struct mailimap_fetch_type *ft = set ? imap_index_type(header) : NULL;
	clist *result;
	int r;
	if (imap_conn_uid_fetch(c, set, ft, &result, &r, e) < 0)
		return -1;
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_PROTOCOL, e, "UID FETCH 1:* (index)");
	size_t cnt = result ? (size_t)clist_count(result) : 0;
	out->v = calloc(cnt + 1, sizeof *out->v);
	if (!out->v) {
		mailimap_fetch_list_free(result);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (clistiter *it = result ? clist_begin(result) : NULL; it; it = clist_next(it))
		if (imap_index_entry(clist_content(it), header, &out->v[out->n]))
			out->n++;
	mailimap_fetch_list_free(result);
	qsort(out->v, out->n, sizeof *out->v, imap_index_cmp);
	return 0;
}
