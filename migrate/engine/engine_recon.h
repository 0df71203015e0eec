/* engine_recon: the matching of engine_reconcile.c (pure, no I/O) — which destination
 * message, from one index pass (dst_ops.index), is a given source message. Public so that
 * dry-run counts "already on the destination" exactly as a run would find them. */
#ifndef CUTOVER_ENGINE_RECON_H
#define CUTOVER_ENGINE_RECON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mapping/journal.h"
#include "migrate/driver.h"

/* Reconcile: the destination's index of one folder against the journal (engine_reconcile.c,
 * pure). */
struct engine_recon {
	struct drv_index ix;        /* owned */
	bool *taken;                /* ix.v[i] is accounted for (by the journal or a match) */
	size_t n_taken;
	bool active;                /* false: the destination has no index op */
};
/* Takes over *ix (left empty). -1: no memory. */
int engine_recon_init(struct engine_recon *r, struct drv_index *ix);
void engine_recon_free(struct engine_recon *r);
/* DONE rows of set no longer on the destination (another UIDVALIDITY, UID gone) are set to
 * FAILED in memory, so the diff copies them again; the present ones are claimed. Returns
 * how many are missing. */
size_t engine_recon_check(struct engine_recon *r, struct journal_msg_set *set,
                          uint32_t dst_uidvalidity);
struct engine_recon_want {
	const char *found_by;       /* the strategy's header value for this message, or NULL */
	const char *message_id;     /* or NULL */
	uint64_t size;              /* as stored (engine_recon_stored_size of the prepared bytes) */
};
/* Unclaimed index positions that may hold the message, at most max. *need_digest: more than
 * one candidate, or no Message-ID: the caller confirms by digest before taking one. */
size_t engine_recon_candidates(const struct engine_recon *r, const struct engine_recon_want *w,
                               size_t *out, size_t max, bool *need_digest);
void engine_recon_take(struct engine_recon *r, size_t i);
void engine_recon_take_uid(struct engine_recon *r, uint32_t uid);
/* The size a server reports for these bytes: every line ending as CRLF. */
uint64_t engine_recon_stored_size(const char *d, size_t len);

#endif
