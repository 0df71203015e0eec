/* journal_plan: the journal file of a plan: migration.journal (default "<name>.db"),
 * relative to the plan's directory. Caller frees; NULL when out of memory. */
#ifndef CUTOVER_JOURNAL_PLAN_H
#define CUTOVER_JOURNAL_PLAN_H

#include "schedule/plan.h"

char *journal_plan_path(const struct plan *p);

#endif
