/* engine_rematch: after the source reset a folder's UIDVALIDITY every message has a new
 * key. A message the journal copied under the old one is the same destination message,
 * not a new one: it is found again by size, digest and Message-ID, and its old row is
 * superseded by the new one. This file owns that state for one folder. */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

int engine_rematch_init(struct engine_rematch *m, const struct journal_msg_set *set,
                        size_t stale, uint32_t uidvalidity, uint32_t dst_uidvalidity)
{
	memset(m, 0, sizeof *m);
	m->set = set;
	m->uidvalidity = uidvalidity;
	m->dst_uidvalidity = dst_uidvalidity;
	if (stale && !(m->used = calloc(set->n + 1, sizeof *m->used)))
		return -1;
	return 0;
}

static bool engine_rematch_str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

const struct journal_msg *engine_rematch_take(struct engine_rematch *m, uint64_t size,
                                              const char *sha, const char *message_id)
{
	for (size_t i = 0; m->used && i < m->set->n; i++) {
		const struct journal_msg *jm = &m->set->v[i];
		if (m->used[i] || jm->state != JOURNAL_MSG_DONE || jm->src_kind != JOURNAL_KEY_UID ||
		    jm->src_uidvalidity == m->uidvalidity || jm->dst_uidvalidity != m->dst_uidvalidity ||
		    jm->dst_uid == 0)
			continue;
		if (jm->size == size && strcmp(jm->sha256, sha) == 0 &&
		    engine_rematch_str_eq(jm->message_id, message_id)) {
			m->used[i] = true;
			return jm;
		}
	}
	return NULL;
}

int engine_rematch_finish(struct engine_rematch *m, struct journal *j, struct err *e)
{
	for (size_t i = 0; m->used && i < m->set->n; i++)
		if (m->used[i] && journal_msg_state(j, m->set->v[i].id, JOURNAL_MSG_SKIPPED,
		                                    "source UIDVALIDITY changed: found again under a new UID",
		                                    e) < 0)
			return -1;
	return 0;
}

void engine_rematch_free(struct engine_rematch *m)
{
	free(m->used);
	memset(m, 0, sizeof *m);
}
