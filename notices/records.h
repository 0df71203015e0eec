/* records: each customer's instruction (schedule/instr.h) as data, for staff who
 * mail-merge or load it into a support tool (`notices --format json`), and the
 * re-download prediction `check` prints, from the same records. */
#ifndef CUTOVER_RECORDS_H
#define CUTOVER_RECORDS_H

#include <jansson.h>
#include <stdio.h>

#include "base/err.h"
#include "schedule/plan.h"

/* One object keyed by customer id (docs/templates.md "JSON records"); only the ids in
 * `only` when n_only > 0. NULL with e set on failure. */
json_t *records_json(const struct plan *p, const char *const *only, size_t n_only, struct err *e);

/* check: who downloads the mail left on the server once more, grouped by outcome and
 * reason, naming a few customers per group. */
int records_print_redownload(FILE *f, const struct plan *p, struct err *e);

#endif
