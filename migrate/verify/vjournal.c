/* vjournal: journal rows of a folder, looked up by source key or destination name. */
#include "migrate/verify/vjournal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vj_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vj_push(struct vjournal *v, const char *key, struct err *e)
{
	if (!(v->dst_keys[v->n_dst_keys] = strdup(key)))
		return err_set(e, ERR_NOMEM, "out of memory");
	v->n_dst_keys++;
	return 0;
}

/* Every name a destination copy we made can be found by: its POP3 UIDL (the old one under
 * preserve, so the source key too) and its IMAP "uidvalidity/uid". */
static int vj_dst_keys(struct vjournal *v, const char *dst_folder, struct err *e)
{
	v->dst_keys = calloc(3 * v->set.n + 1, sizeof *v->dst_keys);
	if (!v->dst_keys)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < v->set.n; i++) {
		const struct journal_msg *m = &v->set.v[i];
		char uid[32];
		if (m->state != JOURNAL_MSG_DONE)
			continue;
		if (vj_push(v, m->src_key, e) < 0 || (m->dst_uidl && vj_push(v, m->dst_uidl, e) < 0))
			return -1;
		if (m->dst_uid && m->dst_folder && strcmp(m->dst_folder, dst_folder) == 0) {
			snprintf(uid, sizeof uid, "%lu/%lu", (unsigned long)m->dst_uidvalidity,
			         (unsigned long)m->dst_uid);
			if (vj_push(v, uid, e) < 0)
				return -1;
		}
	}
	qsort(v->dst_keys, v->n_dst_keys, sizeof *v->dst_keys, vj_cmp);
	return 0;
}

int vjournal_load(struct vjournal *v, struct journal *j, const char *customer, const char *folder,
                  const char *dst_folder, struct err *e)
{
	memset(v, 0, sizeof *v);
	if (!j)
		return 0;
	if (journal_msgs_load(j, customer, folder, &v->set, e) < 0)
		return -1;
	return vj_dst_keys(v, dst_folder, e);
}

/* The one place journal states become verify's: a recorded ALTERED state (issue 11
 * item 4) is to map to VTALLY_REC_ALTERED here — the tally already accepts such messages. */
/* A DONE row the engine stored with a recorded change (NUL bytes removed where the
 * destination has no BINARY) is ALTERED: verify accepts its different bytes. */
static enum vtally_rec vjournal_map(const struct journal_msg *m)
{
	if (m->state == JOURNAL_MSG_DONE && m->altered)
		return VTALLY_REC_ALTERED;
	switch (m->state) {
	case JOURNAL_MSG_FAILED:
		return VTALLY_REC_FAILED;
	case JOURNAL_MSG_INTENT:
	case JOURNAL_MSG_DONE:
	case JOURNAL_MSG_SKIPPED:
		return VTALLY_REC_COPIED;
	}
	return VTALLY_REC_COPIED;
}

enum vtally_rec vjournal_recorded(const struct vjournal *v, const char *src_key)
{
	const struct journal_msg *m = v->set.n ? journal_msg_set_find(&v->set, src_key) : NULL;
	return m ? vjournal_map(m) : VTALLY_REC_NONE;
}

bool vjournal_ours(const struct vjournal *v, const char *key)
{
	return v->n_dst_keys &&
	       bsearch(&key, v->dst_keys, v->n_dst_keys, sizeof *v->dst_keys, vj_cmp) != NULL;
}

void vjournal_mark(const struct vjournal *v, struct vtally_item *items, size_t n, bool dst)
{
	for (size_t i = 0; i < n; i++) {
		if (dst)
			items[i].rec = vjournal_ours(v, items[i].key) ? VTALLY_REC_COPIED : VTALLY_REC_NONE;
		else
			items[i].rec = vjournal_recorded(v, items[i].key);
	}
}

void vjournal_free(struct vjournal *v)
{
	for (size_t i = 0; i < v->n_dst_keys; i++)
		free(v->dst_keys[i]);
	free(v->dst_keys);
	journal_msg_set_free(&v->set);
	memset(v, 0, sizeof *v);
}
