/* vjournal: what the journal recorded for each source message of one folder, as verify
 * uses it (enum vtally_rec) — informs the report, never replaces reading the servers. */
#ifndef CUTOVER_VJOURNAL_H
#define CUTOVER_VJOURNAL_H

#include "base/err.h"
#include "mapping/journal.h"
#include "migrate/verify/vtally.h"

struct vjournal {
	struct journal_msg_set set;
	char **dst_keys;            /* sorted: how destination copies the journal made are named */
	size_t n_dst_keys;
};

/* j may be NULL (no journal): every message is then VTALLY_REC_NONE. */
int vjournal_load(struct vjournal *v, struct journal *j, const char *customer, const char *folder,
                  const char *dst_folder, struct err *e);
enum vtally_rec vjournal_recorded(const struct vjournal *v, const char *src_key);
/* Whether the journal says we copied the destination message named `key` (its POP3 UIDL —
 * the old one under preserve — or "uidvalidity/uid" in dst_folder). */
bool vjournal_ours(const struct vjournal *v, const char *key);
/* Set v[i].rec from the journal: source items by key (vjournal_recorded), destination
 * items VTALLY_REC_COPIED when vjournal_ours. */
void vjournal_mark(const struct vjournal *v, struct vtally_item *items, size_t n, bool dst);
void vjournal_free(struct vjournal *v);

#endif
