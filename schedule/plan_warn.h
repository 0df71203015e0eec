/* plan_warn: the doubts about a valid plan that a support lead must see before the
 * window: what will make customers' passwords travel in clear, mail download twice, or
 * sending fail. Errors (a plan that cannot work) are plan_load()'s; these are warnings. */
#ifndef CUTOVER_PLAN_WARN_H
#define CUTOVER_PLAN_WARN_H

#include <time.h>

#include "base/diag.h"
#include "schedule/plan.h"

/* Add one DIAG_WARNING per doubt to d, each at the plan key (or CSV row) it is about. */
void plan_warn(const struct plan *p, struct diag *d);

/* The window (or announce_by) lies before `now`: the documents would announce the past.
 * A separate call because the clock is the caller's (SOURCE_DATE_EPOCH in tests). */
void plan_warn_past(const struct plan *p, time_t now, struct diag *d);

#endif
