/* imap_list: LIST/LSUB results → struct drv_folder. */
#include "migrate/imap/imap_list.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migrate/imap/imap_utf7.h"

static const struct {
	const char *flag;
	enum drv_special special;
} imap_list_special[] = {
	{"Sent", DRV_SPECIAL_SENT},       {"Drafts", DRV_SPECIAL_DRAFTS},
	{"Trash", DRV_SPECIAL_TRASH},     {"Junk", DRV_SPECIAL_JUNK},
	{"Archive", DRV_SPECIAL_ARCHIVE}, {"All", DRV_SPECIAL_ALL},
	{"Flagged", DRV_SPECIAL_FLAGGED},
};

static void imap_list_flags(const struct mailimap_mbx_list_flags *fl, struct drv_folder *f)
{
	if (!fl)
		return;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG && fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->noselect = true;
	for (clistiter *it = clist_begin(fl->mbf_oflags); it; it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);
		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || !of->of_flag_ext)
			continue;
		const char *x = of->of_flag_ext[0] == '\\' ? of->of_flag_ext + 1 : of->of_flag_ext;
		if (strcasecmp(x, "NonExistent") == 0 || strcasecmp(x, "Noselect") == 0)
			f->noselect = true;
		for (size_t i = 0; i < sizeof imap_list_special / sizeof imap_list_special[0]; i++)
			if (strcasecmp(x, imap_list_special[i].flag) == 0)
				f->special = imap_list_special[i].special;
	}
}

static void imap_list_free(clist *l)
{
	if (l)
		mailimap_list_result_free(l);
}

static bool imap_list_subscribed(clist *lsub, const char *name)
{
	for (clistiter *it = lsub ? clist_begin(lsub) : NULL; it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		if (strcmp(mb->mb_name, name) == 0)
			return true;
	}
	return false;
}

/* The reply just read: its LIST (lsub false) or LSUB lines, taken from libetpan. */
static clist *imap_list_take(struct imap_conn *c, bool lsub)
{
	struct mailimap_response_info *ri = c->s->imap_response_info;
	if (!ri)
		return NULL;
	clist **l = lsub ? &ri->rsp_mailbox_lsub : &ri->rsp_mailbox_list;
	clist *v = *l;
	*l = NULL;
	return v;
}

/* LIST "" "*" and LSUB "" "*" pipelined: one round trip where two were waited for one after
 * the other. Any IMAP4rev1 server takes commands back to back (RFC 3501 5.5), so this needs
 * no capability; LIST-EXTENDED's RETURN (SUBSCRIBED) would too, but libetpan 1.9.4 has no
 * parser for its extended data items (CHILDINFO, OLDNAME): such a reply is a parse error
 * that ends the session. Both replies are read even when the first failed, so that the
 * stream stays in step; the first failure is the one reported. */
static int imap_list_both(struct imap_conn *c, clist **list, clist **lsub, struct err *e)
{
	static const char *const cmds[] = {"LIST \"\" \"*\"", "LSUB \"\" \"*\""};
	*list = *lsub = NULL;
	int tag;
	int r = imap_conn_send(c, cmds, 2, false, &tag);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_PROTOCOL, e, "LIST \"\" \"*\"");
	r = imap_conn_reply(c, tag, MAILIMAP_ERROR_LIST);
	*list = imap_list_take(c, false);
	int rc = 0;
	if (r != MAILIMAP_NO_ERROR)
		rc = imap_conn_fail(c, r, ERR_PROTOCOL, e, "LIST \"\" \"*\"");
	if (!c->dead) {
		struct err lsub_e;
		err_clear(&lsub_e);
		r = imap_conn_reply(c, tag + 1, MAILIMAP_ERROR_LSUB);
		*lsub = imap_list_take(c, true);
		/* Even when LIST's failure is the one told: a broken stream marks c dead. */
		if (r != MAILIMAP_NO_ERROR && imap_conn_fail(c, r, ERR_PROTOCOL, &lsub_e, "LSUB \"\" \"*\"") < 0 &&
		    rc == 0) {
			*e = lsub_e;
			rc = -1;
		}
	}
	if (rc == 0 && !*list)        /* libetpan could not allocate its response info */
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc < 0) {
		imap_list_free(*list);
		imap_list_free(*lsub);
		*list = *lsub = NULL;
	}
	return rc;
}

int imap_list_folders(struct imap_conn *c, struct drv_folder **out, size_t *n, struct err *e)
{
	clist *list = NULL, *lsub = NULL;
	*out = NULL;
	*n = 0;
	if (imap_conn_usable(c, e) < 0 || imap_list_both(c, &list, &lsub, e) < 0)
		return -1;
	size_t cnt = (size_t)clist_count(list);
	struct drv_folder *v = calloc(cnt ? cnt : 1, sizeof *v);
	int rc = v ? 0 : err_set(e, ERR_NOMEM, "out of memory");
	size_t k = 0;
	for (clistiter *it = clist_begin(list); rc == 0 && it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		struct drv_folder *f = &v[k];
		if (!c->delim_known && mb->mb_delimiter) {
			c->delim = mb->mb_delimiter;
			c->delim_known = true;
		}
		f->delim = mb->mb_delimiter;
		f->name = strcasecmp(mb->mb_name, "INBOX") == 0
		              ? strdup("INBOX")
		              : imap_utf7_from_server(mb->mb_name, mb->mb_delimiter, e);
		if (!f->name) {
			rc = err_is_set(e) ? -1 : err_set(e, ERR_NOMEM, "out of memory");
			break;
		}
		imap_list_flags(mb->mb_flag, f);
		f->subscribed = imap_list_subscribed(lsub, mb->mb_name);
		k++;
	}
	imap_list_free(list);
	imap_list_free(lsub);
	if (rc < 0) {
		drv_folder_list_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

char *imap_list_server_name(struct imap_conn *c, const char *folder, struct err *e)
{
	if (strcasecmp(folder, "INBOX") == 0) {
		char *s = strdup("INBOX");
		if (!s)
			err_set(e, ERR_NOMEM, "out of memory");
		return s;
	}
	char delim;
	if (imap_conn_delim(c, &delim, e) < 0)
		return NULL;
	return imap_utf7_to_server(folder, delim, e);
}
