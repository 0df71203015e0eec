/* imap_append: single and batched APPEND with flags, keywords, INTERNALDATE, APPENDUID. */
#include "migrate/imap/imap_append.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/caps.h"
#include "migrate/msg/crlf.h"
#include "migrate/msg/spool.h"

size_t imap_append_stored_size(const char *data, size_t len)
{
	return (size_t)crlf_stored_size(data, len);
}

/* The rewrite of imap_append.h: bare CR and bare LF become CR LF, CR LF stays. Runs between
 * them go out whole (one piece for a message that is CR LF throughout). put returns -1 to
 * stop. */
static int imap_append_crlf_each(const char *data, size_t len,
                                 int (*put)(void *ctx, const char *p, size_t n), void *ctx)
{
	struct crlf_scan s;
	size_t start = 0;
	crlf_scan_init(&s, data, len);
	for (size_t at = crlf_scan_next(&s); at < len; at = crlf_scan_next(&s)) {
		if (put(ctx, data + start, at - start) < 0 || put(ctx, "\r\n", 2) < 0)
			return -1;
		start = at + 1;
	}
	return put(ctx, data + start, len - start);
}

static int imap_append_put_buf(void *ctx, const char *p, size_t n)
{
	return buf_append(ctx, p, n);
}

static int imap_append_put_stream(void *ctx, const char *p, size_t n)
{
	return n && mailstream_write(ctx, p, n) != (ssize_t)n ? -1 : 0;
}

int imap_append_normalize(const char *data, size_t len, struct buf *out)
{
	return imap_append_crlf_each(data, len, imap_append_put_buf, out);
}

uint64_t imap_append_item_size(const struct drv_append *it)
{
	return crlf_stored_size(it->data, it->len) + (it->spool ? spool_stored(it->spool) : 0);
}

/* The same rewrite over pieces of a spool, written to the stream as it goes; a CR at the
 * end of one piece waits for the next one's first byte. */
struct imap_append_pipe {
	struct imap_conn *c;
	bool cr;
};

static int imap_append_pipe_put(void *ctx, const char *p, size_t n, struct err *e)
{
	struct imap_append_pipe *x = ctx;
	mailstream *st = x->c->s->imap_stream;
	size_t start = 0;
	if (n == 0)
		return 0;
	if (x->cr) {
		x->cr = false;
		if (imap_append_put_stream(st, "\r\n", 2) < 0)
			return err_set(e, ERR_NET, "connection lost while sending a message");
		if (p[0] == '\n')
			start = 1;
	}
	size_t end = n;
	if (start < n && p[n - 1] == '\r') {
		x->cr = true;          /* decided by the next piece */
		end = n - 1;
	}
	if (imap_append_crlf_each(p + start, end - start, imap_append_put_stream, st) < 0)
		return err_set(e, ERR_NET, "connection lost while sending a message");
	return 0;
}

/* The spool's bytes, rewritten, onto the stream: a MAILIMAP_* code. */
static int imap_append_spool_send(struct imap_conn *c, const struct spool *sp)
{
	struct imap_append_pipe x = { c, false };
	struct err e;
	err_clear(&e);
	int rc = spool_each(sp, imap_append_pipe_put, &x, &e);
	if (rc == 0 && x.cr && mailstream_write(c->s->imap_stream, "\r\n", 2) != 2)
		rc = -1, e.cls = ERR_NET;
	if (rc == 0)
		return MAILIMAP_NO_ERROR;
	return e.cls == ERR_NET ? MAILIMAP_ERROR_STREAM : MAILIMAP_ERROR_MEMORY;
}

static bool imap_append_atom(const char *s)
{
	if (!*s || *s == '\\')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("(){%*\"\\]", *p))
			return false;
	return true;
}

int imap_append_check(const struct drv_append *it, struct err *e)
{
	for (const char *const *k = it->keywords; k && *k; k++)
		if (!imap_append_atom(*k))
			return err_set(e, ERR_DATA, "keyword '%.100s' is not an IMAP atom", *k);
	return 0;
}

static const struct {
	unsigned bit;
	const char *name;
} imap_append_flags[] = {
	{DRV_FLAG_SEEN, "\\Seen"},       {DRV_FLAG_ANSWERED, "\\Answered"},
	{DRV_FLAG_FLAGGED, "\\Flagged"}, {DRV_FLAG_DRAFT, "\\Draft"},
	{DRV_FLAG_DELETED, "\\Deleted"},
};

/* The wall-clock fields of `t` in the zone `off` (seconds east), zone as libetpan's HHMM. */
static void imap_append_date_fields(time_t t, int off, struct tm *tm, int *zone)
{
	time_t local = t + off;
	gmtime_r(&local, tm);
	int a = off < 0 ? -off : off;
	*zone = (off < 0 ? -1 : 1) * ((a / 3600) * 100 + (a % 3600) / 60);
}

struct mailimap_flag_list *imap_append_flag_list(const struct drv_append *it)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	if (!fl)
		return NULL;
	struct mailimap_flag *f;
	for (size_t i = 0; i < sizeof imap_append_flags / sizeof imap_append_flags[0]; i++) {
		if (!(it->flags & imap_append_flags[i].bit))
			continue;
		switch (imap_append_flags[i].bit) {
		case DRV_FLAG_SEEN: f = mailimap_flag_new_seen(); break;
		case DRV_FLAG_ANSWERED: f = mailimap_flag_new_answered(); break;
		case DRV_FLAG_FLAGGED: f = mailimap_flag_new_flagged(); break;
		case DRV_FLAG_DRAFT: f = mailimap_flag_new_draft(); break;
		default: f = mailimap_flag_new_deleted(); break;
		}
		if (!f || mailimap_flag_list_add(fl, f) != MAILIMAP_NO_ERROR) {
			if (f)
				mailimap_flag_free(f);
			mailimap_flag_list_free(fl);
			return NULL;
		}
	}
	for (const char *const *k = it->keywords; k && *k; k++) {
		char *dup = strdup(*k);
		f = dup ? mailimap_flag_new_flag_keyword(dup) : NULL;
		if (!f || mailimap_flag_list_add(fl, f) != MAILIMAP_NO_ERROR) {
			if (f)
				mailimap_flag_free(f);
			else
				free(dup);
			mailimap_flag_list_free(fl);
			return NULL;
		}
	}
	return fl;
}

/* Dovecot answers an oversized APPEND with [LIMIT] ("Mail size is larger than …") rather
 * than RFC 7889's [TOOBIG]; for APPEND that can only mean the message size. */
static int imap_append_fail(struct imap_conn *c, int r, struct err *e, const char *what,
                            const char *mbox)
{
	imap_conn_fail(c, r, ERR_PERM, e, "%s to '%s'", what, mbox);
	if (e->cls == ERR_PERM && strcmp(e->resp_code, "LIMIT") == 0)
		e->cls = ERR_TOOBIG;
	return -1;
}

/* Without BINARY a NUL byte cannot travel in an IMAP literal (RFC 3501 §4.3): the smallest
 * change is to leave them out, and the caller records that. */
static int imap_append_nul_strip(void *ctx, const char *p, size_t n, struct err *e)
{
	struct spool *to = ctx;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && p[i] != '\0')
			continue;
		if (i > start && spool_write(to, p + start, i - start, e) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/* A spooled message without its NUL bytes, through a second spool (the added headers in
 * it->data have none). */
static int imap_append_spool_without_nul(struct imap_conn *c, const char *mbox,
                                         struct drv_append *it, struct err *e)
{
	struct spool sp;
	if (spool_open(&sp, it->spool->dir, e) < 0)
		return -1;
	uint64_t nuls = it->spool->nuls;
	struct drv_append copy = *it;
	copy.spool = &sp;
	int rc = spool_each(it->spool, imap_append_nul_strip, &sp, e);
	if (rc == 0)
		rc = imap_append_one(c, mbox, &copy, e);
	spool_close(&sp);
	if (rc == 0) {
		it->uid = copy.uid;
		snprintf(it->altered, sizeof it->altered, "%llu NUL byte(s) removed: the destination "
		         "has no IMAP BINARY", (unsigned long long)nuls);
	}
	return rc;
}

static int imap_append_gather(void *ctx, const char *p, size_t n, struct err *e)
{
	if (buf_append(ctx, p, n) < 0)
		return err_set(e, ERR_NOMEM, "message over the %llu-byte memory cap",
		               (unsigned long long)CAPS_MESSAGE_MAX);
	return 0;
}

/* A server without LITERAL+ gets a spooled message through libetpan's APPEND, which wants
 * it in memory (it waits for the server's "+" between the length and the bytes). */
static int imap_append_spool_in_memory(struct imap_conn *c, const char *mbox,
                                       struct drv_append *it, struct err *e)
{
	struct buf b;
	buf_init(&b, CAPS_MESSAGE_MAX);
	int rc = buf_append(&b, it->data, it->len) < 0 ? err_set(e, ERR_NOMEM, "out of memory")
	                                               : spool_each(it->spool, imap_append_gather, &b, e);
	struct drv_append copy = *it;
	copy.spool = NULL;
	copy.data = b.data ? b.data : "";
	copy.len = b.len;
	if (rc == 0)
		rc = imap_append_one(c, mbox, &copy, e);
	buf_release(&b);
	if (rc == 0)
		it->uid = copy.uid;
	return rc;
}

static int imap_append_without_nul(struct imap_conn *c, const char *mbox, struct drv_append *it,
                                   struct err *e)
{
	if (it->spool)
		return imap_append_spool_without_nul(c, mbox, it, e);
	struct buf b;
	size_t nuls = 0;
	buf_init(&b, CAPS_MESSAGE_MAX);
	for (size_t i = 0, start = 0; i <= it->len; i++) {
		if (i < it->len && it->data[i] != '\0')
			continue;
		if (buf_append(&b, it->data + start, i - start) < 0) {
			buf_release(&b);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		nuls += i < it->len;
		start = i + 1;
	}
	struct drv_append copy = *it;
	copy.data = b.data ? b.data : "";
	copy.len = b.len;
	int rc = imap_append_one(c, mbox, &copy, e);
	buf_release(&b);
	if (rc == 0) {
		it->uid = copy.uid;
		snprintf(it->altered, sizeof it->altered, "%zu NUL byte(s) removed: the destination "
		         "has no IMAP BINARY", nuls);
	}
	return rc;
}

int imap_append_one(struct imap_conn *c, const char *mbox, struct drv_append *it, struct err *e)
{
	if (imap_conn_usable(c, e) < 0 || imap_append_check(it, e) < 0)
		return -1;
	if (imap_append_has_nul(it)) {
		if (imap_conn_has(c, "BINARY") && imap_conn_has(c, "LITERAL+"))
			return imap_append_multi(c, mbox, it, 1, e);
		return imap_append_without_nul(c, mbox, it, e);
	}
	if (it->spool)
		return imap_conn_has(c, "LITERAL+") ? imap_append_multi(c, mbox, it, 1, e)
		                                    : imap_append_spool_in_memory(c, mbox, it, e);
	struct mailimap_flag_list *fl = imap_append_flag_list(it);
	struct mailimap_date_time *dt = NULL;
	if (!fl)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (it->internaldate) {
		struct tm tm;
		int zone;
		imap_append_date_fields(it->internaldate, it->tz_offset, &tm, &zone);
		dt = mailimap_date_time_new(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
		                            tm.tm_min, tm.tm_sec, zone);
		if (!dt) {
			mailimap_flag_list_free(fl);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	uint32_t uidvalidity = 0, uid = 0;
	int r = mailimap_uidplus_append(c->s, mbox, fl, dt, it->data, it->len, &uidvalidity, &uid);
	mailimap_flag_list_free(fl);
	if (dt)
		mailimap_date_time_free(dt);
	if (r != MAILIMAP_NO_ERROR)
		return imap_append_fail(c, r, e, "APPEND", mbox);
	it->uid = uid;
	return 0;
}

static const char *const imap_append_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool imap_append_has_nul(const struct drv_append *it)
{
	return memchr(it->data, '\0', it->len) != NULL || (it->spool && it->spool->nuls);
}

/* " (flags) \"date\" {n+}\r\n" for one item of a MULTIAPPEND; a message with NUL bytes
 * goes as literal8 "~{n+}" (RFC 3516 BINARY: the only way to store them exactly). */
static int imap_append_item_head(struct buf *b, const struct drv_append *it, uint64_t stored)
{
	int rc = buf_puts(b, " (");
	const char *sep = "";
	for (size_t i = 0; rc == 0 && i < sizeof imap_append_flags / sizeof imap_append_flags[0]; i++)
		if (it->flags & imap_append_flags[i].bit) {
			rc = buf_printf(b, "%s%s", sep, imap_append_flags[i].name);
			sep = " ";
		}
	for (const char *const *k = it->keywords; rc == 0 && k && *k; k++) {
		rc = buf_printf(b, "%s%s", sep, *k);
		sep = " ";
	}
	if (rc == 0)
		rc = buf_puts(b, ")");
	if (rc == 0 && it->internaldate) {
		struct tm tm;
		int zone;
		imap_append_date_fields(it->internaldate, it->tz_offset, &tm, &zone);
		int az = zone < 0 ? -zone : zone;
		rc = buf_printf(b, " \"%2d-%s-%04d %02d:%02d:%02d %c%04d\"", tm.tm_mday,
		                imap_append_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		                tm.tm_sec, zone < 0 ? '-' : '+', az);
	}
	if (rc == 0)
		rc = buf_printf(b, " %s{%llu+}\r\n", imap_append_has_nul(it) ? "~" : "",
		                (unsigned long long)stored);
	return rc;
}

static int imap_append_write(struct imap_conn *c, const struct buf *b)
{
	if (b->len && mailstream_write(c->s->imap_stream, b->data, b->len) != (ssize_t)b->len)
		return MAILIMAP_ERROR_STREAM;
	return MAILIMAP_NO_ERROR;
}

/* Send the whole command, read the tagged answer: a MAILIMAP_* code. */
static int imap_append_multi_send(struct imap_conn *c, const char *mbox,
                                  const struct drv_append *items, size_t n)
{
	struct buf b;
	buf_init(&b, CAPS_MESSAGE_MAX + CAPS_LINE_MAX);
	int r = mailimap_send_current_tag(c->s);
	if (r == MAILIMAP_NO_ERROR)
		r = buf_puts(&b, "APPEND ") < 0 || imap_conn_put_quoted(&b, mbox) < 0 ? MAILIMAP_ERROR_MEMORY
		                                                                    : MAILIMAP_NO_ERROR;
	for (size_t i = 0; r == MAILIMAP_NO_ERROR && i < n; i++) {
		/* One scan for the length; a message that is CR LF throughout (stored == len, the
		 * usual case) is then copied without a second one. */
		const struct drv_append *it = &items[i];
		uint64_t stored = crlf_stored_size(it->data, it->len);
		if (imap_append_item_head(&b, it, stored + (it->spool ? spool_stored(it->spool) : 0)) < 0 ||
		    (stored == it->len ? buf_append(&b, it->data, it->len)
		                       : imap_append_normalize(it->data, it->len, &b)) < 0)
			r = MAILIMAP_ERROR_MEMORY;
		else
			r = imap_append_write(c, &b);
		if (r == MAILIMAP_NO_ERROR && items[i].spool)
			r = imap_append_spool_send(c, items[i].spool);
		buf_reset(&b);
	}
	buf_release(&b);
	if (r == MAILIMAP_ERROR_MEMORY)
		/* Part of the command may be on the wire already: the session cannot go on. */
		c->dead = true;
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if (mailstream_write(c->s->imap_stream, "\r\n", 2) != 2 || mailstream_flush(c->s->imap_stream) < 0)
		return MAILIMAP_ERROR_STREAM;
	if (!mailimap_read_line(c->s))
		return MAILIMAP_ERROR_STREAM;
	struct mailimap_response *resp = NULL;
	r = mailimap_parse_response(c->s, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	struct mailimap_response_done *done = resp->rsp_resp_done;
	if (done->rsp_type != MAILIMAP_RESP_DONE_TYPE_TAGGED)
		r = MAILIMAP_ERROR_FATAL;
	else if (done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type != MAILIMAP_RESP_COND_STATE_OK)
		r = MAILIMAP_ERROR_APPEND;
	mailimap_response_free(resp);
	return r;
}

/* Spread the APPENDUID uid-set over the items, in order. The messages are stored once the
 * server said OK, so an answer we cannot use (no UIDPLUS, a set of the wrong length) leaves
 * the UIDs at 0 ("unknown") rather than failing: failing would make the caller append the
 * batch again. */
static void imap_append_uids(struct imap_conn *c, struct drv_append *items, size_t n)
{
	struct mailimap_response_info *ri = c->s->imap_response_info;
	struct mailimap_uidplus_resp_code_apnd *apnd = NULL;
	for (size_t i = 0; i < n; i++)
		items[i].uid = 0;
	for (clistiter *it = ri ? clist_begin(ri->rsp_extension_list) : NULL; it; it = clist_next(it)) {
		struct mailimap_extension_data *ed = clist_content(it);
		if (ed->ext_extension->ext_id == MAILIMAP_EXTENSION_UIDPLUS &&
		    ed->ext_type == MAILIMAP_UIDPLUS_RESP_CODE_APND)
			apnd = ed->ext_data;
	}
	if (!apnd || !apnd->uid_set)
		return;
	size_t k = 0;
	for (clistiter *it = clist_begin(apnd->uid_set->set_list); it; it = clist_next(it)) {
		struct mailimap_set_item *si = clist_content(it);
		uint32_t lo = si->set_first < si->set_last ? si->set_first : si->set_last;
		uint32_t hi = si->set_first < si->set_last ? si->set_last : si->set_first;
		k += (size_t)(hi - lo) + 1;
	}
	if (k != n)
		return;
	k = 0;
	for (clistiter *it = clist_begin(apnd->uid_set->set_list); it; it = clist_next(it)) {
		struct mailimap_set_item *si = clist_content(it);
		uint32_t lo = si->set_first < si->set_last ? si->set_first : si->set_last;
		uint32_t hi = si->set_first < si->set_last ? si->set_last : si->set_first;
		for (uint64_t u = lo; u <= hi; u++)
			items[k++].uid = (uint32_t)u;
	}
}

int imap_append_multi(struct imap_conn *c, const char *mbox, struct drv_append *items, size_t n,
                      struct err *e)
{
	if (imap_conn_usable(c, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (imap_append_check(&items[i], e) < 0)
			return err_prefix(e, "message %zu of the batch: ", i + 1);
	int r = imap_append_multi_send(c, mbox, items, n);
	if (r != MAILIMAP_NO_ERROR)
		return imap_append_fail(c, r, e, "MULTIAPPEND", mbox);
	imap_append_uids(c, items, n);
	return 0;
}
