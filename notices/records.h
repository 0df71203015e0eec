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

/* `notices --format json`: {"schema": 1, "command": "notices", "plan": NAME, "customers":
 * [ {"customer": ID, …the same keys…}, … ]} in plan order (docs/templates.md). */
json_t *records_doc(const struct plan *p, const char *const *only, size_t n_only, struct err *e);

/* check: who downloads the mail left on the server once more, grouped by outcome and
 * reason, naming a few customers per group. */
int records_print_redownload(FILE *f, const struct plan *p, struct err *e);

/* check: the cautions the notices print (records' `notes`), with how many customers and
 * a few ids each; nothing when no customer has any. */
int records_print_notes(FILE *f, const struct plan *p, struct err *e);

#endif
