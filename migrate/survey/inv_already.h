/* inv_already: how many of a folder's source messages a run would find on the destination
 * already, for dry-run. The matching is the run's own (engine_recon.h): the UIDL
 * strategy's header (X-UIDL) first, else Message-ID and the size as a run would store the
 * message; each destination message counts for one source message at most. A match by
 * size alone (no Message-ID) is not counted: a run confirms those by digest, which a dry
 * run (headers only, TOP n 0) cannot, so the count never claims more than a run would
 * find. Read-only: the destination's index pass and the source's listing and headers. */
#ifndef CUTOVER_INV_ALREADY_H
#define CUTOVER_INV_ALREADY_H

#include <stddef.h>

#include "migrate/driver.h"
#include "schedule/plan.h"

struct inv_wants;

/* Room for the n messages of one listing; NULL = no memory. */
struct inv_wants *inv_wants_new(const struct plan *p, size_t n);
/* Message i of the listing: its key and LIST size; hdr (its header block, may be NULL)
 * adds the Message-ID and the bytes the UIDL strategy adds to the stored size. -1 = no
 * memory. */
int inv_wants_set(struct inv_wants *w, size_t i, const struct drv_msg *m, const char *hdr,
                  size_t len);
/* The header to ask the destination's index for (the strategy's, e.g. X-UIDL), or NULL. */
const char *inv_wants_header(const struct inv_wants *w);
/* Matched messages; takes over *ix. */
size_t inv_wants_count(const struct inv_wants *w, struct drv_index *ix);
void inv_wants_free(struct inv_wants *w);

#endif
