/* tcheck: render every template a plan would use, before the night: the announcement in
 * each language its readers use, and each mail program's notice in every format with a
 * representative customer, so a typo in a per-program steps file is reported by `check`
 * ("template:line: what") and not when the first customer with that program is written. */
#ifndef CUTOVER_TCHECK_H
#define CUTOVER_TCHECK_H

#include "base/diag.h"
#include "notices/render.h"
#include "schedule/plan.h"

/* One DIAG_ERROR per failing template (the first failure of each program and format).
 * Returns the number of errors added. */
size_t tcheck_templates(const struct render_opts *o, const struct plan *p, struct diag *d);

#endif
