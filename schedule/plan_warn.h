/* plan_warn: the doubts about a valid plan that a support lead must see before the
 * window: what will make customers' passwords travel in clear, mail download twice, or
 * sending fail. Errors (a plan that cannot work) are plan_load()'s; these are warnings. */
#ifndef CUTOVER_PLAN_WARN_H
#define CUTOVER_PLAN_WARN_H

#include "base/diag.h"
#include "schedule/plan.h"

/* Add one DIAG_WARNING per doubt to d, each at the plan key (or CSV row) it is about. */
void plan_warn(const struct plan *p, struct diag *d);

#endif
